"""manage.py demo: migrate, create demo users, import demo articles, add reviews, serve.

For trying the app on a laptop only: the passwords are printed and well known.
"""

from __future__ import annotations

import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from annotations import readers, services
from annotations.errors import DomainError, Duplicate
from annotations.models import Label, Sentence

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo_articles"
# username, password, group (None: superuser)
DEMO_USERS = [
    ("admin", "admin", None),
    ("editor", "editor", "editor"),
    ("reviewer1", "reviewer1", "reviewer"),
    ("reviewer2", "reviewer2", "reviewer"),
]


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
        for record in readers.read_paths(sorted(DEMO_DIR.iterdir())):
            if record.error:
                self.stderr.write(f"demo article {record.origin}: {record.error}")
                continue
            try:
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
        for number, sentence in enumerate(claims):
            if number % 3 == 2:  # leave a third pending
                continue
            first = rng.choice(rated)
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
                    services.verdict_set(
                        sentence=sentence,
                        user=users["editor"],
                        label=first,
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
