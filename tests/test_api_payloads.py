"""The sentences inside GET /api/articles/{id}/ and GET /api/sentences/{id}/ carry their reviews
and verdict exactly as ReviewSerializer and VerdictSerializer give them, though
SentenceSerializer builds them with the plain functions the workspace uses."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from annotations import selectors, services
from annotations.api.serializers import (
    ArticleDetailSerializer,
    ReviewSerializer,
    SentenceDetailSerializer,
    VerdictSerializer,
)
from annotations.models import Review, Tag, Verdict
from annotations.permissions import viewer_for
from tests.factories import article_create, claim_match_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_article_and_sentence_payloads_hold_the_serializers_reviews_and_verdicts(
    editor_client, worked, zone
):
    with timezone.override(zone):
        article = editor_client.get(f"/api/articles/{worked.pk}/").json()
        singles = [
            editor_client.get(f"/api/sentences/{s['id']}/").json() for s in article["sentences"]
        ]
        reviews = Review.objects.select_related("reviewer", "label").order_by("created_at", "id")
        verdicts = Verdict.objects.select_related("label", "decided_by")
        expected_reviews = ReviewSerializer(reviews, many=True).data
        expected_verdicts = {v["sentence"]: v for v in VerdictSerializer(verdicts, many=True).data}

    for sentences in (article["sentences"], singles):
        assert [r for s in sentences for r in s["reviews"]] == expected_reviews
        assert {s["id"]: s["verdict"] for s in sentences if s["verdict"]} == expected_verdicts
    assert len(expected_reviews) == 4
    assert {v["decided_by"] for v in expected_verdicts.values()} == {"ed", None}


@pytest.fixture
def matched(worked, editor):
    """The worked article's claims matched to an earlier article's: one with a published
    verdict with sources (same), one with a draft (same), one without a verdict (opposite)."""
    earlier = article_create(sentences=3, published_at="2026-02-28T18:00:00Z")
    published, draft, plain = earlier.sentences.order_by("index")
    services.verdict_set(
        sentence=published,
        user=editor,
        label="false",
        rationale="The figure was 4.8%.",
        evidence=[{"url": "https://example.org/s", "title": "Source", "stance": "refutes"}],
        published=True,
    )
    services.verdict_set(sentence=draft, user=editor, label="accurate")
    s0, s1, _ = worked.sentences.order_by("index")
    pairs = [(s0, published, "same", 0.9), (s0, plain, "opposite", 0.95), (s1, draft, "same", 0.8)]
    for mine, other, relation, similarity in pairs:
        claim_match_create(mine, other, relation, similarity)
    return worked


@pytest.mark.parametrize("who", ["editor", "reviewer", "reviewer3"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_article_and_sentence_details_equal_their_serializers(
    settings, matched, worked, editor, reviewer, django_user_model, who, zone
):
    """The details are built from plain rows (selectors.article_detail_data and
    sentence_detail_data); the whole payload is what the serializers give for the same rows,
    for an editor, a reviewer who rated and one who did not (blind review hides others' work)."""
    settings.FACTCHECK_BLIND_REVIEW = True
    users = {"editor": editor, "reviewer": reviewer}
    if who == "reviewer3":
        from django.contrib.auth.models import Group

        users[who] = django_user_model.objects.create_user("rae", password="pw")
        users[who].groups.add(Group.objects.get(name="reviewer"))
    user = users[who]
    worked.tags.set([Tag.objects.create(name="zeta"), Tag.objects.create(name="alpha")])
    client = APIClient()
    client.force_authenticate(user)
    viewer = viewer_for(user)
    with timezone.override(zone):
        article = client.get(f"/api/articles/{worked.pk}/")
        expected = ArticleDetailSerializer(
            selectors.article_detail(viewer, matches=True).get(pk=worked.pk),
            context={"viewer": viewer},
        ).data
        sentences = [client.get(f"/api/sentences/{s['id']}/") for s in expected["sentences"]]
        expected_sentences = SentenceDetailSerializer(
            selectors.sentence_list(viewer, matches=True).filter(article=worked),
            many=True,
            context={"viewer": viewer},
        ).data
        # Loaded without the matches' prefetch, the serializer reads them itself, alike.
        unprefetched = SentenceDetailSerializer(
            selectors.sentence_list(viewer).filter(article=worked),
            many=True,
            context={"viewer": viewer},
        ).data

    assert article.content == JSONRenderer().render(expected)
    assert JSONRenderer().render(unprefetched) == JSONRenderer().render(expected_sentences)
    assert [s.content for s in sentences] == [JSONRenderer().render(s) for s in expected_sentences]
    shown = [r for s in expected["sentences"] for r in s["reviews"]]
    assert len(shown) == (0 if who == "reviewer3" else 4)
    # The matches too (selectors.matching builds both), verdicts under blind review.
    matches = [
        [(m["relation"], bool(m["verdict"])) for m in s["matches"]] for s in expected["sentences"]
    ]
    draft_shown = who == "editor"
    assert matches == [[("same", True), ("opposite", False)], [("same", draft_shown)], []]
