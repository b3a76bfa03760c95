"""manage.py import_articles PATH... : import .txt, .json, .jsonl and .html files or folders."""

from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from annotations import permissions, readers, services, tasks
from annotations.errors import DomainError
from annotations.fields import text_error


class Command(BaseCommand):
    help = (
        "Import articles from .txt, .json (object or list), .jsonl and .html files; folders are "
        "read recursively. Records of an export are restored with their sentences; their "
        "reviews and verdicts only with --user naming an active superuser. Prints a summary; "
        "exits with status 1 when any record failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--title", help="Title for .txt/.html files (default: first line).")
        parser.add_argument(
            "--user",
            help="Username recorded as the importer: an active editor or superuser. Restoring "
            "an export's reviews and verdicts needs a superuser.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and segment, write nothing."
        )
        parser.add_argument(
            "--no-match",
            action="store_true",
            help="Do not match the new articles' claims against earlier ones after the "
            "import (manage.py match_claims does it later).",
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the files as an import job for the worker (needs --user) and return; "
            "follow it at /api/imports/ID/. Without a broker it runs here and now.",
        )

    def handle(
        self, *args, paths: list[str], title: str | None, user: str | None, dry_run: bool, **options
    ) -> None:
        importer = self._importer(user) if user is not None else None
        if options["background"]:
            return self._background(paths, title, importer, dry_run)

        show_bar = sys.stderr.isatty() and options["verbosity"] > 0
        summary = services.records_import(
            records=readers.read_paths(paths, title=title),
            imported_by=importer,
            dry_run=dry_run,
            wrap=lambda it: tqdm(it, desc="importing", unit=" article", disable=not show_bar),
        )
        created, skipped, failed = summary.created, summary.skipped, summary.failed
        if summary.article_ids and not options["no_match"]:
            self._match(summary.article_ids, show_bar)

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

    def _match(self, article_ids: list[int], show_bar: bool) -> None:
        """Match the new articles' claims in one pass after the import (not one by one, which
        would slow the import down): here, or on the workers when a broker is configured. A
        failure never undoes the import: the articles stay unmatched for match_claims."""
        if not tasks.articles_match.app.conf.task_always_eager:
            queued = tasks.articles_match_send(article_ids)
            self.stdout.write(
                f"matching {len(article_ids)} new article(s) on the worker: {queued} task(s) queued"
            )
            return
        matched = services.articles_match(
            article_ids=article_ids,
            wrap=lambda it: tqdm(it, desc="matching", unit=" article", disable=not show_bar),
        )
        line = (
            f"matched {matched.articles} article(s): {matched.claims} claims, "
            f"{matched.same} same, {matched.opposite} opposite"
        )
        if matched.failed:
            line += f"; {len(matched.failed)} failed (see the log; match_claims retries them)"
        self.stdout.write(line)

    def _importer(self, username: str) -> AbstractBaseUser:
        """The user named by --user: an active account that may import articles."""
        User = get_user_model()
        # A name from the shell may hold undecodable bytes (lone surrogates): never looked up.
        if text_error(username) or not username:
            raise CommandError(f"user {username!r} is not a valid username")
        importer = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if importer is None:
            raise CommandError(f"user {username!r} does not exist")
        if not importer.is_active:
            raise CommandError(f"user {username!r} is inactive")
        if not permissions.can_import_articles(importer):
            raise CommandError(
                f"user {username!r} may not import articles; name an editor or a superuser"
            )
        return importer

    def _background(
        self,
        paths: list[str],
        title: str | None,
        importer: AbstractBaseUser | None,
        dry_run: bool,
    ) -> None:
        if importer is None:
            raise CommandError("--background needs --user: the job is run as that user")
        if dry_run:
            raise CommandError("--background and --dry-run do not go together")
        uploads = []
        for path, error in readers.iter_files(paths):
            if error:
                raise CommandError(f"{path}: {error}")
            try:
                uploads.append(services.Upload(str(path), path.read_bytes()))
            except OSError as exc:
                raise CommandError(f"{path}: cannot read: {exc.strerror or exc}") from None
        defaults = {"title": title} if title else {}
        try:
            job = services.import_job_create(user=importer, uploads=uploads, defaults=defaults)
            tasks.import_job_enqueue(job)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        except tasks.QueueUnavailable:
            raise CommandError(
                f"import job {job.pk}: the task queue did not answer; nothing was started"
            ) from None
        job.refresh_from_db()
        self.stdout.write(
            f"import job {job.pk}: {job.state}, {len(uploads)} file(s); "
            f"created {job.created}, skipped {job.skipped}, failed {job.failed} so far "
            f"(follow it at /api/imports/{job.pk}/)"
        )
