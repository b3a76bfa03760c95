"""Reading for the exports: the filtered sentences in pages, their reviews and their articles.

Sentences are read in (article id, sentence index) order through one server-side cursor on
PostgreSQL (a plain cursor, which also streams, on SQLite), as tuples, never model instances;
each query's columns are named by a row shape below, so records are built by name.
Rows are processed in pages of PAGE_SIZE sentences: one query each fetches the reviews, the
verdicts and (when there are verdicts) their corrections of a page, and one query each fetches
the metadata, body and tags of at most ARTICLE_BATCH new articles, so the number of queries
grows with pages, never with rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import islice
from typing import Any, NamedTuple

import orjson
from django.db import connections, transaction
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from annotations.models import Article, Correction, Review, Sentence, Verdict
from annotations.replica import read_alias

PAGE_SIZE = 2000
# At most this many article bodies are held at once (a body may be up to 1 MB).
ARTICLE_BATCH = 50


@dataclass(frozen=True)
class ExportParams:
    """Which sentences to export; None means no filter."""

    article: int | None = None
    label: str | None = None
    status: str | None = None
    updated_since: datetime | None = None
    source: str | None = None
    tag: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    # Articles with ids from `articles_from` up to, not including, `articles_before`: the piece
    # of the export one helper process builds (parallel.py).
    articles_from: int | None = None
    articles_before: int | None = None


class SentenceRow(NamedTuple):
    """A sentence as the sentence query reads it (SENTENCE_COLUMNS, in this order)."""

    id: int
    article_id: int
    index: int
    paragraph: int
    start: int
    end: int
    text: str
    kind: str
    status: str
    updated_at: datetime


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
)


class VerdictRow(NamedTuple):
    """A verdict as the verdicts query reads it (VERDICT_COLUMNS, in this order)."""

    sentence_id: int
    label: str
    rationale: str
    decided_by: str | None
    is_consensus: bool
    needs_attention: bool
    evidence_json: str  # the JSON text, decoded by orjson
    published: bool
    published_at: datetime | None
    corrected_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


VERDICT_COLUMNS = (
    "sentence_id",
    "label__slug",
    "rationale",
    "decided_by__username",
    "is_consensus",
    "needs_attention",
    "evidence_json",
    "published",
    "published_at",
    "corrected_at",
    "version",
    "created_at",
    "updated_at",
)


class ReviewRow(NamedTuple):
    """A review as the reviews query reads it (REVIEW_COLUMNS, in this order)."""

    sentence_id: int
    reviewer: str
    label: str
    note: str
    evidence_json: str  # the JSON text, decoded by orjson
    version: int
    created_at: datetime
    updated_at: datetime


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


# A correction of a published verdict, as the corrections query reads it (its sentence, then
# the exported fields in order).
CORRECTION_COLUMNS = (
    "verdict__sentence_id",
    "label_before__slug",
    "label_after__slug",
    "note",
    "editor__username",
    "created_at",
)


class ArticleRow(NamedTuple):
    id: int
    title: str
    url: str
    source: str
    published_at: datetime | None
    language: str
    checksum: str
    body: str = ""  # read only for the formats that carry it


ARTICLE_COLUMNS = ("id", "title", "url", "source", "published_at", "language", "checksum")

# A fetched tuple as a row shape, in C: NamedTuple._make, a Python function checking the length,
# was a sixth of the export's time. The columns above match the fields, so nothing is checked.
_sentence_row = partial(tuple.__new__, SentenceRow)
_verdict_row = partial(tuple.__new__, VerdictRow)


def article_filter(params: ExportParams) -> Q:
    """The filters on the article, for a model with an `article` foreign key (Sentence,
    ArticleSummary)."""
    condition = Q()
    if params.article is not None:
        condition &= Q(article_id=params.article)
    if params.articles_from is not None:
        condition &= Q(article_id__gte=params.articles_from)
    if params.articles_before is not None:
        condition &= Q(article_id__lt=params.articles_before)
    if params.source:
        condition &= Q(article__source=params.source)
    if params.tag:
        tagged = Article.tags.through.objects.filter(
            article_id=OuterRef("article_id"), tag__name=params.tag
        )
        condition &= Q(Exists(tagged))
    if params.published_after:
        condition &= Q(article__published_at__gte=params.published_after)
    if params.published_before:
        condition &= Q(article__published_at__lt=params.published_before)
    return condition


def sentences_for_export(
    params: ExportParams, *, published_only: bool = False
) -> QuerySet[Sentence]:
    """The filtered sentences in export order; `published_only`: with a published verdict."""
    sentences = Sentence.objects.filter(article_filter(params))
    if published_only:
        # Publishing needs a rating of a claim (services/verdicts.py); checked again here.
        sentences = sentences.filter(verdict__published=True, verdict__label__is_claim=True)
    if params.status:
        sentences = sentences.filter(status=params.status)
    if params.updated_since:
        sentences = sentences.filter(updated_at__gte=params.updated_since)
    if params.label:
        reviewed = Review.objects.filter(sentence=OuterRef("pk"), label__slug=params.label)
        decided = Verdict.objects.filter(sentence=OuterRef("pk"), label__slug=params.label)
        sentences = sentences.filter(Q(Exists(reviewed)) | Q(Exists(decided)))
    return sentences.order_by("article_id", "index")


# Set while an export reads from a snapshot it opened itself (not a caller's transaction, whose
# writes other connections cannot see): only then may helper processes share it (parallel.py).
_own_snapshot: ContextVar[bool] = ContextVar("export_own_snapshot", default=False)


def owns_snapshot() -> bool:
    """Whether the export being read here runs in a REPEATABLE READ snapshot of its own."""
    return _own_snapshot.get()


@contextmanager
def _snapshot() -> Iterator[None]:
    # Not on SQLite: its transactions (BEGIN IMMEDIATE here) would lock out writers. Not inside
    # a caller's transaction either: that already fixes what is read, and it has begun. On the
    # database reads go to (a replica, if the export reads from one: annotations/replica.py).
    alias = read_alias()
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # Set and set back, not reset by token: a streamed response's chunks may be read in
        # copies of the context (ASGI), where a token from another context is refused.
        _own_snapshot.set(True)
        try:
            yield
        finally:
            _own_snapshot.set(False)


def in_snapshot(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, read (on PostgreSQL, outside a transaction) from one REPEATABLE READ snapshot.

    So a sentence edited during a long export is exported as it was when the export began.
    """
    with _snapshot():
        yield from chunks


