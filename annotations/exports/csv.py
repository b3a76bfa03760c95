"""csv: one row per sentence, for spreadsheets; and the one guard against spreadsheet formulas.

Article and sentence columns, the verdict (with whether it is published and its source URLs),
then review_N_reviewer/_label/_note/_evidence for N up to the most reviews any exported sentence
has (one aggregate query before the first row). Tags are joined by ", " (as the importer reads
them), evidence URLs by spaces. UTF-8 without a byte order mark.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.db.models import Count, Max

from annotations.exports.parallel import encoded
from annotations.exports.rows import ExportParams, sentences_for_export
from annotations.models import Review

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A cell as written to a CSV file a spreadsheet may open; None is an empty cell.

    A text starting with =, +, -, @, a tab or a CR gets a leading apostrophe, so that no
    spreadsheet runs it as a formula (the text then differs by that one character). Numbers are
    left alone: they are ours, not text anyone typed. Used by the export and the dashboard.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


def iso(value: datetime | None) -> str | None:
    """The same ISO 8601 form as the JSON formats: UTC with a "Z"."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _max_reviews(params: ExportParams) -> int:
    """The most reviews any exported sentence has: the number of review column groups."""
    per_sentence = (
        Review.objects.filter(sentence__in=sentences_for_export(params).values("pk"))
        .values("sentence_id")
        .annotate(count=Count("id"))
    )
    return per_sentence.aggregate(most=Max("count"))["most"] or 0


def csv_header(review_slots: int) -> list[str]:
    header = [
        *(f"article_{name}" for name in ("id", "title", "url", "source", "published_at")),
        *(f"article_{name}" for name in ("language", "tags")),
        *(f"sentence_{name}" for name in ("id", "index", "paragraph", "start", "end", "text")),
        *(f"sentence_{name}" for name in ("kind", "status", "updated_at")),
        "verdict_label",
        "verdict_rationale",
        "verdict_decided_by",
        "verdict_published",
        "verdict_published_at",
        "verdict_evidence",
        "review_count",
    ]
    for slot in range(1, review_slots + 1):
        header += [f"review_{slot}_{name}" for name in ("reviewer", "label", "note", "evidence")]
    return header


def _csv_row(record: dict[str, Any], review_slots: int) -> list[Any]:
    article, sentence, verdict = record["article"], record["sentence"], record["verdict"] or {}
    row = [
        article["id"],
        article["title"],
        article["url"],
        article["source"],
        iso(article["published_at"]),
        article["language"],
        # ", " because the importer reads a "health, economy" string as two tags.
        ", ".join(article["tags"]),
        sentence["id"],
        sentence["index"],
        sentence["paragraph"],
        sentence["start"],
        sentence["end"],
        sentence["text"],
        sentence["kind"],
        sentence["status"],
        iso(sentence["updated_at"]),
        verdict.get("label"),
        verdict.get("rationale"),
        verdict.get("decided_by"),
        {True: "true", False: "false"}.get(verdict.get("published")),
        iso(verdict.get("published_at")),
        " ".join(item.get("url", "") for item in verdict.get("evidence") or ()),
        len(record["reviews"]),
    ]
    for review in record["reviews"]:
        evidence = " ".join(item.get("url", "") for item in review["evidence"])
        row += [review["reviewer"], review["label"], review["note"], evidence]
    # Every row as wide as the header. (A review added after the header was written, possible
    # only on SQLite, which has no snapshot, makes its row longer rather than being dropped.)
    row += [""] * 4 * (review_slots - len(record["reviews"]))
    return [csv_cell(value) for value in row]


def csv_chunks(params: ExportParams) -> Iterator[bytes]:
    review_slots = _max_reviews(params)
    header = io.StringIO()
    csv.writer(header).writerow(csv_header(review_slots))
    yield header.getvalue().encode("utf-8")

    def encode(batch: list[dict[str, Any]]) -> bytes:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(_csv_row(record, review_slots) for record in batch)
        return buffer.getvalue().encode("utf-8")

    yield from encoded(params, encode, with_body=False)
