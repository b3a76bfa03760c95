"""manage.py summaries [--rebuild] [--article ID ...]: check or recompute the kept summaries."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations.services import summaries

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Check that the figures kept for dashboards and lists (each sentence's review summary "
        "and each article's counts) agree with the reviews, or recompute them with --rebuild "
        "(after changing the database by hand). Exits 1 when a check finds a difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Recompute, then check.")
        parser.add_argument(
            "--article", type=int, action="append", help="Only this article (repeatable)."
        )

    def handle(self, *args, rebuild: bool, article: list[int] | None, **options) -> None:
        if rebuild:
            done = summaries.summaries_rebuild(article)
            self.stdout.write(f"Recomputed the summaries of {done} articles.")
        problems = summaries.summaries_stale(article)
        if problems:
            for line in problems[:SHOWN]:
                self.stderr.write(line)
            more = f" ({len(problems) - SHOWN} more not shown)" if len(problems) > SHOWN else ""
            raise CommandError(
                f"{len(problems)} kept figures disagree with the reviews{more}; "
                "run manage.py summaries --rebuild."
            )
        self.stdout.write("The summaries agree with the reviews.")
