"""`matches` on every sentence of the API: its shape, order, blind review, the filters
`has_match` and `matched_verdict`, and a query budget flat in sentences and matches.

The matches are stored directly here (tests/test_matching_store.py covers how they are found).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from annotations import services
from annotations.models import Assignment, Sentence
from tests.factories import UserFactory, article_create, claim_match_create

pytestmark = pytest.mark.django_db

EVIDENCE = [
    {
        "url": "https://stats.example.org/march",
        "title": "March figures",
        "quote": "4.2%",
        "stance": "supports",
    },
]


@pytest.fixture
def scene(editor):
    """A new article's first claim matched to an earlier claim with a published verdict (same),
    to one with a draft verdict (same, less alike) and to one without (opposite)."""
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        earlier = article_create(
            sentences=3, title="Jobs report", published_at="2026-02-28T18:00:00Z"
        )
        published, draft, plain = earlier.sentences.order_by("index")
        services.verdict_set(
            sentence=published,
            user=editor,
            label="false",
            rationale="It rose.",
            evidence=EVIDENCE,
            published=True,
        )
        services.verdict_set(sentence=draft, user=editor, label="mixed")
    later = article_create(sentences=2, title="Column")
    current, _ = later.sentences.order_by("index")
    claim_match_create(current, plain, "opposite", 0.99)
    claim_match_create(current, draft, "same", 0.81)
    claim_match_create(current, published, "same", 0.93)
    return {
        "earlier": earlier,
        "later": later,
        "current": current,
        "published": published,
        "draft": draft,
        "plain": plain,
    }


def match_of(sentence: Sentence, article, relation: str, similarity: float, verdict) -> dict:
    return {
        "sentence": sentence.pk,
        "article": article.pk,
        "article_title": "Jobs report",
        "article_published_at": "2026-02-28T18:00:00Z",
        "text": sentence.text,
        "similarity": similarity,
        "relation": relation,
        "verdict": verdict,
    }


PUBLISHED = {
    "label": "false",
    "label_name": "False",
    "published": True,
    "published_at": "2026-03-01T09:00:00Z",
    "evidence": EVIDENCE,
}
DRAFT = {
    "label": "mixed",
    "label_name": "Mixed",
    "published": False,
    "published_at": None,
    "evidence": [],
}


def test_a_sentence_carries_its_matches_best_first_with_their_verdicts(editor_client, scene):
    current = scene["current"]
    response = editor_client.get(f"/api/sentences/{current.pk}/")
    assert response.status_code == 200
    current.refresh_from_db()
    assert response.json() == {
        "id": current.pk,
        "article": scene["later"].pk,
        "index": 0,
        "paragraph": 0,
        "start": 0,
        "end": len(current.text),
        "text": current.text,
        "kind": "claim",
        "status": "pending",
        "updated_at": current.updated_at.isoformat().replace("+00:00", "Z"),
        "reviews": [],
        "verdict": None,
        # The same claim first, the most alike first; then the opposite claims.
        "matches": [
            match_of(scene["published"], scene["earlier"], "same", 0.93, PUBLISHED),
            match_of(scene["draft"], scene["earlier"], "same", 0.81, DRAFT),
            match_of(scene["plain"], scene["earlier"], "opposite", 0.99, None),
        ],
    }


def test_every_sentence_payload_carries_matches_and_the_earlier_side_shows_the_later(
    editor_client, scene, django_capture_on_commit_callbacks
):
    current, later = scene["current"], scene["later"]
    expected = editor_client.get(f"/api/sentences/{current.pk}/").json()["matches"]
    listed = editor_client.get(f"/api/sentences/?article={later.pk}").json()["results"]
    detail = editor_client.get(f"/api/articles/{later.pk}/").json()["sentences"]
    generic = editor_client.get(f"/api/articles/{later.pk}/?fields=all").json()["sentences"]
    for sentences in (listed, detail, generic):
        assert [s["matches"] for s in sentences] == [expected, []]

    # Stored both ways round: the earlier claim shows the later one.
    back = editor_client.get(f"/api/sentences/{scene['published'].pk}/").json()["matches"]
    assert [(m["sentence"], m["article"], m["article_title"]) for m in back] == [
        (current.pk, later.pk, "Column")
    ]

    # The answers that are sentences: a kind change, a split, a merge.
    patched = editor_client.patch(
        f"/api/sentences/{current.pk}/", {"kind": "claim"}, format="json"
    ).json()
    assert patched["matches"] == expected
    with django_capture_on_commit_callbacks(execute=False):
        split = editor_client.post(
            f"/api/sentences/{current.pk}/split/", {"at": current.start + 5}, format="json"
        )
    assert split.status_code == 200
    assert [s["matches"] for s in split.json()] == [[], []]  # its text changed: pairs dropped
    claim_match_create(Sentence.objects.get(pk=current.pk), scene["published"])
    with django_capture_on_commit_callbacks(execute=False):
        merged = editor_client.post(f"/api/sentences/{current.pk}/merge/")
    assert merged.status_code == 200
    assert [s["matches"] for s in merged.json()] == [[]]


# --- Blind review ------------------------------------------------------------------------------
def test_a_reviewer_sees_a_matched_verdict_only_where_they_would_see_it_on_its_sentence(
    settings, scene, reviewer, reviewer_client
):
    settings.FACTCHECK_BLIND_REVIEW = True
    url = f"/api/sentences/{scene['current'].pk}/"

    def verdicts() -> list:
        return [m["verdict"] for m in reviewer_client.get(url).json()["matches"]]

    # Published: public anyway. The draft: not before the reviewer rated its sentence.
    assert verdicts() == [PUBLISHED, None, None]
    services.review_save(sentence=scene["draft"], reviewer=reviewer, label="accurate")
    assert verdicts() == [PUBLISHED, DRAFT, None]
    # Another reviewer's rating of the matched sentence does not count for this one.
    other = APIClient()
    other.force_authenticate(UserFactory(username="rae", groups=["reviewer"]))
    assert [m["verdict"] for m in other.get(url).json()["matches"]] == [PUBLISHED, None, None]


def test_without_blind_review_reviewers_see_every_matched_verdict(settings, scene, reviewer_client):
    settings.FACTCHECK_BLIND_REVIEW = False
    matches = reviewer_client.get(f"/api/sentences/{scene['current'].pk}/").json()["matches"]
    assert [m["verdict"] for m in matches] == [PUBLISHED, DRAFT, None]


def test_with_closed_reviewing_a_match_into_an_article_not_assigned_shows_only_if_published(
    settings, scene, editor, reviewer, reviewer_client
):
    settings.FACTCHECK_OPEN_REVIEWING = False
    Assignment.objects.create(article=scene["later"], reviewer=reviewer, assigned_by=editor)
    url = f"/api/sentences/{scene['current'].pk}/"
    shown = [m["sentence"] for m in reviewer_client.get(url).json()["matches"]]
    assert shown == [scene["published"].pk]
    Assignment.objects.create(article=scene["earlier"], reviewer=reviewer, assigned_by=editor)
    shown = [m["sentence"] for m in reviewer_client.get(url).json()["matches"]]
    assert shown == [scene["published"].pk, scene["draft"].pk, scene["plain"].pk]


# --- Filters -----------------------------------------------------------------------------------
def ids(client, query: str) -> list[int]:
    response = client.get(f"/api/sentences/?{query}")
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_has_match_and_matched_verdict_filter_for_the_desk(
    settings, scene, editor_client, reviewer_client
):
    settings.FACTCHECK_BLIND_REVIEW = True
    current, later = scene["current"], scene["later"]
    other = later.sentences.get(index=1)
    # A claim matched only to an opposite claim has no match for the desk.
    newest = article_create(sentences=2, title="Newest")
    lone, unverified = newest.sentences.order_by("index")
    claim_match_create(lone, scene["plain"], "opposite")
    claim_match_create(unverified, scene["draft"], "same")
    earlier = list(scene["earlier"].sentences.order_by("index").values_list("id", flat=True))
    published, draft, plain = earlier

    for client in (editor_client, reviewer_client):
        assert ids(client, "has_match=true") == sorted(
            [published, draft, current.pk, unverified.pk]
        )
        assert ids(client, f"has_match=false&article={later.pk}") == [other.pk]
        assert ids(client, f"has_match=0&article={newest.pk}") == [lone.pk]
    # The editor sees the draft verdict; a reviewer who has not rated its sentence does not.
    assert ids(editor_client, "matched_verdict=true") == [current.pk, unverified.pk]
    assert ids(reviewer_client, "matched_verdict=true") == [current.pk]
    assert ids(reviewer_client, "has_match=true&matched_verdict=false") == sorted(
        [published, draft, unverified.pk]
    )
    assert ids(editor_client, "has_match=true&matched_verdict=false") == [published, draft]


@pytest.mark.parametrize(
    "query", ["has_match=maybe", "has_match=yes", "matched_verdict=2", "matched_verdict=nul"]
)
def test_bad_match_filter_values_answer_400_naming_the_field(editor_client, query):
    response = editor_client.get(f"/api/sentences/?{query}")
    assert response.status_code == 400
    field = query.split("=")[0]
    assert response.json() == {field: ["Must be true or false."]}


# --- Query budget ------------------------------------------------------------------------------
@pytest.fixture
def matched(editor):
    """Articles whose every claim is matched to two claims of an earlier article, one of them
    with a verdict."""

    def make(sentences: int):
        earlier = article_create(sentences=sentences * 2)
        targets = list(earlier.sentences.order_by("index"))
        for target in targets[::2]:
            services.verdict_set(sentence=target, user=editor, label="mixed")
        later = article_create(sentences=sentences)
        for index, sentence in enumerate(later.sentences.order_by("index")):
            claim_match_create(sentence, targets[2 * index], "same", 0.9)
            claim_match_create(sentence, targets[2 * index + 1], "opposite", 0.8)
        return later

    return make


@pytest.mark.parametrize("sentences", [3, 40])
@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_sentence_list_and_article_detail_cost_the_same_queries_for_any_number_of_matches(
    settings, matched, editor_client, reviewer_client, django_assert_num_queries, sentences, who
):
    settings.FACTCHECK_BLIND_REVIEW = True
    later = matched(sentences)
    client = editor_client if who == "editor" else reviewer_client
    # viewer's role + sentences page with verdicts + their reviews + their matches (with the
    # matched sentences, articles and verdicts joined, and whether the viewer rated each)
    with django_assert_num_queries(4):
        listed = client.get(f"/api/sentences/?article={later.pk}&page_size=500").json()
    # viewer's role + article with counts + tags + sentences with verdicts + reviews + matches
    with django_assert_num_queries(6):
        detail = client.get(f"/api/articles/{later.pk}/").json()
    # viewer's role + the sentence with its verdict + its reviews + its matches
    first = detail["sentences"][0]["id"]
    with django_assert_num_queries(4):
        single = client.get(f"/api/sentences/{first}/").json()
    for rows in (listed["results"], detail["sentences"]):
        assert len(rows) == sentences
        assert all(len(row["matches"]) == 2 for row in rows)
    assert single["matches"] == detail["sentences"][0]["matches"]
    assert [m["verdict"] for m in single["matches"]] == [
        DRAFT if who == "editor" else None,  # blind review: the reviewer rated none of them
        None,
    ]
