"""GET /api/export/ and manage.py export: formats, order, filters, safety, query budget."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import StreamingHttpResponse

from annotations import exports, services
from annotations.models import Verdict
from tests.factories import article_create

pytestmark = pytest.mark.django_db

BODY = "The bridge closes on Monday. Mr. Alder said the repairs cost £4.1 million.\nAdvert\n"
T0, T1, T2, T3 = (datetime(2026, 3, day, 9, 0, tzinfo=UTC) for day in (1, 2, 3, 4))
EVIDENCE = [
    {
        "url": "https://example.org/accounts",
        "title": "Council accounts",
        "quote": "£3.2 million",
        "stance": "refutes",
    }
]

VERDICT_EVIDENCE = [
    {"url": "https://example.org/notice", "title": "", "quote": "", "stance": "supports"}
]


@pytest.fixture
def story(reviewer, reviewer2, editor):
    """One article, 3 sentences: a reviewed one with a verdict, a reviewed one, a pending one."""
    with time_machine.travel(T0, tick=False):
        article = article_create(
            title="Bridge to close",
            body=BODY,
            url="https://example.org/bridge",
            source="Marlow Bay Courier",
            published_at="2026-02-27T08:00:00Z",
            tags=["transport", "council"],
        )
    first, second, _ = article.sentences.order_by("index")
    with time_machine.travel(T1, tick=False):
        services.review_save(
            sentence=first, reviewer=reviewer, label="accurate", note="Matches the notice."
        )
    with time_machine.travel(T2, tick=False):
        services.verdict_set(
            sentence=first,
            user=editor,
            label="accurate",
            rationale="The notice says Monday.",
            evidence=VERDICT_EVIDENCE,
            published=True,
        )
    with time_machine.travel(T3, tick=False):
        services.review_save(sentence=second, reviewer=reviewer2, label="false", evidence=EVIDENCE)
    return article


def expected_records(article) -> list[dict]:
    ids = list(article.sentences.order_by("index").values_list("id", flat=True))
    meta = {
        "id": article.pk,
        "title": "Bridge to close",
        "url": "https://example.org/bridge",
        "source": "Marlow Bay Courier",
        "published_at": "2026-02-27T08:00:00Z",
        "language": "en",
        "tags": ["council", "transport"],
        "checksum": article.checksum,
    }
    return [
        {
            "article": {**meta, "body": BODY},
            "sentence": {
                "id": ids[0],
                "index": 0,
                "paragraph": 0,
                "start": 0,
                "end": 28,
                "text": "The bridge closes on Monday.",
                "kind": "claim",
                "status": "final",
                "updated_at": "2026-03-03T09:00:00Z",
            },
            "reviews": [
                {
                    "reviewer": "rita",
                    "label": "accurate",
                    "note": "Matches the notice.",
                    "evidence": [],
                    "version": 1,
                    "created_at": "2026-03-02T09:00:00Z",
                    "updated_at": "2026-03-02T09:00:00Z",
                }
            ],
            "verdict": {
                "label": "accurate",
                "rationale": "The notice says Monday.",
                "decided_by": "ed",
                "is_consensus": False,
                "needs_attention": False,
                "evidence": VERDICT_EVIDENCE,
                "published": True,
                "published_at": "2026-03-03T09:00:00Z",
                "corrected_at": None,
                "version": 1,
                "created_at": "2026-03-03T09:00:00Z",
                "updated_at": "2026-03-03T09:00:00Z",
                "corrections": [],
            },
        },
        {
            "article": meta,
            "sentence": {
                "id": ids[1],
                "index": 1,
                "paragraph": 0,
                "start": 29,
                "end": 74,
                "text": "Mr. Alder said the repairs cost £4.1 million.",
                "kind": "claim",
                "status": "in_review",
                "updated_at": "2026-03-04T09:00:00Z",
            },
            "reviews": [
                {
                    "reviewer": "rob",
                    "label": "false",
                    "note": "",
                    "evidence": EVIDENCE,
                    "version": 1,
                    "created_at": "2026-03-04T09:00:00Z",
                    "updated_at": "2026-03-04T09:00:00Z",
                }
            ],
            "verdict": None,
        },
        {
            "article": meta,
            "sentence": {
                "id": ids[2],
                "index": 2,
                "paragraph": 1,
                "start": 75,
                "end": 81,
                "text": "Advert",
                "kind": "boilerplate",
                "status": "pending",
                "updated_at": "2026-03-01T09:00:00Z",
            },
            "reviews": [],
            "verdict": None,
        },
    ]


def content(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def jsonl(response) -> list[dict]:
    return [json.loads(line) for line in content(response).decode().splitlines()]


def csv_rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_rows(response) -> list[list[str]]:
    return csv_rows_of(content(response).decode("utf-8"))


def test_jsonl_is_one_record_per_sentence_with_reviews_and_verdict(editor_client, story):
    response = editor_client.get("/api/export/?format=jsonl")

    assert response.status_code == 200
    assert jsonl(response) == expected_records(story)


def test_json_is_one_array_of_the_same_records(editor_client, story):
    response = editor_client.get("/api/export/?format=json")

    assert response.status_code == 200
    assert json.loads(content(response)) == expected_records(story)


def test_json_is_the_default_format(editor_client, story):
    response = editor_client.get("/api/export/")
    assert response["Content-Type"] == "application/json"
    assert json.loads(content(response)) == expected_records(story)


@pytest.mark.parametrize(
    ("format", "content_type", "filename"),
    [
        ("json", "application/json", "factcheck-export.json"),
        ("jsonl", "application/x-ndjson", "factcheck-export.jsonl"),
        ("csv", "text/csv; charset=utf-8", "factcheck-export.csv"),
        ("claimreview", "application/ld+json", "factcheck-export.jsonld"),
    ],
)
def test_each_format_streams_an_attachment_with_its_content_type(
    editor_client, story, format, content_type, filename
):
    response = editor_client.get(f"/api/export/?format={format}")

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert content(response)


def test_an_accept_header_never_overrides_the_format(editor_client, story):
    """DRF reads ?format= and Accept for its renderers: this once answered 404 and 406."""
    response = editor_client.get("/api/export/?format=csv", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_an_empty_export_is_still_well_formed(editor_client):
    def export(format: str) -> str:
        return content(editor_client.get(f"/api/export/?format={format}")).decode()

    assert json.loads(export("json")) == []
    assert export("jsonl") == ""
    assert csv_rows_of(export("csv")) == [exports.csv_header(0)]
    assert json.loads(export("claimreview")) == []


def test_body_appears_once_per_article_and_order_is_stable_across_pages(editor_client, monkeypatch):
    # Small pages and article batches, so that pages end inside articles.
    monkeypatch.setattr(exports.rows, "PAGE_SIZE", 4)
    monkeypatch.setattr(exports.rows, "ARTICLE_BATCH", 2)
    articles = [article_create(sentences=n) for n in (3, 7, 1, 5, 2)]

    records = jsonl(editor_client.get("/api/export/?format=jsonl"))

    expected = [(a.pk, s.index, s.pk) for a in articles for s in a.sentences.order_by("index")]
    assert [(r["article"]["id"], r["sentence"]["index"], r["sentence"]["id"]) for r in records] == (
        expected
    )
    with_body = [
        (r["article"]["id"], r["sentence"]["index"]) for r in records if "body" in r["article"]
    ]
    assert with_body == [(a.pk, 0) for a in articles]
    for record in records:
        if "body" in record["article"]:
            body = record["article"]["body"]
        sentence = record["sentence"]
        assert body[sentence["start"] : sentence["end"]] == sentence["text"]


def test_body_is_in_the_first_exported_record_when_filters_skip_the_first_sentence(
    editor_client, story
):
    records = jsonl(editor_client.get("/api/export/?format=jsonl&status=pending"))
    assert [r["sentence"]["index"] for r in records] == [2]
    assert records[0]["article"]["body"] == BODY


@pytest.mark.parametrize(
    ("query", "indexes"),
    [
        ("status=final", [0]),
        ("status=in_review", [1]),
        ("label=accurate", [0]),  # a review and the verdict
        ("label=false", [1]),  # a review only
        ("label=mixed", []),
        ("updated_since=2026-03-03T09:00:00Z", [0, 1]),
        ("updated_since=2026-03-04", [1]),
        ("updated_since=2026-03-04T10:00:00%2B01:00", [1]),
        ("status=final&label=false", []),
    ],
)
def test_filters_select_sentences(editor_client, story, query, indexes):
    with time_machine.travel(T0, tick=False):
        other = article_create(sentences=2)  # pending, so only ?article= selects it
    response = editor_client.get(f"/api/export/?format=jsonl&{query}")
    assert [r["sentence"]["index"] for r in jsonl(response)] == indexes

    by_article = editor_client.get(f"/api/export/?format=jsonl&article={other.pk}")
    assert {r["article"]["id"] for r in jsonl(by_article)} == {other.pk}


def test_reviews_reach_their_sentences_in_dense_and_sparse_pages(editor_client, reviewer):
    # A full export's page is one range of ids; a filtered one lists its ids: both must give
    # each sentence its own reviews and no other's.
    article = article_create(sentences=10)
    sentences = list(article.sentences.order_by("index"))
    for index, label in ((0, "mixed"), (5, "accurate"), (9, "mixed")):
        services.review_save(sentence=sentences[index], reviewer=reviewer, label=label)

    dense = jsonl(editor_client.get("/api/export/?format=jsonl"))
    sparse = jsonl(editor_client.get("/api/export/?format=jsonl&label=mixed"))

    assert {r["sentence"]["index"]: [v["label"] for v in r["reviews"]] for r in dense} == {
        0: ["mixed"],
        **{index: [] for index in range(1, 9) if index != 5},
        5: ["accurate"],
        9: ["mixed"],
    }
    assert [(r["sentence"]["index"], [v["label"] for v in r["reviews"]]) for r in sparse] == [
        (0, ["mixed"]),
        (9, ["mixed"]),
    ]


def test_csv_has_one_row_per_sentence_with_review_columns(editor_client, story, editor):
    second = story.sentences.get(index=1)
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC), tick=False):
        services.review_save(sentence=second, reviewer=editor, label="mixed", note="Partly.")

    rows = csv_rows(editor_client.get("/api/export/?format=csv"))

    ids = list(story.sentences.order_by("index").values_list("id", flat=True))
    article = [
        str(story.pk),
        "Bridge to close",
        "https://example.org/bridge",
        "Marlow Bay Courier",
        "2026-02-27T08:00:00Z",
        "en",
        "council, transport",
    ]
    assert rows[0] == [
        "article_id",
        "article_title",
        "article_url",
        "article_source",
        "article_published_at",
        "article_language",
        "article_tags",
        "sentence_id",
        "sentence_index",
        "sentence_paragraph",
        "sentence_start",
        "sentence_end",
        "sentence_text",
        "sentence_kind",
        "sentence_status",
        "sentence_updated_at",
        "verdict_label",
        "verdict_rationale",
        "verdict_decided_by",
        "verdict_published",
        "verdict_published_at",
        "verdict_evidence",
        "review_count",
        *("review_1_reviewer", "review_1_label", "review_1_note", "review_1_evidence"),
        *("review_2_reviewer", "review_2_label", "review_2_note", "review_2_evidence"),
    ]
    assert rows[1:] == [
        [
            *article,
            *(str(ids[0]), "0", "0", "0", "28", "The bridge closes on Monday.", "claim", "final"),
            "2026-03-03T09:00:00Z",
            *("accurate", "The notice says Monday.", "ed"),
            *("true", "2026-03-03T09:00:00Z", "https://example.org/notice", "1"),
            *("rita", "accurate", "Matches the notice.", ""),
            *("", "", "", ""),
        ],
        [
            *article,
            str(ids[1]),
            *("1", "0", "29", "74", "Mr. Alder said the repairs cost £4.1 million."),
            *("claim", "disputed", "2026-03-05T09:00:00Z"),
            *("", "", "", "", "", "", "2"),
            *("rob", "false", "", "https://example.org/accounts"),
            *("ed", "mixed", "Partly.", ""),
        ],
        [
            *article,
            *(str(ids[2]), "2", "1", "75", "81", "Advert", "boilerplate", "pending"),
            "2026-03-01T09:00:00Z",
            *("", "", "", "", "", "", "0"),
            *("", "", "", ""),
            *("", "", "", ""),
        ],
    ]


def test_csv_neutralises_spreadsheet_formulas(editor_client, reviewer, reviewer2):
    article = article_create(
        title='=HYPERLINK("https://evil.example","click")',
        body="+1 555 0100 is the number to call.\n-5% is the change.\n@SUM(A1) is odd.",
    )
    first, second, _ = article.sentences.order_by("index")
    services.review_save(sentence=first, reviewer=reviewer, label="accurate", note="=1+1")
    services.review_save(sentence=first, reviewer=reviewer2, label="accurate", note="\tcmd")
    services.review_save(sentence=second, reviewer=reviewer, label="accurate", note="\rcmd")

    rows = csv_rows(editor_client.get("/api/export/?format=csv"))

    cells = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert cells[0]["article_title"] == '\'=HYPERLINK("https://evil.example","click")'
    assert [c["sentence_text"] for c in cells] == [
        "'+1 555 0100 is the number to call.",
        "'-5% is the change.",
        "'@SUM(A1) is odd.",
    ]
    assert [cells[0]["review_1_note"], cells[0]["review_2_note"]] == ["'=1+1", "'\tcmd"]
    assert cells[1]["review_1_note"] == "'\rcmd"
    # Numbers stay numbers.
    assert [c["sentence_index"] for c in cells] == ["0", "1", "2"]


def test_claimreview_describes_each_published_verdict(editor_client, story, settings):
    settings.FACTCHECK_ORGANISATION = "Marlow Bay Fact Check"
    sentence = story.sentences.get(index=0)

    response = editor_client.get("/api/export/?format=claimreview")

    assert json.loads(content(response)) == [
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"http://testserver/claims/{sentence.pk}/",
            "claimReviewed": "The bridge closes on Monday.",
            "datePublished": "2026-03-03T09:00:00Z",
            "dateModified": "2026-03-03T09:00:00Z",
            "author": {"@type": "Organization", "name": "Marlow Bay Fact Check"},
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": 5,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "Accurate",
            },
            "itemReviewed": {
                "@type": "Claim",
                "appearance": [
                    {
                        "@type": "CreativeWork",
                        "url": "https://example.org/bridge",
                        "headline": "Bridge to close",
                        "publisher": {"@type": "Organization", "name": "Marlow Bay Courier"},
                        "datePublished": "2026-02-27T08:00:00Z",
                    }
                ],
                "datePublished": "2026-02-27T08:00:00Z",
            },
        }
    ]


def test_claimreview_holds_published_verdicts_and_omits_missing_ratings(
    editor_client, story, editor
):
    first, second, advert = story.sentences.order_by("index")
    source = [{"url": "https://example.org/notice"}]
    services.verdict_set(
        sentence=first,
        user=editor,
        label="accurate",
        rationale="R",
        evidence=source,
        published=True,
    )
    services.verdict_set(
        sentence=second,
        user=editor,
        label="unverifiable",
        rationale="R",
        evidence=source,
        published=True,
    )
    services.verdict_set(sentence=advert, user=editor, label="false", rationale="a draft")

    reviews = json.loads(content(editor_client.get("/api/export/?format=claimreview")))

    assert [r["claimReviewed"] for r in reviews] == [
        "The bridge closes on Monday.",
        "Mr. Alder said the repairs cost £4.1 million.",
    ]
    assert reviews[1]["reviewRating"] == {
        "@type": "Rating",
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Unverifiable",
    }


def test_claimreview_for_one_verdict_matches_the_export(editor_client, story, editor):
    sentence = story.sentences.get(index=0)
    services.verdict_set(
        sentence=sentence,
        user=editor,
        label="accurate",
        rationale="The notice says Monday.",
        evidence=[{"url": "https://example.org/notice"}],
        published=True,
    )
    exported = json.loads(content(editor_client.get("/api/export/?format=claimreview")))

    verdict = Verdict.objects.select_related("label", "sentence__article").get(sentence=sentence)
    single = exports.claimreview_for_verdict(verdict, base_url="http://testserver")

    assert [single] == exported
    assert json.loads(json.dumps(single)) == single  # JSON-ready as it is


def test_anonymous_gets_401(anon_client, story):
    response = anon_client.get("/api/export/?format=csv")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_reviewers_may_not_export_because_it_shows_every_review(reviewer_client, story):
    response = reviewer_client.get("/api/export/?format=jsonl")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Exports show every reviewer's ratings; only editors and admins may export."
    }


def test_reviewers_may_export_when_blind_review_is_off(reviewer_client, story, settings):
    settings.FACTCHECK_BLIND_REVIEW = False
    assert reviewer_client.get("/api/export/?format=jsonl").status_code == 200

    settings.FACTCHECK_OPEN_REVIEWING = False  # reviewers see only the articles assigned to them
    assert reviewer_client.get("/api/export/?format=jsonl").status_code == 403


def test_token_clients_may_export(editor_token_client, story):
    response = editor_token_client.get("/api/export/?format=jsonl")
    assert response.status_code == 200
    assert jsonl(response) == expected_records(story)


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("format=xml", {"format": ["'xml' is not one of json, jsonl, csv, claimreview."]}),
        (
            "status=bogus",
            {"status": ["'bogus' is not one of pending, in_review, disputed, final."]},
        ),
        (
            "label=flase",
            {
                "label": [
                    "label 'flase' does not exist; choose one of accurate, mostly_accurate, "
                    "mixed, misleading, false, unverifiable, not_a_claim."
                ]
            },
        ),
        (
            "updated_since=yesterday",
            {
                "updated_since": [
                    "'yesterday' is not an ISO 8601 date-time; use e.g. 2026-03-01T09:30:00Z."
                ]
            },
        ),
        (
            "updated_since=2026-02-30",
            {
                "updated_since": [
                    "'2026-02-30' is not an ISO 8601 date-time; use e.g. 2026-03-01T09:30:00Z."
                ]
            },
        ),
        ("article=abc", {"article": ["'abc' is not an article id (a whole number)."]}),
        # Were 500s: an id wider than the column, a digit int() does not read, a date-time
        # that leaves the year range in UTC.
        (
            "article=99999999999999999999999",
            {
                "article": [
                    "'99999999999999999999999' is not an article id: ids run from 1 to "
                    "9223372036854775807."
                ]
            },
        ),
        (
            "article=0",
            {"article": ["'0' is not an article id: ids run from 1 to 9223372036854775807."]},
        ),
        ("article=%C2%B2", {"article": ["'\u00b2' is not an article id (a whole number)."]}),
        (
            "updated_since=0001-01-01T00:00:00%2B14:00",
            {
                "updated_since": [
                    "0001-01-01T00:00:00+14:00 is out of range: a date-time must fall within "
                    "the years 1 to 9999 in UTC."
                ]
            },
        ),
        (
            "updated_since=9999-12-31T23:00:00-05:00",
            {
                "updated_since": [
                    "9999-12-31T23:00:00-05:00 is out of range: a date-time must fall within "
                    "the years 1 to 9999 in UTC."
                ]
            },
        ),
    ],
)
def test_bad_parameters_answer_400_with_the_field_and_message(editor_client, query, errors):
    response = editor_client.get(f"/api/export/?{query}")
    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize(("format", "budget"), [("jsonl", 7), ("csv", 8), ("claimreview", 8)])
def test_queries_do_not_grow_with_the_number_of_sentences(
    editor_client, editor, reviewer, django_assert_max_num_queries, format, budget
):
    # Some sentences have a review and a verdict, so every kind of row is read. Queries:
    #   1. the editor's permissions, for CanExport
    #   2. csv: the most reviews on one sentence (how many review columns); claimreview: labels
    #   3. the sentences (DECLARE of a server-side cursor on PostgreSQL)
    #   4. the reviews of the page's sentences (a page is 2,000 sentences)
    #   5. the verdicts of the page's sentences
    #   6. their corrections (read when the page has a verdict)
    #   7. the tags of the page's articles
    #   8. the page's articles (with their bodies for json and jsonl)
    for size in (10, 500):
        article = article_create(sentences=size)
        for sentence in article.sentences.all()[: size // 5]:
            services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
            services.verdict_set(
                sentence=sentence,
                user=editor,
                label="accurate",
                rationale="R",
                evidence=[{"url": "https://example.org/r"}],
                published=True,
            )
            services.verdict_set(
                sentence=sentence, user=editor, label="mixed", rationale="R", correction="C"
            )
        with django_assert_max_num_queries(budget):
            response = editor_client.get(f"/api/export/?format={format}&article={article.pk}")
            # The export is read while the response is consumed, so consume it in the block.
            exported = content(response).decode()
        if format == "jsonl":
            assert len(exported.splitlines()) == size
        elif format == "csv":
            assert len(csv_rows_of(exported)) == 1 + size
        else:
            assert len(json.loads(exported)) == size // 5


def test_openapi_schema_documents_the_export(editor_client):
    response = editor_client.get("/api/schema/?format=json")

    operation = json.loads(response.content)["paths"]["/api/export/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "format",
        "article",
        "label",
        "status",
        "updated_since",
        "source",
        "tag",
        "published_after",
        "published_before",
    }
    assert set(operation["responses"]) == {"200", "400", "401", "403"}
    assert set(operation["responses"]["200"]["content"]) == {
        "application/json",
        "application/x-ndjson",
        "text/csv",
        "application/ld+json",
    }


# --- manage.py export ---------------------------------------------------------------------


def test_command_writes_the_same_records_as_the_api(editor_client, story, tmp_path):
    path = tmp_path / "out.jsonl"

    call_command("export", "--format", "jsonl", "-o", str(path), stderr=StringIO())

    api = content(editor_client.get("/api/export/?format=jsonl"))
    assert path.read_bytes() == api
    assert [json.loads(line) for line in path.read_text().splitlines()] == expected_records(story)
    assert not (tmp_path / "out.jsonl.partial").exists()


def test_command_takes_the_same_filters(story, tmp_path):
    path = tmp_path / "out.csv"
    call_command(
        "export",
        "--format=csv",
        f"--article={story.pk}",
        "--status=in_review",
        "--label=false",
        "--updated-since=2026-03-04",
        f"--output={path}",
        stderr=StringIO(),
    )
    rows = csv_rows_of(path.read_text())
    assert [row[12] for row in rows[1:]] == ["Mr. Alder said the repairs cost £4.1 million."]


def test_command_writes_to_stdout_without_an_output(story):
    out = StringIO()
    call_command(
        "export", "--format", "claimreview", "--base-url", "https://fc.example", stdout=out
    )
    sentence = story.sentences.get(index=0)
    assert [r["url"] for r in json.loads(out.getvalue())] == [
        f"https://fc.example/claims/{sentence.pk}/"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "format: 'xml' is not one of json, jsonl, csv, claimreview."),
        (["--status", "done"], "status: 'done' is not one of pending, in_review, disputed, final."),
        (["--article", "twelve"], "article: 'twelve' is not an article id (a whole number)."),
        (["--base-url", "ftp://x"], "base-url: 'ftp://x' is not an http(s) URL."),
    ],
)
def test_command_bad_option_is_one_line_error(args, message, tmp_path):
    path = tmp_path / "out.json"
    with pytest.raises(CommandError) as excinfo:
        call_command("export", *args, "-o", str(path))
    assert str(excinfo.value) == message
    assert "\n" not in str(excinfo.value)
    assert not path.exists()


# --- Whole outputs, byte for byte ---------------------------------------------------------


def ids_start_at(start: int) -> None:
    """The next article, sentence, review and verdict ids are start, start + 1, ...

    So that whole outputs can be pinned as literals on SQLite and PostgreSQL alike (a rolled
    back test leaves PostgreSQL's sequences advanced).
    """
    from django.db import connection

    from annotations.models import Article, Review, Sentence, Verdict

    with connection.cursor() as cursor:
        for model in (Article, Sentence, Review, Verdict):
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, start]
                )
            else:  # AUTOINCREMENT tables keep their counter in sqlite_sequence
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start - 1]
                )


# Keys in PostgreSQL's jsonb order (shorter first), which SQLite keeps as written.
PINNED_EVIDENCE = [
    {
        "url": "https://example.org/accounts",
        "quote": "£3.2 million",
        "title": "Council accounts",
        "stance": "refutes",
    }
]


@pytest.fixture
def pinned(reviewer, reviewer2, editor, settings):
    """The story's article, then one with formula-like text and no URL, source nor date."""
    settings.FACTCHECK_ORGANISATION = "Marlow Bay Fact Check"
    ids_start_at(900)
    with time_machine.travel(T0, tick=False):
        story = article_create(
            title="Bridge to close",
            body=BODY,
            url="https://example.org/bridge",
            source="Marlow Bay Courier",
            published_at="2026-02-27T08:00:00Z",
            tags=["transport", "council"],
        )
        formulas = article_create(
            title='=HYPERLINK("https://evil.example","click")',
            body='+1 555 0100 is the number to call.\n-5% is the change, "quoted".\n@SUM(A1) odd.',
            tags=["health"],
        )
    bridge, alder, _ = story.sentences.order_by("index")
    first, second, third = formulas.sentences.order_by("index")
    with time_machine.travel(T1, tick=False):
        services.review_save(
            sentence=bridge, reviewer=reviewer, label="accurate", note="Matches the notice."
        )
        services.review_save(sentence=first, reviewer=reviewer, label="mixed", note="=1+1")
        services.review_save(
            sentence=first, reviewer=reviewer2, label="unverifiable", note="\tcmd, ok"
        )
        services.review_save(
            sentence=second,
            reviewer=reviewer,
            label="false",
            note="\rcmd",
            evidence=PINNED_EVIDENCE,
        )
    with time_machine.travel(T2, tick=False):
        services.verdict_set(
            sentence=bridge,
            user=editor,
            label="accurate",
            rationale="The notice says Monday.",
            evidence=PINNED_EVIDENCE,
            published=True,
        )
        services.verdict_set(sentence=first, user=editor, label="unverifiable", rationale="-")
        services.verdict_set(sentence=third, user=editor, label="not_a_claim")
    with time_machine.travel(T3, tick=False):
        services.review_save(
            sentence=alder, reviewer=reviewer2, label="false", evidence=PINNED_EVIDENCE
        )
        services.verdict_set(
            sentence=bridge,
            user=editor,
            label="accurate",
            rationale="The council's notice says Monday 2 March.",
            correction="We added the date the notice gives.",
        )


PINNED = Path(__file__).parent / "data" / "exports"


@pytest.mark.parametrize("format", ["json", "jsonl", "csv", "claimreview"])
@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("", "all"),
        ("&status=pending", "status-pending"),
        ("&label=false", "label-false"),
        ("&article=901", "article-901"),
        ("&updated_since=2026-03-03", "updated-since"),
    ],
)
def test_every_format_is_byte_for_byte_as_pinned(editor_client, pinned, format, query, name):
    """Each output, whole, as tests/data/exports/ pins it: a refactoring changes no byte."""
    extension = exports.FORMATS[format].extension

    response = editor_client.get(f"/api/export/?format={format}{query}")

    body, pinned_file = content(response), PINNED / f"{name}.{extension}"
    if os.environ.get("FACTCHECK_PIN_EXPORTS") == "1":  # after a deliberate format change
        pinned_file.write_bytes(body)
    assert body == pinned_file.read_bytes()


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("source=Courier", {"Bridge"}),
        ("tag=Transport", {"Bridge", "Ferry"}),  # tags are lower case
        ("published_after=2026-03-02", {"Ferry", "Tolls"}),
        ("published_before=2026-03-02", {"Bridge"}),
        ("published_after=2026-03-02&published_before=2026-03-03T00:00:00Z", {"Ferry"}),
        ("source=Courier&tag=health", set()),
    ],
)
def test_exports_filter_by_source_tag_and_publication_dates(editor_client, query, titles):
    for title, source, day, tags in [
        ("Bridge", "Courier", 1, ["transport"]),
        ("Ferry", "Gazette", 2, ["transport"]),
        ("Tolls", "Gazette", 3, ["money"]),
    ]:
        article_create(
            title=title,
            body=f"{title} news is here.",
            source=source,
            published_at=f"2026-03-0{day}T09:00:00Z",
            tags=tags,
        )

    response = editor_client.get(f"/api/export/?format=jsonl&{query}")

    assert response.status_code == 200
    assert {record["article"]["title"] for record in jsonl(response)} == titles


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("published_after=2026-02-30", "published_after"),
        ("published_before=0001-01-01T00:00:00%2B14:00", "published_before"),
        ("source=a%00b", "source"),
    ],
)
def test_bad_export_filters_answer_400(editor_client, query, field):
    response = editor_client.get(f"/api/export/?format=jsonl&{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_published_verdict_carries_its_correction_log_oldest_first(editor_client, story, editor):
    first = story.sentences.get(index=0)
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC), tick=False):
        services.verdict_set(
            sentence=first,
            user=editor,
            label="mixed",
            rationale="The notice says Monday.",
            correction="The date was not given.",
        )
    with time_machine.travel(datetime(2026, 3, 6, 9, 0, tzinfo=UTC), tick=False):
        services.verdict_set(
            sentence=first,
            user=editor,
            label="mixed",
            rationale="The notice says Monday 2 March.",
            correction="We quote the notice.",
        )

    verdict = jsonl(editor_client.get("/api/export/?format=jsonl"))[0]["verdict"]

    assert verdict["corrected_at"] == "2026-03-06T09:00:00Z"
    assert verdict["corrections"] == [
        {
            "label_before": "accurate",
            "label_after": "mixed",
            "note": "The date was not given.",
            "editor": "ed",
            "created_at": "2026-03-05T09:00:00Z",
        },
        {
            "label_before": "mixed",
            "label_after": "mixed",
            "note": "We quote the notice.",
            "editor": "ed",
            "created_at": "2026-03-06T09:00:00Z",
        },
    ]
