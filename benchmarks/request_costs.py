"""What the common requests cost in Python: CPU and wall time per request, in one process.

    .venv/bin/python benchmarks/request_costs.py [--runs 300] [--database-url URL]
    .venv/bin/python benchmarks/request_costs.py --profile "GET /api/sentences"   # cProfile
                                                   # (PROFILE_SORT=tottime to sort by own time)

Uses its own database (default PostgreSQL factcheck_perf, created and migrated if missing,
emptied on every run; a sqlite:/// URL works too), builds a small world: one article of 30
sentences, three reviewers who rated every claim (so some have a consensus verdict), and a
fourth reviewer with an API token who makes the requests. Then it times, through Django's
test client (the whole middleware and DRF stack, no network):

- GET /api/sentences/{id}/            token
- GET /api/articles/{id}/             token, 30 sentences with their work
- GET /api/articles/?page_size=20     token, the queue as the load benchmark asks it
- GET /                               session, the queue page
- PUT /api/sentences/{id}/review/     token, alternating labels, If-Match the last version
                                      (consensus off: nobody else rated the sentence)
- PUT /api/sentences/{id}/review/     token, the consensus path: another reviewer gave the
                                      same label, so the save also sets the verdict (a fresh
                                      sentence each time, made before it is timed)

and prints a markdown table of CPU time per request (time.process_time: the machine is
shared and wall time moves with its load), wall time, and queries per request. Settings are
the production ones (DEBUG off), as in benchmarks/load_bench.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_users, django_setup, percentile, work_empty  # noqa: E402
from import_bench import make_article  # noqa: E402

REVIEWERS = ["costs_rita", "costs_rob", "costs_ruth"]
CALLER = "costs_carl"
EDITOR = "costs_edith"
LABELS = ["accurate", "mostly_accurate", "mixed", "unverifiable"]


def world() -> dict:
    """Empty the database and build the article, its reviews and verdicts, and the caller."""
    import random

    from django.db import connection
    from rest_framework.authtoken.models import Token

    from annotations import services
    from annotations.models import Article

    if connection.vendor == "postgresql":
        work_empty()
    else:
        Article.objects.all().delete()
    users = bench_users([*REVIEWERS, CALLER], EDITOR)
    rng = random.Random(5)
    data = make_article(rng, 0, sentences=30)
    data["body"] += f"\nCosts run {time.time()}."
    article = services.article_import(data=data).article
    claims = list(article.sentences.filter(kind="claim").order_by("index"))
    for number, sentence in enumerate(claims[1:]):
        for index, name in enumerate(REVIEWERS):
            # Two agree on every other sentence (a consensus verdict), the third differs.
            label = LABELS[0] if number % 2 == 0 and index < 2 else LABELS[(number + index) % 4]
            services.review_save(sentence=sentence, reviewer=users[name], label=label)
    token = Token.objects.get_or_create(user=users[CALLER])[0].key
    return {
        "article": article,
        "claims": claims,
        "token": token,
        "caller": users[CALLER],
        "first": users[REVIEWERS[0]],
    }


def agreed_sentences(count: int, reviewer) -> list[int]:
    """`count` claims in new articles, each rated LABELS[0] by `reviewer` and nobody else."""
    import random

    from annotations import services

    rng, ids, number = random.Random(7), [], 0
    while len(ids) < count:
        number += 1
        data = make_article(rng, 1000 + number, sentences=30)
        data["body"] += f"\nConsensus run {time.time()}."
        article = services.article_import(data=data).article
        for sentence in article.sentences.filter(kind="claim").order_by("index"):
            services.review_save(sentence=sentence, reviewer=reviewer, label=LABELS[0])
            ids.append(sentence.pk)
    return ids[:count]


def measure(runs: int, request) -> dict:
    """Median and p90 CPU and wall milliseconds of `request()`, and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        request()  # warm up: imports, caches, connection
    cpu, wall = [], []
    for _ in range(runs):
        started_cpu, started = time.process_time(), time.perf_counter()
        request()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        request()
    return {
        "cpu": statistics.median(cpu),
        "cpu90": percentile(cpu, 0.9),
        "wall": statistics.median(wall),
        "wall90": percentile(wall, 0.9),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_perf"
    )
    parser.add_argument(
        "--profile", metavar="PATH", help="print a cProfile of this path's requests instead"
    )
    args = parser.parse_args()
    # Production settings, as the load benchmark's gunicorn runs them (plain HTTP in process).
    # The token throttle (100/second per user by default) would answer 429 to one client this
    # fast; it still runs, with a limit this benchmark does not reach.
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="request-costs-only-" + "x" * 40,
        SECURE_SSL_REDIRECT="0",
        API_TOKEN_THROTTLE_RATE="1000000/second",
    )
    django_setup(args.database_url)
    from django.conf import settings

    # No collectstatic here: plain static names instead of the manifest's hashed ones.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    from django.db import connection
    from django.test import Client

    made = world()
    article, claims = made["article"], made["claims"]
    api = Client(HTTP_AUTHORIZATION=f"Token {made['token']}")
    page = Client()
    page.force_login(made["caller"])
    target = claims[0]  # nobody else rated it: the save sets no verdict
    state = {"version": None, "turn": 0}

    def review() -> None:
        state["turn"] += 1
        headers = {"HTTP_IF_MATCH": f'"{state["version"]}"'} if state["version"] else {}
        response = api.put(
            f"/api/sentences/{target.pk}/review/",
            {"label": LABELS[state["turn"] % 2], "note": f"run {state['turn']}"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code in (200, 201), response.content
        state["version"] = response.json()["version"]

    consensus: list[int] = []

    def agreeing_review() -> None:
        """The caller agrees with another reviewer on a fresh sentence: the verdict sets itself."""
        if not consensus:  # first (untimed) call: enough sentences for every run
            consensus.extend(agreed_sentences(args.runs + 10, made["first"]))
        response = api.put(
            f"/api/sentences/{consensus.pop()}/review/",
            {"label": LABELS[0]},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content

    def get(client: Client, url: str):
        def request() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return request

    paths = {
        "GET /api/sentences/{id}/": get(api, f"/api/sentences/{claims[3].pk}/"),
        "GET /api/articles/{id}/ (30 sentences)": get(api, f"/api/articles/{article.pk}/"),
        "GET /api/articles/?page_size=20": get(api, "/api/articles/?page_size=20"),
        "GET / (queue page, session)": get(page, "/"),
        "PUT /api/sentences/{id}/review/": review,
        "PUT /api/sentences/{id}/review/ (consensus: sets the verdict)": agreeing_review,
    }
    if args.profile:
        import cProfile
        import pstats

        request = next(r for name, r in paths.items() if args.profile in name)
        for _ in range(5):
            request()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            request()
        profiler.disable()
        order = os.environ.get("PROFILE_SORT", "cumulative")
        stats = pstats.Stats(profiler).sort_stats(order)
        stats.print_stats(60)
        if os.environ.get("PROFILE_CALLERS"):  # who calls these functions, e.g. deepcopy
            stats.print_callers(os.environ["PROFILE_CALLERS"])
        return

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {args.runs} runs")
    print()
    print("| request | CPU median | CPU p90 | wall median | wall p90 | queries |")
    print("|---|---|---|---|---|---|")
    for name, request in paths.items():
        m = measure(args.runs, request)
        print(
            f"| `{name}` | {m['cpu']:.2f} ms | {m['cpu90']:.2f} ms | {m['wall']:.2f} ms "
            f"| {m['wall90']:.2f} ms | {m['queries']} |"
        )


if __name__ == "__main__":
    main()
