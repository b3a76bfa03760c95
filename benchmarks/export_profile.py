"""Where an export's memory and its sentence cursor's time go (the export benchmark's data).

    .venv/bin/python benchmarks/export_profile.py --memory [--database-url URL]
    .venv/bin/python benchmarks/export_profile.py --cursor [--repeat 4] [--database-url URL]
    .venv/bin/python benchmarks/export_profile.py --cpu [--database-url URL]
    .venv/bin/python benchmarks/export_profile.py --server-json [--repeat 4] [--database-url URL]
    .venv/bin/python benchmarks/export_profile.py --halves [--repeat 4] [--database-url URL]

Reads the database `benchmarks/export_bench.py` fills (default factcheck_export_bench; run
that first). `--memory` exports everything as JSONL through the real view, as the benchmark's
fresh process does, and after every chunk reads `tracemalloc`'s current and peak memory (the
peak reset each time): what Python holds between chunks, and the most it held while making
each one. `--cursor` reads the export's sentence rows through a named psycopg2 cursor in pages
of 2,000, with the verdict, its label and its editor joined in and without them, taking turns,
and prints the median wall and CPU seconds of each. `--cpu` exports everything as JSONL through
the real view under cProfile, in this process, and prints the 25 functions that took the most
time of their own. `--server-json` asks whether PostgreSQL should build the JSON: it reads
the sentence rows as the export does and writes each as a JSON line with orjson, then reads
each sentence's object built by the server (`json_build_object`, the date formatted by
`to_char`) and writes the same lines with that text embedded (`orjson.Fragment`), taking turns,
and prints the median wall and CPU seconds of each. `--halves` asks what two processes would
gain, as COPY has two workers: the whole export in one fresh process (this script with
--part all), then the first and the second half of the articles exported at the same moment by
two fresh processes (--part 0 and --part 1, each with its own snapshot; the records are not
interleaved into one stream), taking turns, and prints the median wall seconds of each (from
the moment the processes, set up and warmed up, are told to start, to the end of the last).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
import tracemalloc
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_setup  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

COLUMNS = 's.id, s.article_id, s."index", s.paragraph, s.start, s."end", s.text, s.kind, '
JOINED = (
    f"SELECT {COLUMNS} s.status, s.updated_at, v.id, l.slug, v.rationale, u.username, "
    "v.is_consensus, v.needs_attention, v.evidence::text, v.published, v.published_at, "
    "v.corrected_at, v.version, v.created_at, v.updated_at FROM annotations_sentence s "
    "LEFT JOIN annotations_verdict v ON v.sentence_id = s.id "
    "LEFT JOIN annotations_label l ON l.id = v.label_id "
    'LEFT JOIN auth_user u ON u.id = v.decided_by_id ORDER BY s.article_id, s."index"'
)
PLAIN = (
    f"SELECT {COLUMNS} s.status, s.updated_at FROM annotations_sentence s "
    'ORDER BY s.article_id, s."index"'
)

SERVER_JSON = (
    "SELECT json_build_object('id', s.id, 'index', s.\"index\", 'paragraph', s.paragraph, "
    "'start', s.start, 'end', s.\"end\", 'text', s.text, 'kind', s.kind, 'status', s.status, "
    "'updated_at', to_char(s.updated_at AT TIME ZONE 'UTC', "
    '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\'))::text FROM annotations_sentence s '
    'ORDER BY s.article_id, s."index"'
)


def _client():
    """A client signed in as the benchmark's editor, the export's code warmed up."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="bench_editor"))
    b"".join(client.get("/api/export/?format=jsonl&article=1").streaming_content)  # warm up
    return client


def cpu(top: int) -> None:
    profile = cProfile.Profile()
    client = _client()
    profile.enable()
    b"".join(client.get("/api/export/?format=jsonl").streaming_content)
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(top)


