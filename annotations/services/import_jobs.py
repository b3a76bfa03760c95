"""Import jobs: files uploaded as a whole (the import page, POST /api/imports/,
`import_articles --background`), imported by a task on the worker (annotations/tasks.py).

A job's files are stored with it, so any worker can run it. Each article is committed on its
own: one bad file or record never stops the others, and a job whose worker died runs again
from the start, finding what it already created as duplicates (counted as its own).
"""

from __future__ import annotations

import dataclasses
import io
import logging
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations import permissions, readers
from annotations.errors import Forbidden, InvalidInput, TooLarge
from annotations.models import Article, ImportFile, ImportJob
from annotations.restore_input import printable
from annotations.services.batch import record_import, record_outcomes

logger = logging.getLogger(__name__)

MAX_FILES = 10_000
# How often a running job writes its counts (seconds): what the progress bar shows.
FLUSH_EVERY = 0.5
# The fields of an article an upload may give for the records that have none.
DEFAULT_FIELDS = ("title", "source", "url", "published_at", "language", "tags")


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def uploads_expand(uploads: Sequence[Upload]) -> list[Upload]:
    """The files to import: each upload, and a zip's members in its place (folders flattened
    into "archive.zip/folder/name"). InvalidInput for an unreadable zip; TooLarge when the
    files would unpack to more than FACTCHECK_MAX_UPLOAD_BYTES."""
    limit = settings.FACTCHECK_MAX_UPLOAD_BYTES
    files: list[Upload] = []
    unpacked = 0
    for upload in uploads:
        if PurePosixPath(upload.name).suffix.lower() != ".zip":
            files.append(upload)
            unpacked += len(upload.content)
            continue
        try:
            archive = zipfile.ZipFile(io.BytesIO(upload.content))
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir() and not PurePosixPath(info.filename).name.startswith(".")
            ]
            # Sizes as the archive declares them, checked before anything is unpacked (a zip
            # bomb declares its real size or fails the CRC check when read).
            unpacked += sum(info.file_size for info in members)
            if unpacked > limit:
                raise TooLarge(
                    f"The files unpack to more than {limit:,} bytes, the limit.", field="files"
                )
            for info in sorted(members, key=lambda info: info.filename):
                files.append(Upload(f"{upload.name}/{info.filename}", archive.read(info)))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
            raise InvalidInput(
                {"files": [printable(f"{upload.name}: not a readable zip archive ({exc}).")]}
            ) from None
        if len(files) > MAX_FILES:
            break
    if len(files) > MAX_FILES:
        raise InvalidInput({"files": [f"At most {MAX_FILES:,} files in one import."]})
    if unpacked > limit:
        raise TooLarge(f"The files hold more than {limit:,} bytes, the limit.", field="files")
    return files


def import_job_create(
    *, user: AbstractBaseUser, uploads: Sequence[Upload], defaults: dict[str, Any]
) -> ImportJob:
    """A queued job for these files (zips unpacked) with the metadata `defaults` (validated:
    inputs.ImportOptionsSerializer) for the records that have none. Editors and admins only."""
    if not permissions.can_import_articles(user):
        raise Forbidden("Only editors import articles.")
    files = uploads_expand(uploads)
    if not files:
        raise InvalidInput({"files": ["Upload at least one file, or paste the text."]})
    with transaction.atomic():
        job = ImportJob.objects.create(created_by=user, defaults=defaults)
        ImportFile.objects.bulk_create(
            ImportFile(
                job=job,
                position=position,
                name=printable(upload.name)[:500],
                content=upload.content,
                size=len(upload.content),
            )
            for position, upload in enumerate(files)
        )
    return job


PREVIEW_RECORDS = 50


@dataclass(frozen=True)
class PreviewItem:
    """What importing one record would do: `outcome` created, skipped (a duplicate of
    `duplicate_of`) or failed (`message`)."""

    file: str
    line: int | None
    outcome: str
    title: str
    message: str = ""
    duplicate_of: int | None = None


@dataclass(frozen=True)
class Preview:
    """The first records of an upload, what would become of each (nothing is written), and how
    the first new article would be split: (text, kind) of each sentence."""

    items: list[PreviewItem]
    sentences: list[tuple[str, str]]
    more: bool  # records beyond those looked at


