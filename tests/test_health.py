"""/healthz/ and /readyz/: outside sign-in, before host checks, and each part's state."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from tests.conftest import celery_broker

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_sign_in_whatever_the_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # as in production

    response = client.get("/healthz/", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_says_each_part_is_ok(client):
    response = client.get("/readyz/", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    # No broker in tests: tasks run in the web process.
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "not used"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_answers_503_when_the_database_is_down(client):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection, "cursor", refuse)
        response = client.get("/readyz/")

    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok", "broker": "not used"}


def test_readyz_answers_503_when_the_cache_is_down(client, settings):
    # The production cache (Redis errors are misses) at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

    response = client.get("/readyz/")

    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"


@pytest.mark.parametrize(
    ("broker", "status", "state"),
    [("redis://127.0.0.1:1/0", 503, "unavailable"), ("redis://127.0.0.1:6379/14", 200, "ok")],
)
def test_readyz_checks_the_broker_when_there_is_one(client, broker, status, state):
    import redis

    if state == "ok":
        try:
            redis.Redis.from_url(broker, socket_connect_timeout=1).ping()
        except redis.RedisError:
            pytest.skip("no Redis on 127.0.0.1:6379")
    with celery_broker(broker):
        response = client.get("/readyz/")

    assert response.status_code == status
    assert response.json()["broker"] == state
    assert set(response.json()) == {"database", "cache", "broker"}  # nothing else revealed
