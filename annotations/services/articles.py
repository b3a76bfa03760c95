"""Importing articles (validation, duplicate detection, segmentation, bulk insert) and editing
their metadata (never their body: sentence offsets point into it)."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from annotations import permissions, segmentation
from annotations.errors import (
    DomainError,
    Duplicate,
    Forbidden,
    InvalidInput,
    NotFound,
    is_id,
)
from annotations.inputs import ArticleInput, article_input, body_checksum
from annotations.models import Article, History, Sentence, Tag
from annotations.prepared import PreparedQuery
from annotations.services import summaries

logger = logging.getLogger(__name__)

# Validation lives in annotations/inputs.py; these names are kept for the callers of services.
article_input_clean = article_input
__all__ = [
    "KEEP",
    "ArticleInput",
    "ImportResult",
    "article_import",
    "articles_import",
    "article_input_clean",
    "article_snapshot",
    "article_update",
    "body_checksum",
]


@dataclass(frozen=True)
class ImportResult:
    article: Article
    created: bool
    sentence_count: int
    # A dry run of a new article: how its body would be split (nothing is stored).
    segments: tuple[segmentation.Segment, ...] = ()


def _duplicate_error(existing: Article) -> Duplicate:
    return Duplicate(
        f"An article with the same body already exists: #{existing.pk} {existing.title!r}.",
        existing_id=existing.pk,
    )


def _same_checksum(checksum: str):
    return Article.objects.filter(checksum=checksum).values_list("id", "title")[:1]


# Asked before every import: compiled once per database (import speed is a target).
_SAME_CHECKSUM = PreparedQuery(_same_checksum, "\x00checksum placeholder")


def article_duplicate_check(checksum: str) -> None:
    """Raise Duplicate, naming the article, if a body with this checksum is stored."""
    rows = _SAME_CHECKSUM.rows(checksum)
    if rows:
        raise _duplicate_error(Article(pk=rows[0][0], title=rows[0][1]))


@contextmanager
def duplicate_on_conflict(checksum: str) -> Iterator[None]:
    """Turn the unique-checksum violation of a concurrent import into Duplicate.

    Wrap the transaction that inserts the article: another import of the same body may win
    the race between article_duplicate_check and the insert.
    """
    try:
        yield
    except IntegrityError:
        existing = Article.objects.filter(checksum=checksum).only("id", "title").first()
        if existing is None:
            raise
        raise _duplicate_error(existing) from None


def article_new(fields: ArticleInput, imported_by: AbstractBaseUser | None) -> Article:
    """An unsaved Article with the validated fields."""
    return Article(
        title=fields.title,
        body=fields.body,
        source=fields.source,
        url=fields.url,
        published_at=fields.published_at,
        language=fields.language,
        checksum=fields.checksum,
        imported_by=imported_by if imported_by and imported_by.is_authenticated else None,
    )


def article_import(
    *,
    data: Mapping[str, Any] | ArticleInput,
    imported_by: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Store one article with its sentences; raise Duplicate if known.

    `data` is validated by annotations/inputs.py; a raw mapping (a file's record) is validated
    there first.
    """
    fields = data if isinstance(data, ArticleInput) else article_input(data)
    article_duplicate_check(fields.checksum)

    # Segment outside the transaction: it is the slow part and needs no lock.
    segments = _segments(fields)
    article = article_new(fields, imported_by)
    if dry_run:
        return ImportResult(
            article=article, created=False, sentence_count=len(segments), segments=tuple(segments)
        )

    with duplicate_on_conflict(fields.checksum), transaction.atomic():
        _store([_New(article, segments, fields.tags)])
    return ImportResult(article=article, created=True, sentence_count=len(segments))


def articles_import(
    *, inputs: Sequence[ArticleInput], imported_by: AbstractBaseUser | None = None
) -> list[ImportResult | DomainError]:
    """Store many validated articles at once; each input's outcome, in order.

    An outcome is the ImportResult, or the Duplicate or InvalidInput that article_import would
    have raised for it. The articles are written together in one transaction, a few statements
    for all of them rather than five for each plus a commit (the import speed target,
    docs/performance.md); every article is still stored whole or not at all. When the database
    refuses the batch (another import stored one of the bodies meanwhile, or a value it
    rejects) each article is tried again on its own, so one bad article fails alone.
    """
    if not inputs:
        return []
    outcomes: list[ImportResult | DomainError | None] = [None] * len(inputs)
    stored = _stored_checksums([fields.checksum for fields in inputs])
    first: dict[str, int] = {}  # checksum -> position of the batch's first article with it
    new: list[tuple[int, _New]] = []
    for position, fields in enumerate(inputs):
        if fields.checksum in stored:
            outcomes[position] = _duplicate_error(stored[fields.checksum])
            continue
        if fields.checksum in first:
            continue  # a duplicate of an article of this batch: known once that one is stored
        try:
            segments = _segments(fields)
        except InvalidInput as exc:
            outcomes[position] = exc
            continue
        first[fields.checksum] = position
        new.append((position, _New(article_new(fields, imported_by), segments, fields.tags)))
    if new:
        try:
            with transaction.atomic():
                _store([item for _, item in new])
        except DatabaseError:
            return [_import_alone(fields, imported_by) for fields in inputs]
    for position, item in new:
        outcomes[position] = ImportResult(item.article, True, len(item.segments))
    for position, fields in enumerate(inputs):
        if outcomes[position] is None:  # the same body as an earlier article of the batch
            outcomes[position] = _duplicate_error(outcomes[first[fields.checksum]].article)
    return outcomes


