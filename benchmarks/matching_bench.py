"""Claim matching benchmark: candidate search and the judge against 1,000,000 stored claims.

    .venv/bin/python benchmarks/matching_bench.py [--sentences 1000000] [--database-url URL]
        [--runs 30] [--imports 100] [--keep]

PostgreSQL only (DATABASE_URL from the environment or --database-url; default the local
factcheck_bench_match). It fills the database with N generated claim sentences, 30 to an
article, written with COPY with the GIN index dropped and built again afterwards (about 4
minutes for a million on 2 cores); with --keep the database stays and the next run reuses the
sentences (or completes an interrupted fill). Then it reports:

- candidates: median and p95 time of `annotations.matching.candidates.candidates` for the 30
  claims of a new article (generated like the noise, never stored), `--runs` articles;
- candidates + judge: the same plus `annotations.matching.judge.judge` on every candidate;
- recall@50 (and @10): every distinct `a` of tests/data/matching/tuning.jsonl and heldout.jsonl
  is stored among the noise, in an article of its own; for each pair labelled "same", whether
  `a` is among the candidates for `b` (retrieval only, not the judge);
- import: `--imports` articles of 30 noise claims through `services.article_import`, then the
  matching of the same articles (`services.articles_match`, the body of the worker's task), in
  articles per second each, and import followed by matching (what runs inline when no worker
  is configured) against import alone.

The noise: sentences from templates across twelve topics (economy, health, crime, climate, ...)
with their own metrics, verbs of change, people, organisations, places, periods, numbers and
units, and a long tail of made-up names, so that common words have posting lists about as long
as in real news text and every topic has many near neighbours of the evaluation pairs.
"""

# Word lists read better as one string each than as a column of quoted words.
# ruff: noqa: SIM905

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, django_setup, percentile  # noqa: E402

SENTENCES_PER_ARTICLE = 30
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/factcheck_bench_match"
EVAL_FILES = ("tuning.jsonl", "heldout.jsonl")
# The evaluation pairs' articles are told apart from the noise by their source.
EVAL_SOURCE = "Matching evaluation"
NOISE_SOURCE = "Matching noise"
IMPORT_SOURCE = "Matching import"

# --- the noise -----------------------------------------------------------------------------

FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew Lisa "
    "Anthony Betty Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua "
    "Michelle Kenneth Carol Kevin Amanda Brian Melissa George Deborah Timothy Stephanie "
    "Ronald Rebecca Amara Olusegun Priya Rahul Mei Hiroshi Fatima Omar Ingrid Lars Sofia "
    "Mateo Chiara Luca Aisha Kwame Yusuf Leila Dmitri Olena Andrzej Katarzyna Nguyen Thi "
    "Carlos Lucia"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Okafor Mensah Adeyemi Sharma Patel Gupta Tanaka Suzuki Chen Wang Kowalski Novak "
    "Petrov Shevchenko Rossi Bianchi Schmidt Fischer Dubois Moreau Jansen Larsen Haddad "
    "Khalil Yilmaz Demir Silva Santos"
).split()
ROLES = (
    "the finance minister|the health secretary|the mayor|a senior economist|"
    "the chief executive|the opposition leader|a government spokesperson|"
    "the police commissioner|the head of the central bank|a union leader|"
    "the education minister|an independent analyst|the party chair|the regional governor|"
    "a climate scientist|the energy regulator|the transport secretary"
).split("|")
SYLLABLES = (
    "ar bel cor dan el fen gar hol in jas kel lor mar nor ost pel quin ros sel tor ul ven wes"
    " yar zan bro cla dre fro gri pla sto tru vel wick ham ton by ford field mouth stead"
).split()
PLACES_REAL = (
    "Germany France Spain Italy Poland Ukraine Kenya Nigeria Brazil Mexico Canada Japan India"
    " Australia Scotland Wales Texas California Ontario Bavaria London Paris Berlin Madrid "
    "Rome Warsaw Kyiv Nairobi Lagos Mumbai Tokyo Sydney Toronto Chicago Manchester Glasgow "
    "Lyon Milan"
).split()
ORGS = (
    "the Office for National Statistics|the central bank|the health ministry|the World Bank|"
    "the IMF|the interior ministry|the national statistics agency|the OECD|"
    "the Federal Reserve|the European Commission|the Met Office|the electoral commission|"
    "the education department|the transport authority|the housing agency|"
    "the energy regulator|Eurostat|the UN refugee agency|the police federation|"
    "a parliamentary committee|an independent think tank|the treasury"
).split("|")
MONTHS = (
    "January February March April May June July August September October November December"
).split()
PERIODS = [
    *(f"in {m}" for m in MONTHS),
    *(f"in {m} {y}" for m in MONTHS for y in (2019, 2021, 2023, 2024, 2025)),
    "last month", "last year", "this year", "in the first quarter", "in the second quarter",
    "in the third quarter", "in the last quarter", "over the past decade", "since 2010",
    "since the pandemic", "last week", "over the summer", "during the winter", "in 2020",
    "in 2022", "in the year to March", "over five years", "since the election",
]  # fmt: skip
UP = ("rose|climbed|increased|jumped|grew|went up|surged|edged up|doubled|soared").split("|")
DOWN = ("fell|dropped|declined|decreased|slumped|went down|edged down|halved|plunged|shrank").split(
    "|"
)
# topic: (metrics with their unit, things counted, verbs of events, adjectives)
TOPICS = {
    "economy": (
        "unemployment|the jobless rate|inflation|consumer prices|economic growth|GDP|wages|"
        "average earnings|the budget deficit|public debt|exports|imports|interest rates|"
        "youth unemployment|the trade deficit|business investment|retail sales",
        "jobs|businesses|workers|firms|households|new companies",
        "created|lost|closed|registered|cut",
    ),
    "health": (
        "hospital admissions|waiting times|the vaccination rate|infant mortality|life expectancy|"
        "obesity|smoking rates|measles cases|flu deaths|the number of nurses|NHS spending|"
        "cancer survival rates|ambulance response times",
        "patients|doctors|nurses|beds|cases|deaths|vaccinations|operations",
        "treated|recorded|hired|cancelled|reported",
    ),
    "crime": (
        "knife crime|burglaries|violent crime|the murder rate|car thefts|fraud offences|"
        "shoplifting|the prison population|police numbers|reoffending rates|drug seizures",
        "arrests|offences|officers|prisoners|convictions|crimes|victims",
        "made|recorded|charged|released|solved",
    ),
    "climate": (
        "carbon emissions|average temperatures|rainfall|sea levels|forest cover|renewable "
        "output|coal consumption|air pollution|plastic waste|electric car sales|wildfires",
        "hectares|tonnes of carbon|wind turbines|solar panels|floods|heatwaves",
        "burned|installed|emitted|recorded|planted",
    ),
    "politics": (
        "voter turnout|the government's approval rating|support for the party|trust in "
        "parliament|the number of MPs|party membership|campaign spending|postal votes",
        "votes|seats|members|candidates|ballots|petitions",
        "won|lost|cast|counted|signed",
    ),
    "education": (
        "exam pass rates|school funding|class sizes|teacher numbers|university applications|"
        "tuition fees|literacy rates|pupil absence|student debt|graduate salaries",
        "pupils|teachers|schools|students|graduates|apprentices",
        "enrolled|excluded|recruited|closed|admitted",
    ),
    "migration": (
        "net migration|asylum applications|visa approvals|border crossings|deportations|"
        "the foreign-born population|work permits|refugee arrivals",
        "migrants|refugees|asylum seekers|visas|applications",
        "granted|refused|arrived|deported|processed",
    ),
    "housing": (
        "house prices|rents|homelessness|housebuilding|mortgage rates|the number of empty homes|"
        "social housing waiting lists|first-time buyers|evictions",
        "homes|houses|flats|families|tenants|buyers",
        "built|sold|evicted|bought|approved",
    ),
    "energy": (
        "energy bills|petrol prices|gas imports|electricity demand|fuel poverty|oil production|"
        "nuclear output|wind power generation|energy subsidies",
        "households|power stations|barrels|megawatts|customers",
        "supplied|disconnected|produced|generated|connected",
    ),
    "transport": (
        "rail fares|train punctuality|road deaths|bus journeys|air passenger numbers|traffic "
        "congestion|potholes|cycling rates|car ownership",
        "passengers|journeys|accidents|flights|trains|buses",
        "cancelled|delayed|carried|injured|operated",
    ),
    "sport": (
        "ticket prices|attendances|the transfer budget|prize money|participation in sport|"
        "broadcast revenue|the club's debt|player wages",
        "goals|fans|matches|medals|players|titles",
        "scored|won|sold|signed|attended",
    ),
    "technology": (
        "broadband coverage|smartphone sales|cyber attacks|data breaches|online fraud|5G "
        "coverage|internet use among pensioners|app downloads|chip production",
        "users|devices|accounts|attacks|subscribers|startups",
        "hacked|downloaded|launched|blocked|connected",
    ),
}
UNITS = ("%| percent| per cent| million| billion|| points| times").split("|")
OPENERS = (
    "||||According to {org}, |Figures from {org} show that |{person} said |"
    "{person}, {role}, said that |Official data show that |In a statement, {org} said |"
    "Speaking on {weekday}, {person} claimed that |A report by {org} found that |"
    "Critics say |{person} told reporters that |New figures suggest "
).split("|")
TEMPLATES = (
    "{metric} {verb} to {n}{unit} {period}.|"
    "{metric} in {place} {verb} by {n}{unit} {period}.|"
    "{metric} has {verb} {period}, reaching {n}{unit}, the highest level since {year}.|"
    "{n} {things} were {event} in {place} {period}, up from {m} a year earlier.|"
    "{metric} {verb} {n}{unit} {period}, the lowest figure since {year}.|"
    "more than {n} {things} were {event} {period}, {org} said.|"
    "{place} {event} {n} {things} {period}, compared with {m} in {year}.|"
    "the government spent {n}{unit} on {metric} {period}.|"
    "{metric} {verb} under the previous government, from {m}{unit} to {n}{unit}.|"
    "one in {small} {things} in {place} were {event} {period}.|"
    "{metric} among young people in {place} {verb} to {n}{unit}.|"
    "{place} now has the {rank} highest {metric} in Europe, at {n}{unit}.|"
    "{metric} will {future} by {n}{unit} by {year2}, {org} forecast.|"
    "the number of {things} {event} in {place} {verb} to {n} {period}.|"
    "{metric} {verb} for the {ordinal} month in a row {period}."
).split("|")
WEEKDAYS = ("Monday Tuesday Wednesday Thursday Friday Saturday Sunday").split()
RANKS = ("second third fourth fifth sixth seventh").split()
FUTURE = ("rise fall double grow drop increase decline").split()


