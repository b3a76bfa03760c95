"""The deployment of docs/deploy.md, for real: gunicorn with gunicorn.conf.py, production
settings from the environment, sessions and cache in Redis."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.test_settings import PRODUCTION, ROOT

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    redis = redis_or_skip()
    redis.flushdb()
    base, stop = serve(tmp_path, REDIS_URL)
    yield base, redis
    stop()
    redis.flushdb()


def serve(tmp_path: Path, redis_url: str, database_url: str = ""):
    """gunicorn with production settings on a fresh database (SQLite unless `database_url`):
    its address, and how to stop it."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")},
        **PRODUCTION,
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": redis_url,
        # Plain HTTP on loopback; behind TLS these stay on.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
        "DJANGO_SUPERUSER_PASSWORD": "deploy-pass-1234",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["STATIC_ROOT"] = str(tmp_path / "static")
    for command in (
        ["collectstatic", "--noinput"],
        ["migrate", "--noinput"],
        ["createsuperuser", "--noinput", "--username", "ed", "--email", "ed@example.org"],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    log = tmp_path / "gunicorn.log"  # a file, not a pipe nobody empties while it runs
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=10).read()
            break
        except urllib.error.HTTPError as error:
            process.kill()
            pytest.fail(f"gunicorn answered {error.code}: {log.read_text()[-2000:]}")
        except OSError:  # not listening yet, or a worker still booting
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + log.read_text()[-2000:])

    def stop() -> None:
        process.terminate()
        process.wait(timeout=30)

    return base, stop


def sign_in(base: str) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"username": "ed", "password": "deploy-pass-1234", "csrfmiddlewaretoken": token}
    ).encode()
    signed_in = browser.open(f"{base}/accounts/login/", data=data)
    assert signed_in.url == f"{base}/"  # redirected to the queue, signed in
    assert signed_in.status == 200
    return browser, jar


def test_gunicorn_serves_with_sessions_in_redis(server):
    base, redis = server
    browser, jar = sign_in(base)

    session = next(cookie.value for cookie in jar if cookie.name == "sessionid")
    assert any(session.encode() in key for key in redis.keys("factcheck:*"))
    dashboard = browser.open(f"{base}/dashboard/")
    assert dashboard.status == 200
    # The dashboard's figures went to the shared cache too.
    assert any(b"stats" in key for key in redis.keys("factcheck:*"))
    # Static files are served by the app (WhiteNoise) with production settings.
    assert browser.open(f"{base}/static/css/factcheck.css").status == 200


def test_a_redis_that_is_down_slows_nothing_and_breaks_nothing(tmp_path):
    # Nothing listens on port 1: every cache read is a miss, every write is dropped, and
    # sessions live on in the database.
    base, stop = serve(tmp_path, "redis://127.0.0.1:1/0")
    try:
        browser, _ = sign_in(base)
        started = time.monotonic()
        assert browser.open(f"{base}/dashboard/").status == 200
        assert browser.open(f"{base}/").status == 200  # still signed in
        assert time.monotonic() - started < 5
    finally:
        stop()


def test_the_tolerant_cache_is_a_plain_cache_while_redis_is_up_and_a_miss_when_down():
    from factcheck.cache import TolerantRedisCache

    redis = redis_or_skip()
    up = TolerantRedisCache(REDIS_URL, {"KEY_PREFIX": "t"})
    up.set("answer", 42)
    assert up.get("answer") == 42
    assert up.get_many(["answer", "other"]) == {"answer": 42}
    redis.flushdb()

    down = TolerantRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 0.5}})
    down.set("answer", 42)
    assert down.get("answer", "missing") == "missing"
    assert down.add("key", 1) is False
    assert down.get_many(["answer"]) == {}


def test_the_app_reconnects_when_postgresql_drops_its_connections(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("a PostgreSQL matter (the suite runs it with DATABASE_URL=postgres://...)")
    import psycopg2

    server_url, name = url.rsplit("/", 1)[0], "factcheck_deploy_fault"
    admin = psycopg2.connect(f"{server_url}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    base, stop = serve(tmp_path, "redis://127.0.0.1:1/0", f"{server_url}/{name}")
    try:
        browser, _ = sign_in(base)
        assert browser.open(f"{base}/dashboard/").status == 200
        # A restart or a failover: the server drops every connection the app servers hold.
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            assert cursor.fetchone()[0] > 0
        # Each worker thread notices its dead connection before using it, and opens another.
        for _ in range(12):  # more requests than the workers have threads
            assert browser.open(f"{base}/dashboard/").status == 200
    finally:
        stop()
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
