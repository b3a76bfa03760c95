"""The shared cache: Redis, but never the reason a page fails.

Everything factcheck caches (dashboard figures, sessions read through to the database) can be
recomputed or read again, so when Redis cannot be reached a read is a miss and a write does
nothing; the failure is logged (at most once a minute) instead of answering 500.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("factcheck.cache")
WARN_EVERY_SECONDS = 60.0
_last_warning = 0.0


def _warn(error: RedisError) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("Redis unavailable, serving without the cache: %s", error)


def _tolerant(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    method = getattr(RedisCacheClient, name)

    def call(self: RedisCacheClient, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            _warn(error)
            return fallback(*args, **kwargs)

    call.__name__ = name
    return call


class TolerantRedisCacheClient(RedisCacheClient):
    add = _tolerant("add", lambda *args: False)
    get = _tolerant("get", lambda key, default=None: default)
    set = _tolerant("set", lambda *args: None)
    touch = _tolerant("touch", lambda *args: False)
    delete = _tolerant("delete", lambda *args: False)
    get_many = _tolerant("get_many", lambda *args: {})
    has_key = _tolerant("has_key", lambda *args: False)
    set_many = _tolerant("set_many", lambda *args: None)
    delete_many = _tolerant("delete_many", lambda *args: None)
    clear = _tolerant("clear", lambda *args: False)


class TolerantRedisCache(RedisCache):
    """Django's Redis cache with TolerantRedisCacheClient."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