def _name_tail(rng: random.Random) -> str:
    """A made-up place or surname: the long tail of rare words real news has."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def noise_sentence(rng: random.Random) -> str:
    metrics, things, events = TOPICS[rng.choice(list(TOPICS))]
    n = rng.choice(
        [
            str(rng.randint(2, 99)),
            f"{rng.randint(1, 30)}.{rng.randint(0, 9)}",
            f"{rng.randint(1, 999):,}",
            f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}",
        ]
    )
    person = (
        f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if rng.random() < 0.8
        else f"{rng.choice(FIRST)} {_name_tail(rng)}"
    )
    place = rng.choice(PLACES_REAL) if rng.random() < 0.6 else _name_tail(rng)
    opener = rng.choice(OPENERS).format(
        org=rng.choice(ORGS), person=person, role=rng.choice(ROLES), weekday=rng.choice(WEEKDAYS)
    )
    text = rng.choice(TEMPLATES).format(
        metric=rng.choice(metrics.split("|")),
        things=rng.choice(things.split("|")),
        event=rng.choice(events.split("|")),
        verb=rng.choice(UP if rng.random() < 0.5 else DOWN),
        n=n,
        m=rng.randint(2, 999),
        unit=rng.choice(UNITS),
        period=rng.choice(PERIODS),
        place=place,
        org=rng.choice(ORGS),
        year=rng.randint(1970, 2022),
        year2=rng.randint(2026, 2050),
        small=rng.randint(3, 12),
        rank=rng.choice(RANKS),
        future=rng.choice(FUTURE),
        ordinal=rng.choice(RANKS),
    )
    sentence = opener + text
    return sentence[0].upper() + sentence[1:]


# --- filling the database ------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_line(*values) -> str:
    return "\t".join("\\N" if v is None else str(v).translate(_ESCAPES) for v in values) + "\n"


def body_rows(texts: list[str]) -> tuple[str, list[tuple]]:
    """An article body of `texts`, one paragraph each, and its sentences (index, paragraph,
    start, end, text), offsets exact."""
    rows, position = [], 0
    for index, text in enumerate(texts):
        start = position + (1 if index else 0)
        rows.append((index, index, start, start + len(text), text))
        position = start + len(text)
    body = "\n".join(texts)
    assert all(body[s:e] == t for _, _, s, e, t in rows)
    return body, rows


def articles_copy(cursor, articles: list[tuple[str, str, list[str]]], first_id: int) -> None:
    """Write `articles` ((title, source, texts)) with ids from `first_id` with COPY; their
    sentences take ids after the current maximum."""
    from annotations.services import body_checksum

    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM annotations_sentence")
    sentence_id = cursor.fetchone()[0]
    now = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    article_rows, sentence_rows = io.StringIO(), io.StringIO()
    for offset, (title, source, texts) in enumerate(articles):
        article_id = first_id + offset
        body, rows = body_rows(texts)
        published = (now - timedelta(days=article_id % 700)).isoformat()
        article_rows.write(
            copy_line(
                article_id, title, body, source, f"https://example.org/match/{article_id}",
                published, "en", body_checksum(body), None, now.isoformat(), now.isoformat(),
            )
        )  # fmt: skip
        for index, paragraph, start, end, text in rows:
            sentence_id += 1
            sentence_rows.write(
                copy_line(
                    sentence_id, index, paragraph, start, end, text, "claim", "pending",
                    published, article_id,
                )
            )  # fmt: skip
    article_rows.seek(0)
    sentence_rows.seek(0)
    cursor.copy_expert(
        "COPY annotations_article (id, title, body, source, url, published_at, language, "
        "checksum, imported_by_id, created_at, updated_at) FROM STDIN",
        article_rows,
    )
    cursor.copy_expert(
        'COPY annotations_sentence (id, index, paragraph, start, "end", text, kind, status, '
        "updated_at, article_id) FROM STDIN",
        sentence_rows,
    )


def _gin_indexes(cursor) -> list[tuple[str, str, int | None]]:
    """The sentences' GIN indexes (name, definition, statistics target of the first column):
    dropped while a large fill runs, built again afterwards (much faster than growing them row
    by row)."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef, NULLIF(a.attstattarget, -1) FROM pg_indexes i"
        " JOIN pg_attribute a ON a.attrelid = (quote_ident(i.indexname))::regclass"
        " AND a.attnum = 1"
        " WHERE i.tablename = 'annotations_sentence' AND i.indexdef ILIKE '%% USING gin %%'"
        " ORDER BY i.indexname"
    )
    return cursor.fetchall()


