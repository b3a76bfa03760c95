"""Importing many records at once (files, uploads): one transaction per article, a summary."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import DatabaseError

from annotations import readers
from annotations.errors import DomainError, Duplicate
from annotations.restore_input import printable
from annotations.services.article_restore import article_restore
from annotations.services.articles import article_import

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

    @property
    def total(self) -> int:
        return len(self.created) + len(self.skipped) + len(self.failed)


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
    segmented afresh. Each article is written in its own transaction, all or nothing.
    `wrap` may decorate the iteration (a progress bar).
    """
    summary = ImportSummary()
    for record in wrap(readers.group_exported(records)):
        origin = printable(record.origin)
        if record.error:
            summary.failed.append(printable(f"{origin}: {record.error}"))
            continue
        try:
            if record.restore is not None:
                result = article_restore(
                    records=record.restore, imported_by=imported_by, dry_run=dry_run
                )
            else:
                result = article_import(data=record.data, imported_by=imported_by, dry_run=dry_run)
        except Duplicate as exc:
            summary.skipped.append(f"{origin}: duplicate of #{exc.existing_id}")
        except DomainError as exc:
            summary.failed.append(printable(f"{origin}: {exc}"))
        except DatabaseError as exc:
            # A value the validation let through and the database refused: the article's
            # transaction is rolled back, so it fails alone; logged, as it is a bug to fix.
            logger.exception("import of %s refused by the database", origin)
            summary.failed.append(
                f"{origin}: the database refused it ({type(exc).__name__}); nothing of it "
                "was stored."
            )
        else:
            ident = "(dry run)" if dry_run else f"#{result.article.pk}"
            summary.created.append(
                printable(
                    f"{origin}: {ident} {result.article.title!r}, {result.sentence_count} sentences"
                )
            )
    return summary
