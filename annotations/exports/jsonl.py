"""json and jsonl: the records as JSON Lines, or as one JSON array with one element per line.

Each batch of records is encoded on its own (json_lines, json_elements), possibly in a helper
process (parallel.py); json_array puts the brackets and separators around the chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import orjson

# Dates as ISO 8601 in UTC with a "Z" suffix, like the rest of the API.
dumps = partial(orjson.dumps, option=orjson.OPT_UTC_Z)
# The same, with the newline that ends a JSON line written by orjson (no concatenation).
_dumps_line = partial(orjson.dumps, option=orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE)


def json_lines(batch: list[dict[str, Any]]) -> bytes:
    """A batch of records as JSON Lines."""
    return b"".join(map(_dumps_line, batch))


def json_elements(batch: list[dict[str, Any]]) -> bytes:
    """A batch of records as elements of a JSON array, one per line (no brackets)."""
    return b",\n".join([dumps(record) for record in batch])


def json_array(elements: Iterable[bytes]) -> Iterator[bytes]:
    """One JSON array, one element per line, streamed: `elements` are chunks of json_elements."""
    separator = b"[\n"
    for chunk in elements:
        yield separator + chunk
        separator = b",\n"
    yield b"[]\n" if separator == b"[\n" else b"\n]\n"
