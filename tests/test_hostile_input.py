"""Hostile input through the API: every text field, date and integer, on SQLite and PostgreSQL.

Each case must answer 4xx, store nothing, and leave every reading page answering 200. Before
this suite, a date such as 0001-01-01T00:00:00+14:00 answered 500 *and* was stored on
PostgreSQL, after which the queue, the article list, the exports and the article's page
answered 500 for everyone; a NUL or a lone surrogate answered 500 on PostgreSQL.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest
from django.test import Client

from annotations import services
from annotations.models import Article, Assignment, History, Review, Sentence, Tag, Verdict
from tests.factories import article_create

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
SURROGATE = "a\ud800b"
TEXTS = {"nul": NUL, "surrogate": SURROGATE, "long": "x" * 100_001}
DATES = {
    "year-1-at-plus-14": "0001-01-01T00:00:00+14:00",
    "year-9999-at-minus-14": "9999-12-31T23:59:59-14:00",
    "february-30": "2026-02-30T10:00:00Z",
    "february-30-day": "2026-02-30",
}
INTEGERS = {"2**63": 2**63, "2**70": 2**70, "-1": -1}


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Article, Sentence, Tag, Review, Verdict, History, Assignment)
    }


def send(client, method: str, url: str, payload, **headers):
    """JSON as a client sends it: escaped, so a lone surrogate travels as \\ud800."""
    return getattr(client, method)(
        url, data=json.dumps(payload), content_type="application/json", **headers
    )


@pytest.fixture
def world(editor, reviewer):
    """One article with a review and a verdict, so every page has something to show."""
    article = article_create(sentences=3)
    first = article.sentences.order_by("index").first()
    services.review_save(sentence=first, reviewer=reviewer, label="accurate", note="ok")
    services.verdict_set(sentence=first, user=editor, label="accurate")
    return article


@pytest.fixture
def pages_still_answer(editor, world):
    """After the test: every page that lists or shows stored data still answers 200."""
    yield
    browser = Client()
    browser.force_login(editor)
    urls = [
        "/",
        f"/articles/{world.pk}/",
        "/dashboard/",
        "/api/articles/",
        f"/api/articles/{world.pk}/",
        "/api/sentences/",
        "/api/stats/",
        "/api/export/?format=jsonl",
        "/api/export/?format=csv",
        "/api/export/?format=json",
        "/api/export/?format=claimreview",
    ]
    for article in Article.objects.all():
        urls.append(f"/articles/{article.pk}/")
    for url in urls:
        response = browser.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)


ARTICLE = {"title": "A title", "body": "One sentence here. Another one there."}


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize("value", TEXTS.values(), ids=TEXTS.keys())
@pytest.mark.parametrize("field", ["title", "body", "source", "url", "language"])
def test_article_text_fields_refuse_hostile_text(editor_client, settings, field, value):
    settings.FACTCHECK_MAX_BODY_BYTES = 100_000  # the long value is over it
    before = counts()
    response = send(editor_client, "post", "/api/articles/", {**ARTICLE, field: value})
    assert response.status_code in (400, 413), response.content
    assert field in response.json()
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize("value", TEXTS.values(), ids=TEXTS.keys())
def test_article_tags_refuse_hostile_text(editor_client, value):
    before = counts()
    response = send(editor_client, "post", "/api/articles/", {**ARTICLE, "tags": ["ok", value]})
    assert response.status_code == 400
    assert response.json()["tags"][0].startswith("Item 2: ")
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize("value", DATES.values(), ids=DATES.keys())
def test_article_dates_out_of_range_or_impossible_answer_400(editor_client, value):
    before = counts()
    response = send(editor_client, "post", "/api/articles/", {**ARTICLE, "published_at": value})
    assert response.status_code == 400
    assert list(response.json()) == ["published_at"]
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
def test_dates_at_the_edges_of_the_range_are_stored_and_shown(editor_client):
    """The first and last instants that stay within years 1..9999 in UTC are fine."""
    for published in ("0001-01-01T14:00:00+14:00", "9999-12-31T09:59:59-14:00"):
        body = f"Dated {published}. A claim about it."
        response = send(
            editor_client,
            "post",
            "/api/articles/",
            {**ARTICLE, "body": body, "published_at": published},
        )
        assert response.status_code == 201, response.content


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize(
    "body", ["\u200b\u200b", "\ufeff", " \u2060 \n\u200b "], ids=["zwsp", "bom", "mixed"]
)
def test_a_body_of_invisible_characters_only_answers_400(editor_client, body):
    """It used to create an article with no sentences."""
    before = counts()
    response = send(editor_client, "post", "/api/articles/", {**ARTICLE, "body": body})
    assert response.status_code == 400
    assert "body" in response.json()
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize("value", TEXTS.values(), ids=TEXTS.keys())
@pytest.mark.parametrize(
    "payload",
    [
        lambda v: {"label": "mixed", "note": v},
        lambda v: {"label": v},
        lambda v: {"label": "mixed", "evidence": [{"url": "https://example.org/" + v}]},
        lambda v: {"label": "mixed", "evidence": [{"url": "https://example.org", "title": v}]},
        lambda v: {"label": "mixed", "evidence": [{"url": "https://example.org", "quote": v}]},
    ],
    ids=["note", "label", "evidence-url", "evidence-title", "evidence-quote"],
)
def test_review_fields_refuse_hostile_text(reviewer_client, world, payload, value):
    sentence = world.sentences.order_by("index").last()
    before = counts()
    response = send(reviewer_client, "put", f"/api/sentences/{sentence.pk}/review/", payload(value))
    assert response.status_code == 400, response.content
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize("value", TEXTS.values(), ids=TEXTS.keys())
@pytest.mark.parametrize("field", ["rationale", "label"])
def test_verdict_fields_refuse_hostile_text(editor_client, world, field, value):
    sentence = world.sentences.order_by("index").last()
    before = counts()
    payload = {"label": "false", "rationale": "fine", field: value}
    response = send(editor_client, "put", f"/api/sentences/{sentence.pk}/verdict/", payload)
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize(
    "payload",
    [
        {"reviewers": [NUL]},
        {"reviewers": [SURROGATE]},
        {"due_date": "2026-02-30"},
        {"due_date": "9999-12-31"},
        {"due_date": "0000-01-01"},
        {"articles": [2**63]},
        {"articles": [2**70]},
        {"articles": [-1]},
        {"articles": [True]},
    ],
    ids=[
        "nul-reviewer",
        "surrogate-reviewer",
        "february-30",
        "last-day",
        "year-0",
        "2**63",
        "2**70",
        "-1",
        "boolean",
    ],
)
def test_assignment_fields_refuse_hostile_values(editor_client, world, reviewer, payload):
    before = counts()
    data = {"articles": [world.pk], "reviewers": [reviewer.username], **payload}
    response = send(editor_client, "post", "/api/assignments/", data)
    assert response.status_code == 400, response.content
    assert list(response.json()) == list(payload)
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize(
    "value", [*INTEGERS.values(), "x", None, 1.5], ids=[*INTEGERS, "word", "null", "float"]
)
@pytest.mark.parametrize(("action", "field"), [("split", "at"), ("restore", "history")])
def test_integer_fields_refuse_hostile_values(editor_client, world, action, field, value):
    sentence = world.sentences.order_by("index").first()
    before = counts()
    response = send(
        editor_client, "post", f"/api/sentences/{sentence.pk}/{action}/", {field: value}
    )
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize("url", ["/api/articles/", "/api/sentences/1/review/", "/api/assignments/"])
def test_json_nested_deeper_than_python_can_parse_answers_400(editor_client, url):
    """`[` x 100,000 used to raise RecursionError (500)."""
    before = counts()
    method = "put" if url.endswith("review/") else "post"
    response = getattr(editor_client, method)(
        url, data="[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize("payload", [[], "text", 3, None], ids=["list", "string", "number", "null"])
def test_a_body_that_is_not_an_object_answers_400(editor_client, world, payload):
    sentence = world.sentences.order_by("index").first()
    before = counts()
    for method, url in [
        ("post", "/api/articles/"),
        ("put", f"/api/sentences/{sentence.pk}/review/"),
        ("put", f"/api/sentences/{sentence.pk}/verdict/"),
        ("post", "/api/assignments/"),
    ]:
        response = send(editor_client, method, url, payload)
        assert response.status_code == 400, (url, response.content)
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
def test_a_chunked_body_is_read_or_refused_never_dropped(editor):
    """A chunked request has no Content-Length: it used to reach the view as an empty body
    and answer a misleading "body is required". It now answers 411 Length Required."""
    client = Client()
    client.force_login(editor)
    before = counts()
    response = client.generic(
        "POST",
        "/api/articles/",
        data=json.dumps(ARTICLE),
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",  # as a chunked request arrives: no length
    )
    assert response.status_code == 411
    assert "Content-Length" in response.json()["detail"]
    assert counts() == before


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize(
    "position", ["abc", "1e9", "-1", "99999999999999999999", "1 OR 1=1", "\u0661"]
)
def test_a_hand_made_cursor_answers_400(reviewer_client, position):
    """A cursor decoding to p=abc used to reach the database as an id (500)."""
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    for url in ("/api/sentences/", "/api/articles/", "/api/assignments/"):
        response = reviewer_client.get(f"{url}?cursor={quote(cursor)}")
        assert response.status_code == 400, (url, response.content)
        assert "cursor" in response.json()


def test_a_real_cursor_still_pages(reviewer_client, world):
    first = reviewer_client.get("/api/sentences/?page_size=2").json()
    second = reviewer_client.get(first["next"]).json()
    assert len(first["results"]) == 2
    assert len(second["results"]) == 1


@pytest.mark.usefixtures("pages_still_answer")
@pytest.mark.parametrize(
    "header", ['"stale-0"', 'W/"x"', '"0"'], ids=["stale-0", "weak-word", "zero"]
)
def test_verdict_if_match_that_names_no_version_answers_412(editor_client, world, header):
    sentence = world.sentences.order_by("index").first()
    response = send(
        editor_client,
        "put",
        f"/api/sentences/{sentence.pk}/verdict/",
        {"label": "false"},
        HTTP_IF_MATCH=header,
    )
    assert response.status_code == 412
    assert response.json()["current"]["label"] == "accurate"
    assert Verdict.objects.get(sentence=sentence).label.slug == "accurate"


def test_if_none_match_star_keeps_the_first_of_two_editors_verdicts(editor_client, world):
    """Two editors open a sentence with no verdict and both save: the second used to replace
    the first silently."""
    sentence = world.sentences.order_by("index").last()
    url = f"/api/sentences/{sentence.pk}/verdict/"
    first = send(editor_client, "put", url, {"label": "false"}, HTTP_IF_NONE_MATCH="*")
    assert first.status_code == 200
    again = send(editor_client, "put", url, {"label": "mixed"}, HTTP_IF_NONE_MATCH="*")
    assert again.status_code == 412
    assert again.json()["current"]["label"] == "false"
    assert Verdict.objects.get(sentence=sentence).label.slug == "false"
    assert History.objects.filter(entity="verdict", sentence=sentence).count() == 1


def test_if_none_match_other_than_star_answers_400(editor_client, world):
    sentence = world.sentences.order_by("index").last()
    response = send(
        editor_client,
        "put",
        f"/api/sentences/{sentence.pk}/verdict/",
        {"label": "false"},
        HTTP_IF_NONE_MATCH='"3"',
    )
    assert response.status_code == 400
    assert not Verdict.objects.filter(sentence=sentence).exists()


def test_review_if_none_match_star_refuses_to_replace_my_review(reviewer_client, world):
    sentence = world.sentences.order_by("index").first()  # rita reviewed it in `world`
    response = send(
        reviewer_client,
        "put",
        f"/api/sentences/{sentence.pk}/review/",
        {"label": "mixed"},
        HTTP_IF_NONE_MATCH="*",
    )
    assert response.status_code == 412
    assert response.json()["current"]["label"] == "accurate"
