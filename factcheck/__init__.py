# The Celery application loads with Django, so that tasks find it (shared_task).
from factcheck.celery import app as celery_app

__all__ = ["celery_app"]
