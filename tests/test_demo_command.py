"""manage.py demo --no-serve: users, articles, reviews; safe to run twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from annotations.models import Article, Review, Sentence, Verdict

pytestmark = pytest.mark.django_db


def demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_demo_sets_up_users_articles_and_reviews():
    out = demo()

    for username, group in [
        ("editor", "editor"),
        ("reviewer1", "reviewer"),
        ("reviewer2", "reviewer"),
    ]:
        user = authenticate(username=username, password=username)
        assert user is not None
        assert user.groups.filter(name=group).exists()
        assert f"{username:<10} password {username}" in out
    assert authenticate(username="admin", password="admin").is_superuser

    assert Article.objects.count() >= 6
    assert Sentence.objects.count() >= 150
    assert Article.objects.filter(language="de").exists()
    boilerplate = set(Sentence.objects.filter(kind="boilerplate").values_list("text", flat=True))
    assert {"Advert", "Advertisement", "Share this article"} <= boilerplate
    assert any(text.startswith("If you would like to support") for text in boilerplate)
    statuses = set(Sentence.objects.values_list("status", flat=True))
    assert statuses == {"pending", "in_review", "disputed", "final"}
    assert Review.objects.exists() and Verdict.objects.exists()
    for s in Sentence.objects.select_related("article")[:500]:
        assert s.article.body[s.start : s.end] == s.text


def test_demo_twice_changes_nothing():
    demo()
    counts = (Article.objects.count(), Sentence.objects.count(), Review.objects.count())
    out = demo()
    assert (Article.objects.count(), Sentence.objects.count(), Review.objects.count()) == counts
    assert "0 imported" in out


def test_the_demos_later_articles_show_earlier_fact_checks():
    from annotations.models import ClaimMatch

    out = demo()

    assert "Demo fact-checks of restated claims:" in out
    later = ClaimMatch.objects.filter(
        article__title__startswith="Opinion: Marlow Bay", relation="same"
    ).select_related("matched__verdict")
    restated = {m.matched.text: m.matched.verdict.published for m in later}
    assert (
        restated[
            "The company blamed lower mackerel quotas, higher energy prices and "
            "competition from larger plants abroad."
        ]
        is True
    )
    assert ClaimMatch.objects.filter(
        article__title__startswith="Opinion: Marlow Bay",
        relation="opposite",
        matched__text="Revenue fell 12.5% to £38.4 million.",
    ).exists()
