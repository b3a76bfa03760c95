"""Streamed exports: every sentence with its article, reviews and verdict, as json, jsonl, csv or
schema.org ClaimReview. Used by GET /api/export/, `manage.py export` and the admin alike.

Each format is a generator of bytes chunks, so memory stays flat however many rows there are
(rows.py says how the rows are read); on PostgreSQL, an export run outside a transaction reads
from one REPEATABLE READ snapshot. One module per format: jsonl.py (json and jsonl), csv.py,
claimreview.py; each encodes a batch of records on its own, so that parallel.py can have a large
export built by helper processes that share the snapshot.

Record format (json and jsonl), one per sentence:

    {"article": {"id", "title", "url", "source", "published_at", "language", "tags", "checksum",
                 "body"},
     "sentence": {"id", "index", "paragraph", "start", "end", "text", "kind", "status",
                  "updated_at"},
     "reviews": [{"reviewer", "label", "note", "evidence", "version", "created_at",
                  "updated_at"}],
     "verdict": {"label", "rationale", "decided_by", "is_consensus", "needs_attention",
                 "evidence", "published", "published_at", "corrected_at", "version",
                 "created_at", "updated_at",
                 "corrections": [{"label_before", "label_after", "note", "editor",
                                  "created_at"}]} | null}

`verdict.corrections` is the public correction log of a fact-check (oldest first): each change
made to it while published, with the note to readers.

`article.body` appears only in the first record of each article in the stream (it is needed to
recreate the article exactly, see services.article_restore, and repeating it on every sentence
would multiply the size of an export by the sentences per article). Dates are ISO 8601 in UTC
with a "Z" suffix, like the rest of the API. Users are named by username, labels by slug.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time

from django.utils.dateparse import parse_date, parse_datetime
from rest_framework import serializers

from annotations import fields
from annotations.exports.claimreview import (
    claimreview_chunks,
    claimreview_for_verdict,
    organisation,
)
from annotations.exports.csv import csv_cell, csv_chunks, csv_header
from annotations.exports.jsonl import json_array, json_elements, json_lines
from annotations.exports.parallel import ExportFailed, encoded
from annotations.exports.rows import ExportParams, in_snapshot, sentences_for_export
from annotations.fields import MAX_INT, datetime_in_range
from annotations.models import Label, Sentence
from annotations.replica import on_replica

__all__ = [
    "DEFAULT_BASE_URL",
    "FORMATS",
    "ExportFailed",
    "ExportParams",
    "ExportQuery",
    "claimreview_for_verdict",
    "organisation",
    "csv_cell",
    "csv_header",
    "export_stream",
    "sentences_for_export",
]

DEFAULT_BASE_URL = "http://localhost:8000"


@dataclass(frozen=True)
class ExportFormat:
    content_type: str
    extension: str


FORMATS = {
    "json": ExportFormat("application/json", "json"),
    "jsonl": ExportFormat("application/x-ndjson", "jsonl"),
    "csv": ExportFormat("text/csv; charset=utf-8", "csv"),
    "claimreview": ExportFormat("application/ld+json", "jsonld"),
}


class ExportQuery(serializers.Serializer):
    """The export's options, validated alike for the API's query string and the command line."""

    format = serializers.ChoiceField(
        choices=list(FORMATS),
        default="json",
        error_messages={"invalid_choice": f"'{{input}}' is not one of {', '.join(FORMATS)}."},
    )
    article = serializers.CharField(
        required=False, allow_blank=True, help_text="Only this article (id)."
    )
    label = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only sentences with a review or verdict with this label (slug).",
    )
    status = serializers.ChoiceField(
        choices=Sentence.Status.values,
        required=False,
        allow_blank=True,
        error_messages={
            "invalid_choice": f"'{{input}}' is not one of {', '.join(Sentence.Status.values)}."
        },
    )
    updated_since = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only sentences updated at or after this ISO 8601 date-time.",
    )
    source = fields.TextField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Only articles from this source.",
    )
    tag = fields.TextField(
        required=False, allow_blank=True, max_length=100, help_text="Only articles with this tag."
    )
    published_after = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only articles published at or after this ISO 8601 date-time (or day).",
    )
    published_before = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Only articles published before this ISO 8601 date-time (or day).",
    )

    def validate_article(self, value: str) -> int | None:
        if not value:
            return None
        value = value.strip()
        if not (value.isascii() and value.isdigit()):  # "²" is a digit to isdigit()
            raise serializers.ValidationError(
                f"'{value[:40]}' is not an article id (a whole number)."
            )
        # Wider than the id column: no such article (and int() refuses 4,300 digits).
        if len(value) > len(str(MAX_INT)) or not 1 <= int(value) <= MAX_INT:
            raise serializers.ValidationError(
                f"'{value[:40]}' is not an article id: ids run from 1 to {MAX_INT}."
            )
        return int(value)

    def validate_label(self, value: str) -> str | None:
        if not value:
            return None
        # Retired labels count: the reviews that used them are still exported.
        slugs = list(Label.objects.values_list("slug", flat=True))
        if value not in slugs:
            raise serializers.ValidationError(
                f"label '{value}' does not exist; choose one of {', '.join(slugs)}."
            )
        return value

    def validate_updated_since(self, value: str) -> datetime | None:
        return _moment(value)

    def validate_published_after(self, value: str) -> datetime | None:
        return _moment(value)

    def validate_published_before(self, value: str) -> datetime | None:
        return _moment(value)

    def validate_tag(self, value: str) -> str | None:
        return value.strip().lower() or None  # tags are stored in lower case

    def validate_source(self, value: str) -> str | None:
        return value.strip() or None

    def params(self) -> ExportParams:
        data = self.validated_data
        return ExportParams(
            article=data.get("article"),
            label=data.get("label"),
            status=data.get("status") or None,
            updated_since=data.get("updated_since"),
            source=data.get("source"),
            tag=data.get("tag"),
            published_after=data.get("published_after"),
            published_before=data.get("published_before"),
        )


def _moment(value: str) -> datetime | None:
    """An ISO 8601 date-time (or a day, from its midnight), in the years 1..9999 in UTC."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value.strip())
        if parsed is None and (day := parse_date(value.strip())):
            parsed = datetime.combine(day, time())
    except ValueError:  # well formed but impossible, e.g. 2026-02-30
        parsed = None
    if parsed is None:
        raise serializers.ValidationError(
            f"'{value}' is not an ISO 8601 date-time; use e.g. 2026-03-01T09:30:00Z."
        )
    try:
        return datetime_in_range(parsed)
    except ValueError as exc:
        raise serializers.ValidationError(str(exc)) from None


def export_stream(
    format: str, params: ExportParams, *, base_url: str = DEFAULT_BASE_URL
) -> Iterator[bytes]:
    """The export in one of FORMATS, as a generator of bytes chunks, read from the replica if
    there is one (annotations/replica.py)."""
    if format == "json":
        chunks = json_array(encoded(params, json_elements, with_body=True))
    elif format == "jsonl":
        chunks = encoded(params, json_lines, with_body=True)
    elif format == "csv":
        chunks = csv_chunks(params)
    elif format == "claimreview":
        chunks = claimreview_chunks(params, base_url=base_url)
    else:
        raise ValueError(f"unknown export format {format!r}")
    return on_replica(in_snapshot(chunks))
