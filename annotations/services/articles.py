"""Importing articles (validation, duplicate detection, segmentation, bulk insert) and editing
their metadata (never their body: sentence offsets point into it)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import permissions, segmentation
from annotations.errors import Duplicate, Forbidden, InvalidInput, NotFound, is_id
from annotations.inputs import ArticleInput, article_input, body_checksum
from annotations.models import Article, History, Sentence, Tag
from annotations.prepared import PreparedQuery
from annotations.services import summaries

# Validation lives in annotations/inputs.py; these names are kept for the callers of services.
article_input_clean = article_input
__all__ = [
    "KEEP",
    "ArticleInput",
    "ImportResult",
    "article_import",
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
    segments = segmentation.segment(fields.body, fields.language)
    if not segments:
        # Only invisible characters (zero-width spaces, joiners): nothing anyone could rate.
        raise InvalidInput({"body": ["The body holds no visible text to split into sentences."]})
    article = article_new(fields, imported_by)
    if dry_run:
        return ImportResult(article=article, created=False, sentence_count=len(segments))

    with duplicate_on_conflict(fields.checksum), transaction.atomic():
        _article_insert(article)
        _sentences_insert(article, segments)
        tags_attach(article, fields.tags)
        summaries.article_summary_create(article.pk, (segment.kind for segment in segments))
    return ImportResult(article=article, created=True, sentence_count=len(segments))


def _article_insert(article: Article) -> None:
    """Insert a new article and give it its id.

    On PostgreSQL one plain statement: Django's save() compiled the same INSERT again for every
    article, a tenth of an import's time (docs/performance.md, "Import"). Other databases
    take save(). The columns are the model's (tests/test_import_articles_command.py reads an
    imported article back field by field on both databases).
    """
    if connection.vendor != "postgresql":
        article.save(force_insert=True)
        return
    article.created_at = article.updated_at = timezone.now()
    values = {
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "url": article.url,
        "published_at": article.published_at,
        "language": article.language,
        "checksum": article.checksum,
        "imported_by_id": article.imported_by_id,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Article._meta.db_table} ({', '.join(values)}) "
            f"VALUES ({', '.join(['%s'] * len(values))}) RETURNING id",
            list(values.values()),
        )
        article.pk = cursor.fetchone()[0]
    article._state.adding = False
    article._state.db = connection.alias


def _sentences_insert(article: Article, segments: list[segmentation.Segment]) -> None:
    """Insert an article's sentences in one statement.

    On PostgreSQL the rows go through psycopg2's execute_values: bulk_create's per-field
    preparation costs as much as the insert itself, and import speed is a target (see
    docs/performance.md). Other databases take bulk_create.
    """
    if connection.vendor != "postgresql":
        Sentence.objects.bulk_create(
            [
                Sentence(
                    article=article,
                    index=s.index,
                    paragraph=s.paragraph,
                    start=s.start,
                    end=s.end,
                    text=s.text,
                    kind=s.kind,
                )
                for s in segments
            ],
            batch_size=1000,
        )
        return
    from psycopg2.extras import execute_values

    now = timezone.now()
    pending = Sentence.Status.PENDING
    rows = [
        (article.pk, s.index, s.paragraph, s.start, s.end, s.text, s.kind, pending, now)
        for s in segments
    ]
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,  # the psycopg2 cursor under Django's wrapper
            f"INSERT INTO {Sentence._meta.db_table} "
            '(article_id, "index", paragraph, start, "end", text, kind, status, updated_at) '
            "VALUES %s",
            rows,
            page_size=1000,
        )


def _tag_ids(names: tuple[str, ...]) -> list[int]:
    """The ids of the tags with these names (on PostgreSQL one statement, not compiled by the
    ORM on every import)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Tag._meta.db_table} WHERE name = ANY(%s)", [list(names)]
            )
            return [row[0] for row in cursor.fetchall()]
    return list(Tag.objects.filter(name__in=names).values_list("id", flat=True))


def _tags_get_or_create(names: tuple[str, ...]) -> list[int]:
    """The ids of the tags with these names, created if missing; one query when they all
    exist."""
    ids = _tag_ids(names)
    if len(ids) < len(names):
        Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
        ids = _tag_ids(names)
    return ids


def tags_attach(article: Article, names: tuple[str, ...]) -> None:
    """Tag a new article: no need for the m2m manager's check of existing links."""
    if not names:
        return
    through = Article.tags.through
    ids = _tags_get_or_create(names)
    if connection.vendor == "postgresql":
        table = through._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (article_id, tag_id) SELECT %s, unnest(%s::bigint[])",
                [article.pk, ids],
            )
        return
    through.objects.bulk_create([through(article_id=article.pk, tag_id=tag) for tag in ids])


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
            [through(article_id=article.pk, tag_id=tag) for tag in _tags_get_or_create(added)]
        )
