"""manage.py match_claims : match the claims of articles never matched (or all) against the
claims of every other article, and store the pairs (services/matching.py)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from annotations import selectors, services, tasks
from annotations.errors import MAX_ID
from annotations.models import Article


def _article_id(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise CommandError(f"--article {raw!r}: give an article id, a whole number from 1")
    return int(raw)


class Command(BaseCommand):
    help = (
        "Match articles' claims against the claims of every other article (the same claim, or "
        "its opposite) and store the pairs. By default the articles never matched, oldest "
        "first: each article is committed on its own, so an interrupted run continues where "
        "it stopped when run again. Prints a summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--all", action="store_true", help="Match every article again, replacing its matches."
        )
        which.add_argument(
            "--article",
            action="append",
            default=[],
            metavar="ID",
            help="Match this article (again); may be given several times.",
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help=f"Queue the work for the worker in tasks of {tasks.MATCH_CHUNK} articles and "
            "return. Without a broker it runs here and now.",
        )

    def handle(self, *args, article: list[str], background: bool, **options) -> None:
        if article:
            ids = [_article_id(raw) for raw in article]
            known = set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
            missing = [str(pk) for pk in ids if pk not in known]
            if missing:
                raise CommandError(f"article {', '.join(missing)} does not exist")
            ids = list(dict.fromkeys(ids))
        else:
            ids = selectors.articles_to_match(everything=options["all"])

        if background and not tasks.articles_match.app.conf.task_always_eager:
            queued = tasks.articles_match_send(ids)
            if ids and not queued:
                raise CommandError("the task queue did not answer; nothing was queued")
            self.stdout.write(
                f"queued {len(ids)} article(s) for the worker in {queued} task(s) of at most "
                f"{tasks.MATCH_CHUNK}"
            )
            return

        show_bar = sys.stderr.isatty() and options["verbosity"] > 0
        summary = services.articles_match(
            article_ids=ids,
            wrap=lambda it: tqdm(
                it, total=len(ids), desc="matching", unit=" article", disable=not show_bar
            ),
        )
        self.stdout.write(
            f"matched {summary.articles} article(s): {summary.claims} claims, "
            f"{summary.same} same, {summary.opposite} opposite"
        )
        if summary.failed:
            raise CommandError(
                f"{len(summary.failed)} article(s) failed (see the log) and stay unmatched: "
                f"{', '.join(map(str, summary.failed[:20]))}",
                returncode=1,
            )
