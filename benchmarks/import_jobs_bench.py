"""Import jobs against the command line: one JSONL file through POST /api/imports/ and a real
Celery worker, against `manage.py import_articles` on the same file.

    .venv/bin/python benchmarks/import_jobs_bench.py [--articles 10000] [--repeat 1] \\
        [--database-url postgres://postgres@127.0.0.1:5432/factcheck_jobs_bench] \\
        [--broker-url redis://127.0.0.1:6379/13]

Writes N generated articles (import_bench's news-like text, ~30 sentences each) to one JSONL
file, then, on an emptied database each time, alternately
- runs `manage.py import_articles FILE --user bench-editor` in a subprocess, timed whole;
- starts a Celery worker (`celery -A factcheck worker --pool solo`, one process) on the broker,
  uploads the file through the API (Django's test client in this process, signed in as an
  editor) and polls the job until it is done, timed from the upload to the job's finish
  (the worker's start-up is not counted: it is running before the upload).
Both imports queue the matching of the new articles' claims for the worker afterwards; those
tasks are dropped (each job has a worker of its own, stopped when the job is done), so neither
import waits behind them or shares the machine with them (matching_bench.py measures matching).
Prints both times, articles per second and the ratio (target >= 0.8). Needs PostgreSQL and
Redis on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, bench_users, django_setup, work_empty  # noqa: E402
from import_bench import make_article  # noqa: E402


def write_jsonl(path: Path, articles: int) -> None:
    rng = random.Random(11)
    with path.open("w", encoding="utf-8") as out:
        for number in range(articles):
            out.write(json.dumps(make_article(rng, number)) + "\n")


def command_run(path: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "import_articles", str(path), "--user", "bench-editor"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def worker_start(env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "factcheck", "worker"),
                *("--pool", "solo", "--loglevel", "WARNING"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def job_run(path: Path, articles: int) -> float:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from annotations.models import ImportJob

    client = Client()
    client.force_login(bench_users([], "bench-editor")["bench-editor"])
    content = path.read_bytes()
    started = time.perf_counter()
    response = client.post(
        "/api/imports/", {"files": [SimpleUploadedFile(path.name, content)]}, format="multipart"
    )
    assert response.status_code == 202, response.content[:500]
    job_id = response.json()["id"]
    while True:
        job = ImportJob.objects.get(pk=job_id)
        if job.finished:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    assert job.state == "done" and job.created == articles, (job.state, job.created, job.message)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_jobs_bench"
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()

    os.environ["CELERY_BROKER_URL"] = args.broker_url  # this process queues, the worker runs
    django_setup(args.database_url)
    from django.conf import settings

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    bench_users([], "bench-editor")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CELERY_BROKER_URL": args.broker_url,
        "DEBUG": "1",
    }
    import redis

    broker = redis.Redis.from_url(args.broker_url)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "news.jsonl"
        write_jsonl(path, args.articles)
        size = path.stat().st_size
        print(f"{args.articles:,} articles, {size / 1e6:.1f} MB of JSONL")
        log = Path(folder) / "worker.log"
        commands, jobs = [], []
        for run in range(args.repeat):
            work_empty()
            commands.append(command_run(path, env))
            work_empty()
            # A worker of its own for each job, on an empty queue (the command queued the
            # matching of its articles there), stopped at once when the job is done: its
            # matching tasks for the job's articles never share the machine with the next import.
            broker.flushdb()
            worker = worker_start(env, log)
            try:
                time.sleep(3)  # the worker is up before any upload
                jobs.append(job_run(path, args.articles))
            finally:
                worker.kill()
                worker.wait(timeout=30)
                broker.flushdb()
            print(f"run {run + 1}: command {commands[-1]:.1f} s, job {jobs[-1]:.1f} s")
    command, job = statistics.median(commands), statistics.median(jobs)
    print(f"import_articles:        {command:.1f} s, {args.articles / command:,.0f} articles/s")
    print(f"POST /api/imports/ job: {job:.1f} s, {args.articles / job:,.0f} articles/s")
    print(f"ratio job / command:    {command / job:.2f}  (target >= 0.8)")


if __name__ == "__main__":
    main()