def memory() -> None:
    client = _client()
    gc.collect()
    tracemalloc.start()
    held, peaks = [], []
    response = client.get("/api/export/?format=jsonl")
    for _chunk in response.streaming_content:
        current, peak = tracemalloc.get_traced_memory()
        held.append(current / 1e6)
        peaks.append(peak / 1e6)
        tracemalloc.reset_peak()
    response.close()
    later = held[len(held) // 5 :]  # past the first pages, while caches fill
    print(f"chunks: {len(held)}")
    print(f"held between chunks (after the first fifth): {min(later):.2f}-{max(later):.2f} MB")
    print(
        f"peak while making a chunk: median {statistics.median(peaks):.2f} MB, "
        f"largest {max(peaks):.2f} MB"
    )


def cursor(database_url: str, repeat: int) -> None:
    import psycopg2

    connection = psycopg2.connect(database_url)

    def read(sql: str) -> tuple[float, float]:
        connection.rollback()
        rows = connection.cursor(name="export_profile")
        rows.itersize = 2000
        wall, cpu = time.perf_counter(), time.process_time()
        rows.execute(sql)
        while rows.fetchmany(2000):
            pass
        rows.close()
        return time.perf_counter() - wall, time.process_time() - cpu

    runs: dict[str, list[tuple[float, float]]] = {"joined": [], "plain": []}
    for _ in range(repeat):
        runs["joined"].append(read(JOINED))
        runs["plain"].append(read(PLAIN))
    connection.close()
    for name, times in runs.items():
        print(
            f"{name:7} wall {statistics.median(t[0] for t in times):.2f} s, "
            f"CPU {statistics.median(t[1] for t in times):.2f} s (median of {repeat})"
        )


def server_json(database_url: str, repeat: int) -> None:
    import orjson
    import psycopg2

    connection = psycopg2.connect(database_url)
    line = partial(orjson.dumps, option=orjson.OPT_UTC_Z | orjson.OPT_APPEND_NEWLINE)

    def in_python(rows: list[tuple]) -> bytes:
        return b"".join(
            [
                line(
                    {
                        "sentence": {
                            "id": ident,
                            "index": index,
                            "paragraph": paragraph,
                            "start": start,
                            "end": end,
                            "text": text,
                            "kind": kind,
                            "status": status,
                            "updated_at": updated,
                        },
                        "reviews": [],
                        "verdict": None,
                    }
                )
                for ident, _, index, paragraph, start, end, text, kind, status, updated in rows
            ]
        )

    def in_server(rows: list[tuple]) -> bytes:
        fragment = orjson.Fragment
        return b"".join(
            [line({"sentence": fragment(row[0]), "reviews": [], "verdict": None}) for row in rows]
        )

    def read(sql: str, write) -> tuple[float, float]:
        connection.rollback()
        rows = connection.cursor(name="export_profile")
        wall, cpu = time.perf_counter(), time.process_time()
        rows.execute(sql)
        while page := rows.fetchmany(2000):
            write(page)
        rows.close()
        return time.perf_counter() - wall, time.process_time() - cpu

    runs: dict[str, list[tuple[float, float]]] = {"python": [], "server": []}
    for _ in range(repeat):
        runs["python"].append(read(PLAIN, in_python))
        runs["server"].append(read(SERVER_JSON, in_server))
    connection.close()
    for name, times in runs.items():
        print(
            f"JSON built in {name:6}: wall {statistics.median(t[0] for t in times):.2f} s, "
            f"CPU {statistics.median(t[1] for t in times):.2f} s (median of {repeat})"
        )


def part(which: str) -> None:
    """In a fresh process: export all or one half of the articles when told to, print the time."""
    from annotations.exports import rows
    from annotations.models import Article

    client = _client()
    if which != "all":
        ids = list(Article.objects.order_by("id").values_list("id", flat=True))
        low, high = (
            (ids[0], ids[len(ids) // 2 - 1]) if which == "0" else (ids[len(ids) // 2], ids[-1])
        )
        every = rows.sentences_for_export
        rows.sentences_for_export = lambda params, **kwargs: every(params, **kwargs).filter(
            article_id__gte=low, article_id__lte=high
        )
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    b"".join(client.get("/api/export/?format=jsonl").streaming_content)
    print(f"{time.perf_counter() - started:.3f}", flush=True)


def halves(database_url: str, repeat: int) -> None:
    import subprocess

    def run(parts: list[str]) -> float:
        children = [
            subprocess.Popen(
                [sys.executable, __file__, "--part", which, "--database-url", database_url],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for which in parts
        ]
        for child in children:
            while child.stdout.readline().strip() != "ready":
                pass
        started = time.perf_counter()
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            child.communicate()
        took = time.perf_counter() - started
        if any(child.returncode for child in children):
            raise SystemExit("an export process failed (its error is above)")
        return took

    runs: dict[str, list[float]] = {"one process, all": [], "two processes, a half each": []}
    for _ in range(repeat):
        runs["one process, all"].append(run(["all"]))
        runs["two processes, a half each"].append(run(["0", "1"]))
    for name, times in runs.items():
        spread = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:27}: {statistics.median(times):.2f} s (median of {repeat}: {spread})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--memory", action="store_true")
    what.add_argument("--cursor", action="store_true")
    what.add_argument("--cpu", action="store_true")
    what.add_argument("--server-json", action="store_true")
    what.add_argument("--halves", action="store_true")
    what.add_argument("--part", choices=("all", "0", "1"), help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_export_bench"
    )
    args = parser.parse_args()
    django_setup(args.database_url)
    if args.memory:
        memory()
    elif args.cpu:
        cpu(top=25)
    elif args.server_json:
        server_json(args.database_url, args.repeat)
    elif args.halves:
        halves(args.database_url, args.repeat)
    elif args.part:
        part(args.part)
    else:
        cursor(args.database_url, args.repeat)


if __name__ == "__main__":
    main()
