"""A large export built by helper processes (annotations/exports/parallel.py), on PostgreSQL.

The pieces are made tiny here (a few sentences each) so that a handful of articles is split over
both helpers; the bytes must be those the single process writes, read from the snapshot the
export began with, and the export's own connection must survive its helpers.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from annotations import exports, services
from annotations.exports import parallel
from annotations.exports.rows import ExportParams
from annotations.models import Sentence
from annotations.replica import read_alias
from tests.factories import article_create

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EVIDENCE = [{"url": "https://example.org/figures", "title": "", "quote": "", "stance": "refutes"}]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("helper processes share a PostgreSQL snapshot")


@pytest.fixture
def small_pieces(monkeypatch, settings):
    """Pieces of about 3 sentences, helpers from 2 pieces on; a record of the helpers' use."""
    monkeypatch.setattr(parallel, "PIECE_SENTENCES", 3)
    monkeypatch.setattr(parallel, "MIN_PIECES", 2)
    settings.EXPORT_WORKERS = 2
    used: list[int] = []
    from_helpers = parallel._from_helpers

    def spy(params, bounds, *args, **kwargs):
        used.append(len(bounds))
        return from_helpers(params, bounds, *args, **kwargs)

    monkeypatch.setattr(parallel, "_from_helpers", spy)
    return used


@pytest.fixture
def newsroom(seeded_transactional_db, reviewer, reviewer2, editor):
    """Seven articles of 1 to 6 sentences from two sources, with reviews and verdicts."""
    articles = []
    with time_machine.travel(T0, tick=False):
        for number, size in enumerate((4, 1, 6, 3, 5, 2, 4)):
            articles.append(
                article_create(
                    sentences=size,
                    source="Wire" if number % 2 else "Courier",
                    tags=["health"] if number % 3 == 0 else [],
                    published_at=f"2026-02-{number + 1:02d}T08:00:00Z",
                )
            )
        for number, sentence in enumerate(Sentence.objects.order_by("id")):
            if number % 2 == 0:
                services.review_save(
                    sentence=sentence, reviewer=reviewer, label="accurate", note=f"n{number}"
                )
            if number % 4 == 0:
                services.review_save(
                    sentence=sentence, reviewer=reviewer2, label="false", evidence=EVIDENCE
                )
            if number % 5 == 0:
                services.verdict_set(
                    sentence=sentence,
                    user=editor,
                    label="misleading",
                    rationale="Partly.",
                    evidence=EVIDENCE,
                    published=number % 10 == 0,
                )
    return articles


def export(format: str, query: str = "") -> bytes:
    chunks = exports.export_stream(format, _params(query), base_url="https://example.org")
    return b"".join(chunks)


def _params(query: str) -> ExportParams:
    data = dict(part.split("=") for part in query.split("&") if part)
    serializer = exports.ExportQuery(data=data)
    assert serializer.is_valid(), serializer.errors
    return serializer.params()


@pytest.mark.parametrize("format", ["json", "jsonl", "csv", "claimreview"])
@pytest.mark.parametrize(
    "query", ["", "source=Wire", "tag=health", "status=final", "label=false&source=Courier"]
)
def test_helpers_write_the_same_bytes_as_one_process(
    newsroom, small_pieces, settings, format, query
):
    settings.EXPORT_WORKERS = 1
    alone = export(format, query)
    assert small_pieces == []

    settings.EXPORT_WORKERS = 2
    shared = export(format, query)

    assert small_pieces, "the export was not split over helpers"
    assert shared == alone
    assert multiprocessing.active_children() == []


def test_pieces_are_whole_articles_of_about_the_piece_size(newsroom, small_pieces):
    records = [json.loads(line) for line in export("jsonl").splitlines()]
    assert [(r["article"]["id"], r["sentence"]["index"]) for r in records] == [
        (article.pk, index) for article in newsroom for index in range(article.sentences.count())
    ]
    # An article cut between two pieces would carry its body twice (once per piece).
    with_body = [r["article"]["id"] for r in records if "body" in r["article"]]
    assert with_body == [article.pk for article in newsroom]
    # Sizes 4 1 6 3 5 2 4: the sentences before each article number 0 4 5 11 14 19 21, whose
    # thirds (pieces of 3) are 0 1 1 3 4 6 7: six pieces, the second of two articles.
    assert small_pieces == [6]


def test_the_api_and_the_command_use_the_helpers(newsroom, small_pieces, tmp_path, editor_client):
    response = editor_client.get("/api/export/?format=jsonl")
    assert response.status_code == 200
    through_api = b"".join(response.streaming_content)
    path = tmp_path / "export.jsonl"
    call_command("export", "--format", "jsonl", "--output", str(path), verbosity=0)

    assert len(small_pieces) == 2
    assert path.read_bytes() == through_api
    assert through_api.count(b"\n") == 25


