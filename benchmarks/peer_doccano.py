"""Labelling through the API beside doccano's: our side of the comparison, on this machine.

    .venv/bin/python benchmarks/peer_doccano.py                     # SQLite and PostgreSQL
    .venv/bin/python benchmarks/peer_doccano.py --database sqlite --repeat 2
    .venv/bin/python benchmarks/peer_doccano.py --sentences-file bench-data/news_20000.jsonl

The comparison. doccano 1.8.4 (Django and DRF, the closest open-source peer) was run on the
same machine with its own gunicorn (`doccano webserver`, its default workers) and Celery
worker, on SQLite: a text-classification project, one category type, the same 20,000
sentences imported from JSONL, then every third example labelled through its REST API
(`POST /v1/projects/{id}/examples/{id}/categories`, token authentication, one user) by a
client with 4 threads, and the labels per second printed. To repeat it: install doccano
1.8.4 in its own virtualenv (pin marshmallow<4, numpy<2, djangorestframework<3.15,
celery<5.4, kombu<5.4, scikit-learn<1.4 and scipy<1.12: newer releases break it), run
`doccano init`, `doccano createuser`, `doccano webserver` and `doccano task`, create the
project and the category type through its API, upload the JSONL this script writes with
`--write-sentences`, and time the labelling as above. Alternate its runs with this script's,
as the machine's load moves both.

Our side, the same work: the same sentences (generated exactly as doccano's side generates
them, seed 42, or read from a JSONL file of {"text": ...} lines), 30 to an article, each
sentence its own paragraph, imported through the import service into a database of their
own; then gunicorn as benchmarks/load_bench.py starts it (gunicorn.conf.py: 2 workers of 4
threads, production settings), and 4 client threads, each with a keep-alive connection,
label every third sentence with `PUT /api/sentences/{id}/review/` as one reviewer with an
API token: a new review each time, with its history entry, the sentence's status and review
summary and the article's summary, in one transaction. Our segmenter splits the unique
marker that ends each generated sentence ("... officials said. (#12)") into a sentence of
its own, so an article holds 60 sentences; the label goes to the sentence each chosen line
starts with, 6,667 labels for 20,000 lines, as on doccano's side. The token throttle (100
requests per second per user) is raised for the run: doccano's labelling has none.

Prints labels per second per database and checks that every label was stored once (reviews
and history entries). PostgreSQL uses its own database (default factcheck_perf_doccano,
emptied on every run); SQLite a new file in the temporary folder.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/factcheck_perf_doccano"
REVIEWER, EDITOR = "peer_reviewer", "peer_editor"

# The generator of doccano's side of the comparison: the same lists, the same order of draws.
SUBJ = ["The government", "Local officials", "The central bank", "Investors", "Researchers",
        "The company", "Police", "The city council", "Health authorities", "Farmers",
        "Opposition leaders", "The union", "Scientists", "Voters", "The ministry", "Tech firms",
        "Regulators", "The court", "Residents", "Analysts"]  # fmt: skip
VERB = ["announced", "rejected", "approved", "criticised", "delayed", "welcomed", "questioned",
        "unveiled", "postponed", "defended", "proposed", "investigated", "reported", "expanded",
        "cut", "confirmed"]  # fmt: skip
OBJ = ["a new budget plan", "the proposed merger", "higher interest rates",
       "a controversial law", "the flood defence project", "plans for a new stadium",
       "record quarterly profits", "a vaccine rollout", "emergency funding",
       "the trade agreement", "a tax on sugary drinks", "the election results",
       "a data privacy rule", "the rail strike", "cuts to public services",
       "a climate target"]  # fmt: skip
WHERE = ["in the capital", "on Monday", "after weeks of talks", "despite protests",
         "amid rising costs", "late on Friday", "in a surprise move", "ahead of the summit",
         "following the report", "this week"]  # fmt: skip
TAIL = ["officials said.", "according to a statement.", "sources told reporters.",
        "the agency said.", "critics warned.", "analysts expect more to follow.",
        "the spokesperson added.", ""]  # fmt: skip


def news_sentences(count: int, seed: int = 42) -> list[str]:
    """One-line news-like sentences, each unique (it ends with its number)."""
    rng = random.Random(seed)
    sentences = []
    for number in range(count):
        tail = rng.choice(TAIL)
        text = f"{rng.choice(SUBJ)} {rng.choice(VERB)} {rng.choice(OBJ)} {rng.choice(WHERE)}"
        text = f"{text}, {tail}" if tail else f"{text}."
        sentences.append(f"{text} (#{number})")
    return sentences


def fill(lines: list[str], per_article: int) -> tuple[list[int], str]:
    """Empty the database, import the lines `per_article` to an article; the ids of the
    sentences every third line starts with, and the reviewer's token."""
    from common import bench_users, work_empty
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from annotations import services
    from annotations.models import Article, History, Review, Sentence, Verdict

    if connection.vendor == "postgresql":
        work_empty()
    else:
        for model in (History, Verdict, Review, Article):
            model.objects.all().delete()
    users = bench_users([REVIEWER], EDITOR)
    started = time.perf_counter()
    for number, start in enumerate(range(0, len(lines), per_article)):
        body = "\n".join(lines[start : start + per_article])
        services.article_import(data={"title": f"News {number}", "body": body})
    imported = time.perf_counter() - started
    # The first sentence of each paragraph, in order: one per line.
    ordered, seen = [], set()
    rows = Sentence.objects.order_by("article_id", "index")
    for article_id, paragraph, pk in rows.values_list("article_id", "paragraph", "id"):
        if (article_id, paragraph) not in seen:
            seen.add((article_id, paragraph))
            ordered.append(pk)
    if len(ordered) != len(lines):
        raise SystemExit(f"{len(ordered)} paragraphs imported for {len(lines)} lines")
    sentences = Sentence.objects.count()
    print(
        f"imported {len(lines):,} lines in {imported:.1f} s ({len(lines) / imported:,.0f}/s), "
        f"{sentences:,} sentences",
        flush=True,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    token = Token.objects.get_or_create(user=users[REVIEWER])[0].key
    return ordered[::3], token


def label(port: int, token: str, ids: list[int], threads: int) -> tuple[float, list[str]]:
    """PUT a review on every id from `threads` keep-alive clients; seconds and errors."""
    local = threading.local()
    body = json.dumps({"label": "accurate"})
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def one(pk: int) -> str | None:
        if getattr(local, "connection", None) is None:
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            local.connection.request("PUT", f"/api/sentences/{pk}/review/", body, headers)
            response = local.connection.getresponse()
            response.read()
        except OSError as error:
            local.connection = None
            return f"{pk}: {error!r}"
        return None if response.status == 201 else f"{pk}: {response.status}"

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        errors = [error for error in pool.map(one, ids) if error]
    return time.perf_counter() - started, errors


def run(args: argparse.Namespace, database_url: str) -> None:
    """One database: fill it, serve it, label, check."""
    from common import django_setup, free_port
    from load_bench import CpuMeter, start_server

    os.environ["API_TOKEN_THROTTLE_RATE"] = "100000/second"  # doccano's labelling has none
    django_setup(database_url)
    from django.db import connection

    from annotations.models import History, Review

    if args.sentences_file:
        with open(args.sentences_file, encoding="utf-8") as lines:
            sentences = [json.loads(line)["text"] for line in lines if line.strip()]
    else:
        sentences = news_sentences(args.sentences)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    for round_number in range(args.repeat):
        ids, token = fill(sentences, args.per_article)
        port = free_port()
        server = start_server(database_url, port, args.workers)
        try:
            meter = CpuMeter(server.pid)
            meter.start()
            seconds, errors = label(port, token, ids, args.threads)
            spent = meter.stop()
        finally:
            server.terminate()
            server.wait(timeout=30)
        reviews, history = Review.objects.count(), History.objects.count()
        print(
            f"round {round_number + 1}: LABEL ({args.threads} threads): {len(ids):,} reviews in "
            f"{seconds:.1f} s -> {len(ids) / seconds:.0f} labels/s; errors {len(errors)}"
            f"{' ' + str(errors[:3]) if errors else ''}; stored {reviews:,} reviews, "
            f"{history:,} history entries",
            flush=True,
        )
        # CPU per label: when the whole machine spent about what these did, nothing else ran.
        print(
            "cpu per label: "
            + ", ".join(f"{part} {spent[part] * 1000 / len(ids):.2f} ms" for part in spent)
            + " (all: the whole machine)",
            flush=True,
        )
        if reviews != len(ids) - len(errors) or history != reviews:
            raise SystemExit("a label was lost or stored twice")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", default=POSTGRES_URL, help="PostgreSQL's")
    parser.add_argument("--sentences", type=int, default=20000)
    parser.add_argument("--sentences-file", help='a JSONL file of {"text": ...} lines')
    parser.add_argument("--write-sentences", metavar="PATH", help="write them as JSONL, stop")
    parser.add_argument("--per-article", type=int, default=30)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_sentences:
        with open(args.write_sentences, "w", encoding="utf-8") as out:
            for text in news_sentences(args.sentences):
                out.write(json.dumps({"text": text, "label": []}) + "\n")
        return
    if args.child:
        run(args, args.child)
        return
    urls = []
    if args.database in ("sqlite", "both"):
        path = Path(tempfile.gettempdir()) / "factcheck_perf_doccano.sqlite3"
        path.unlink(missing_ok=True)
        urls.append(f"sqlite:///{path}")
    if args.database in ("postgresql", "both"):
        urls.append(args.database_url)
    for url in urls:  # each database in a process of its own (Django is set up once)
        argv = [
            *("--sentences", str(args.sentences), "--per-article", str(args.per_article)),
            *("--threads", str(args.threads), "--workers", str(args.workers)),
            *("--repeat", str(args.repeat)),
            *(("--sentences-file", args.sentences_file) if args.sentences_file else ()),
        ]
        subprocess.run([sys.executable, __file__, *argv, "--child", url], check=True)


if __name__ == "__main__":
    main()