def noise_fill(connection, total: int) -> None:
    """Make the database hold `total` noise claims, `SENTENCES_PER_ARTICLE` to an article:
    reused when they are there, completed when a fill was interrupted, refilled otherwise."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), COALESCE(MAX(a.id), 0) FROM annotations_sentence s "
            "JOIN annotations_article a ON a.id = s.article_id WHERE a.source = %s",
            [NOISE_SOURCE],
        )
        present, last_article = cursor.fetchone()
        if present == total:
            print(f"reusing {present:,} stored noise claims")
            return
        if present > total or present % SENTENCES_PER_ARTICLE:
            from common import work_empty

            work_empty()
            present = last_article = 0
        indexes = _gin_indexes(cursor)
        for name, _, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        batch = []
        article_id = last_article
        while present < total:
            article_id += 1
            rng = random.Random(article_id)
            count = min(SENTENCES_PER_ARTICLE, total - present)
            texts = [noise_sentence(rng) for _ in range(count)]
            batch.append((f"Noise story {article_id}", NOISE_SOURCE, texts))
            present += count
            if len(batch) == 2000 or present >= total:
                articles_copy(cursor, batch, article_id - len(batch) + 1)
                batch = []
                print(f"  {present:,} noise claims", end="\r", flush=True)
        print()
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('annotations_article', 'id'), "
            "(SELECT MAX(id) FROM annotations_article))"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('annotations_sentence', 'id'), "
            "(SELECT MAX(id) FROM annotations_sentence))"
        )
        filled = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for name, definition, target in indexes:
            cursor.execute(definition)
            if target is not None:
                cursor.execute(f'ALTER INDEX "{name}" ALTER COLUMN 1 SET STATISTICS {target}')
        cursor.execute("VACUUM ANALYZE annotations_sentence")
        cursor.execute("ANALYZE annotations_article")
        print(
            f"filled in {filled:.0f} s, indexes and statistics in "
            f"{time.perf_counter() - started:.0f} s"
        )


def pairs_load() -> dict[str, list[dict]]:
    """The labelled pairs by file name (tests/data/matching), those present."""
    folder = ROOT / "tests" / "data" / "matching"
    return {
        name: [json.loads(line) for line in (folder / name).read_text().splitlines() if line]
        for name in EVAL_FILES
        if (folder / name).exists()
    }


def pairs_store(connection, pairs: dict[str, list[dict]]) -> dict[str, int]:
    """Store each distinct `a` of the pairs among the noise, one article each (replacing the
    ones a previous run stored): {text: sentence id}."""
    from annotations.models import Article

    Article.objects.filter(source=EVAL_SOURCE).delete()
    texts = list(dict.fromkeys(pair["a"] for rows in pairs.values() for pair in rows))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM annotations_article")
        first = cursor.fetchone()[0] + 1
        articles_copy(
            cursor,
            [(f"Evaluation claim {n}", EVAL_SOURCE, [text]) for n, text in enumerate(texts)],
            first,
        )
        for table in ("article", "sentence"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('annotations_{table}', 'id'), "
                f"(SELECT MAX(id) FROM annotations_{table}))"
            )
        cursor.execute(
            "SELECT s.text, s.id FROM annotations_sentence s JOIN annotations_article a"
            " ON a.id = s.article_id WHERE a.source = %s",
            [EVAL_SOURCE],
        )
        return dict(cursor.fetchall())


def recall_at(pairs: list[dict], stored: dict[str, int], limit: int = 50) -> tuple[int, int]:
    """(found, of): "same" pairs whose `a` is among the `limit` candidates for `b`; the b's
    go 30 to a call, as an article's claims do."""
    from annotations.matching.candidates import candidates

    same = [pair for pair in pairs if pair["label"] == "same"]
    found = 0
    for start in range(0, len(same), SENTENCES_PER_ARTICLE):
        batch = same[start : start + SENTENCES_PER_ARTICLE]
        result = candidates({n: pair["b"] for n, pair in enumerate(batch)}, 0, limit)
        found += sum(
            stored[pair["a"]] in {c.sentence for c in result[n]} for n, pair in enumerate(batch)
        )
    return found, len(same)


