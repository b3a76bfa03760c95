"""json and jsonl: the records as JSON Lines, or as one JSON array with one element per line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import orjson

# Dates as ISO 8601 in UTC with a "Z" suffix, like the rest of the API.
dumps = partial(orjson.dumps, option=orjson.OPT_UTC_Z)
# The same, with the newline that ends a JSON line written by orjson (no concatenation).
_dumps_line = partial(orjson.dumps, option=orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE)


def json_lines(batches: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    for batch in batches:
        yield b"".join(map(_dumps_line, batch))


def json_array(batches: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    """One JSON array, one element per line, streamed element by element."""
    separator = b"[\n"
    for batch in batches:
        yield separator + b",\n".join([dumps(record) for record in batch])
        separator = b",\n"
    yield b"[]\n" if separator == b"[\n" else b"\n]\n"
