"""Importing articles: validation, duplicate detection, segmentation, bulk insert."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import segmentation
from annotations.errors import Duplicate, InvalidInput
from annotations.inputs import ArticleInput, article_input, body_checksum
from annotations.models import Article, Sentence, Tag
from annotations.services import summaries

# Validation lives in annotations/inputs.py; these names are kept for the callers of services.
article_input_clean = article_input
__all__ = ["ArticleInput", "ImportResult", "article_import", "article_input_clean", "body_checksum"]


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


def article_duplicate_check(checksum: str) -> None:
    """Raise Duplicate, naming the article, if a body with this checksum is stored."""
    existing = Article.objects.filter(checksum=checksum).only("id", "title").first()
    if existing is not None:
        raise _duplicate_error(existing)


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
        article.save(force_insert=True)
        _sentences_insert(article, segments)
        tags_attach(article, fields.tags)
        summaries.article_summary_create(article.pk, (segment.kind for segment in segments))
    return ImportResult(article=article, created=True, sentence_count=len(segments))


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


def _tags_get_or_create(names: tuple[str, ...]) -> list[Tag]:
    """The tags with these names, created if missing; one query when they all exist."""
    tags = list(Tag.objects.filter(name__in=names))
    if len(tags) < len(names):
        known = {t.name for t in tags}
        Tag.objects.bulk_create(
            [Tag(name=n) for n in names if n not in known], ignore_conflicts=True
        )
        tags = list(Tag.objects.filter(name__in=names))
    return tags


def tags_attach(article: Article, names: tuple[str, ...]) -> None:
    """Tag a new article: no need for the m2m manager's check of existing links."""
    if not names:
        return
    through = Article.tags.through
    through.objects.bulk_create(
        [through(article_id=article.pk, tag_id=tag.pk) for tag in _tags_get_or_create(names)]
    )
