"""POST/GET /api/articles/: import, duplicates, lists and details."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from rest_framework.test import APIClient

from annotations.models import Article, Sentence, Tag
from tests.factories import article_create

SAMPLE = Path(__file__).resolve().parent / "data" / "harbour-flood.txt"

pytestmark = pytest.mark.django_db


def test_post_creates_article_with_sentences_and_answers_201(editor_client, editor):
    body = "Mr. Smith arrived at 9 a.m. on Monday.\nThe council met.\nAdvert"
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        response = editor_client.post(
            "/api/articles/",
            {
                "title": "Council meets",
                "body": body,
                "url": "https://example.org/council",
                "source": "Example Post",
                "published_at": "2026-03-01T09:30:00Z",
                "language": "en",
                "tags": ["Local", "politics"],
            },
            format="json",
        )

    assert response.status_code == 201, response.json()
    payload = response.json()
    article = Article.objects.get()
    ids = list(article.sentences.order_by("index").values_list("id", flat=True))
    assert payload == {
        "id": article.pk,
        "title": "Council meets",
        "source": "Example Post",
        "url": "https://example.org/council",
        "published_at": "2026-03-01T09:30:00Z",
        "language": "en",
        "tags": ["local", "politics"],
        "imported_by": editor.username,
        "created_at": "2026-03-02T10:00:00Z",
        "sentence_count": 3,
        "claim_count": 2,
        "final_count": 0,
        "body": body,
        "checksum": article.checksum,
        "sentences": [
            {
                "id": ids[0],
                "index": 0,
                "paragraph": 0,
                "start": 0,
                "end": 38,
                "text": "Mr. Smith arrived at 9 a.m. on Monday.",
                "kind": "claim",
                "status": "pending",
                "reviews": [],
                "verdict": None,
                "matches": [],
            },
            {
                "id": ids[1],
                "index": 1,
                "paragraph": 1,
                "start": 39,
                "end": 55,
                "text": "The council met.",
                "kind": "claim",
                "status": "pending",
                "reviews": [],
                "verdict": None,
                "matches": [],
            },
            {
                "id": ids[2],
                "index": 2,
                "paragraph": 2,
                "start": 56,
                "end": 62,
                "text": "Advert",
                "kind": "boilerplate",
                "status": "pending",
                "reviews": [],
                "verdict": None,
                "matches": [],
            },
        ],
    }


def test_sample_article_offsets_round_trip_and_boilerplate_is_marked(editor_client):
    body = SAMPLE.read_text(encoding="utf-8")

    response = editor_client.post(
        "/api/articles/", {"title": "Flood reaches Marlow Bay", "body": body}, format="json"
    )

    assert response.status_code == 201
    sentences = response.json()["sentences"]
    stored = Article.objects.get().body
    assert stored == body
    for s in sentences:
        assert stored[s["start"] : s["end"]] == s["text"]
        assert s["text"] == s["text"].strip()
    boilerplate = [s["text"] for s in sentences if s["kind"] == "boilerplate"]
    assert boilerplate == [
        "Advert",
        "Advert",
        "Advert",
        "If you would like to donate to the Harbour Relief Fund, which will help provide food, "
        "blankets and basic medical supplies, shelter and water to those in Marlow Bay, click "
        "here for more information",
    ]
    assert [s["index"] for s in sentences] == list(range(len(sentences)))


def test_duplicate_body_answers_409_naming_the_existing_article(editor_client):
    existing = article_create(title="First")
    # Different line endings and spacing are still the same story.
    body = existing.body.replace("\n", "\r\n") + "  \n"

    response = editor_client.post("/api/articles/", {"title": "Again", "body": body}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": f"An article with the same body already exists: #{existing.pk} 'First'.",
        "existing": {"id": existing.pk},
    }
    assert Article.objects.count() == 1


def test_token_authentication_can_import(editor_token_client):
    response = editor_token_client.post(
        "/api/articles/", {"title": "T", "body": "One. Two."}, format="json"
    )
    assert response.status_code == 201


def test_session_authentication_enforces_csrf(editor):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post("/api/articles/", {"title": "T", "body": "One."}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("client_fixture", "status"),
    [
        ("anon_client", 401),
        ("reviewer_client", 403),
        ("editor_client", 201),
        ("admin_client_api", 201),
    ],
)
def test_only_users_with_the_right_to_add_articles_may_import(request, client_fixture, status):
    client = request.getfixturevalue(client_fixture)
    response = client.post("/api/articles/", {"title": "T", "body": "One."}, format="json")
    assert response.status_code == status
    assert Article.objects.exists() == (status == 201)


@pytest.mark.parametrize(
    ("client_fixture", "status"),
    [("anon_client", 401), ("reviewer_client", 200), ("editor_client", 200)],
)
def test_reading_articles_needs_sign_in(request, client_fixture, status):
    article = article_create()
    client = request.getfixturevalue(client_fixture)
    assert client.get("/api/articles/").status_code == status
    assert client.get(f"/api/articles/{article.pk}/").status_code == status


LONG = "x" * 501


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"title": "T"}, {"body": ["This field is required and may not be blank."]}),
        (
            {"title": "T", "body": "  \n "},
            {"body": ["This field is required and may not be blank."]},
        ),
        ({"title": "T", "body": 42}, {"body": ["Must be text, not int."]}),
        ({"title": "T", "body": ["a"]}, {"body": ["Must be text, not list."]}),
        (
            {"title": "T", "body": "bin\x00ary"},
            {"body": ["Contains a NUL character (\\u0000); text may not hold one."]},
        ),
        ({"body": "One."}, {"title": ["This field is required and may not be blank."]}),
        (
            {"title": LONG, "body": "One."},
            {"title": ["Ensure this field has no more than 500 characters."]},
        ),
        (
            {"title": "T", "body": "One.", "url": "ftp://example.org/a"},
            {"url": ["'ftp://example.org/a' is not an http(s) URL."]},
        ),
        (
            {"title": "T", "body": "One.", "url": "javascript:alert(1)"},
            {"url": ["'javascript:alert(1)' is not an http(s) URL."]},
        ),
        (
            {"title": "T", "body": "One.", "published_at": "yesterday"},
            {
                "published_at": [
                    "'yesterday' is not an ISO 8601 date; "
                    "use e.g. 2026-03-01 or 2026-03-01T09:30:00Z."
                ]
            },
        ),
        (
            {"title": "T", "body": "One.", "published_at": "2026-02-30"},
            {
                "published_at": [
                    "'2026-02-30' is not an ISO 8601 date; "
                    "use e.g. 2026-03-01 or 2026-03-01T09:30:00Z."
                ]
            },
        ),
        (
            {"title": "T", "body": "One.", "language": "english!"},
            {"language": ["'english!' is not a language code such as 'en' or 'pt-BR'."]},
        ),
        (
            {"title": "T", "body": "One.", "tags": [1, 2]},
            {"tags": ["Item 1: Must be text, not int.", "Item 2: Must be text, not int."]},
        ),
        (
            {"title": "", "body": "", "url": "nope"},
            {
                "body": ["This field is required and may not be blank."],
                "title": ["This field is required and may not be blank."],
                "url": ["'nope' is not an http(s) URL."],
            },
        ),
    ],
    ids=[
        "missing-body",
        "blank-body",
        "number-body",
        "list-body",
        "nul-body",
        "missing-title",
        "long-title",
        "ftp-url",
        "javascript-url",
        "bad-date",
        "impossible-date",
        "bad-language",
        "bad-tags",
        "several",
    ],
)
def test_bad_input_answers_400_with_field_messages_and_writes_nothing(
    editor_client, payload, errors
):
    response = editor_client.post("/api/articles/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert not Article.objects.exists()
    assert not Sentence.objects.exists()
    assert not Tag.objects.exists()


def test_body_over_the_size_limit_answers_413_and_writes_nothing(editor_client, settings):
    settings.FACTCHECK_MAX_BODY_BYTES = 1000
    body = "é" * 501  # 1002 bytes in UTF-8

    response = editor_client.post("/api/articles/", {"title": "T", "body": body}, format="json")

    assert response.status_code == 413
    assert response.json() == {"body": ["The body is 1,002 bytes; the limit is 1,000 bytes."]}
    assert not Article.objects.exists()


def test_request_over_the_request_limit_answers_413_before_parsing(editor_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = editor_client.post(
        "/api/articles/", {"title": "T", "body": "a" * 20_000}, format="json"
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The request is ")
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "raw", ['{"title": "T", "body": ', "not json at all", '["a list"]', "null"]
)
def test_malformed_json_answers_400_never_500(editor_client, raw):
    response = editor_client.post("/api/articles/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()  # a message, in {"detail": ...} or {"field": [...]} form
    assert not Article.objects.exists()


def test_naive_dates_are_taken_in_the_default_time_zone(editor_client):
    response = editor_client.post(
        "/api/articles/",
        {"title": "T", "body": "One.", "published_at": "2026-03-01"},
        format="json",
    )
    assert response.json()["published_at"] == "2026-03-01T00:00:00Z"


def test_list_filters_by_source_tag_and_title(editor_client):
    a = article_create(title="Harbour bridge closes", source="Courier", tags=["transport"])
    article_create(title="Council budget", source="Gazette", tags=["economy"])

    def titles(query: str) -> list[str]:
        return [
            row["title"] for row in editor_client.get(f"/api/articles/?{query}").json()["results"]
        ]

    assert titles("source=Courier") == [a.title]
    assert titles("tag=transport") == [a.title]
    assert titles("q=harbour") == [a.title]
    assert titles("") == ["Council budget", a.title]  # newest first


def test_list_uses_cursor_pagination_with_capped_page_size(editor_client):
    for _ in range(3):
        article_create(sentences=1)
    first = editor_client.get("/api/articles/?page_size=2").json()
    assert len(first["results"]) == 2
    second = editor_client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None


@pytest.mark.parametrize("sentences", [10, 500])
def test_detail_query_count_does_not_grow_with_sentences(
    editor_client, django_assert_num_queries, sentences
):
    article = article_create(sentences=sentences)
    # viewer's role + article with counts and importer + tags + sentences with verdicts
    # + their reviews + their claim matches
    with django_assert_num_queries(6):
        response = editor_client.get(f"/api/articles/{article.pk}/")
    assert len(response.json()["sentences"]) == sentences


@pytest.mark.parametrize("articles", [2, 20])
def test_list_query_count_does_not_grow_with_articles(
    editor_client, django_assert_num_queries, articles
):
    for _ in range(articles):
        article_create(sentences=3, tags=["x"])
    # viewer's role + articles page with counts and importer + tags
    with django_assert_num_queries(3):
        response = editor_client.get("/api/articles/")
    assert len(response.json()["results"]) == articles


def test_unknown_article_answers_404_json(editor_client):
    response = editor_client.get("/api/articles/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Article matches the given query."}


def test_schema_and_docs_are_served_to_signed_in_users(client, editor):
    client.force_login(editor)
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/articles/" in json.loads(schema.content)["paths"]
    assert client.get("/api/docs/").status_code == 200


def test_body_is_stored_exactly_as_given(editor_client):
    body = "  Leading space.\r\nWindows line.\u00a0Non-breaking.\n\n\nLast line  "
    response = editor_client.post("/api/articles/", {"title": "T", "body": body}, format="json")
    assert response.status_code == 201
    assert Article.objects.get().body == body
    for s in response.json()["sentences"]:
        assert body[s["start"] : s["end"]] == s["text"]
