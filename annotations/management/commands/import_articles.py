"""manage.py import_articles PATH... : import .txt, .json, .jsonl and .html files or folders."""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from annotations import readers, services
from annotations.errors import DomainError, Duplicate


class Command(BaseCommand):
    help = (
        "Import articles from .txt, .json (object or list), .jsonl and .html files; folders are "
        "read recursively. Prints a summary; exits with status 1 when any record failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--title", help="Title for .txt/.html files (default: first line).")
        parser.add_argument("--user", help="Username recorded as the importer.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and segment, write nothing."
        )

    def handle(
        self, *args, paths: list[str], title: str | None, user: str | None, dry_run: bool, **options
    ) -> None:
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"user {user!r} does not exist")

        created, skipped, failed = [], [], []
        # Records of an export are grouped per article and restored exactly (ids aside).
        records = readers.group_exported(readers.read_paths(paths, title=title))
        show_bar = sys.stderr.isatty() and options["verbosity"] > 0
        for record in tqdm(records, desc="importing", unit=" article", disable=not show_bar):
            if record.error:
                failed.append(f"{record.origin}: {record.error}")
                continue
            try:
                if record.restore is not None:
                    result = services.article_restore(
                        records=record.restore, imported_by=importer, dry_run=dry_run
                    )
                else:
                    result = services.article_import(
                        data=record.data, imported_by=importer, dry_run=dry_run
                    )
            except Duplicate as exc:
                skipped.append(f"{record.origin}: duplicate of #{exc.existing_id}")
            except DomainError as exc:
                failed.append(f"{record.origin}: {exc}")
            else:
                ident = "(dry run)" if dry_run else f"#{result.article.pk}"
                created.append(
                    f"{record.origin}: {ident} {result.article.title!r}, "
                    f"{result.sentence_count} sentences"
                )

        verb = "would create" if dry_run else "created"
        if options["verbosity"] > 1:
            for line in created:
                self.stdout.write(f"  {verb} {line}")
        for line in skipped:
            self.stdout.write(f"  skipped {line}")
        for line in failed:
            self.stderr.write(f"  failed {line}")
        self.stdout.write(f"{verb} {len(created)}, skipped {len(skipped)}, failed {len(failed)}")
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(created) + len(skipped) + len(failed)} "
                "records failed (see above)",
                returncode=1,
            )