def _import_alone(
    fields: ArticleInput, imported_by: AbstractBaseUser | None
) -> ImportResult | DomainError:
    try:
        return article_import(data=fields, imported_by=imported_by)
    except (Duplicate, InvalidInput) as exc:
        return exc
    except DatabaseError as exc:
        # A value the validation let through and the database refused: logged, as it is a
        # bug to fix; the article's transaction is rolled back, so it fails alone.
        logger.exception("import of %r refused by the database", fields.title)
        return DomainError(
            f"the database refused it ({type(exc).__name__}); nothing of it was stored."
        )


def _stored_checksums(checksums: list[str]) -> dict[str, Article]:
    """The stored articles (id and title) with these body checksums, by checksum."""
    rows = Article.objects.filter(checksum__in=set(checksums)).values_list(
        "checksum", "id", "title"
    )
    return {checksum: Article(pk=pk, title=title) for checksum, pk, title in rows}


def _segments(fields: ArticleInput) -> list[segmentation.Segment]:
    segments = segmentation.segment(fields.body, fields.language)
    if not segments:
        # Only invisible characters (zero-width spaces, joiners): nothing anyone could rate.
        raise InvalidInput({"body": ["The body holds no visible text to split into sentences."]})
    return segments


@dataclass(frozen=True)
class _New:
    """An article to store: unsaved, with its sentences and tag names."""

    article: Article
    segments: list[segmentation.Segment]
    tags: tuple[str, ...]


def _store(new: list[_New]) -> None:
    """Insert new articles with their sentences, tags and summaries (inside a transaction)."""
    _articles_insert([item.article for item in new])
    _sentences_insert([(item.article.pk, item.segments) for item in new])
    tags_attach([(item.article.pk, item.tags) for item in new])
    summaries.article_summaries_create(
        [(item.article.pk, [segment.kind for segment in item.segments]) for item in new]
    )


def _articles_insert(articles: list[Article]) -> None:
    """Insert new articles and give each its id.

    On PostgreSQL one plain statement for all of them: Django's save() compiled the same INSERT
    again for every article, a tenth of an import's time (docs/performance.md, "Import"); the
    ids come back in the order of the rows, as bulk_create relies on too. Other databases take
    save(). The columns are the model's (tests/test_import_articles_command.py reads an
    imported article back field by field on both databases).
    """
    if connection.vendor != "postgresql":
        for article in articles:
            article.save(force_insert=True)
        return
    now = timezone.now()
    columns = (
        "title",
        "body",
        "source",
        "url",
        "published_at",
        "language",
        "checksum",
        "imported_by_id",
        "created_at",
        "updated_at",
    )
    for article in articles:
        article.created_at = article.updated_at = now
    from psycopg2.extras import execute_values

    # Django's error wrapper too: a unique violation is an IntegrityError (duplicate_on_conflict)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        ids = execute_values(
            cursor.cursor,  # the psycopg2 cursor under Django's wrapper
            f"INSERT INTO {Article._meta.db_table} ({', '.join(columns)}) VALUES %s RETURNING id",
            [tuple(getattr(article, column) for column in columns) for article in articles],
            page_size=len(articles),
            fetch=True,
        )
    for article, (pk,) in zip(articles, ids, strict=True):
        article.pk = pk
        article._state.adding = False
        article._state.db = connection.alias


def _sentences_insert(articles: list[tuple[int, list[segmentation.Segment]]]) -> None:
    """Insert the sentences of new articles (id, segments) in one statement.

    On PostgreSQL the rows go through psycopg2's execute_values: bulk_create's per-field
    preparation costs as much as the insert itself, and import speed is a target (see
    docs/performance.md). Other databases take bulk_create.
    """
    if connection.vendor != "postgresql":
        Sentence.objects.bulk_create(
            [
                Sentence(
                    article_id=article_id,
                    index=s.index,
                    paragraph=s.paragraph,
                    start=s.start,
                    end=s.end,
                    text=s.text,
                    kind=s.kind,
                )
                for article_id, segments in articles
                for s in segments
            ],
            batch_size=1000,
        )
        return
    from psycopg2.extras import execute_values

    now = timezone.now()
    pending = Sentence.Status.PENDING
    rows = [
        (article_id, s.index, s.paragraph, s.start, s.end, s.text, s.kind, pending, now)
        for article_id, segments in articles
        for s in segments
    ]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        execute_values(
            cursor.cursor,  # the psycopg2 cursor under Django's wrapper
            f"INSERT INTO {Sentence._meta.db_table} "
            '(article_id, "index", paragraph, start, "end", text, kind, status, updated_at) '
            "VALUES %s",
            rows,
            page_size=2000,
        )