def article_claims(seed: int) -> dict[int, str]:
    """The 30 claims of a new article (never stored: negative ids)."""
    rng = random.Random(seed)
    return {-n: noise_sentence(rng) for n in range(1, SENTENCES_PER_ARTICLE + 1)}


def timed_matching(runs: int) -> tuple[list[float], list[float], int]:
    """Seconds for the candidates of a new article's 30 claims, and for candidates + judge,
    each run with claims of its own; and the pairs judged in all."""
    from annotations.matching.candidates import candidates
    from annotations.matching.judge import Claim, judge

    day = date(2026, 11, 28)
    candidates(article_claims(0), 0)  # warm: statistics, synonyms, the judge's caches
    search, total, judged = [], [], 0
    for run in range(1, runs + 1):
        texts = article_claims(10_000_000 + run)
        started = time.perf_counter()
        found = candidates(texts, 0)
        search.append(time.perf_counter() - started)
        for sid, text in texts.items():
            claim = Claim(text, "en", day)
            for candidate in found[sid]:
                judge(claim, Claim(candidate.text, "en", day))
                judged += 1
        total.append(time.perf_counter() - started)
    return search, total, judged


def import_rates(articles: int) -> tuple[float, float, str]:
    """Articles per second through services.article_import (new articles of 30 noise claims),
    and through the matching of the same articles afterwards (services.articles_match, what
    the worker's task runs; candidates + judge here before that service existed). The
    articles are deleted afterwards."""
    from annotations import services
    from annotations.models import Article

    try:
        from annotations.services.matching import articles_match

        how = "services.articles_match"
    except ImportError:  # before the matching service existed
        from annotations.matching.candidates import candidates
        from annotations.matching.judge import Claim, judge

        def articles_match(*, article_ids: list[int]) -> None:
            for article_id in article_ids:
                texts = dict(
                    Article.objects.get(pk=article_id)
                    .sentences.filter(kind="claim")
                    .values_list("id", "text")
                )
                found = candidates(texts, article_id)
                for sid, text in texts.items():
                    for candidate in found[sid]:
                        judge(Claim(text), Claim(candidate.text))

        how = "candidates + judge"

    def record(number: int) -> dict:
        rng = random.Random(20_000_000 + number)
        return {
            "title": f"Imported story {number}",
            "body": "\n".join(noise_sentence(rng) for _ in range(SENTENCES_PER_ARTICLE)),
            "source": IMPORT_SOURCE,
            "published_at": "2026-11-28T08:00:00Z",
        }

    Article.objects.filter(source=IMPORT_SOURCE).delete()
    records = [record(n) for n in range(articles)]
    started = time.perf_counter()
    ids = [services.article_import(data=r).article.pk for r in records]
    imported = time.perf_counter() - started
    started = time.perf_counter()
    articles_match(article_ids=ids)
    matched = time.perf_counter() - started
    Article.objects.filter(source=IMPORT_SOURCE).delete()
    return articles / imported, articles / matched, how


