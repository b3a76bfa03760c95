"""Tasks run by the Celery worker (or eagerly in the web process without a broker).

Each is a thin shell around a service, which holds the work and its rules.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import shared_task
from django.db import transaction

from annotations import services
from annotations.models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(name="annotations.import_job_run")
def import_job_run(job_id: int) -> str | None:
    job = services.import_job_run(job_id)
    if job is not None and job.articles:
        # Its new articles' claims, after the import (a failed job's finished ones too).
        articles_match_enqueue(job.articles)
    return job.state if job is not None else None


class QueueUnavailable(Exception):
    """The broker did not take the task."""


def import_job_enqueue(job: ImportJob) -> None:
    """Run the job on a worker once the transaction that created it commits.

    QueueUnavailable when the broker does not answer: the job is marked failed with the
    reason, and can be resumed later.
    """
    if import_job_run.app.conf.task_always_eager:
        import_job_run(job.pk)  # no broker: here and now, in this process
        return
    if transaction.get_connection().in_atomic_block:
        # A worker must find the job: queue it once it is committed.
        transaction.on_commit(lambda: import_job_enqueue(job))
        return
    try:
        import_job_run.delay(job.pk)
    except Exception as exc:
        logger.exception("could not queue import job %s", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED,
            message="The task queue did not answer; the job was not started. Try again later.",
        )
        raise QueueUnavailable(str(exc)) from exc


# --- Claim matching -------------------------------------------------------------------------
# Articles per task: a backfill (match_claims --background) or a large import job is spread
# over the workers in tasks this size, each article committed on its own.
MATCH_CHUNK = 50


@shared_task(name="annotations.articles_match")
def articles_match(article_ids: list[int]) -> dict[str, int]:
    """Match these articles' claims (services.articles_match); one that fails is logged and
    left unmatched for `manage.py match_claims`."""
    summary = services.articles_match(article_ids=article_ids)
    return {
        "articles": summary.articles,
        "claims": summary.claims,
        "same": summary.same,
        "opposite": summary.opposite,
        "failed": len(summary.failed),
    }


def articles_match_enqueue(article_ids: Iterable[int]) -> int:
    """Match these articles' claims once the transaction that created them commits: here and
    now without a broker, else on the workers in chunks of MATCH_CHUNK. Returns the number of
    tasks queued (0 when run here, or when it waits for the commit).

    Never raises: importing must not fail because matching did. A failure is logged and the
    articles stay unmatched (`matched_at` null), which `manage.py match_claims` picks up.
    """
    ids = list(article_ids)
    if not ids:
        return 0
    if transaction.get_connection().in_atomic_block:
        # The worker (or this process) must find the articles: after the commit.
        transaction.on_commit(lambda: articles_match_send(ids))
        return 0
    return articles_match_send(ids)


def articles_match_send(ids: list[int]) -> int:
    """articles_match_enqueue for articles committed already (match_claims, import_articles):
    at once."""
    chunks = [ids[i : i + MATCH_CHUNK] for i in range(0, len(ids), MATCH_CHUNK)]
    if articles_match.app.conf.task_always_eager:
        try:
            for chunk in chunks:
                articles_match(chunk)
        except Exception:
            logger.exception("matching the claims of articles %s failed", ids)
        return 0
    queued = 0
    for chunk in chunks:
        try:
            articles_match.delay(chunk)
        except Exception:
            # The broker did not answer: the rest would wait for it as long.
            logger.exception(
                "could not queue the matching of articles %s", ids[queued * MATCH_CHUNK :]
            )
            break
        queued += 1
    return queued
