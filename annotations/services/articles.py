"""Importing articles: validation, duplicate detection, segmentation, bulk insert."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from annotations import segmentation
from annotations.errors import Duplicate, InvalidInput, TooLarge
from annotations.models import Article, Sentence, Tag
from annotations.services import summaries

TITLE_MAX = Article._meta.get_field("title").max_length
SOURCE_MAX = Article._meta.get_field("source").max_length
URL_MAX = Article._meta.get_field("url").max_length
TAG_MAX = Tag._meta.get_field("name").max_length
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class ArticleInput:
    """Validated fields of one article to import."""

    title: str
    body: str
    source: str = ""
    url: str = ""
    published_at: datetime | None = None
    language: str = "en"
    tags: tuple[str, ...] = ()
    checksum: str = field(default="", compare=False)


@dataclass(frozen=True)
class ImportResult:
    article: Article
    created: bool
    sentence_count: int


def body_checksum(body: str) -> str:
    """sha256 of the body with Unicode and whitespace normalised.

    A story scraped twice often differs only in line endings or spacing; it is still a duplicate.
    """
    normalised = " ".join(unicodedata.normalize("NFC", body).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _text_field(
    data: Mapping[str, Any], name: str, errors: dict[str, list[str]], *, max_length: int
) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = [f"Must be a string, not {type(value).__name__}."]
        return ""
    value = value.strip()
    if len(value) > max_length:
        errors[name] = [
            f"Ensure this field has no more than {max_length} characters (it has {len(value)})."
        ]
    return value


def _parse_published_at(value: Any, errors: dict[str, list[str]]) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
            if parsed is None:
                day = parse_date(value.strip())
                parsed = datetime.combine(day, time()) if day else None
        except ValueError:  # well formed but impossible, e.g. 2026-02-30
            parsed = None
    if parsed is None:
        errors["published_at"] = [
            f"{value!r} is not an ISO 8601 date; use e.g. 2026-03-01 or 2026-03-01T09:30:00Z."
        ]
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _parse_tags(value: Any, errors: dict[str, list[str]]) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):  # "health, economy" is accepted too
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(t, str) for t in value):
        errors["tags"] = ["Must be a list of strings."]
        return ()
    tags = []
    for tag in (t.strip().lower() for t in value):
        if len(tag) > TAG_MAX:
            errors["tags"] = [f"Tag {tag[:20]!r}... is longer than {TAG_MAX} characters."]
            return ()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def article_input_clean(data: Mapping[str, Any]) -> ArticleInput:
    """Validate raw article fields (from JSON, a file or a form); raise InvalidInput or TooLarge."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"non_field_errors": ["Expected an object with title and body."]})
    errors: dict[str, list[str]] = {}

    body = data.get("body")
    if body is None or (isinstance(body, str) and not body.strip()):
        errors["body"] = ["This field is required and may not be blank."]
    elif not isinstance(body, str):
        errors["body"] = [f"Must be text, not {type(body).__name__}."]
    elif "\x00" in body:
        errors["body"] = ["Contains a NUL character; this looks like binary data, not text."]
    else:
        size = len(body.encode("utf-8"))
        limit = settings.FACTCHECK_MAX_BODY_BYTES
        if size > limit:
            raise TooLarge(
                f"The body is {size:,} bytes; the limit is {limit:,} bytes.", field="body"
            )

    title = _text_field(data, "title", errors, max_length=TITLE_MAX)
    if not title and "title" not in errors:
        errors["title"] = ["This field is required and may not be blank."]
    source = _text_field(data, "source", errors, max_length=SOURCE_MAX)
    url = _text_field(data, "url", errors, max_length=URL_MAX)
    if url and "url" not in errors:
        try:
            _url_validator(url)
        except ValidationError:
            errors["url"] = [f"{url[:100]!r} is not an http(s) URL."]
    language = _text_field(data, "language", errors, max_length=16) or "en"
    if "language" not in errors and not LANGUAGE_RE.match(language):
        errors["language"] = [f"{language!r} is not a language code such as 'en' or 'pt-BR'."]
    published_at = _parse_published_at(data.get("published_at"), errors)
    tags = _parse_tags(data.get("tags"), errors)

    if errors:
        raise InvalidInput(errors)
    return ArticleInput(
        title=title,
        body=body,
        source=source,
        url=url,
        published_at=published_at,
        language=language,
        tags=tags,
        checksum=body_checksum(body),
    )


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
    """Validate, segment and store one article with its sentences; raise Duplicate if known."""
    fields = data if isinstance(data, ArticleInput) else article_input_clean(data)
    article_duplicate_check(fields.checksum)

    # Segment outside the transaction: it is the slow part and needs no lock.
    segments = segmentation.segment(fields.body, fields.language)
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
