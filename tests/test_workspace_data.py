"""The workspace's data (selectors.workspace) holds reviews and verdicts exactly as the API
shows them, though the selector builds them without the API's serializers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotations import selectors, services
from annotations.api.serializers import ReviewSerializer, VerdictSerializer
from annotations.models import Review, Verdict
from annotations.permissions import viewer_for
from tests.factories import article_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(settings, editor, reviewer, reviewer2):
    """An article with a review carrying evidence, a plain one, an editor's verdict and a
    consensus verdict (no decider)."""
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    article = article_create(sentences=3)
    s0, s1, _ = article.sentences.order_by("index")
    evidence = [
        {"url": "https://example.org/a", "title": "Report", "quote": "2", "stance": "refutes"},
        {"url": "https://example.org/b", "title": "", "quote": "", "stance": "context"},
    ]
    services.review_save(
        sentence=s0, reviewer=reviewer, label="false", note="Wrong count", evidence=evidence
    )
    services.review_save(sentence=s0, reviewer=reviewer2, label="mixed", note="ünïcode ✓")
    services.verdict_set(sentence=s0, user=editor, label="mixed", rationale="Partly right")
    services.review_save(sentence=s1, reviewer=reviewer, label="accurate")
    services.review_save(sentence=s1, reviewer=reviewer2, label="accurate")
    return article


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_workspace_reviews_and_verdicts_equal_the_api_serializers(editor, worked, zone):
    with timezone.override(zone):
        data = selectors.workspace(viewer_for(editor), worked.pk)["data"]["sentences"]
        reviews = Review.objects.select_related("reviewer", "label")
        verdicts = Verdict.objects.select_related("label", "decided_by")
        api_reviews = {row["id"]: row for row in ReviewSerializer(reviews, many=True).data}
        api_verdicts = {row["id"]: row for row in VerdictSerializer(verdicts, many=True).data}

    shown_reviews = {row["id"]: row for s in data.values() for row in s["reviews"]}
    shown_verdicts = {s["verdict"]["id"]: s["verdict"] for s in data.values() if s["verdict"]}
    assert len(shown_reviews) == 4
    assert {v["decided_by"] for v in shown_verdicts.values()} == {"ed", None}
    assert shown_reviews == api_reviews
    assert shown_verdicts == api_verdicts


def test_a_reviewers_own_review_is_the_api_one_too(reviewer, worked):
    data = selectors.workspace(viewer_for(reviewer), worked.pk)["data"]["sentences"]
    mine = [s["mine"] for s in data.values() if s["mine"]]

    reviews = Review.objects.filter(reviewer=reviewer).select_related("reviewer", "label")
    assert mine == list(ReviewSerializer(reviews.order_by("sentence__index"), many=True).data)