def _tag_ids(names: Iterable[str]) -> dict[str, int]:
    """The ids of the tags with these names, by name (on PostgreSQL one statement, not
    compiled by the ORM on every import)."""
    names = list(names)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name, id FROM {Tag._meta.db_table} WHERE name = ANY(%s)", [names]
            )
            return dict(cursor.fetchall())
    return dict(Tag.objects.filter(name__in=names).values_list("name", "id"))


def _tags_get_or_create(names: Iterable[str]) -> dict[str, int]:
    """The ids of the tags with these names, by name, created if missing; one query when they
    all exist."""
    names = set(names)
    ids = _tag_ids(names)
    if len(ids) < len(names):
        Tag.objects.bulk_create([Tag(name=n) for n in sorted(names)], ignore_conflicts=True)
        ids = _tag_ids(names)
    return ids


def tags_attach(articles: list[tuple[int, tuple[str, ...]]]) -> None:
    """Tag new articles (id, tag names): no need for the m2m manager's check of existing
    links."""
    ids = _tags_get_or_create(name for _, names in articles for name in names)
    links = [(article_id, ids[name]) for article_id, names in articles for name in set(names)]
    if not links:
        return
    through = Article.tags.through
    if connection.vendor == "postgresql":
        table = through._meta.db_table
        article_ids, tag_ids = zip(*links, strict=True)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (article_id, tag_id) "
                "SELECT unnest(%s::bigint[]), unnest(%s::bigint[])",
                [list(article_ids), list(tag_ids)],
            )
        return
    through.objects.bulk_create([through(article_id=a, tag_id=t) for a, t in links])


# --- Editing an article's metadata --------------------------------------------------------
class _Keep(enum.Enum):
    KEEP = "keep"


# A field of article_update left as it is (None is a value: no publication date).
KEEP = _Keep.KEEP


def article_snapshot(article: Article, tags: Iterable[str]) -> dict[str, Any]:
    """What history stores of an article's metadata and tags (the body never changes)."""
    published_at = article.published_at
    return {
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published_at": published_at.astimezone(UTC).isoformat() if published_at else None,
        "language": article.language,
        "tags": sorted(tags),
    }


def article_update(
    *,
    article: Article | int,
    editor: AbstractBaseUser,
    title: str | _Keep = KEEP,
    source: str | _Keep = KEEP,
    url: str | _Keep = KEEP,
    published_at: datetime | None | _Keep = KEEP,
    language: str | _Keep = KEEP,
    tags: Iterable[str] | _Keep = KEEP,
) -> Article:
    """Change an article's metadata and tags (never its body); recorded in history.

    The values are validated already (inputs.article_edit_input, the admin's form). Nothing
    that stays the same is written: no history entry, no new updated_at.
    """
    if not permissions.is_editor(editor):
        raise Forbidden("Only editors may edit an article's metadata.")
    pk = article.pk if isinstance(article, Article) else article
    with transaction.atomic():
        # The row lock orders concurrent edits: each one's `before` is what the last one left.
        locked = Article.objects.select_for_update().filter(pk=pk).first() if is_id(pk) else None
        if locked is None:
            raise NotFound(f"article {pk} does not exist.")
        old_tags = dict(locked.tags.values_list("name", "id"))
        new_tags = set(old_tags) if tags is KEEP else set(tags)
        given = {
            "title": title,
            "source": source,
            "url": url,
            "published_at": published_at,
            "language": language,
        }
        columns = {
            name: value
            for name, value in given.items()
            if value is not KEEP and getattr(locked, name) != value
        }
        if not columns and new_tags == set(old_tags):
            return locked
        before = article_snapshot(locked, old_tags)
        for name, value in columns.items():
            setattr(locked, name, value)
        # updated_at too: the stats cache's fingerprint reads it (selectors/scope.py).
        locked.save(update_fields=[*columns, "updated_at"])
        if new_tags != set(old_tags):
            _tags_replace(locked, old_tags, new_tags)
        # Every exported record of a sentence carries its article's metadata, and incremental
        # exports (?updated_since=) select sentences by their updated_at.
        Sentence.objects.filter(article_id=pk).update(updated_at=locked.updated_at)
        History.objects.create(
            article=locked,
            sentence=None,
            entity=History.Entity.ARTICLE,
            entity_id=pk,
            action=History.Action.UPDATE,
            actor=editor if editor.is_authenticated else None,
            before=before,
            after=article_snapshot(locked, new_tags),
        )
    return locked


def _tags_replace(article: Article, old: dict[str, int], new: set[str]) -> None:
    """Unlink the tags no longer named and link the new ones (created if missing)."""
    through = Article.tags.through
    gone = [tag_id for name, tag_id in old.items() if name not in new]
    if gone:
        through.objects.filter(article_id=article.pk, tag_id__in=gone).delete()
    added = tuple(sorted(new - set(old)))
    if added:
        through.objects.bulk_create(
            [
                through(article_id=article.pk, tag_id=tag)
                for tag in _tags_get_or_create(added).values()
            ]
        )