def import_preview(uploads: Sequence[Upload], defaults: dict[str, Any]) -> Preview:
    """A dry run of the first PREVIEW_RECORDS records of these files."""
    items: list[PreviewItem] = []
    sentences: list[tuple[str, str]] = []
    more = False
    for upload in uploads_expand(uploads):
        for record in _records(upload.name, upload.content, defaults):
            if len(items) == PREVIEW_RECORDS:
                more = True
                break
            outcome = record_import(record, dry_run=True)
            data = record.data or {}
            title = str(data.get("title") or "")
            if record.restore is not None:
                title = str((record.restore[0].get("article") or {}).get("title") or "")
            items.append(
                PreviewItem(
                    file=upload.name,
                    line=_where(outcome.origin, upload.name)[1],
                    outcome=outcome.kind,
                    title=printable(title),
                    message=outcome.message,
                    duplicate_of=outcome.article_id if outcome.kind == "skipped" else None,
                )
            )
            if not sentences:  # the first new article's, as the dry run split it
                sentences = list(outcome.sentences)
        if more:
            break
    return Preview(items=items, sentences=sentences, more=more)


def _records(name: str, content: bytes, defaults: dict[str, Any]) -> list[readers.Record]:
    records = readers.read_file(name, content, default_title=defaults.get("title") or None)
    return [_with_defaults(record, defaults) for record in readers.group_exported(records)]


def _with_defaults(record: readers.Record, defaults: dict[str, Any]) -> readers.Record:
    """The record with the upload's metadata in the fields it leaves empty (not an export's
    records, which are restored as they are)."""
    if record.data is None or record.restore is not None or not defaults:
        return record
    data = dict(record.data)
    for key, value in defaults.items():
        if value not in (None, "", []) and not data.get(key):
            data[key] = value
    return dataclasses.replace(record, data=data)


def _where(origin: str, name: str) -> tuple[str, int | None]:
    """(file, line) of a record's origin: "a.jsonl:3" is line 3, "a.json[2]" item 2."""
    rest = origin[len(name) :] if origin.startswith(name) else ""
    digits = rest.strip(":[]")
    if rest and digits.isdigit():
        return name, int(digits)
    return name, None


def import_job_run(job_id: int) -> ImportJob | None:
    """Run a queued job, or resume one whose worker died; a finished job is left as it is
    (a task delivered twice). None when the job does not exist (deleted meanwhile)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return job
        resumed = job.state == ImportJob.State.RUNNING  # its worker died
        job.state = ImportJob.State.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.processed = job.created = job.skipped = job.failed = 0
        job.errors, job.message = [], ""
        job.save()
    try:
        _run(job, resumed=resumed)
    except Exception as exc:  # the job fails, with its reason; its finished articles stay
        logger.exception("import job %s stopped", job.pk)
        job.state, job.finished_at = ImportJob.State.FAILED, timezone.now()
        job.message = printable(
            f"The import stopped ({type(exc).__name__}); run it again to resume."
        )
        job.save()
    return job


def _run(job: ImportJob, *, resumed: bool) -> None:
    mine = set(job.articles)
    importer = job.created_by
    records: list[tuple[str, readers.Record]] = []
    for file in job.files.order_by("position").iterator(chunk_size=20):
        records.extend(
            (file.name, r) for r in _records(file.name, bytes(file.content), job.defaults)
        )
    job.total = len(records)
    job.save(update_fields=["total"])
    flushed = time.monotonic()
    outcomes = record_outcomes((record for _, record in records), imported_by=importer)
    for (name, _), outcome in zip(records, outcomes, strict=True):
        job.processed += 1
        if outcome.kind == "created" or (
            outcome.kind == "skipped" and _own(job, outcome.article_id, mine, resumed)
        ):
            job.created += 1
            if outcome.article_id not in mine:
                mine.add(outcome.article_id)
                job.articles.append(outcome.article_id)
        elif outcome.kind == "skipped":
            job.skipped += 1
        else:
            job.failed += 1
            file, line = _where(outcome.origin, name)
            job.errors.append({"file": file, "line": line, "message": outcome.message})
        if time.monotonic() - flushed >= FLUSH_EVERY:
            _flush(job)
            flushed = time.monotonic()
    job.state, job.finished_at = ImportJob.State.DONE, timezone.now()
    _flush(job, "state", "finished_at")


def _own(job: ImportJob, article_id: int | None, mine: set[int], resumed: bool) -> bool:
    """Whether a duplicate found is an article this job created: on a resumed run, also one
    its importer imported since the job first started (the dead worker may not have recorded
    it)."""
    if article_id in mine:
        return True
    return (
        resumed
        and Article.objects.filter(
            pk=article_id, imported_by=job.created_by_id, created_at__gte=job.started_at
        ).exists()
    )


def _flush(job: ImportJob, *extra: str) -> None:
    job.save(
        update_fields=["processed", "created", "skipped", "failed", "errors", "articles", *extra]
    )