@pytest.mark.summaries_unchecked  # the other session's UPDATE skips the services on purpose
def test_helpers_read_the_snapshot_the_export_began_with(newsroom, small_pieces, monkeypatch):
    last = newsroom[-1].sentences.order_by("index").first()
    go = Path(f"/tmp/export-parallel-go-{time.time_ns()}")
    records = parallel.records

    def waiting(piece, **kwargs):
        # In a helper: every piece but the first waits until the test has changed the database,
        # so the second helper's first query comes after the change.
        if piece.articles_from is not None:
            for _ in range(1000):
                if go.exists():
                    break
                time.sleep(0.01)
            else:  # the first chunk never reached the test (a helper held it back)
                raise RuntimeError("the test never changed the database")
        return records(piece, **kwargs)

    monkeypatch.setattr(parallel, "records", waiting)  # before the helpers are forked
    chunks = exports.export_stream("jsonl", ExportParams())
    first = next(chunks)
    # Committed by another session while the export runs.
    other = psycopg2.connect(**connection.get_connection_params())
    other.autocommit = True
    other.cursor().execute(
        "UPDATE annotations_sentence SET status = 'final' WHERE id = %s", [last.pk]
    )
    other.close()
    go.touch()
    try:
        rest = b"".join(chunks)
    finally:
        go.unlink()

    exported = first + rest
    assert exported.count(b"\n") == 25
    line = next(
        line for line in exported.splitlines() if f'"id":{last.pk},"index"'.encode() in line
    )
    assert b'"status":"pending"' in line
    assert Sentence.objects.get(pk=last.pk).status == "final"


def test_a_failing_helper_fails_the_export_and_leaves_no_process(
    newsroom, small_pieces, monkeypatch, tmp_path
):
    records = parallel.records

    def failing(piece, **kwargs):
        if piece.articles_before is None:
            raise RuntimeError("disk on fire")
        return records(piece, **kwargs)

    monkeypatch.setattr(parallel, "records", failing)
    with pytest.raises(parallel.ExportFailed, match="RuntimeError: disk on fire"):
        export("jsonl")
    assert multiprocessing.active_children() == []
    assert Sentence.objects.count() == 25  # the export's connection still works

    path = tmp_path / "export.jsonl"
    with pytest.raises(CommandError, match="^an export helper process failed: RuntimeError"):
        call_command("export", "--output", str(path), verbosity=0)
    assert list(tmp_path.iterdir()) == []  # no half-written file


def test_a_helper_that_cannot_connect_says_why(newsroom, small_pieces, monkeypatch):
    def refused(alias, database):
        raise OSError("connection refused")

    monkeypatch.setattr(parallel, "_reconnect", refused)  # before the helpers are forked
    with pytest.raises(parallel.ExportFailed, match="OSError: connection refused"):
        export("csv")
    assert multiprocessing.active_children() == []


def test_an_abandoned_export_stops_its_helpers(newsroom, small_pieces):
    chunks = exports.export_stream("jsonl", ExportParams())
    assert next(chunks)
    chunks.close()  # the client went away
    assert multiprocessing.active_children() == []
    assert Sentence.objects.count() == 25


def test_one_process_inside_a_callers_transaction_or_for_one_article(newsroom, small_pieces):
    with transaction.atomic():  # the helpers could not see this transaction's writes
        Sentence.objects.filter(pk=newsroom[0].sentences.first().pk).update(status="final")
        inside = export("jsonl")
        transaction.set_rollback(True)
    by_article = export("jsonl", f"article={newsroom[2].pk}")

    assert small_pieces == []
    assert inside.count(b"\n") == 25
    assert b'"status":"final"' in inside
    assert by_article.count(b"\n") == 6


def test_the_command_writes_the_helpers_bytes_to_stdout(newsroom, small_pieces):
    out = StringIO()
    call_command("export", "--format", "csv", "--output", "-", stdout=out)
    assert small_pieces == [6]
    assert out.getvalue().encode() == export("csv")


def test_helpers_read_where_the_export_reads_on_connections_of_their_own(
    newsroom, small_pieces, replica, monkeypatch, tmp_path
):
    seen = tmp_path / "seen"
    records = parallel.records

    def noting(piece, **kwargs):
        # In a helper: which database it reads, and whether through a connection it opened.
        alias = read_alias()
        own = all(connections[alias] is not inherited for inherited in parallel._inherited)
        with seen.open("a") as file:
            file.write(f"{alias} {own}\n")
        return records(piece, **kwargs)

    monkeypatch.setattr(parallel, "records", noting)
    exported = export("jsonl")  # exports read from the replica when there is one

    assert exported.count(b"\n") == 25
    assert small_pieces == [6]
    # Six pieces, three per helper.
    assert seen.read_text().splitlines() == ["replica True"] * 6
    assert Sentence.objects.count() == 25
