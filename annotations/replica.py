"""Reads that may lag a little go to a read replica when there is one (DATABASE_REPLICA_URL).

Exports, dashboards and stats read a lot and tolerate being a moment behind; everything else
(the workspace, every write, sign-in) stays on the primary, which has what was just written.
A view opts in with `replica_reads()` (a context manager or a decorator); a streamed response
wraps its chunks with `on_replica()`, since they are read after the view has returned.
Without a replica both read the primary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def read_alias() -> str:
    """The database alias reads use here and now."""
    if _reading_replica.get() and REPLICA in settings.DATABASES:
        return REPLICA
    return DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def on_replica(chunks: Iterator[Any]) -> Iterator[Any]:
    """`chunks`, each produced with reads on the replica (a streamed response's body)."""
    iterator = iter(chunks)
    try:
        while True:
            with replica_reads():
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
            yield chunk
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            with replica_reads():
                close()


class ReplicaRouter:
    """DATABASE_ROUTERS: reads inside replica_reads() to the replica, all else to the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema
