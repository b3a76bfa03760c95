"""Reads of import jobs for the pages (the API's job list has its own paginated queryset)."""

from __future__ import annotations

from django.db.models import Count

from annotations.models import ImportJob


def import_job_list(*, limit: int = 10) -> list[ImportJob]:
    """The last `limit` import jobs, newest first, with who started them and their number of
    files (`file_count`): one query."""
    jobs = ImportJob.objects.select_related("created_by").annotate(file_count=Count("files"))
    return list(jobs.order_by("-created_at", "-id")[:limit])
