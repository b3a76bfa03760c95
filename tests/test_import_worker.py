"""A real Celery worker runs import jobs: Redis on 127.0.0.1 as the broker, the test's
PostgreSQL database shared with the worker process. Files go in through POST /api/imports/.

PostgreSQL only (a worker cannot see SQLite's in-memory test database); in CI (CI=true) a
missing Redis fails the test instead of skipping it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from annotations.models import Article, ImportJob
from tests.conftest import celery_broker

ROOT = Path(__file__).resolve().parents[1]
BROKER = os.environ.get("FACTCHECK_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_up() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(BROKER, socket_connect_timeout=1)
        client.flushdb()  # no task left over from an earlier run
        return True
    except redis.RedisError:
        return False


@pytest.fixture
def worker(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a worker shares the database: run with DATABASE_URL on PostgreSQL")
    if not _redis_up():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {BROKER}")
        pytest.skip(f"Redis is not reachable at {BROKER}")
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "CELERY_BROKER_URL": BROKER,
        "SECRET_KEY": "worker-in-tests",
        "REDIS_URL": "",
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "factcheck", "worker"),
                *("--pool", "solo", "--loglevel", "INFO"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        with celery_broker(BROKER):
            yield process, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(job_id: int, log: Path, seconds: float = 90) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ImportJob.objects.get(pk=job_id)
        if job.finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"job {job_id} did not finish; worker log:\n{log.read_text()[-3000:]}")


def test_a_worker_runs_an_import_uploaded_through_the_api(
    seeded_transactional_db, worker, editor_client
):
    process, log = worker
    records = [
        {"title": f"Story {n}", "body": f"Claim number {n} was made today."} for n in range(40)
    ]
    news = "".join(json.dumps(record) + "\n" for record in records).encode()

    response = editor_client.post(
        "/api/imports/",
        {
            "files": [
                SimpleUploadedFile("news.jsonl", news + b"{broken\n"),
                SimpleUploadedFile("dues.txt", b"Harbour dues rose 4% this year."),
            ],
            "source": "Wire",
        },
        format="multipart",
    )

    assert response.status_code == 202
    assert response.json()["state"] == "queued"  # the worker has it, not this process
    job = wait_for(response.json()["id"], log)
    assert process.poll() is None, log.read_text()
    assert job.state == "done", job.message
    assert (job.total, job.created, job.skipped, job.failed) == (42, 41, 0, 1)
    assert job.errors == [{"file": "news.jsonl", "line": 41, "message": job.errors[0]["message"]}]
    assert Article.objects.filter(source="Wire").count() == 41
    assert "annotations.import_job_run" in log.read_text()
