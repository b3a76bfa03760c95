"""Load benchmark: gunicorn with 2 workers on loopback, mixed reading and reviewing over the API.

    .venv/bin/python benchmarks/load_bench.py [--seconds 30] [--clients 16] [--articles 300]
        [--workers 2] [--database-url postgres://postgres@127.0.0.1:5432/factcheck_load_bench]

Fills its own PostgreSQL database (emptied first) with articles of 30 sentences through the
import service, eight reviewers with API tokens, and starts gunicorn with the project's
gunicorn.conf.py (gthread workers), production settings (DEBUG off) and no access log. Then
`--clients` threads, two per reviewer, each with a keep-alive connection, send for `--seconds`:

    40%  GET /api/sentences/{id}/               a sentence with its reviews and verdict
    20%  GET /api/articles/{id}/                an article of 30 sentences with all their work
    10%  GET /api/articles/?page_size=20        the queue's first page
    30%  PUT /api/sentences/{id}/review/        the reviewer's review, with If-Match

The reviews go to 60 sentences only (in 60 articles), so the two clients of a reviewer keep
changing the same reviews: a client sends the version it last saw, gets 412 when the other got
there first, and takes the current version from the answer. Every accepted save changes the
note, so it adds exactly one version; at the end each review's version must equal the saves
accepted for it (no lost update), and the history must hold one entry per accepted save.

Prints requests per second, latency percentiles per kind, errors (5xx, connection failures,
anything unexpected; 412 counts apart, as the designed answer) and the lost-update check.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_users, django_setup, free_port, percentile, work_empty  # noqa: E402
from import_bench import make_article  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REVIEWERS = [f"load_reviewer{n}" for n in range(1, 9)]
EDITOR = "load_editor"
REVIEWED = 60  # sentences the reviews go to, so that clients of one reviewer collide
MIX = [("sentence", 40), ("article", 20), ("queue", 10), ("review", 30)]
LABELS = ["accurate", "mostly_accurate", "mixed", "unverifiable"]


def fill(articles: int) -> tuple[list[int], list[int], dict[str, str]]:
    """Empty the database, import the articles; their ids, claim ids and the tokens."""
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from annotations import services
    from annotations.models import Sentence

    work_empty()
    rng = random.Random(11)
    ids = []
    for number in range(articles):
        data = make_article(rng, number)
        data["body"] += f"\nLoad run {time.time()}."
        ids.append(services.article_import(data=data).article.pk)
    claims = list(
        Sentence.objects.filter(kind=Sentence.Kind.CLAIM)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    users = bench_users(REVIEWERS, EDITOR)
    tokens = {name: Token.objects.get_or_create(user=users[name])[0].key for name in REVIEWERS}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return ids, claims, tokens


class CpuMeter(threading.Thread):
    """CPU seconds used by gunicorn (master and workers), PostgreSQL's processes, this process
    (the clients) and the whole machine (everything, other work included) while it runs.

    Processes are sampled five times a second and each one's last reading kept, so workers
    that gunicorn recycles during the run (max_requests) still count."""

    def __init__(self, server_pid: int) -> None:
        super().__init__(daemon=True, name="cpu-meter")
        import psutil

        self.psutil, self.server = psutil, psutil.Process(server_pid)
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.done = threading.Event()
        self.sample(self.first)
        self.machine = self.busy()

    def busy(self) -> float:
        times = self.psutil.cpu_times()
        return times.user + times.system + getattr(times, "nice", 0.0)

    def sample(self, into: dict[tuple[str, int], float]) -> None:
        psutil = self.psutil
        try:
            workers = [self.server, *self.server.children(recursive=True)]
        except psutil.Error:
            workers = []
        postgres = [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]
        for part, processes in (
            ("gunicorn", workers),
            ("postgres", postgres),
            ("clients", [psutil.Process()]),
        ):
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.Error:
                    continue
                into[part, process.pid] = times.user + times.system

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.sample(self.last)

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.join()
        self.sample(self.last)
        spent = {"gunicorn": 0.0, "postgres": 0.0, "clients": 0.0}
        for (part, pid), seconds in self.last.items():
            spent[part] += seconds - self.first.get((part, pid), 0.0)
        spent["all"] = self.busy() - self.machine
        return spent


def start_server(database_url: str, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": "",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = Path(tempfile.gettempdir()) / "factcheck-load-bench-gunicorn.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),  # a file: a pipe nobody reads would stall the server
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start: " + log.read_text()[-2000:])


class Client(threading.Thread):
    """One reviewer's browser tab, as fast as it can go until `stop` is set."""

    def __init__(self, port, token, articles, claims, reviewed, stop, seed) -> None:
        super().__init__(daemon=True, name=f"tab{seed}")
        self.port, self.token, self.stop = port, token, stop
        self.articles, self.claims, self.reviewed = articles, claims, reviewed
        self.rng = random.Random(seed)
        self.versions: dict[int, int] = {}  # sentence -> the review version this tab last saw
        self.accepted: Counter[int] = Counter()  # sentence -> saves accepted
        self.timings: defaultdict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.errors: list[str] = []
        self.connection: http.client.HTTPConnection | None = None
        self.count = 0

    def send(self, method: str, path: str, body: dict | None = None, headers=None):
        headers = {"Authorization": f"Token {self.token}", **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        # A kept-alive connection the server has closed fails the next request: a GET is
        # sent again on a new one; a PUT is not (it may have been applied), it counts as an
        # error.
        for attempt in range(2 if method == "GET" else 1):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, payload, headers)
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError) as exc:
                self.connection.close()
                self.connection = None
                if attempt or method != "GET":
                    raise exc

    def run(self) -> None:
        kinds = [kind for kind, weight in MIX for _ in range(weight)]
        while not self.stop.is_set():
            kind = self.rng.choice(kinds)
            started = time.perf_counter()
            try:
                status = self.one(kind)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                self.errors.append(f"{kind}: {exc!r}")
                continue
            self.timings[kind].append((time.perf_counter() - started) * 1000)
            self.statuses[kind, status] += 1
            self.count += 1

    def one(self, kind: str) -> int:
        if kind == "sentence":
            status, _ = self.send("GET", f"/api/sentences/{self.rng.choice(self.claims)}/")
        elif kind == "article":
            status, _ = self.send("GET", f"/api/articles/{self.rng.choice(self.articles)}/")
        elif kind == "queue":
            status, _ = self.send("GET", "/api/articles/?page_size=20")
        else:
            sentence = self.rng.choice(self.reviewed)
            seen = self.versions.get(sentence)
            status, body = self.send(
                "PUT",
                f"/api/sentences/{sentence}/review/",
                {"label": self.rng.choice(LABELS), "note": f"{self.name} {self.count}"},
                {"If-Match": f'"{seen}"'} if seen else None,
            )
            answer = json.loads(body) if status < 500 else {}
            if status in (200, 201):
                self.versions[sentence] = answer["version"]
                self.accepted[sentence] += 1
            elif status == 412:  # the other tab saved first: take its version
                current = answer.get("current") or {}
                self.versions[sentence] = current.get("version")
        if status >= 500 or status not in (200, 201, 412):
            self.errors.append(f"{kind}: HTTP {status}")
        return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_load_bench"
    )
    args = parser.parse_args()

    django_setup(args.database_url)
    from annotations.models import History, Review

    started = time.perf_counter()
    articles, claims, tokens = fill(args.articles)
    print(
        f"filled {len(articles)} articles, {len(claims):,} claims in "
        f"{time.perf_counter() - started:.0f} s"
    )
    reviewed = claims[:: len(claims) // REVIEWED][:REVIEWED]  # in as many articles

    port = free_port()
    server = start_server(args.database_url, port, args.workers)
    try:
        stop = threading.Event()
        clients = [
            Client(
                port,
                tokens[REVIEWERS[i % len(REVIEWERS)]],
                articles,
                claims,
                reviewed,
                stop,
                seed=i,
            )
            for i in range(args.clients)
        ]
        warm = Client(port, tokens[REVIEWERS[0]], articles, claims, reviewed, threading.Event(), 99)
        for kind, _ in MIX[:3]:
            warm.one(kind)
        meter = CpuMeter(server.pid)
        meter.start()
        began = time.perf_counter()
        for client in clients:
            client.start()
        time.sleep(args.seconds)
        stop.set()
        for client in clients:
            client.join(timeout=60)
        elapsed = time.perf_counter() - began
        spent = meter.stop()
    finally:
        server.terminate()
        server.wait(timeout=30)

    total = sum(client.count for client in clients)
    statuses = sum((client.statuses for client in clients), Counter())
    errors = [error for client in clients for error in client.errors]
    print(f"server:     gunicorn, {args.workers} workers (gthread), 127.0.0.1, DEBUG off")
    print(f"clients:    {args.clients} threads, {elapsed:.1f} s")
    print(f"throughput: {total / elapsed:,.0f} requests/s ({total:,} requests)")
    print(f"{'kind':<10} {'requests':>9} {'p50':>8} {'p95':>8} {'p99':>8}  statuses")
    everything = []
    for kind, _ in MIX:
        runs = [t for client in clients for t in client.timings[kind]]
        everything += runs
        codes = ", ".join(f"{code}: {n}" for (k, code), n in sorted(statuses.items()) if k == kind)
        print(
            f"{kind:<10} {len(runs):>9,} {percentile(runs, 0.5):7.1f}ms "
            f"{percentile(runs, 0.95):7.1f}ms {percentile(runs, 0.99):7.1f}ms  {codes}"
        )
    print(
        f"{'all':<10} {len(everything):>9,} {percentile(everything, 0.5):7.1f}ms "
        f"{percentile(everything, 0.95):7.1f}ms {percentile(everything, 0.99):7.1f}ms"
    )
    print(f"errors:     {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
    # Where the CPU went, per request: the bound on two cores is 2,000 ms over the sum.
    ours = spent["gunicorn"] + spent["postgres"] + spent["clients"]
    print(
        "cpu per request: "
        + ", ".join(f"{part} {spent[part] * 1000 / total:.2f} ms" for part in spent)
        + f"; busy {spent['all'] / elapsed:.2f} of {os.cpu_count()} cores; "
        f"bound {os.cpu_count() * 1000 / (ours * 1000 / total):,.0f} requests/s "
        "if gunicorn, PostgreSQL and the clients had the cores to themselves"
    )

    # No lost update: each review's version is the number of saves accepted for it.
    accepted: Counter[tuple[str, int]] = Counter()
    reviewer_of = {key: name for name, key in tokens.items()}
    for client in clients:
        for sentence, n in client.accepted.items():
            accepted[reviewer_of[client.token], sentence] += n
    stored = {
        (name, sentence): version
        for name, sentence, version in Review.objects.values_list(
            "reviewer__username", "sentence_id", "version"
        )
    }
    lost = [(key, n, stored.get(key)) for key, n in accepted.items() if stored.get(key) != n]
    history = History.objects.filter(entity="review").count()
    print(
        f"lost updates: {len(lost)} (accepted saves {sum(accepted.values()):,}, "
        f"review history entries {history:,})" + (f"; first: {lost[:3]}" if lost else "")
    )


if __name__ == "__main__":
    main()
