"""json and jsonl: the records as JSON Lines, or as one JSON array with one element per line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import orjson

# Dates as ISO 8601 in UTC with a "Z" suffix, like the rest of the API.
dumps = partial(orjson.dumps, option=orjson.OPT_UTC_Z)


def json_lines(batches: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    for batch in batches:
        yield b"".join([dumps(record) + b"\n" for record in batch])


def json_array(batches: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    """One JSON array, one element per line, streamed element by element."""
    separator = b"[\n"
    for batch in batches:
        yield separator + b",\n".join([dumps(record) for record in batch])
        separator = b",\n"
    yield b"[]\n" if separator == b"[\n" else b"\n]\n"
