"""Importing many records at once (files, uploads): one transaction per article, a summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser

from annotations import readers
from annotations.errors import DomainError, Duplicate
from annotations.services.articles import article_import
from annotations.services.restore import article_restore


@dataclass
class ImportSummary:
    """One line per record, by outcome: "origin: what happened"."""

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

    Records of an export are grouped per article and restored exactly (ids aside); others are
    segmented afresh. `wrap` may decorate the iteration (a progress bar).
    """
    summary = ImportSummary()
    for record in wrap(readers.group_exported(records)):
        if record.error:
            summary.failed.append(f"{record.origin}: {record.error}")
            continue
        try:
            if record.restore is not None:
                result = article_restore(
                    records=record.restore, imported_by=imported_by, dry_run=dry_run
                )
            else:
                result = article_import(data=record.data, imported_by=imported_by, dry_run=dry_run)
        except Duplicate as exc:
            summary.skipped.append(f"{record.origin}: duplicate of #{exc.existing_id}")
        except DomainError as exc:
            summary.failed.append(f"{record.origin}: {exc}")
        else:
            ident = "(dry run)" if dry_run else f"#{result.article.pk}"
            summary.created.append(
                f"{record.origin}: {ident} {result.article.title!r}, "
                f"{result.sentence_count} sentences"
            )
    return summary
