"""A large export built by several processes at once, on PostgreSQL.

COPY hands over rows using both of the machine's cores; one Python process building records used
one. So a large export is split into pieces of whole articles, about PIECE_SENTENCES sentences
each (by the article summaries' sentence counts), and EXPORT_WORKERS helper processes, forked
from the exporting one, build them: helper w takes pieces w, w + EXPORT_WORKERS, ... Each helper
imports the exporting transaction's snapshot (`pg_export_snapshot`, `SET TRANSACTION SNAPSHOT`)
on a connection of its own, so every piece is read from the same moment, and builds its pieces
with the same code as the single-process path (rows.records and the format's encoder). It hands
the bytes to the exporting process through a pipe, which passes them on in piece order. A pipe
holds about a megabyte, so a helper gets at most about one piece ahead and memory stays flat.

Used only where it can be: PostgreSQL, a snapshot the export opened itself (rows.in_snapshot; a
caller's transaction may hold writes that other connections cannot see), EXPORT_WORKERS above 1,
no single-article filter, and at least MIN_PIECES pieces. Otherwise, or with fewer pieces, the
export runs in its own process. The bytes are the same either way.
"""

from __future__ import annotations

import contextlib
import fcntl
import multiprocessing
import os
import signal
import struct
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import IO, Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from annotations.exports.rows import (
    PAGE_SIZE,
    ExportParams,
    article_filter,
    owns_snapshot,
    records,
)
from annotations.models import ArticleSummary
from annotations.replica import read_alias

# Sentences per piece: a page, so a helper builds a piece in one round.
PIECE_SENTENCES = PAGE_SIZE
# Below this many pieces forking and connecting cost more than they save.
MIN_PIECES = 8

Encode = Callable[[list[dict[str, Any]]], bytes]

# A frame on a helper's pipe: its length, then the bytes. END closes a piece; FAILED is followed
# by a frame with the helper's error.
_HEAD = struct.Struct(">I")
_END = 0
_FAILED = 0xFFFFFFFF
_PIPE_SIZE = 1 << 20  # Linux lets any process widen a pipe to 1 MB

# The exporting process's database connections, as a helper inherits them (their sockets closed
# in the helper). Kept, never used and never closed: closing one would send the server the end
# of the exporting process's session, and a socket opened since may have the same number. (A
# helper leaves by os._exit, as multiprocessing's forked processes do, so nothing closes them.)
_inherited: list[Any] = []


class ExportFailed(Exception):
    """A helper process could not build its part of the export."""


def encoded(
    params: ExportParams, encode: Encode, *, with_body: bool, published_only: bool = False
) -> Iterator[bytes]:
    """The export's batches of records, each encoded by `encode`, in export order: built by
    helper processes when the export is large enough (see the module's docstring)."""
    starts = _piece_starts(params)
    if starts is None:
        for batch in records(params, with_body=with_body, published_only=published_only):
            yield encode(batch)
        return
    # Piece i holds the articles from starts[i] up to starts[i + 1]; the first and the last are
    # open-ended, so every article is in one piece whatever the summaries say.
    bounds = list(zip([None, *starts[1:]], [*starts[1:], None], strict=True))
    yield from _from_helpers(
        params, bounds, encode, with_body=with_body, published_only=published_only
    )


def _piece_starts(params: ExportParams) -> list[int] | None:
    """The first article id of each piece, or None when the export runs in this process."""
    workers = settings.EXPORT_WORKERS
    if workers < 2 or params.article is not None or not owns_snapshot():
        return None
    summaries = ArticleSummary.objects.filter(article_filter(params)).values(
        "article_id", "sentences"
    )
    sql, sql_params = summaries.query.sql_with_params()
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT min(article_id) FROM ("
            "  SELECT article_id, (sum(sentences) OVER (ORDER BY article_id"
            "   ROWS UNBOUNDED PRECEDING) - sentences) / %s AS piece"
            f"  FROM ({sql}) AS summaries"
            ") AS pieces GROUP BY piece ORDER BY 1",
            [PIECE_SENTENCES, *sql_params],
        )
        starts = [start for (start,) in cursor.fetchall()]
    return starts if len(starts) >= MIN_PIECES else None


