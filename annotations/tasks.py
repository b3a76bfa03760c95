"""Tasks run by the Celery worker (or eagerly in the web process without a broker).

Each is a thin shell around a service, which holds the work and its rules.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from annotations import services
from annotations.models import ImportJob

logger = logging.getLogger(__name__)


@shared_task(name="annotations.import_job_run")
def import_job_run(job_id: int) -> str | None:
    job = services.import_job_run(job_id)
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
