"""The Celery application: `celery -A factcheck worker` runs the tasks (annotations/tasks.py).

Configured from Django's settings (the CELERY_* names); without CELERY_BROKER_URL tasks run
eagerly in the process that asks for them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
