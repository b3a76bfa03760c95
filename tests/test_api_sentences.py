"""/api/sentences/: lists with filters, details, reviews with If-Match, verdicts, history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from annotations import services
from annotations.models import History, Label, Review, Sentence, Verdict
from tests.factories import article_create

pytestmark = pytest.mark.django_db

EVIDENCE = [
    {"url": "https://example.org/report", "title": "Report", "quote": "", "stance": "refutes"}
]


@pytest.fixture
def article():
    return article_create(sentences=3)


@pytest.fixture
def sentence(article):
    return article.sentences.get(index=0)


def test_sentence_detail_has_status_reviews_and_verdict(
    reviewer_client, sentence, reviewer, editor
):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        review, _ = services.review_save(
            sentence=sentence,
            reviewer=reviewer,
            label="false",
            note="Wrong year.",
            evidence=EVIDENCE,
        )
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), tick=False):
        verdict = services.verdict_set(sentence=sentence, user=editor, label="false", rationale="R")

    response = reviewer_client.get(f"/api/sentences/{sentence.pk}/")

    assert response.status_code == 200
    payload = response.json()
    assert payload == {
        "id": sentence.pk,
        "article": sentence.article_id,
        "index": 0,
        "paragraph": 0,
        "start": 0,
        "end": len(sentence.text),
        "text": sentence.text,
        "kind": "claim",
        "status": "final",
        "updated_at": "2026-03-03T09:00:00Z",
        "reviews": [
            {
                "id": review.pk,
                "sentence": sentence.pk,
                "reviewer": "rita",
                "label": "false",
                "note": "Wrong year.",
                "evidence": EVIDENCE,
                "version": 1,
                "created_at": "2026-03-02T09:00:00Z",
                "updated_at": "2026-03-02T09:00:00Z",
            }
        ],
        "verdict": {
            "id": verdict.pk,
            "sentence": sentence.pk,
            "label": "false",
            "rationale": "R",
            "decided_by": "ed",
            "is_consensus": False,
            "needs_attention": False,
            "evidence": [],
            "published": False,
            "published_at": None,
            "corrected_at": None,
            "version": 1,
            "created_at": "2026-03-03T09:00:00Z",
            "updated_at": "2026-03-03T09:00:00Z",
        },
        "matches": [],
    }


def test_put_review_creates_then_updates_with_etag(reviewer_client, sentence):
    url = f"/api/sentences/{sentence.pk}/review/"

    created = reviewer_client.put(url, {"label": "accurate", "note": "Checked."}, format="json")
    updated = reviewer_client.put(
        url, {"label": "mixed"}, format="json", HTTP_IF_MATCH=created["ETag"]
    )

    assert created.status_code == 201
    assert created["ETag"] == '"1"'
    assert created.json()["label"] == "accurate"
    assert updated.status_code == 200
    assert updated["ETag"] == '"2"'
    assert updated.json()["version"] == 2
    assert reviewer_client.get(url).json()["label"] == "mixed"
    sentence.refresh_from_db()
    assert sentence.status == "in_review"


def test_stale_if_match_answers_412_and_changes_nothing(reviewer_client, sentence, reviewer):
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")  # now version 2

    response = reviewer_client.put(
        f"/api/sentences/{sentence.pk}/review/",
        {"label": "false", "evidence": EVIDENCE},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 412
    body = response.json()
    assert body["detail"] == (
        "The review changed since version 1 (now 2); reload it and try again."
    )
    assert body["current"]["label"] == "mixed"
    assert body["current"]["version"] == 2
    assert Review.objects.get().label.slug == "mixed"
    assert History.objects.count() == 2


@pytest.mark.parametrize("header", ['"stale-0"', '"-1"', 'W/"x"', '"99999999999"'])
def test_if_match_with_a_tag_that_is_no_version_answers_412(
    reviewer_client, sentence, reviewer, header
):
    """A well-formed entity tag that matches no version is a failed precondition (RFC 9110),
    not a bad request; it used to answer 400."""
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    response = reviewer_client.put(
        f"/api/sentences/{sentence.pk}/review/",
        {"label": "mixed"},
        format="json",
        HTTP_IF_MATCH=header,
    )
    assert response.status_code == 412
    assert response.json()["current"]["label"] == "accurate"
    assert Review.objects.get().label.slug == "accurate"


@pytest.mark.parametrize("header", ["abc", '"1', "1.5"])
def test_malformed_if_match_answers_400(reviewer_client, sentence, header):
    response = reviewer_client.put(
        f"/api/sentences/{sentence.pk}/review/",
        {"label": "accurate"},
        format="json",
        HTTP_IF_MATCH=header,
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("If-Match ")
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"label": "flase"},
            {
                "label": [
                    "label 'flase' does not exist; choose one of accurate, mostly_accurate, mixed, "
                    "misleading, false, unverifiable, not_a_claim."
                ]
            },
        ),
        (
            {},
            {
                "label": [
                    "This field is required; choose one of accurate, mostly_accurate, mixed, "
                    "misleading, false, unverifiable, not_a_claim."
                ]
            },
        ),
        (
            {"label": "mixed", "evidence": [{"url": "javascript:alert(1)"}]},
            {"evidence": ["Item 1, url: 'javascript:alert(1)' is not an http(s) URL."]},
        ),
        (
            {"label": "mixed", "evidence": [{"url": "/relative/link"}]},
            {"evidence": ["Item 1, url: '/relative/link' is not an http(s) URL."]},
        ),
        (
            {"label": "mixed", "note": "n" * 10_001},
            {"note": ["Ensure this field has no more than 10000 characters."]},
        ),
        (
            {"label": "false"},
            {"evidence": ["The label 'false' requires at least one evidence link."]},
        ),
        (
            {"label": ["accurate"]},
            {"label": ["Must be text, not list."]},
        ),
    ],
    ids=[
        "unknown-label",
        "missing-label",
        "javascript-url",
        "relative-url",
        "long-note",
        "evidence-required",
        "label-not-a-string",
    ],
)
def test_bad_review_answers_400_with_message_and_changes_nothing(
    reviewer_client, sentence, payload, errors
):
    response = reviewer_client.put(f"/api/sentences/{sentence.pk}/review/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Review.objects.exists()
    assert not History.objects.exists()


@pytest.mark.parametrize("raw", ['{"label": ', '["accurate"]'])
def test_malformed_review_json_answers_400(reviewer_client, sentence, raw):
    response = reviewer_client.put(
        f"/api/sentences/{sentence.pk}/review/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_review_of_a_missing_sentence_answers_404(reviewer_client):
    response = reviewer_client.put(
        "/api/sentences/999999/review/", {"label": "accurate"}, format="json"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "sentence 999999 does not exist."}


def test_delete_review_withdraws_it_and_keeps_history(reviewer_client, sentence, reviewer):
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")

    response = reviewer_client.delete(f"/api/sentences/{sentence.pk}/review/")

    assert response.status_code == 204
    assert not Review.objects.exists()
    sentence.refresh_from_db()
    assert sentence.status == "pending"
    history = reviewer_client.get(f"/api/sentences/{sentence.pk}/history/").json()
    assert [(h["action"], h["actor"]) for h in history] == [("create", "rita"), ("delete", "rita")]
    assert history[1]["before"]["label"] == "accurate"
    assert history[1]["after"] is None


def test_get_own_review_when_there_is_none_answers_404(reviewer_client, sentence):
    response = reviewer_client.get(f"/api/sentences/{sentence.pk}/review/")
    assert response.status_code == 404


def test_reviewers_change_only_their_own_review(reviewer_client, sentence, reviewer2):
    services.review_save(sentence=sentence, reviewer=reviewer2, label="accurate")
    reviewer_client.put(f"/api/sentences/{sentence.pk}/review/", {"label": "mixed"}, format="json")
    reviewer_client.delete(f"/api/sentences/{sentence.pk}/review/")
    assert Review.objects.get(reviewer=reviewer2).label.slug == "accurate"
    assert Review.objects.count() == 1


def test_verdict_by_a_reviewer_answers_403_and_changes_nothing(reviewer_client, sentence):
    response = reviewer_client.put(
        f"/api/sentences/{sentence.pk}/verdict/", {"label": "accurate"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only editors may set verdicts."}
    assert not Verdict.objects.exists()


def test_editor_sets_and_changes_the_verdict(editor_client, sentence):
    url = f"/api/sentences/{sentence.pk}/verdict/"
    first = editor_client.put(url, {"label": "accurate", "rationale": "Matches."}, format="json")
    second = editor_client.put(url, {"label": "mixed"}, format="json", HTTP_IF_MATCH='"1"')
    stale = editor_client.put(url, {"label": "false"}, format="json", HTTP_IF_MATCH='"1"')

    assert first.status_code == 200 and first.json()["decided_by"] == "ed"
    assert second.json()["label"] == "mixed" and second["ETag"] == '"2"'
    assert stale.status_code == 412
    assert Verdict.objects.get().label.slug == "mixed"
    sentence.refresh_from_db()
    assert sentence.status == "final"


def test_verdict_with_a_retired_label_answers_400(editor_client, sentence):
    Label.objects.filter(slug="mixed").update(active=False)
    response = editor_client.put(
        f"/api/sentences/{sentence.pk}/verdict/", {"label": "mixed"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["label"][0].startswith("label 'mixed' does not exist; choose one of")
    assert not Verdict.objects.exists()


def test_history_lists_changes_oldest_first(editor_client, sentence, reviewer, editor):
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    services.verdict_set(sentence=sentence, user=editor, label="mixed")

    history = editor_client.get(f"/api/sentences/{sentence.pk}/history/").json()

    assert [(h["entity"], h["action"], h["actor"]) for h in history] == [
        ("review", "create", "rita"),
        ("review", "update", "rita"),
        ("verdict", "create", "ed"),
    ]
    assert history[1]["before"]["label"] == "accurate"
    assert history[1]["after"]["label"] == "mixed"


def test_list_filters(reviewer_client, article, reviewer, reviewer2, settings):
    # With blind review on, label and reviewer match only the viewer's own reviews
    # (tests/test_blind_review.py); here every filter is tried on everything.
    settings.FACTCHECK_BLIND_REVIEW = False
    s0, s1, s2 = article.sentences.order_by("index")
    services.review_save(sentence=s0, reviewer=reviewer, label="accurate")
    services.review_save(sentence=s1, reviewer=reviewer2, label="mixed")
    other = article_create(sentences=2, body="Advert\nThe mayor resigned on Friday.")

    def ids(query: str) -> list[int]:
        response = reviewer_client.get(f"/api/sentences/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"article={article.pk}") == [s0.pk, s1.pk, s2.pk]
    assert ids("status=pending") == [
        s2.pk,
        *other.sentences.order_by("index").values_list("id", flat=True),
    ]
    assert ids("label=mixed") == [s1.pk]
    assert ids("reviewer=rob") == [s1.pk]
    assert ids("reviewer=me") == [s0.pk]
    assert ids("kind=boilerplate") == [other.sentences.get(index=0).pk]
    assert ids("q=MAYOR") == [other.sentences.get(index=1).pk]
    s1.refresh_from_db()
    since = s1.updated_at.isoformat().replace("+00:00", "Z")
    assert s1.pk in ids(f"updated_since={since}")
    assert s2.pk not in ids(f"updated_since={since}")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("kind=ad", "kind"),
        ("label=nope", "label"),
        ("reviewer=ghost", "reviewer"),
        ("updated_since=yesterday", "updated_since"),
        ("article=abc", "article"),
        ("page_size=501", "page_size"),
        ("page_size=0", "page_size"),
    ],
)
def test_unknown_filter_values_answer_400_not_an_empty_list(reviewer_client, article, query, field):
    response = reviewer_client.get(f"/api/sentences/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_labels_list_the_active_scale_in_order(reviewer_client):
    Label.objects.filter(slug="mixed").update(active=False)
    active = reviewer_client.get("/api/labels/").json()
    everything = reviewer_client.get("/api/labels/?include_retired=1").json()
    assert [lb["slug"] for lb in active] == [
        "accurate",
        "mostly_accurate",
        "misleading",
        "false",
        "unverifiable",
        "not_a_claim",
    ]
    assert len(everything) == 7
    assert active[0] == {
        "slug": "accurate",
        "name": "Accurate",
        "description": "The claim is correct and nothing significant is missing.",
        "colour": "#1a9850",
        "key": "1",
        "order": 1,
        "rating_value": 5,
        "is_claim": True,
        "requires_evidence": False,
        "active": True,
    }


def test_stats_count_by_status_and_label(reviewer_client, article, reviewer, editor):
    s0, s1, _ = article.sentences.order_by("index")
    services.review_save(sentence=s0, reviewer=reviewer, label="accurate")
    services.review_save(sentence=s1, reviewer=reviewer, label="mixed")
    services.verdict_set(sentence=s1, user=editor, label="mixed")

    stats = reviewer_client.get("/api/stats/").json()

    assert stats["articles"] == 1
    assert stats["sentences"] == stats["claims"] == 3
    assert stats["claims_by_status"] == {"pending": 1, "in_review": 1, "disputed": 0, "final": 1}
    assert stats["reviews"] == 2
    assert stats["reviews_by_label"]["accurate"] == 1
    assert stats["reviews_by_label"]["false"] == 0
    assert stats["verdicts_by_label"]["mixed"] == 1
    assert stats["reviewers"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/sentences/",
        "/api/sentences/1/",
        "/api/sentences/1/history/",
        "/api/labels/",
        "/api/stats/",
        "/api/sentences/1/review/",
        "/api/sentences/1/verdict/",
    ],
)
def test_anonymous_access_answers_401(anon_client, url):
    assert anon_client.get(url).status_code == 401


@pytest.mark.parametrize("count", [10, 500])
def test_sentence_list_query_count_does_not_grow(
    reviewer_client, reviewer, reviewer2, editor, django_assert_max_num_queries, count
):
    article = article_create(sentences=count)
    for sentence in list(article.sentences.all())[:10]:
        services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
        services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
        services.verdict_set(sentence=sentence, user=editor, label="mixed")
    # viewer's role + sentences page with verdicts joined + their reviews with labels and
    # reviewers + their claim matches
    with django_assert_max_num_queries(4):
        response = reviewer_client.get("/api/sentences/?page_size=500")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [10, 500])
def test_article_detail_with_reviews_query_count_does_not_grow(
    reviewer_client, reviewer, editor, django_assert_max_num_queries, count
):
    article = article_create(sentences=count)
    for sentence in article.sentences.all()[:10]:
        services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
        services.verdict_set(sentence=sentence, user=editor, label="accurate")
    # viewer's role + article with counts and importer + tags + sentences with verdicts
    # + reviews + claim matches
    with django_assert_max_num_queries(6):
        response = reviewer_client.get(f"/api/articles/{article.pk}/")
    sentences = response.json()["sentences"]
    assert len(sentences) == count
    assert sentences[0]["reviews"][0]["label"] == "accurate"
    assert sentences[0]["verdict"]["label"] == "accurate"


def test_saving_a_review_takes_at_most_10_queries(
    client, reviewer, reviewer2, sentence, django_assert_max_num_queries
):
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    client.force_login(reviewer)
    # session + user + the label with the reviewer's permission + BEGIN (a SAVEPOINT in tests)
    # + read the sentence and lock its article + the sentence's reviews + insert review +
    # insert history + update the sentence's status and review summary + recompute the
    # article's summary + COMMIT (RELEASE SAVEPOINT): nine queries between two transaction
    # statements, eleven in all.
    with django_assert_max_num_queries(11):
        response = client.put(
            f"/api/sentences/{sentence.pk}/review/",
            {"label": "accurate"},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert Sentence.objects.get(pk=sentence.pk).status == "disputed"
