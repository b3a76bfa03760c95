"""Dashboard benchmark: GET /dashboard/ at 1,000,000 sentences on PostgreSQL, uncached and cached.

    .venv/bin/python benchmarks/dashboard_bench.py [--sentences 1000000] [--refill] [--repeat 15]
        [--database-url postgres://postgres@127.0.0.1:5432/factcheck_dashboard_bench]

Fills its own database (created and migrated if needed; other benchmarks empty theirs when they
run) with N sentences in articles of 30, imported over the past year from six sources with five
tags, and eight reviewers' work on them: a third of the claims reviewed (older articles first),
half of those by a second reviewer who agrees 70% of the time, a few by a third, consensus and
editor verdicts, some flagged verdicts and assignments. Statuses are derived from the reviews as
the services derive them. Everything is written by INSERT ... SELECT over generate_series in
PostgreSQL, not the ORM; then the summaries the services keep as work is saved are rebuilt
(services.summaries.summaries_rebuild, as the migration does). The data is kept between runs:
the database is refilled only when it holds another number of sentences, or with --refill.

Then it times the real page through Django's test client, signed in as an editor and as a
reviewer: uncached (the cache cleared before every request) and cached (the same request again),
and prints the median and the 90th percentile in milliseconds, with the number of SQL queries of
one uncached and one cached request. `/api/stats/` is timed the same way. Last, saving a
review through the API on pending claims all over the data (its query count includes `BEGIN`
and `COMMIT`; force_authenticate spares the session and user lookups a browser adds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_users, django_setup, percentile, work_empty  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PER_ARTICLE = 30
REVIEWERS = [f"dash_reviewer{n}" for n in range(1, 9)]
EDITOR = "dash_editor"
SOURCES = [
    "Marlow Bay Courier",
    "Northfield Times",
    "Kestrel Point Post",
    "The Daily Ledger",
    "Harbour Radio",
    "Valley Voice",
]
TAGS = ["politics", "economy", "crime", "health", "local"]
# Labels a reviewer picks, in the order of the default scale (not_a_claim is rarer).
LABELS = ["accurate", "mostly_accurate", "mixed", "misleading", "false", "unverifiable"]

# Pseudo-random but repeatable choices: h(id, salt) is a hash of the id in 0..999.
FILL_SQL = """
CREATE OR REPLACE FUNCTION pg_temp.h(x bigint, salt bigint) RETURNS int
    LANGUAGE sql IMMUTABLE AS $$ SELECT abs(hashtext(x || ':' || salt)) %% 1000 $$;

INSERT INTO annotations_tag (id, name) SELECT i, (%(tags)s::text[])[i]
FROM generate_series(1, array_length(%(tags)s::text[], 1)) i;

-- Articles imported at an even pace over the past year, newest last.
INSERT INTO annotations_article
    (id, title, body, source, url, published_at, language, checksum, created_at, updated_at)
SELECT a, 'Generated story ' || a || ' about the council budget',
       'Generated story ' || a || '. ' || repeat('Officials said the figures were checked. ', 12),
       (%(sources)s::text[])[1 + a %% 6], 'https://example.org/dash/' || a,
       %(now)s::timestamptz - (%(articles)s - a) * %(step)s::interval - interval '6 hours',
       'en', md5(a::text) || md5('dashboard' || a),
       %(now)s::timestamptz - (%(articles)s - a) * %(step)s::interval,
       %(now)s::timestamptz - (%(articles)s - a) * %(step)s::interval
FROM generate_series(1, %(articles)s) a;

INSERT INTO annotations_article_tags (article_id, tag_id)
SELECT a, 1 + a %% 5 FROM generate_series(1, %(articles)s) a
UNION ALL
SELECT a, 1 + (a + 2) %% 5 FROM generate_series(1, %(articles)s) a WHERE a %% 3 = 0;

INSERT INTO annotations_sentence
    (id, article_id, index, paragraph, start, "end", text, kind, status, updated_at)
SELECT (a - 1) * 30 + i + 1, a, i, i / 3, i * 90, i * 90 + 80,
       'Sentence ' || i || ' of story ' || a || ': the council spent ' || (a * 31 + i) %% 997
           || ' million on roads.',
       CASE WHEN pg_temp.h((a - 1) * 30 + i + 1, 1) < 40 THEN 'boilerplate' ELSE 'claim' END,
       'pending', art.created_at
