"""Importing many records at once (files, uploads): each article whole or not at all."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import DatabaseError

from annotations import readers
from annotations.errors import DomainError, Duplicate
from annotations.inputs import ArticleInput, article_input
from annotations.restore_input import printable
from annotations.services.article_restore import article_restore
from annotations.services.articles import ImportResult, article_import, articles_import

logger = logging.getLogger(__name__)


@dataclass
class ImportSummary:
    """One line per record, by outcome: "origin: what happened".

    Lines are always printable and storable: a NUL or a lone surrogate quoted from a file (or
    in a file's name) shows as an escape.
    """

    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    # The articles created, in order (their claims are matched after the import).
    article_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.skipped) + len(self.failed)


@dataclass(frozen=True)
class Outcome:
    """What became of one record: `kind` created, skipped or failed; `line` the summary line
    ("origin: what happened"); `article_id` the article created, or the one it duplicates."""

    kind: str
    origin: str
    line: str
    article_id: int | None = None
    message: str = ""
    # A dry run of a new article (not a restored one): (text, kind) of the sentences it would
    # be split into.
    sentences: tuple[tuple[str, str], ...] = ()


def record_import(
    record: readers.Record, *, imported_by: AbstractBaseUser | None = None, dry_run: bool = False
) -> Outcome:
    """Import one record (an exported article's records together) in its own transaction."""
    origin = printable(record.origin)
    if record.error:
        message = printable(record.error)
        return Outcome("failed", origin, f"{origin}: {message}", message=message)
    try:
        if record.restore is not None:
            result = article_restore(
                records=record.restore, imported_by=imported_by, dry_run=dry_run
            )
        else:
            result = article_import(data=record.data, imported_by=imported_by, dry_run=dry_run)
    except DomainError as exc:
        return _outcome(origin, exc)
    except DatabaseError as exc:
        # A value the validation let through and the database refused: the article's
        # transaction is rolled back, so it fails alone; logged, as it is a bug to fix.
        logger.exception("import of %s refused by the database", origin)
        message = f"the database refused it ({type(exc).__name__}); nothing of it was stored."
        return Outcome("failed", origin, f"{origin}: {message}", message=message)
    return _outcome(origin, result, dry_run=dry_run)


def _outcome(origin: str, result: ImportResult | DomainError, *, dry_run: bool = False) -> Outcome:
    """The outcome of one record from what the import returned or raised."""
    if isinstance(result, Duplicate):
        message = f"duplicate of #{result.existing_id}"
        return Outcome("skipped", origin, f"{origin}: {message}", result.existing_id, message)
    if isinstance(result, DomainError):
        message = printable(str(result))
        return Outcome("failed", origin, f"{origin}: {message}", message=message)
    ident = "(dry run)" if dry_run else f"#{result.article.pk}"
    line = printable(
        f"{origin}: {ident} {result.article.title!r}, {result.sentence_count} sentences"
    )
    if not dry_run:
        return Outcome("created", origin, line, result.article.pk)
    body = result.article.body
    sentences = tuple((body[s.start : s.end], s.kind) for s in result.segments)
    return Outcome("created", origin, line, None, sentences=sentences)


# Plain records are stored this many at a time (services.articles_import).
BATCH = 50


def record_outcomes(
    records: Iterable[readers.Record],
    *,
    imported_by: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> Iterator[Outcome]:
    """Import records (grouped already: readers.group_exported); one outcome for each, in
    order. Plain records are stored BATCH at a time (services.articles_import), exports'
    records restored one article at a time; every article whole or not at all."""
    pending: list[tuple[str, ArticleInput | Outcome]] = []

    def flush() -> Iterator[Outcome]:
        inputs = [item for _, item in pending if isinstance(item, ArticleInput)]
        results = iter(articles_import(inputs=inputs, imported_by=imported_by))
        for origin, item in pending:
            yield item if isinstance(item, Outcome) else _outcome(origin, next(results))
        pending.clear()

    for record in records:
        if dry_run or record.error or record.restore is not None:
            yield from flush()
            yield record_import(record, imported_by=imported_by, dry_run=dry_run)
            continue
        origin = printable(record.origin)
        try:
            pending.append((origin, article_input(record.data)))
        except DomainError as exc:
            pending.append((origin, _outcome(origin, exc)))
        if len(pending) >= BATCH:
            yield from flush()
    yield from flush()


def records_import(
    *,
    records: Iterable[readers.Record],
    imported_by: AbstractBaseUser | None = None,
    dry_run: bool = False,
    wrap: Callable[[Iterable], Iterable] = lambda it: it,
) -> ImportSummary:
    """Import every record; one bad record never stops the others.

    Records of an export are grouped per article and restored exactly (ids aside; reviews and
    verdicts only when `imported_by` is a superuser, see services/article_restore.py); others are
    segmented afresh (record_outcomes). `wrap` may decorate the iteration (a progress bar).
    """
    summary = ImportSummary()
    grouped = wrap(readers.group_exported(records))
    for outcome in record_outcomes(grouped, imported_by=imported_by, dry_run=dry_run):
        getattr(summary, outcome.kind).append(outcome.line)
        if outcome.kind == "created" and outcome.article_id is not None:
            summary.article_ids.append(outcome.article_id)
    return summary