def sentence_pages(sentences: QuerySet[Sentence]) -> Iterator[list[SentenceRow]]:
    """The sentences' rows, PAGE_SIZE at a time."""
    # On PostgreSQL .iterator() is a server-side cursor; inside the snapshot's transaction it
    # streams without being materialised first (WITH HOLD is only used in autocommit).
    # The verdicts are read per page (page_verdicts): joined in here, they doubled the time
    # the cursor took, for the few sentences that have one.
    rows = sentences.values_list(*SENTENCE_COLUMNS).iterator(chunk_size=PAGE_SIZE)
    while page := list(map(_sentence_row, islice(rows, PAGE_SIZE))):
        yield page


def article_runs(page: list[SentenceRow]) -> Iterator[list[SentenceRow]]:
    """Split a page into runs of consecutive rows covering at most ARTICLE_BATCH articles."""
    run: list[SentenceRow] = []
    articles, last = 0, None
    for row in page:
        if row.article_id != last:
            if articles == ARTICLE_BATCH:
                yield run
                run, articles = [], 0
            articles, last = articles + 1, row.article_id
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


def _in_page(sentence_ids: list[int], field: str = "sentence_id") -> Q | Lookup:
    """A filter on `field` (a sentence's id) for the rows of a page's sentences (and maybe a
    few others)."""
    low, high = min(sentence_ids), max(sentence_ids)
    if high - low < 2 * len(sentence_ids):
        # Sentences imported together have consecutive ids, so a page is mostly one range:
        # planned at once and read in one index range scan, 10% faster overall than the list.
        # The few other sentences' rows cost little and are never looked up.
        return Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return _IdIn(F(field), sentence_ids)  # a filtered export's page is sparse