FROM generate_series(1, %(articles)s) a
JOIN annotations_article art ON art.id = a
CROSS JOIN generate_series(0, 29) i
WHERE (a - 1) * 30 + i + 1 <= %(sentences)s;

-- A third of the claims reviewed, none in the newest articles (the backlog);
-- half of those by a second reviewer, who agrees 70%% of the time; a few by a third.
CREATE TEMP TABLE reviewed AS
SELECT s.id, s.updated_at AS imported,
       1 + s.id %% 8 AS r1,
       1 + (s.id + 1 + (s.id / 8) %% 7) %% 8 AS r2,
       1 + (s.id + 2 + (s.id / 8) %% 7) %% 8 AS r3,
       1 + pg_temp.h(s.id, 2) %% 6 AS l1,
       CASE WHEN pg_temp.h(s.id, 3) < 700 THEN 1 + pg_temp.h(s.id, 2) %% 6
            ELSE 1 + pg_temp.h(s.id, 4) %% 6 END AS l2,
       CASE WHEN pg_temp.h(s.id, 5) < 800 THEN 1 + pg_temp.h(s.id, 2) %% 6
            ELSE 1 + pg_temp.h(s.id, 6) %% 6 END AS l3,
       pg_temp.h(s.id, 7) < 500 AS second,
       pg_temp.h(s.id, 7) < 40 AND (s.id / 8) %% 7 < 6 AS third
FROM annotations_sentence s
WHERE s.kind = 'claim' AND pg_temp.h(s.id, 8) < 340
  AND s.updated_at < %(now)s::timestamptz - interval '2 days';

INSERT INTO annotations_review
    (note, evidence, version, created_at, updated_at, label_id, reviewer_id, sentence_id,
     article_id)
SELECT '', '[]', 1, t, t, (%(labels)s::bigint[])[lab], (%(reviewers)s::bigint[])[who], id,
       (SELECT article_id FROM annotations_sentence s WHERE s.id = reviews.id)
FROM (
    SELECT id, LEAST(imported + (1 + id %% 40) * interval '1 hour', %(now)s::timestamptz) t,
           l1 lab, r1 who FROM reviewed
    UNION ALL
    SELECT id, LEAST(imported + (3 + id %% 90) * interval '1 hour', %(now)s::timestamptz),
           l2, r2 FROM reviewed WHERE second
    UNION ALL
    SELECT id, LEAST(imported + (5 + id %% 120) * interval '1 hour', %(now)s::timestamptz),
           l3, r3 FROM reviewed WHERE third
) reviews;

UPDATE annotations_sentence s
SET status = CASE WHEN x.labels = 1 THEN 'in_review' ELSE 'disputed' END, updated_at = x.last
FROM (
    SELECT sentence_id, COUNT(DISTINCT label_id) labels, COUNT(*) n, MAX(updated_at) last
    FROM annotations_review GROUP BY sentence_id
) x
WHERE s.id = x.sentence_id;

-- Consensus verdicts where two agree, editors' verdicts on a fifth of the disputes.
INSERT INTO annotations_verdict
    (rationale, is_consensus, needs_attention, version, created_at, updated_at, decided_by_id,
     label_id, sentence_id, article_id)
SELECT CASE WHEN s.status = 'in_review' THEN '' ELSE 'Checked.' END,
       s.status = 'in_review', pg_temp.h(s.id, 9) < 10, 1,
       s.updated_at + interval '1 hour', s.updated_at + interval '1 hour',
       CASE WHEN s.status = 'in_review' THEN NULL ELSE %(editor)s END,
       (%(labels)s::bigint[])[r.l1], s.id, s.article_id
FROM annotations_sentence s JOIN reviewed r ON r.id = s.id
WHERE r.second AND (s.status = 'in_review' OR pg_temp.h(s.id, 10) < 200);

UPDATE annotations_sentence s SET status = 'final', updated_at = v.updated_at
FROM annotations_verdict v WHERE v.sentence_id = s.id;

