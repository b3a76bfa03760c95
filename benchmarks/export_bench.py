"""Export benchmark: JSONL through GET /api/export/ against PostgreSQL's own COPY ... TO STDOUT.

    .venv/bin/python benchmarks/export_bench.py [--sentences 1000000] [--refill] [--repeat 3]
        [--database-url postgres://postgres@127.0.0.1:5432/factcheck_export_bench]

Fills the benchmark database (created and migrated if needed) with N sentences in articles of
30, with news-like text and exact offsets, reviews on a third of the sentences by four reviewers
(a second review on half of those, some with notes and evidence) and a verdict on every fifth
reviewed sentence. The data are written with COPY FROM, not the ORM, and kept between runs: the
database is refilled only when it holds another number of sentences, or with --refill.

Then, --repeat times, it exports everything as JSONL through the real view (Django's test
client, signed in as an editor), consuming the stream, and times `COPY (SELECT the same rows
...) TO STDOUT` into a sink that discards them. It prints the median sentences/s of each, their
ratio (the share of PostgreSQL's own dump speed the export reaches) and the peak growth of
resident memory during an export. COPY's rows are the sentences joined with their article (body
on the first sentence only, as in the export), tags, reviews, reviewers, labels and verdict.

Each export runs in a fresh process (this script with --child): the process that filled the
database already has a large heap, in which an export's garbage fits without growing, so its
growth read 0.0 MB whatever the export held. The child sets Django up and exports one article
(so that imports and caches are loaded), then measures its own RSS (psutil, sampled every 5 ms by
a thread and after every chunk) from there to the end of the export: a leak or a materialised
result shows as growth.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_users, django_setup, work_empty  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES_PER_ARTICLE = 30
NAMES = ["Mr. Alder", "Dr. Okafor", "Gen. Brandt", "Mrs. Ortiz", "Sen. Olandt", "J. K. Moss"]
PLACES = ["Marlow Bay", "Northfield", "the U.S.", "Kestrel Point", "St. Aldric's Row"]
TEMPLATES = [
    "{name} said the council had spent ${a}.{b} million on roads since Jan. {day}.",
    "Figures released on Tuesday showed unemployment in {place} rose to {a}.{b}% last year.",
    '"We will not accept this, and the numbers are simply wrong," {name} told reporters.',
    "The report, published by the U.N. on Feb. {day}, found {a} cases of fraud in {place}.",
    "Police in {place} said {a} people were arrested after the match on Saturday evening.",
    "According to the ministry, {a},{b}00 homes in {place} were without power for {day} hours.",
    "{name} claimed that crime had doubled in {place} over the past {day} years.",
    "The company reported a profit of £{a}.{b} billion for the year, up from £{day} billion.",
]
BOILERPLATE = ["Advert", "Share this article", "Read more: Council budget approved"]
REVIEWERS = ["bench_reviewer1", "bench_reviewer2", "bench_reviewer3", "bench_reviewer4"]
EDITOR = "bench_editor"
TAGS = ["politics", "economy", "crime", "health"]
# COPY's text format: backslash escapes, \N for NULL.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_line(*values) -> str:
    return "\t".join("\\N" if v is None else str(v).translate(_ESCAPES) for v in values) + "\n"


def make_article(rng: random.Random, sentences: int) -> tuple[str, list[tuple]]:
    """A body and its sentences (index, paragraph, start, end, text, kind), offsets exact."""
    lines, rows, position, paragraph = [], [], 0, 0
    current: list[str] = []
    for index in range(sentences):
        boilerplate = rng.random() < 0.04
        text = (
            rng.choice(BOILERPLATE)
            if boilerplate
            else rng.choice(TEMPLATES).format(
                name=rng.choice(NAMES),
                place=rng.choice(PLACES),
                a=rng.randint(2, 999),
                b=rng.randint(1, 9),
                day=rng.randint(1, 28),
            )
        )
        if current and (boilerplate or len(current) == 3):  # a new line: a new paragraph
            lines.append(" ".join(current))
            current, paragraph = [], paragraph + 1
        start = position + (1 if index else 0)  # one separator: " " or "\n"
        rows.append((index, paragraph, start, start + len(text), text, boilerplate))
        position = start + len(text)
        current.append(text)
        if boilerplate:  # a boilerplate line stands alone
            lines.append(text)
            current, paragraph = [], paragraph + 1
    if current:
        lines.append(" ".join(current))
    body = "\n".join(lines)
    assert all(body[s:e] == t for _, _, s, e, t, _ in rows)
    return body, rows


def fill(cursor, total: int, user_ids: dict[str, int], label_ids: dict[str, int]) -> None:
    from annotations.services import body_checksum

    rng = random.Random(42)
    now = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    tag_ids = {}
    for tag_id, name in enumerate(TAGS, start=1):
        cursor.execute("INSERT INTO annotations_tag (id, name) VALUES (%s, %s)", [tag_id, name])
        tag_ids[name] = tag_id
    labels = ["accurate", "mostly_accurate", "mixed", "misleading", "false", "unverifiable"]
    evidence = json.dumps(
        [{"url": "https://example.org/source", "title": "Source", "quote": "", "stance": "refutes"}]
    )

    sentence_id = review_id = verdict_id = 0
    article_id = 0
    batch_articles = 2000
    while sentence_id < total:
        tables = {
            name: io.StringIO() for name in ("article", "tags", "sentence", "review", "verdict")
        }
        for _ in range(batch_articles):
            if sentence_id >= total:
                break
            article_id += 1
            count = min(SENTENCES_PER_ARTICLE, total - sentence_id)
            body, rows = make_article(rng, count)
            published = now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
            tables["article"].write(
                copy_line(
                    article_id,
                    f"Generated story {article_id} about {rng.choice(PLACES)}",
                    body,
                    "Benchmark Times",
                    f"https://example.org/bench/{article_id}",
                    published.isoformat(),
                    "en",
                    body_checksum(body),
                    None,
                    now.isoformat(),
                    now.isoformat(),
                )
            )
            for tag in rng.sample(TAGS, rng.randint(1, 2)):
                tables["tags"].write(copy_line(article_id, tag_ids[tag]))
            for index, paragraph, start, end, text, boilerplate in rows:
                sentence_id += 1
                status = "pending"
                stamp = published + timedelta(hours=index)
                if sentence_id % 3 == 0 and not boilerplate:
                    first = rng.choice(labels)
                    second = first if rng.random() < 0.7 else rng.choice(labels)
                    pair = rng.sample(REVIEWERS, 2)
                    reviews = [(pair[0], first, "", "[]")]
                    if sentence_id % 2 == 0:
                        note = "Checked against the council minutes." if rng.random() < 0.5 else ""
                        reviews.append((pair[1], second, note, evidence))
                    for number, (reviewer, label, note, items) in enumerate(reviews):
                        review_id += 1
                        when = (stamp + timedelta(minutes=5 * number)).isoformat()
                        tables["review"].write(
                            copy_line(
                                review_id,
                                note,
                                items,
                                1,
                                when,
                                when,
                                label_ids[label],
                                user_ids[reviewer],
                                sentence_id,
                                article_id,
                            )
                        )
                    status = "in_review" if len({r[1] for r in reviews}) == 1 else "disputed"
                    if sentence_id % 15 == 0:
                        verdict_id += 1
                        when = (stamp + timedelta(days=1)).isoformat()
                        tables["verdict"].write(
                            copy_line(
                                verdict_id,
                                "Checked.",
                                False,
                                False,
                                1,
                                when,
                                when,
                                user_ids[EDITOR],
                                label_ids[reviews[0][1]],
                                sentence_id,
                                article_id,
                                "[]",
                                False,
                            )
                        )
                        status = "final"
                tables["sentence"].write(
                    copy_line(
                        sentence_id,
                        index,
                        paragraph,
                        start,
                        end,
                        text,
                        "boilerplate" if boilerplate else "claim",
                        status,
                        stamp.isoformat(),
                        article_id,
                    )
                )
        columns = {
            "article": "annotations_article (id, title, body, source, url, published_at, "
            "language, checksum, imported_by_id, created_at, updated_at)",
            "tags": "annotations_article_tags (article_id, tag_id)",
            "sentence": 'annotations_sentence (id, index, paragraph, start, "end", text, kind, '
            "status, updated_at, article_id)",
            "review": "annotations_review (id, note, evidence, version, created_at, updated_at, "
            "label_id, reviewer_id, sentence_id, article_id)",
            "verdict": "annotations_verdict (id, rationale, is_consensus, needs_attention, "
            "version, created_at, updated_at, decided_by_id, label_id, sentence_id, article_id, "
            "evidence, published)",
        }
        for name, buffer in tables.items():
            buffer.seek(0)
            cursor.copy_expert(f"COPY {columns[name]} FROM STDIN", buffer)
        print(f"  filled {sentence_id:,} sentences", end="\r", flush=True)
    print()
    for table in ("article", "tag", "sentence", "review", "verdict"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('annotations_{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM annotations_{table}))"
        )


COPY_SQL = """
COPY (
    SELECT s.id, s.article_id, s.index, s.paragraph, s.start, s."end", s.text, s.kind, s.status,
           s.updated_at, a.title, a.url, a.source, a.published_at, a.language, tg.tags,
           a.checksum, CASE WHEN s.index = 0 THEN a.body END,
           ru.username, rl.slug, r.note, r.evidence, r.version, r.created_at, r.updated_at,
           vl.slug, v.rationale, vu.username, v.is_consensus, v.needs_attention, v.evidence,
           v.published, v.published_at, v.corrected_at, v.version, v.created_at, v.updated_at
    FROM annotations_sentence s
    JOIN annotations_article a ON a.id = s.article_id
    LEFT JOIN (
        SELECT at.article_id, array_agg(t.name ORDER BY t.name) AS tags
        FROM annotations_article_tags at JOIN annotations_tag t ON t.id = at.tag_id
        GROUP BY at.article_id
    ) tg ON tg.article_id = s.article_id
    LEFT JOIN annotations_review r ON r.sentence_id = s.id
    LEFT JOIN auth_user ru ON ru.id = r.reviewer_id
    LEFT JOIN annotations_label rl ON rl.id = r.label_id
    LEFT JOIN annotations_verdict v ON v.sentence_id = s.id
    LEFT JOIN annotations_label vl ON vl.id = v.label_id
    LEFT JOIN auth_user vu ON vu.id = v.decided_by_id
    ORDER BY s.article_id, s.index, r.created_at, r.id
) TO STDOUT
"""


class NullSink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data) -> None:
        self.size += len(data)


class PeakRSS:
    """Resident memory of this process (sampled every 5 ms by a thread, and on demand) and of
    its helper processes (every 50 ms)."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.baseline = self.peak = self.process.memory_info().rss
        # A helper's growth is its RSS above its RSS when first seen, a moment after the fork.
        self._helpers: dict[int, tuple[Any, int, int]] = {}  # pid: process, first, peak
        self._ticks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def helpers_growth(self) -> int:
        return max((peak - first for _, first, peak in self._helpers.values()), default=0)

    def sample(self) -> None:
        self.peak = max(self.peak, self.process.memory_info().rss)

    def sample_helpers(self) -> None:
        import psutil

        known = [helper for helper, _, _ in self._helpers.values()]
        for helper in {*known, *self._children()}:
            with contextlib.suppress(psutil.NoSuchProcess):  # it has just finished
                rss = helper.memory_info().rss
                _, first, peak = self._helpers.get(helper.pid, (helper, rss, rss))
                self._helpers[helper.pid] = (helper, first, max(peak, rss))

    def _children(self) -> list[Any]:
        """This process's children: from /proc/PID/task/TID/children (microseconds) where the
        kernel has it, else from psutil (milliseconds: it reads every process's parent)."""
        import psutil

        pids: list[int] = []
        try:
            for thread in os.listdir(f"/proc/{self.process.pid}/task"):
                with open(f"/proc/{self.process.pid}/task/{thread}/children") as file:
                    pids += [int(pid) for pid in file.read().split()]
        except OSError:
            return self.process.children()
        helpers = []
        for pid in pids:
            with contextlib.suppress(psutil.NoSuchProcess):
                helpers.append(psutil.Process(pid))
        return helpers

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.sample()
            self._ticks += 1
            if self._ticks % 10 == 0:
                self.sample_helpers()

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def child(database_url: str) -> None:
    """One export in this fresh process; prints its seconds, size, lines and RSS growth (JSON)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")  # no SECRET_KEY needed; query logging is off below
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.DEBUG = False  # DEBUG keeps every query in memory
    settings.ALLOWED_HOSTS = ["*"]
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=EDITOR))
    b"".join(client.get("/api/export/?format=jsonl&article=1").streaming_content)  # warm up
    gc.collect()

    with PeakRSS() as memory:
        started, before = time.perf_counter(), os.times()
        response = client.get("/api/export/?format=jsonl")
        assert response.status_code == 200, response.status_code
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
            memory.sample()
        response.close()
        seconds, after = time.perf_counter() - started, os.times()
    # The helpers have been waited for, so their CPU time is in the children's figures.
    cpu = after.user + after.system - before.user - before.system
    helpers_cpu = (
        after.children_user + after.children_system - before.children_user - before.children_system
    )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu + helpers_cpu,
                "helpers_cpu": helpers_cpu,
                "size": size,
                "lines": lines,
                "growth": memory.peak - memory.baseline,
                "helpers_growth": memory.helpers_growth,
            }
        )
    )


def export_in_child(database_url: str, workers: int) -> dict:
    """Run one export in a fresh Python process (see child) and return its figures."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", "--database-url", database_url],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "FACTCHECK_EXPORT_WORKERS": str(workers)},
    )
    if result.returncode:
        sys.exit(f"the export process failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--refill", action="store_true", help="Refill even if the data is there.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; medians are shown.")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_export_bench"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="FACTCHECK_EXPORT_WORKERS for the export (default 2); above 1, the export in one "
        "process is measured beside it.",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database_url)
        return

    django_setup(args.database_url)
    from django.db import connection

    from annotations.models import Article, ArticleSummary, Label, Sentence
    from annotations.services.summaries import summaries_rebuild

    users = bench_users(REVIEWERS, EDITOR)

    stored = Sentence.objects.count()
    if stored != args.sentences or args.refill:
        print(f"filling {args.sentences:,} sentences (the database holds {stored:,}) ...")
        started = time.perf_counter()
        work_empty()
        with connection.cursor() as cursor:
            fill(
                cursor.cursor,  # psycopg2's own cursor, for copy_expert
                args.sentences,
                {name: user.pk for name, user in users.items()},
                dict(Label.objects.values_list("slug", "id")),
            )
        print(f"filled in {time.perf_counter() - started:,.0f} s")
    if ArticleSummary.objects.count() != Article.objects.count():
        # The summaries the services keep as articles are imported and reviewed, computed as a
        # migration would; the export reads the sentence counts to split itself into pieces.
        started = time.perf_counter()
        summaries_rebuild()
        with connection.cursor() as cursor:  # Django runs in autocommit: VACUUM may run
            cursor.execute("VACUUM ANALYZE")
        print(f"summaries rebuilt in {time.perf_counter() - started:,.0f} s")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM annotations_article), "
            "(SELECT COUNT(*) FROM annotations_review), "
            "(SELECT COUNT(*) FROM annotations_verdict)"
        )
        articles, reviews, verdicts = cursor.fetchone()

    import psycopg2

    # Its own connection: Django may close its connection at the end of a request.
    dump = psycopg2.connect(args.database_url)
    dump.cursor().copy_expert(COPY_SQL, NullSink())  # warm the caches, untimed

    # Alternated, so that each sees the same machine: the export as configured (helper
    # processes), the export in one process (FACTCHECK_EXPORT_WORKERS=1), and COPY.
    kinds = {"helpers": args.workers, "one process": 1} if args.workers > 1 else {"export": 1}
    runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
    copy_runs = []
    for _ in range(args.repeat):
        for kind, workers in kinds.items():
            run = export_in_child(args.database_url, workers)
            assert run["lines"] == args.sentences, (run["lines"], args.sentences)
            runs[kind].append(run)

        sink = NullSink()
        started = time.perf_counter()
        dump.cursor().copy_expert(COPY_SQL, sink)
        copy_runs.append(time.perf_counter() - started)
    dump.close()

    mb = 1024 * 1024
    lines, copy_seconds = args.sentences, statistics.median(copy_runs)
    print(f"database:       {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"data:           {args.sentences:,} sentences, {articles:,} articles, "
        f"{reviews:,} reviews, {verdicts:,} verdicts"
    )
    print(f"COPY runs (s):  {_seconds(copy_runs)}")
    print(
        f"COPY TO STDOUT: {copy_seconds:7.2f} s  {lines / copy_seconds:10,.0f} sentences/s  "
        f"{sink.size / mb:,.0f} MB  (median of {args.repeat})"
    )
    for kind, workers in kinds.items():
        seconds = statistics.median(run["seconds"] for run in runs[kind])
        cpu = [run["cpu"] for run in runs[kind]]
        size = runs[kind][-1]["size"]
        print(f"\n{kind} (FACTCHECK_EXPORT_WORKERS={workers})")
        print(f"  runs (s):          {_seconds([run['seconds'] for run in runs[kind]])}")
        print(
            f"  export jsonl:      {seconds:7.2f} s  {lines / seconds:10,.0f} sentences/s  "
            f"{size / mb:,.0f} MB  (median of {args.repeat})"
        )
        print(f"  ratio export/COPY: {copy_seconds / seconds:.2f}")
        # CPU time is what the export's code costs; on a busy machine wall time also counts the
        # wait for a core (and for PostgreSQL, whose share is in the COPY figure too).
        print(
            f"  export CPU:        {_seconds(cpu)} s, of which helpers "
            f"{_seconds([run['helpers_cpu'] for run in runs[kind]])} s "
            f"({lines / statistics.median(cpu):,.0f} sentences per CPU second, median)"
        )
        print(
            f"  peak memory growth: {max(run['growth'] for run in runs[kind]) / mb:,.1f} MB "
            "(psutil RSS of a fresh process per export, from after its warm-up to the end, "
            "sampled every 5 ms and after each chunk; the largest of the runs); helpers "
            f"{max(run['helpers_growth'] for run in runs[kind]) / mb:,.1f} MB each at most "
            "(RSS above a helper's own when first seen, every 50 ms)"
        )


def _seconds(runs: list[float]) -> str:
    return ", ".join(f"{run:.2f}" for run in runs)


if __name__ == "__main__":
    main()