def page_reviews(sentence_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The reviews of a page's sentences (and maybe of a few others) as exported, by sentence."""
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    rows = (
        Review.objects.filter(_in_page(sentence_ids))
        # Decoded by orjson below: several times faster than JSONField's json.loads.
        .annotate(evidence_json=Cast("evidence", TextField()))
        .order_by("sentence_id", "created_at", "id")
        .values_list(*REVIEW_COLUMNS)
    )
    # A ReviewRow, unpacked: faster than making one and reading its fields.
    for sentence_id, reviewer, label, note, evidence_json, version, created_at, updated_at in rows:
        by_sentence.setdefault(sentence_id, []).append(
            {
                "reviewer": reviewer,
                "label": label,
                "note": note,
                "evidence": orjson.loads(evidence_json),
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
    return by_sentence


def page_verdicts(sentence_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The verdicts of a page's sentences (and maybe of a few others) as exported, by sentence,
    each with its corrections (read only when the page has a verdict)."""
    rows = (
        Verdict.objects.filter(_in_page(sentence_ids))
        # Decoded by orjson below, as the reviews' evidence.
        .annotate(evidence_json=Cast("evidence", TextField()))
        .values_list(*VERDICT_COLUMNS)
    )
    verdicts = {
        verdict.sentence_id: {
            "label": verdict.label,
            "rationale": verdict.rationale,
            "decided_by": verdict.decided_by,
            "is_consensus": verdict.is_consensus,
            "needs_attention": verdict.needs_attention,
            "evidence": orjson.loads(verdict.evidence_json),
            "published": verdict.published,
            "published_at": verdict.published_at,
            "corrected_at": verdict.corrected_at,
            "version": verdict.version,
            "created_at": verdict.created_at,
            "updated_at": verdict.updated_at,
            "corrections": [],
        }
        for verdict in map(_verdict_row, rows)
    }
    if verdicts:
        corrections = (
            Correction.objects.filter(_in_page(sentence_ids, "verdict__sentence_id"))
            .order_by("created_at", "id")
            .values_list(*CORRECTION_COLUMNS)
        )
        for sentence_id, before, after, note, editor, created_at in corrections:
            verdicts[sentence_id]["corrections"].append(
                {
                    "label_before": before,
                    "label_after": after,
                    "note": note,
                    "editor": editor,
                    "created_at": created_at,
                }
            )
    return verdicts


def articles_by_id(ids: list[int], *, with_body: bool) -> dict[int, tuple[dict[str, Any], str]]:
    """Metadata (as exported) and body ("" without `with_body`) of each article, by id."""
    tags: dict[int, list[str]] = {article_id: [] for article_id in ids}
    through = Article.tags.through.objects.filter(article_id__in=ids)
    for article_id, name in through.order_by("tag__name").values_list("article_id", "tag__name"):
        tags[article_id].append(name)
    rows = Article.objects.filter(pk__in=ids).values_list(
        *ARTICLE_COLUMNS, *(["body"] if with_body else [])
    )
    found = {}
    for article in (ArticleRow(*row) for row in rows):  # _make would not default the body
        meta = {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "source": article.source,
            "published_at": article.published_at,
            "language": article.language,
            # Key order as documented: tags, then checksum, then the body if any.
            "tags": tags[article.id],
            "checksum": article.checksum,
        }
        found[article.id] = (meta, article.body)
    return found


def records(
    params: ExportParams, *, with_body: bool, published_only: bool = False
) -> Iterator[list[dict[str, Any]]]:
    """Batches of export records, in (article id, sentence index) order."""
    current_id, current_meta = None, None  # the article whose body has gone out already
    for page in sentence_pages(sentences_for_export(params, published_only=published_only)):
        ids = [row.id for row in page]
        reviews, verdicts = page_reviews(ids), page_verdicts(ids)
        for run in article_runs(page):
            new_ids = list(dict.fromkeys(r.article_id for r in run if r.article_id != current_id))
            articles = articles_by_id(new_ids, with_body=with_body) if new_ids else {}
            batch = []
            # A SentenceRow, unpacked: faster than reading its fields one by one.
            for (
                sentence_id,
                article_id,
                index,
                paragraph,
                start,
                end,
                text,
                kind,
                status,
                updated,
            ) in run:
                if article_id != current_id:
                    current_meta, body = articles.pop(article_id)
                    current_id = article_id
                    article = {**current_meta, "body": body} if with_body else current_meta
                else:
                    article = current_meta
                batch.append(
                    {
                        "article": article,
                        "sentence": {
                            "id": sentence_id,
                            "index": index,
                            "paragraph": paragraph,
                            "start": start,
                            "end": end,
                            "text": text,
                            "kind": kind,
                            "status": status,
                            "updated_at": updated,
                        },
                        "reviews": reviews.get(sentence_id, []),
                        "verdict": verdicts.get(sentence_id),
                    }
                )
            yield batch
