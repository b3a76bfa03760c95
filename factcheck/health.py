"""/healthz/ and /readyz/ for load balancers and orchestrators, answered before anything else.

First in MIDDLEWARE: no host check, HTTPS redirect, session or sign-in applies, so a probe by
IP address over plain HTTP gets its answer. They reveal nothing but the state of each part.

- /healthz/: the process answers (200 "ok"); nothing else is touched.
- /readyz/: the database, the cache and the task broker are each reachable: 200 with
  {"database": "ok", "cache": "ok", "broker": "ok"}, else 503 naming what is "unavailable".
  Without CELERY_BROKER_URL tasks run in the web process, and the broker is "not used".
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("factcheck.health")


def database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("readiness: the database is unavailable", exc_info=True)
        return False


def cache_ready() -> bool:
    # The shared cache turns Redis errors into misses (factcheck/cache.py): a value written
    # and not read back is the sign that it is down.
    key, value = "factcheck:readyz", secrets.token_hex(8)
    try:
        cache.set(key, value, 10)
        return cache.get(key) == value
    except Exception:
        logger.warning("readiness: the cache is unavailable", exc_info=True)
        return False


def broker_ready() -> bool | None:
    """None when no broker is used (tasks run in the web process)."""
    from factcheck.celery import app

    if app.conf.task_always_eager:
        return None
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:
        logger.warning("readiness: the task broker is unavailable", exc_info=True)
        return False


def readiness() -> tuple[bool, dict[str, str]]:
    states = {"database": database_ready(), "cache": cache_ready(), "broker": broker_ready()}
    words = {True: "ok", False: "unavailable", None: "not used"}
    return all(state is not False for state in states.values()), {
        part: words[state] for part, state in states.items()
    }


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz/":
            return HttpResponse("ok", content_type="text/plain")
        if request.path == "/readyz/":
            ready, states = readiness()
            response = JsonResponse(states, status=200 if ready else 503)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
