"""manage.py import_articles PATH... : import .txt, .json, .jsonl and .html files or folders."""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from annotations import readers, services


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

        show_bar = sys.stderr.isatty() and options["verbosity"] > 0
        summary = services.records_import(
            records=readers.read_paths(paths, title=title),
            imported_by=importer,
            dry_run=dry_run,
            wrap=lambda it: tqdm(it, desc="importing", unit=" article", disable=not show_bar),
        )
        created, skipped, failed = summary.created, summary.skipped, summary.failed

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
