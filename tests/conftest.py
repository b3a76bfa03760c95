from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations import services
from annotations.services import summaries
from tests.factories import UserFactory, article_create


@pytest.fixture(autouse=True)
def empty_cache():
    """Figures are cached and test databases reuse ids, so every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def summaries_checked(request):
    """After every test that used the database, the summaries kept by the services agree with
    a recomputation from the reviews (annotations/services/summaries.py)."""
    database = next(
        (name for name in ("transactional_db", "db") if name in request.fixturenames), None
    )
    marker = request.node.get_closest_marker("django_db")
    if database is None and marker:
        database = "transactional_db" if marker.kwargs.get("transaction") else "db"
    if database is None or request.node.get_closest_marker("summaries_unchecked"):
        yield
        return
    request.getfixturevalue(database)
    yield
    assert summaries.summaries_stale() == []


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", groups=["reviewer"])


@pytest.fixture
def reviewer2(db):
    return UserFactory(username="rob", groups=["reviewer"])


@pytest.fixture
def editor(db):
    return UserFactory(username="ed", groups=["editor"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def reviewer_client(reviewer):
    return _client_for(reviewer)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def admin_client_api(superuser):
    return _client_for(superuser)


@pytest.fixture
def editor_token_client(editor):
    client = APIClient()
    token = Token.objects.create(user=editor)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# --- Browser tests ------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; required in CI, skipped elsewhere if absent."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by
    # the tests around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """A transactional database with the groups and labels that data migrations create.

    Transactional tests flush every table afterwards, data migrations' rows included.
    """
    from django.apps import apps

    seed = importlib.import_module("annotations.migrations.0002_default_labels_and_groups")
    seed.create_labels_and_groups(apps, None)


@pytest.fixture
def page(browser, live_server, seeded_transactional_db):
    """A fresh browser context whose JavaScript errors fail the test."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_console(msg) -> None:
        # Chromium logs every 4xx answer as a console error; the workspace handles those
        # (a 412 conflict, a 400 message) on purpose. Server errors still fail the test.
        if msg.type == "error" and not re.search(r"status of 4\d\d ", msg.text):
            errors.append(msg.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def sign_in(page, username: str, password: str = "pw") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def workspace_open(page, article, username: str, fragment: str = "") -> None:
    """Sign in as `username` and open the article's workspace (at `fragment`, e.g. "#s12")."""
    from playwright.sync_api import expect

    sign_in(page, username)
    page.wait_for_url("**/")
    page.goto(f"/articles/{article.pk}/{fragment}")
    expect(page.locator("#workspace")).to_be_visible()


@pytest.fixture
def worked(settings, editor, reviewer, reviewer2):
    """An article with a review carrying evidence, a plain one, an editor's verdict and a
    consensus verdict (no decider)."""
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    article = article_create(sentences=3)
    s0, s1, _ = article.sentences.order_by("index")
    evidence = [
        {"url": "https://example.org/a", "title": "Report", "quote": "2", "stance": "refutes"},
        {"url": "https://example.org/b", "title": "", "quote": "", "stance": "context"},
    ]
    services.review_save(
        sentence=s0, reviewer=reviewer, label="false", note="Wrong count", evidence=evidence
    )
    services.review_save(sentence=s0, reviewer=reviewer2, label="mixed", note="ünïcode ✓")
    services.verdict_set(sentence=s0, user=editor, label="mixed", rationale="Partly right")
    services.review_save(sentence=s1, reviewer=reviewer, label="accurate")
    services.review_save(sentence=s1, reviewer=reviewer2, label="accurate")
    return article


@contextmanager
def celery_broker(url: str):
    """Tasks go to the broker at `url` (not run eagerly) while inside; the connection pools
    made for another broker are dropped on the way in and out."""
    from annotations.tasks import import_job_run

    app = import_job_run.app
    before = app.conf.task_always_eager, app.conf.broker_url

    def fresh_pools() -> None:
        for holder in (app, app.amqp):
            pool = holder.__dict__.get("_pool") if holder is app else holder._producer_pool
            if pool is not None:
                pool.force_close_all()
        app._pool, app.amqp._producer_pool = None, None

    fresh_pools()
    app.conf.task_always_eager, app.conf.broker_url = False, url
    try:
        yield app
    finally:
        fresh_pools()
        app.conf.task_always_eager, app.conf.broker_url = before


@pytest.fixture
def matching_queued(monkeypatch) -> Iterator[list[list[int]]]:
    """As with a broker: matching is queued, not run here. The chunks of article ids sent to
    the worker, in order (nothing is sent to a real broker)."""
    from annotations import tasks

    conf = tasks.articles_match.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False  # Celery's settings: monkeypatch cannot put them back
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks.articles_match, "delay", queued.append)
    yield queued
    conf.task_always_eager = eager


@pytest.fixture
def replica(settings):
    """A read replica (DATABASE_REPLICA_URL): a second connection to the test database, on
    PostgreSQL (an in-memory SQLite database cannot be opened twice)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    from annotations.replica import REPLICA

    primary = connections[DEFAULT_DB_ALIAS]
    if primary.vendor != "postgresql":
        pytest.skip("a second connection to the test database needs PostgreSQL")
    # A second connection, under its own alias, to the database the test uses; made outside
    # the configured aliases, so the test case's guard treats it as created on the fly.
    config = {**connections.settings[DEFAULT_DB_ALIAS]}
    connections.settings[REPLICA] = config
    try:
        second = connections.create_connection(REPLICA)
    finally:
        del connections.settings[REPLICA]
    connections[REPLICA] = second
    settings.DATABASES = {**settings.DATABASES, REPLICA: config}  # what the router looks at
    try:
        yield second
    finally:
        second.close()
        del connections[REPLICA]