def database_drop(url: str) -> None:
    """Drop the benchmark's database (about 600 MB at a million sentences)."""
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    server = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    server.close()


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:7.1f} ms   "
        f"p95 {percentile(values, 0.95) * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=30, help="new articles timed")
    parser.add_argument("--imports", type=int, default=100, help="articles imported per phase")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (default: drop it at the end)"
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("PostgreSQL only: --database-url postgres://... (or DATABASE_URL)")
    print("command: .venv/bin/python benchmarks/matching_bench.py " + " ".join(sys.argv[1:]))

    django_setup(args.database_url)
    from django.db import connection

    noise_fill(connection, args.sentences)
    pairs = pairs_load()
    stored = pairs_store(connection, pairs)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM annotations_sentence WHERE kind = 'claim'")
        claims = cursor.fetchone()[0]
    print(f"database:   {connection.settings_dict['NAME']}, {claims:,} claim sentences")

    search, total, judged = timed_matching(args.runs)
    print(f"candidates for a 30-claim article ({args.runs} articles): {_ms(search)}")
    print(f"candidates + judge ({judged / args.runs:,.0f} pairs an article): {_ms(total)}")
    for name, rows in pairs.items():
        for limit in (50, 10):
            found, of = recall_at(rows, stored, limit)
            print(f"recall@{limit} {name}: {found}/{of} = {found / max(of, 1):.3f}")

    alone, matching, how = import_rates(args.imports)
    inline = 1 / (1 / alone + 1 / matching)
    print(f"import alone:          {alone:7.1f} articles/s ({args.imports} articles of 30 claims)")
    print(f"matching them:         {matching:7.1f} articles/s ({how}, one process)")
    print(f"import, then matching: {inline:7.1f} articles/s: ratio {inline / alone:.2f}")

    if not args.keep:
        from django.db import connections

        connections.close_all()
        database_drop(args.database_url)
        print("database dropped (--keep keeps it)")


if __name__ == "__main__":
    main()
