"""manage.py demo spreads its work over the past weeks, so the 30-day charts show a history."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotations.models import Article, History, Review, Verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_output() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_demo_imports_every_file_once(demo_output):
    assert "already there" in demo_output
    assert ", 0 already there." in demo_output  # no demo file repeats another


def test_reviews_verdicts_and_imports_are_spread_over_the_past_weeks(demo_output):
    now = timezone.now()
    days = {r.updated_at.date() for r in Review.objects.all()}
    recent = {d for d in days if d >= (now - timedelta(days=30)).date()}
    assert len(recent) >= 15  # most days of the dashboard's window have reviews
    assert min(days) <= (now - timedelta(days=21)).date()
    assert max(r.updated_at for r in Review.objects.all()) <= now
    imports = sorted(Article.objects.values_list("created_at", flat=True))
    assert imports[0] <= now - timedelta(days=30) and imports[-1] <= now - timedelta(days=14)

    # Nothing happens before what it depends on: a review after its article's import, a
    # verdict after the reviews, the history at the time of each change.
    for review in Review.objects.select_related("sentence__article"):
        assert review.created_at >= review.sentence.article.created_at
    for verdict in Verdict.objects.select_related("sentence"):
        reviews = Review.objects.filter(sentence=verdict.sentence)
        assert verdict.created_at >= max(r.updated_at for r in reviews)
    assert History.objects.filter(created_at__lte=now - timedelta(days=14)).exists()
    # Still some published verdicts and some drafts.
    assert Verdict.objects.filter(published=True).exists()
    assert Verdict.objects.filter(published=False).exists()
