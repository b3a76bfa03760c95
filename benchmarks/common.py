"""What every benchmark needs: its own PostgreSQL database, Django set up, benchmark users.

Imported by the scripts beside it (they put this folder on sys.path).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def database_create_if_missing(url: str) -> None:
    """Create the PostgreSQL database named at the end of `url` unless it exists."""
    if not url.startswith("postgres"):
        return
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    server = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    server.autocommit = True  # CREATE DATABASE cannot run in a transaction
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server.close()


def django_setup(database_url: str) -> None:
    """Point Django at `database_url` (created if missing), set it up and migrate."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")  # no SECRET_KEY needed; query logging is off below
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    database_create_if_missing(database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # DEBUG keeps every query in memory
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def bench_users(reviewers: list[str], editor: str) -> dict:
    """The benchmark's reviewers and editor by username, created on first use."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    users = {}
    for username in [*reviewers, editor]:
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            group = "editor" if username == editor else "reviewer"
            user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


def work_empty() -> None:
    """Delete every article and everything that hangs on them (PostgreSQL), ids from 1."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE annotations_history, annotations_verdict, annotations_review, "
            "annotations_sentence, annotations_article_tags, annotations_assignment, "
            "annotations_articlesummary, annotations_article, annotations_tag "
            "RESTART IDENTITY CASCADE"
        )


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