INSERT INTO annotations_assignment (article_id, reviewer_id, created_at)
SELECT a, (%(reviewers)s::bigint[])[1 + (a + k) %% 8], %(now)s::timestamptz
FROM generate_series(1, %(articles)s) a CROSS JOIN (VALUES (0), (3)) ks(k)
WHERE a %% 4 = 0;
"""


def fill(sentences: int, users: dict, label_ids: dict[str, int]) -> None:
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from annotations.services.summaries import summaries_rebuild

    articles = -(-sentences // PER_ARTICLE)
    with transaction.atomic(), connection.cursor() as cursor:
        work_empty()
        cursor.execute(
            FILL_SQL,
            {
                "now": timezone.now(),
                "step": timedelta(days=365) / articles,
                "articles": articles,
                "sentences": sentences,
                "tags": TAGS,
                "sources": SOURCES,
                "labels": [label_ids[slug] for slug in LABELS],
                "reviewers": [users[name].pk for name in REVIEWERS],
                "editor": users[EDITOR].pk,
            },
        )
        for table in ("article", "tag", "sentence"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('annotations_{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM annotations_{table}))"
            )
    with connection.cursor() as cursor:  # the planner needs the new rows' statistics
        cursor.execute("ANALYZE")
    # The summaries the services keep as reviews are saved, computed as a migration would.
    started = time.perf_counter()
    summaries_rebuild()
    print(f"summaries rebuilt in {time.perf_counter() - started:,.0f} s")
    with connection.cursor() as cursor:  # autocommit again: VACUUM may run
        cursor.execute("VACUUM ANALYZE")


def timed(client, url: str, repeat: int, *, clear_cache: bool) -> tuple[list[float], int]:
    """Milliseconds of `repeat` requests, and the queries of the last one."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs, queries = [], 0
    for _ in range(repeat):
        if clear_cache:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            runs.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    return runs, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--refill", action="store_true", help="Refill even if the data is there.")
    parser.add_argument("--repeat", type=int, default=15, help="Requests of each kind.")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_dashboard_bench"
    )
    args = parser.parse_args()

    django_setup(args.database_url)
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from annotations.models import Article, Label, Review, Sentence, Verdict

    users = bench_users(REVIEWERS, EDITOR)

    stored = Sentence.objects.count()
    if stored != args.sentences or args.refill:
        print(f"filling {args.sentences:,} sentences (the database holds {stored:,}) ...")
        started = time.perf_counter()
        fill(args.sentences, users, dict(Label.objects.values_list("slug", "id")))
        print(f"filled in {time.perf_counter() - started:,.0f} s")

    print(f"database:   {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"data:       {Article.objects.count():,} articles, {Sentence.objects.count():,} "
        f"sentences, {Review.objects.count():,} reviews, {Verdict.objects.count():,} verdicts"
    )
    print(f"cache:      {settings.CACHES['default']['BACKEND']}")
    print(f"{'request':<44} {'median':>8} {'p90':>8} {'queries':>8}")
    cases = [
        (EDITOR, "/dashboard/"),
        (EDITOR, "/dashboard/?from=2026-01-01&source=Northfield+Times"),
        (EDITOR, "/api/stats/"),
        (REVIEWERS[0], "/dashboard/"),
    ]
    for username, url in cases:
        client = Client(HTTP_HOST="localhost")
        client.force_login(users[username])
        client.get(url)  # warm PostgreSQL's buffers and Django's lazy imports, untimed
        for label, clear in (("uncached", True), ("cached", False)):
            runs, queries = timed(client, url, args.repeat, clear_cache=clear)
            p90 = percentile(runs, 0.9)
            name = f"{username.replace('dash_', '')} {url} {label}"
            print(f"{name:<44} {statistics.median(runs):7.0f}ms {p90:7.0f}ms {queries:>8}")
    review_saves(users[REVIEWERS[-1]], args.repeat * 4)


def review_saves(reviewer, repeat: int) -> None:
    """PUT /api/sentences/{id}/review/ on pending claims spread over the million sentences:
    the save keeps each sentence's review summary and its article's summary, so it is timed
    here, at full size. Run last: it changes the data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from annotations.models import Sentence

    client = APIClient()
    client.force_authenticate(reviewer)
    pending = Sentence.objects.filter(status="pending", kind="claim").order_by("?")
    runs, queries = [], 0
    for sentence_id in pending.values_list("pk", flat=True)[:repeat]:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.put(
                f"/api/sentences/{sentence_id}/review/", {"label": "mixed"}, format="json"
            )
            runs.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content
        queries = len(captured)
    p90 = percentile(runs, 0.9)
    name = "reviewer PUT /api/sentences/{id}/review/"
    print(f"{name:<44} {statistics.median(runs):7.0f}ms {p90:7.0f}ms {queries:>8}")


if __name__ == "__main__":
    main()
