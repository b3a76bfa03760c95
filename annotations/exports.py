"""Streamed exports: every sentence with its article, reviews and verdict, as json, jsonl, csv or
schema.org ClaimReview. Used by GET /api/export/ and `manage.py export` alike.

Each format is a generator of bytes chunks, so memory stays flat however many rows there are:

- Sentences are read in (article id, sentence index) order through one server-side cursor on
  PostgreSQL (a plain cursor, which also streams, on SQLite), as tuples, never model instances.
- Rows are processed in pages of PAGE_SIZE sentences: one query fetches the reviews of a page,
  and one query each fetches the metadata, body and tags of at most ARTICLE_BATCH new articles,
  so the number of queries grows with pages, never with rows.
- On PostgreSQL, an export run outside a transaction reads from one REPEATABLE READ snapshot,
  so a sentence edited during a long export is exported as it was when the export began.

Record format (json and jsonl), one per sentence:

    {"article": {"id", "title", "url", "source", "published_at", "language", "tags", "checksum",
                 "body"},
     "sentence": {"id", "index", "paragraph", "start", "end", "text", "kind", "status",
                  "updated_at"},
     "reviews": [{"reviewer", "label", "note", "evidence", "version", "created_at",
                  "updated_at"}],
     "verdict": {"label", "rationale", "decided_by", "is_consensus", "needs_attention",
                 "version", "created_at", "updated_at"} | null}

`article.body` appears only in the first record of each article in the stream (it is needed to
recreate the article exactly, see services.article_restore, and repeating it on every sentence
would multiply the size of an export by the sentences per article). Dates are ISO 8601 in UTC
with a "Z" suffix, like the rest of the API. Users are named by username, labels by slug.

csv: one row per sentence, for spreadsheets: article and sentence columns, the verdict, then
review_N_reviewer/_label/_note/_evidence for N up to the most reviews any exported sentence has
(one aggregate query before the first row). Tags are joined by ", " (as the importer reads
them), evidence URLs by spaces. A cell starting with =, +, -, @, a tab or a CR gets a leading
apostrophe, so that no spreadsheet runs it as a formula (the text then differs by that one
character). UTF-8 without a byte order mark.

claimreview: a JSON array of schema.org ClaimReview objects, one per sentence with a verdict
whose label is a claim (`is_claim`); `ratingValue` is left out for labels without a rating, and
a missing article URL, source or date is left out rather than sent empty. The Claim's
`datePublished` is the article's date (when the claim was made, as Google's guidelines ask);
the ClaimReview's is the verdict's last change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import partial
from itertools import islice
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Lookup, Max, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers

from annotations.errors import NotFound
from annotations.fields import MAX_INT, datetime_in_range
from annotations.models import Article, Label, Review, Sentence, Verdict

PAGE_SIZE = 2000
# At most this many article bodies are held at once (a body may be up to 1 MB).
ARTICLE_BATCH = 50
DEFAULT_BASE_URL = "http://localhost:8000"
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportFormat:
    content_type: str
    extension: str


FORMATS = {
    "json": ExportFormat("application/json", "json"),
    "jsonl": ExportFormat("application/x-ndjson", "jsonl"),
    "csv": ExportFormat("text/csv; charset=utf-8", "csv"),
    "claimreview": ExportFormat("application/ld+json", "jsonld"),
}


@dataclass(frozen=True)
class ExportParams:
    """Which sentences to export; None means no filter."""

    article: int | None = None
    label: str | None = None
    status: str | None = None
    updated_since: datetime | None = None


class ExportQuery(serializers.Serializer):
    """The export's options, validated alike for the API's query string and the command line."""

    format = serializers.ChoiceField(
        choices=list(FORMATS),
        default="json",
        error_messages={"invalid_choice": f"'{{input}}' is not one of {', '.join(FORMATS)}."},
    )
    article = serializers.CharField(
        required=False, allow_blank=True, help_text="Only this article (id)."
    )
    label = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only sentences with a review or verdict with this label (slug).",
    )
    status = serializers.ChoiceField(
        choices=Sentence.Status.values,
        required=False,
        allow_blank=True,
        error_messages={
            "invalid_choice": f"'{{input}}' is not one of {', '.join(Sentence.Status.values)}."
        },
    )
    updated_since = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only sentences updated at or after this ISO 8601 date-time.",
    )

    def validate_article(self, value: str) -> int | None:
        if not value:
            return None
        value = value.strip()
        if not (value.isascii() and value.isdigit()):  # "²" is a digit to isdigit()
            raise serializers.ValidationError(
                f"'{value[:40]}' is not an article id (a whole number)."
            )
        # Wider than the id column: no such article (and int() refuses 4,300 digits).
        if len(value) > len(str(MAX_INT)) or not 1 <= int(value) <= MAX_INT:
            raise serializers.ValidationError(
                f"'{value[:40]}' is not an article id: ids run from 1 to {MAX_INT}."
            )
        return int(value)

    def validate_label(self, value: str) -> str | None:
        if not value:
            return None
        # Retired labels count: the reviews that used them are still exported.
        slugs = list(Label.objects.values_list("slug", flat=True))
        if value not in slugs:
            raise serializers.ValidationError(
                f"label '{value}' does not exist; choose one of {', '.join(slugs)}."
            )
        return value

    def validate_updated_since(self, value: str) -> datetime | None:
        if not value:
            return None
        try:
            parsed = parse_datetime(value.strip())
            if parsed is None and (day := parse_date(value.strip())):
                parsed = datetime.combine(day, time())
        except ValueError:  # well formed but impossible, e.g. 2026-02-30
            parsed = None
        if parsed is None:
            raise serializers.ValidationError(
                f"'{value}' is not an ISO 8601 date-time; use e.g. 2026-03-01T09:30:00Z."
            )
        try:
            return datetime_in_range(parsed)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def params(self) -> ExportParams:
        data = self.validated_data
        return ExportParams(
            article=data.get("article"),
            label=data.get("label"),
            status=data.get("status") or None,
            updated_since=data.get("updated_since"),
        )


def export_stream(
    format: str, params: ExportParams, *, base_url: str = DEFAULT_BASE_URL
) -> Iterator[bytes]:
    """The export in one of FORMATS, as a generator of bytes chunks."""
    if format == "json":
        return _in_snapshot(_json_array(_records(params, with_body=True)))
    if format == "jsonl":
        return _in_snapshot(_json_lines(_records(params, with_body=True)))
    if format == "csv":
        return _in_snapshot(_csv(params))
    if format == "claimreview":
        return _in_snapshot(_claimreviews(params, base_url=base_url))
    raise ValueError(f"unknown export format {format!r}")


# --- Reading ------------------------------------------------------------------------------

_dumps = partial(orjson.dumps, option=orjson.OPT_UTC_Z)

SENTENCE_COLUMNS = (
    "id",
    "article_id",
    "index",
    "paragraph",
    "start",
    "end",
    "text",
    "kind",
    "status",
    "updated_at",
    "verdict__id",
    "verdict__label__slug",
    "verdict__rationale",
    "verdict__decided_by__username",
    "verdict__is_consensus",
    "verdict__needs_attention",
    "verdict__version",
    "verdict__created_at",
    "verdict__updated_at",
)
REVIEW_COLUMNS = (
    "sentence_id",
    "reviewer__username",
    "label__slug",
    "note",
    "evidence_json",
    "version",
    "created_at",
    "updated_at",
)


def sentences_for_export(
    params: ExportParams, *, published_only: bool = False
) -> QuerySet[Sentence]:
    """The filtered sentences in export order; `published_only`: with a verdict on a claim."""
    sentences = Sentence.objects.all()
    if published_only:
        sentences = sentences.filter(verdict__label__is_claim=True)
    if params.article is not None:
        sentences = sentences.filter(article_id=params.article)
    if params.status:
        sentences = sentences.filter(status=params.status)
    if params.updated_since:
        sentences = sentences.filter(updated_at__gte=params.updated_since)
    if params.label:
        reviewed = Review.objects.filter(sentence=OuterRef("pk"), label__slug=params.label)
        decided = Verdict.objects.filter(sentence=OuterRef("pk"), label__slug=params.label)
        sentences = sentences.filter(Q(Exists(reviewed)) | Q(Exists(decided)))
    return sentences.order_by("article_id", "index")


@contextmanager
def _snapshot() -> Iterator[None]:
    # Not on SQLite: its transactions (BEGIN IMMEDIATE here) would lock out writers. Not inside
    # a caller's transaction either: that already fixes what is read, and it has begun.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _in_snapshot(chunks: Iterator[bytes]) -> Iterator[bytes]:
    with _snapshot():
        yield from chunks


def _pages(sentences: QuerySet[Sentence]) -> Iterator[list[tuple]]:
    # On PostgreSQL .iterator() is a server-side cursor; inside the snapshot's transaction it
    # streams without being materialised first (WITH HOLD is only used in autocommit).
    rows = sentences.values_list(*SENTENCE_COLUMNS).iterator(chunk_size=PAGE_SIZE)
    while page := list(islice(rows, PAGE_SIZE)):
        yield page


def _article_runs(page: list[tuple]) -> Iterator[list[tuple]]:
    """Split a page into runs of consecutive rows covering at most ARTICLE_BATCH articles."""
    run: list[tuple] = []
    articles, last = 0, None
    for row in page:
        if row[1] != last:
            if articles == ARTICLE_BATCH:
                yield run
                run, articles = [], 0
            articles, last = articles + 1, row[1]
        run.append(row)
    if run:
        yield run


class _IdIn(Lookup):
    """`column IN ids` with the ids as one parameter: an array on PostgreSQL.

    Django's `__in` prepares every id on its own; for the 2,000 ids of a page that was a third
    of the export's time. Used as an expression: `.filter(_IdIn(F("sentence_id"), ids))`.
    """

    lookup_name = "id_in"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, list(self.rhs)]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


def _page_reviews(sentence_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The reviews of a page's sentences (and maybe of a few others), by sentence id."""
    low, high = min(sentence_ids), max(sentence_ids)
    if high - low < 2 * len(sentence_ids):
        # Sentences imported together have consecutive ids, so a page is mostly one range:
        # planned at once and read in one index range scan, 10% faster overall than the list.
        # The few other sentences' reviews cost little and are never looked up.
        in_page = Q(sentence_id__gte=low, sentence_id__lte=high)
    else:  # a filtered export's page is sparse
        in_page = _IdIn(F("sentence_id"), sentence_ids)
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    rows = (
        Review.objects.filter(in_page)
        # Decoded by orjson below: several times faster than JSONField's json.loads.
        .annotate(evidence_json=Cast("evidence", TextField()))
        .order_by("sentence_id", "created_at", "id")
        .values_list(*REVIEW_COLUMNS)
    )
    for sentence_id, reviewer, label, note, evidence, version, created_at, updated_at in rows:
        by_sentence.setdefault(sentence_id, []).append(
            {
                "reviewer": reviewer,
                "label": label,
                "note": note,
                "evidence": orjson.loads(evidence),
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
    return by_sentence


def _articles(ids: list[int], *, with_body: bool) -> dict[int, tuple[dict[str, Any], str]]:
    """Metadata (as exported) and body ("" without `with_body`) of each article, by id."""
    tags: dict[int, list[str]] = {article_id: [] for article_id in ids}
    through = Article.tags.through.objects.filter(article_id__in=ids)
    for article_id, name in through.order_by("tag__name").values_list("article_id", "tag__name"):
        tags[article_id].append(name)
    columns = ("id", "title", "url", "source", "published_at", "language")
    found = {}
    rows = Article.objects.filter(pk__in=ids).values_list(
        *columns, "checksum", *(["body"] if with_body else [])
    )
    for row in rows:
        meta = dict(zip(columns, row, strict=False))
        # Key order as documented: tags, then checksum, then the body if any.
        meta["tags"], meta["checksum"] = tags[row[0]], row[6]
        found[row[0]] = (meta, row[7] if with_body else "")
    return found


def _records(
    params: ExportParams, *, with_body: bool, published_only: bool = False
) -> Iterator[list[dict[str, Any]]]:
    """Batches of export records, in (article id, sentence index) order."""
    current_id, current_meta = None, None  # the article whose body has gone out already
    for page in _pages(sentences_for_export(params, published_only=published_only)):
        reviews = _page_reviews([row[0] for row in page])
        for run in _article_runs(page):
            new_ids = list(dict.fromkeys(row[1] for row in run if row[1] != current_id))
            articles = _articles(new_ids, with_body=with_body) if new_ids else {}
            batch = []
            for row in run:  # positions as in SENTENCE_COLUMNS
                if row[1] != current_id:
                    current_meta, body = articles.pop(row[1])
                    current_id = row[1]
                    article = {**current_meta, "body": body} if with_body else current_meta
                else:
                    article = current_meta
                batch.append(
                    {
                        "article": article,
                        "sentence": {
                            "id": row[0],
                            "index": row[2],
                            "paragraph": row[3],
                            "start": row[4],
                            "end": row[5],
                            "text": row[6],
                            "kind": row[7],
                            "status": row[8],
                            "updated_at": row[9],
                        },
                        "reviews": reviews.get(row[0], []),
                        "verdict": None
                        if row[10] is None
                        else {
                            "label": row[11],
                            "rationale": row[12],
                            "decided_by": row[13],
                            "is_consensus": row[14],
                            "needs_attention": row[15],
                            "version": row[16],
                            "created_at": row[17],
                            "updated_at": row[18],
                        },
                    }
                )
            yield batch


# --- json and jsonl -----------------------------------------------------------------------


def _json_lines(batches: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    for batch in batches:
        yield b"".join([_dumps(record) + b"\n" for record in batch])


def _json_array(batches: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    """One JSON array, one element per line, streamed element by element."""
    separator = b"[\n"
    for batch in batches:
        yield separator + b",\n".join([_dumps(record) for record in batch])
        separator = b",\n"
    yield b"[]\n" if separator == b"[\n" else b"\n]\n"


# --- csv ----------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    """The same ISO 8601 form as the JSON formats: UTC with a "Z"."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas: a leading apostrophe makes the cell plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _max_reviews(params: ExportParams) -> int:
    """The most reviews any exported sentence has: the number of review column groups."""
    per_sentence = (
        Review.objects.filter(sentence__in=sentences_for_export(params).values("pk"))
        .values("sentence_id")
        .annotate(count=Count("id"))
    )
    return per_sentence.aggregate(most=Max("count"))["most"] or 0


def csv_header(review_slots: int) -> list[str]:
    header = [
        *(f"article_{name}" for name in ("id", "title", "url", "source", "published_at")),
        *(f"article_{name}" for name in ("language", "tags")),
        *(f"sentence_{name}" for name in ("id", "index", "paragraph", "start", "end", "text")),
        *(f"sentence_{name}" for name in ("kind", "status", "updated_at")),
        "verdict_label",
        "verdict_rationale",
        "verdict_decided_by",
        "review_count",
    ]
    for slot in range(1, review_slots + 1):
        header += [f"review_{slot}_{name}" for name in ("reviewer", "label", "note", "evidence")]
    return header


def _csv_row(record: dict[str, Any], review_slots: int) -> list[Any]:
    article, sentence, verdict = record["article"], record["sentence"], record["verdict"] or {}
    row = [
        article["id"],
        article["title"],
        article["url"],
        article["source"],
        _iso(article["published_at"]),
        article["language"],
        # ", " because the importer reads a "health, economy" string as two tags.
        ", ".join(article["tags"]),
        sentence["id"],
        sentence["index"],
        sentence["paragraph"],
        sentence["start"],
        sentence["end"],
        sentence["text"],
        sentence["kind"],
        sentence["status"],
        _iso(sentence["updated_at"]),
        verdict.get("label"),
        verdict.get("rationale"),
        verdict.get("decided_by"),
        len(record["reviews"]),
    ]
    for review in record["reviews"]:
        evidence = " ".join(item.get("url", "") for item in review["evidence"])
        row += [review["reviewer"], review["label"], review["note"], evidence]
    # Every row as wide as the header. (A review added after the header was written, possible
    # only on SQLite, which has no snapshot, makes its row longer rather than being dropped.)
    row += [""] * 4 * (review_slots - len(record["reviews"]))
    return [_cell(value) for value in row]


def _csv(params: ExportParams) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    review_slots = _max_reviews(params)
    writer.writerow(csv_header(review_slots))
    for batch in _records(params, with_body=False):
        writer.writerows(_csv_row(record, review_slots) for record in batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # nothing was exported: the header alone
        yield buffer.getvalue().encode("utf-8")


# --- ClaimReview --------------------------------------------------------------------------


def _claimreview(
    *,
    sentence_id: int,
    text: str,
    article: dict[str, Any],
    label: Label,
    reviewed_at: datetime,
    base_url: str,
) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating"}
    if label.rating_value is not None:
        rating["ratingValue"] = label.rating_value
    rating.update(bestRating=5, worstRating=1, alternateName=label.name)
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article["url"]:
        appearance["url"] = article["url"]
    appearance["headline"] = article["title"]
    if article["source"]:
        appearance["publisher"] = {"@type": "Organization", "name": article["source"]}
    claim: dict[str, Any] = {"@type": "Claim", "appearance": [appearance]}
    if article["published_at"]:
        # When the claim entered public discourse: the article's date.
        appearance["datePublished"] = claim["datePublished"] = _iso(article["published_at"])
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{base_url.rstrip('/')}/claims/{sentence_id}/",
        "claimReviewed": text,
        "datePublished": _iso(reviewed_at),
        "author": {"@type": "Organization", "name": settings.FACTCHECK_ORGANISATION},
        "reviewRating": rating,
        "itemReviewed": claim,
    }


def claimreview_for_sentence(sentence: Sentence, *, base_url: str) -> dict[str, Any]:
    """The ClaimReview of one sentence (for /claims/{id}/); NotFound without a published verdict.

    The values are JSON-ready (dates as strings). A verdict whose label is not a claim
    (`is_claim` false) is not published.
    """
    verdict = Verdict.objects.select_related("label").filter(sentence=sentence).first()
    if verdict is None or not verdict.label.is_claim:
        raise NotFound(f"sentence {sentence.pk} has no published verdict.")
    article = sentence.article
    return _claimreview(
        sentence_id=sentence.pk,
        text=sentence.text,
        article={
            "url": article.url,
            "title": article.title,
            "source": article.source,
            "published_at": article.published_at,
        },
        label=verdict.label,
        reviewed_at=verdict.updated_at,
        base_url=base_url,
    )


def _claimreviews(params: ExportParams, *, base_url: str) -> Iterator[bytes]:
    labels = {label.slug: label for label in Label.objects.all()}

    def objects() -> Iterator[list[dict[str, Any]]]:
        for batch in _records(params, with_body=False, published_only=True):
            yield [
                _claimreview(
                    sentence_id=record["sentence"]["id"],
                    text=record["sentence"]["text"],
                    article=record["article"],
                    label=labels[record["verdict"]["label"]],
                    reviewed_at=record["verdict"]["updated_at"],
                    base_url=base_url,
                )
                for record in batch
            ]

    return _json_array(objects())
