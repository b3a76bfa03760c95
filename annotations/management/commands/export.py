"""manage.py export --format jsonl -o FILE : the same streamed export as GET /api/export/."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator

from annotations import exports


class Command(BaseCommand):
    help = (
        "Export every sentence with its article, reviews and verdict as json, jsonl, csv or "
        "claimreview (schema.org ClaimReview JSON-LD), streamed to a file or stdout."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Values are checked by exports.ExportQuery (as for the API), not by argparse, so a bad
        # value gives the API's message on one line.
        parser.add_argument("--format", default="json", help="json, jsonl, csv or claimreview.")
        parser.add_argument("-o", "--output", default="-", help="File to write; - is stdout.")
        parser.add_argument("--article", help="Only this article (id).")
        parser.add_argument("--label", help="Only sentences with a review or verdict so labelled.")
        parser.add_argument("--status", help="pending, in_review, disputed or final.")
        parser.add_argument("--source", help="Only articles from this source.")
        parser.add_argument("--tag", help="Only articles with this tag.")
        parser.add_argument(
            "--published-after", help="Only articles published at or after this date-time."
        )
        parser.add_argument("--published-before", help="Only articles published before this.")
        parser.add_argument(
            "--updated-since", help="Only sentences updated at or after this ISO 8601 date-time."
        )
        parser.add_argument(
            "--base-url",
            default=exports.DEFAULT_BASE_URL,
            help="Public address of the site, for ClaimReview URLs.",
        )

    def handle(self, *args, output: str, base_url: str, **options) -> None:
        query = exports.ExportQuery(
            data={
                name: options[name]
                for name in (
                    *("format", "article", "label", "status", "updated_since"),
                    *("source", "tag", "published_after", "published_before"),
                )
                if options[name] is not None
            }
        )
        if not query.is_valid():
            raise CommandError(
                "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in query.errors.items())
            )
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except ValidationError:
            raise CommandError(f"base-url: {base_url!r} is not an http(s) URL.") from None
        chunks = exports.export_stream(
            query.validated_data["format"], query.params(), base_url=base_url
        )

        if output == "-":
            try:
                self._to_stdout(chunks)
            except exports.ExportFailed as exc:
                raise CommandError(str(exc)) from None
            return
        path = Path(output)
        # Written beside the target and renamed at the end: a failed export leaves no half file.
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("wb") as file:
                size = sum(file.write(chunk) for chunk in chunks)
            os.replace(partial, path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
        except exports.ExportFailed as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from None
        if options["verbosity"] > 0:
            self.stderr.write(f"wrote {output} ({size:,} bytes)")

    def _to_stdout(self, chunks) -> None:
        binary = getattr(self.stdout, "buffer", None)  # sys.stdout; not a StringIO in tests
        if binary is None:
            for chunk in chunks:
                self.stdout.write(chunk.decode("utf-8"), ending="")
            return
        self.stdout.flush()
        try:
            for chunk in chunks:
                binary.write(chunk)
            binary.flush()
        except BrokenPipeError:
            # `export | head`: the reader has all it wants. Point stdout at /dev/null so that
            # Python's flush at exit does not fail again (the recipe in Python's signal docs).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
