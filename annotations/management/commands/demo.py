"""manage.py demo: migrate, create demo users, import demo articles, add reviews, serve.

For trying the app on a laptop only: the passwords are printed and well known.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import F
from django.utils import timezone

from annotations import readers, services
from annotations.errors import DomainError, Duplicate
from annotations.models import ClaimMatch, Label, Sentence, Verdict

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo_articles"
# username, password, group (None: superuser)
DEMO_USERS = [
    ("admin", "admin", None),
    ("editor", "editor", "editor"),
    ("reviewer1", "reviewer1", "reviewer"),
    ("reviewer2", "reviewer2", "reviewer"),
]
# The demo's work is spread over the past weeks, so the dashboard's 30-day charts (throughput,
# agreement over time, backlog by age) show a history rather than one spike today.
IMPORTED_DAYS_AGO = 38  # the first article; each next one two days later
REVIEWED_DAYS_AGO = 27  # the first claim's review; the last one's today


@contextmanager
def as_of(when: datetime):
    """Run the services as if it were `when`: every timestamp they and the fields take comes
    from timezone.now(), so the demo goes through the usual write path, only earlier."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


class Command(BaseCommand):
    help = "Set up a demo database (users, articles, reviews) and start the server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Set up, but do not serve.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve: bool, addrport: str, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        users = self._users()
        created = self._articles(users["editor"])
        if created:
            self._reviews(users)
        # The articles' claims against each other's, as after any import (match_claims).
        call_command("match_claims", stdout=self.stdout, verbosity=0)
        if created:
            self._checked_before(users)
        self.stdout.write(self.style.SUCCESS("Demo ready. Sign in as:"))
        for username, password, group in DEMO_USERS:
            self.stdout.write(f"  {username:<10} password {password:<10} ({group or 'admin'})")
        if not no_serve:
            self.stdout.write(f"Serving on http://{addrport}/  (Ctrl+C to stop)")
            call_command("runserver", addrport, use_reloader=False)

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, password, group in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                if group is None:
                    user = User.objects.create_superuser(username, f"{username}@example.org")
                else:
                    user = User.objects.create_user(username, f"{username}@example.org")
                    user.groups.add(Group.objects.get(name=group))
                user.set_password(password)
                user.save()
            users[username] = user
        return users

    def _articles(self, importer) -> int:
        created = skipped = 0
        start = timezone.now().replace(hour=8, minute=30) - timedelta(days=IMPORTED_DAYS_AGO)
        for record in readers.read_paths(sorted(DEMO_DIR.iterdir())):
            if record.error:
                self.stderr.write(f"demo article {record.origin}: {record.error}")
                continue
            try:
                with as_of(start + timedelta(days=2 * (created + skipped))):
                    services.article_import(data=record.data, imported_by=importer)
                created += 1
            except Duplicate:
                skipped += 1
            except DomainError as exc:
                self.stderr.write(f"demo article {record.origin}: {exc}")
        self.stdout.write(f"Demo articles: {created} imported, {skipped} already there.")
        return created

    def _reviews(self, users: dict) -> None:
        """Rate part of each article so every screen has something to show."""
        rng = random.Random(7)  # the same demo every time
        labels = list(Label.objects.active())
        rated = [lb for lb in labels if not lb.requires_evidence]
        claims = list(Sentence.objects.claims().order_by("article_id", "index"))
        now = timezone.now()

        def day(number: int, later: float = 0.0) -> datetime:
            # Through the claims in order over the past weeks, in working hours, never ahead
            # of now; `later` days after the claim's first review.
            days_ago = REVIEWED_DAYS_AGO * (1 - number / len(claims))
            when = now.replace(hour=9, minute=0) - timedelta(days=round(days_ago))
            when += timedelta(hours=rng.uniform(0, 8) + 24 * later)
            return min(when, now - timedelta(minutes=len(claims) - number))

        for number, sentence in enumerate(claims):
            if number % 3 == 2:  # leave a third pending
                continue
            first = rng.choice(rated)
            reviewed = day(number)
            with as_of(reviewed):
                services.review_save(sentence=sentence, reviewer=users["reviewer1"], label=first)
            if number % 3 == 0:
                # Mostly agree, sometimes dispute; evidence where the label requires it.
                second = first if rng.random() < 0.7 else rng.choice(labels)
                evidence = (
                    [
                        {
                            "url": "https://example.org/source",
                            "title": "Source",
                            "quote": "",
                            "stance": "refutes",
                        }
                    ]
                    if second.requires_evidence
                    else []
                )
                second_at = max(day(number, later=rng.uniform(0, 2)), reviewed)
                with as_of(second_at):
                    services.review_save(
                        sentence=sentence,
                        reviewer=users["reviewer2"],
                        label=second,
                        note="Checked against the council minutes.",
                        evidence=evidence,
                    )
                if second == first and number % 2 == 0:
                    # Every other settled claim published, so the public pages show some.
                    publish = first.is_claim and number % 4 == 0
                    decided = max(day(number, later=2.5), second_at)
                    with as_of(decided):
                        self._verdict(sentence, users["editor"], first, publish)

    def _checked_before(self, users: dict) -> None:
        """Publish a verdict (a draft one becomes an accurate, published one) on each earlier
        claim that a later demo article restates or contradicts, so that the workspace's
        "Checked before" box has a fact-check to show."""
        earlier = (
            ClaimMatch.objects.filter(article_id__gt=F("matched_article_id"))
            .exclude(matched__verdict__published=True)
            .select_related("matched")
            .order_by("matched_id")
        )
        accurate = Label.objects.get(slug="accurate")
        done = set()
        for match in earlier:
            if match.matched_id in done:
                continue
            done.add(match.matched_id)
            if not Verdict.objects.filter(sentence=match.matched_id).exists():
                for reviewer in ("reviewer1", "reviewer2"):  # a verdict follows the reviews
                    services.review_save(
                        sentence=match.matched, reviewer=users[reviewer], label=accurate
                    )
            self._verdict(match.matched, users["editor"], accurate, publish=True)
        self.stdout.write(f"Demo fact-checks of restated claims: {len(done)} published.")

    @staticmethod
    def _verdict(sentence, editor, label, publish: bool) -> None:
        services.verdict_set(
            sentence=sentence,
            user=editor,
            label=label,
            rationale="Both reviewers agree; the council minutes bear it out.",
            evidence=[
                {
                    "url": "https://example.org/council-minutes",
                    "title": "Council minutes",
                    "quote": "",
                    "stance": "context",
                }
            ],
            published=publish,
        )