def _from_helpers(
    params: ExportParams,
    bounds: list[tuple[int | None, int | None]],
    encode: Encode,
    *,
    with_body: bool,
    published_only: bool,
) -> Iterator[bytes]:
    alias = read_alias()
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
    workers = min(settings.EXPORT_WORKERS, len(bounds))
    context = multiprocessing.get_context("fork")
    helpers: list[tuple[multiprocessing.process.BaseProcess, IO[bytes]]] = []
    finished = False
    try:
        for worker in range(workers):
            read, write = os.pipe()
            if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux
                with contextlib.suppress(OSError):  # a lower limit: the default size
                    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)
            process = context.Process(
                target=_helper,
                kwargs={
                    "write": write,
                    "snapshot": snapshot,
                    "alias": alias,
                    "database": connections[alias],
                    "pieces": [
                        replace(params, articles_from=start, articles_before=stop)
                        for start, stop in bounds[worker::workers]
                    ],
                    "encode": encode,
                    "with_body": with_body,
                    "published_only": published_only,
                },
                daemon=True,
            )
            try:
                process.start()
            except BaseException:
                os.close(read)
                raise
            finally:
                os.close(write)
            helpers.append((process, os.fdopen(read, "rb")))
        for piece in range(len(bounds)):
            _, pipe = helpers[piece % workers]
            while (chunk := _read_frame(pipe)) is not None:
                yield chunk
        finished = True
    finally:
        for process, pipe in helpers:
            pipe.close()  # a helper still writing gets a broken pipe
            if not finished:
                process.kill()
            process.join()
            process.close()


def _read_frame(pipe: IO[bytes]) -> bytes | None:
    """The next chunk from a helper, or None at the end of a piece."""
    head = pipe.read(_HEAD.size)
    if len(head) < _HEAD.size:
        raise ExportFailed("an export helper process stopped before finishing its part")
    (size,) = _HEAD.unpack(head)
    if size == _END:
        return None
    if size == _FAILED:
        message = _read_frame(pipe) or b""
        raise ExportFailed(f"an export helper process failed: {message.decode()}")
    data = pipe.read(size)
    if len(data) < size:
        raise ExportFailed("an export helper process stopped in the middle of a chunk")
    return data


def _helper(
    *,
    write: int,
    snapshot: str,
    alias: str,
    database: BaseDatabaseWrapper,
    pieces: list[ExportParams],
    encode: Encode,
    with_body: bool,
    published_only: bool,
) -> None:
    """In a forked helper: build `pieces` from the snapshot and write them to the pipe."""
    # The exporting process may have handlers (a web server's) that keep a helper alive.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Only the standard streams and its pipe stay open: a helper holding a copy of another
    # pipe's read end, of a client's socket or of the exporting process's database sockets
    # would keep them open after the exporting process has closed them.
    os.closerange(3, write)
    os.closerange(write + 1, os.sysconf("SC_OPEN_MAX"))
    out = os.fdopen(write, "wb")
    connection = None
    try:
        connection = _reconnect(alias, database)
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            for piece in pieces:
                for batch in records(piece, with_body=with_body, published_only=published_only):
                    if data := encode(batch):  # an empty frame would end the piece
                        out.write(_HEAD.pack(len(data)))
                        out.write(data)
                        out.flush()  # the exporting process may be waiting for it
                out.write(_HEAD.pack(_END))
                out.flush()
    except BrokenPipeError:
        pass  # the export was abandoned (a client went away): nobody reads any more
    except Exception as error:
        message = f"{type(error).__name__}: {error}".encode()[:10_000]
        with contextlib.suppress(OSError):
            out.write(_HEAD.pack(_FAILED) + _HEAD.pack(len(message)) + message)
            out.flush()
    finally:
        with contextlib.suppress(OSError):
            out.close()
        if connection is not None:
            connection.close()


def _reconnect(alias: str, database: BaseDatabaseWrapper) -> BaseDatabaseWrapper:
    """In a helper: new connections in place of the exporting process's; the one to read.

    Each connection it had opened is replaced by a new one with the same settings. The one the
    export reads (`database`) is replaced from the object itself, as the helper may not find it
    under its alias: Django keeps the connections of a thread with a running event loop apart,
    and a forked process has no running loop.
    """
    _inherited.append(database)
    for inherited in connections.all(initialized_only=True):
        _inherited.append(inherited)  # each kept, `alias` too: it may not be `database`
        if inherited.alias != alias:
            connections[inherited.alias] = type(inherited)(inherited.settings_dict, inherited.alias)
    connections[alias] = type(database)(database.settings_dict, alias)
    return connections[alias]
