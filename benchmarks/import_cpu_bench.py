"""CPU time per imported article in the importing process, on PostgreSQL.

    .venv/bin/python benchmarks/import_cpu_bench.py [--articles 300] [--runs 5]
        [--database-url postgres://postgres@127.0.0.1:5432/factcheck_bench]

Imports `--articles` articles of 21 sentences through `services.article_import` inside one
transaction that is rolled back (the database is left as it was), `--runs` times, and prints
the median CPU time (time.process_time) and wall time per article. CPU time in this process
depends less than wall time on what else the machine does; PostgreSQL's own work is not in it.
To compare two versions, run the script of each checkout in turn (a `git worktree` per version):
it imports the `annotations` package of the checkout it lives in.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_setup  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BODY = "The council said the bridge would close. " * 20


class _RolledBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench"
    )
    args = parser.parse_args()
    django_setup(args.database_url)
    from django.db import transaction

    from annotations import services

    runs = []
    for run in range(args.runs):
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            with transaction.atomic():
                for i in range(args.articles):
                    services.article_import(
                        data={
                            "title": "T",
                            "body": f"{run} {i} {time.time()} {BODY}",
                            "url": "https://example.org/a",
                            "source": "S",
                            "published_at": "2026-03-02T10:00:00Z",
                            "tags": ["x"],
                        }
                    )
                raise _RolledBack
        except _RolledBack:
            pass
        runs.append(
            (
                (time.process_time() - cpu) / args.articles * 1e3,
                (time.perf_counter() - wall) / args.articles * 1e3,
            )
        )
    print(f"code:      {ROOT}")
    print(f"articles:  {args.articles} of 21 sentences, {args.runs} runs (rolled back)")
    print(f"CPU:       {statistics.median(r[0] for r in runs):.3f} ms an article (median)")
    print(f"wall:      {statistics.median(r[1] for r in runs):.3f} ms an article (median)")


if __name__ == "__main__":
    main()
