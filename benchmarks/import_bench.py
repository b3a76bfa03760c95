"""Import benchmark: segmentation plus storage in PostgreSQL, against segmentation alone.

    .venv/bin/python benchmarks/import_bench.py [--articles 2000] [--database-url URL]

Generates N news-like articles (about 30 sentences each, with abbreviations, quotes, numbers and
boilerplate lines), times `segmentation.segment` alone on all of them, then, on the emptied
benchmark database each time, imports every article two ways: one by one through
`services.article_import` (the path of POST /api/articles/), and as file records through
`services.records_import` (the path of `manage.py import_articles`, import jobs and the admin's
upload, which stores services.BATCH articles a transaction). Prints sentences per second for
each and the ratio of the second to segmentation alone.
The database (default factcheck_bench on the local PostgreSQL) is created and migrated if needed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_setup  # noqa: E402

NAMES = ["Mr. Alder", "Dr. Okafor", "Gen. Brandt", "Mrs. Ortiz", "Sen. Olandt", "J. K. Moss"]
PLACES = ["Marlow Bay", "Northfield", "the U.S.", "the U.K.", "Kestrel Point", "St. Aldric's Row"]
TEMPLATES = [
    "{name} said the council had spent ${a}.{b} million on roads since Jan. {day}.",
    "Figures released at {hour} a.m. showed unemployment in {place} rose to {a}.{b}%.",
    '"We will not accept this. The numbers are wrong," {name} told reporters.',
    "The report, published by the U.N. on Feb. {day}, found {a} cases of fraud.",
    "Police in {place} said {a} people were arrested after the match on Saturday.",
    '"Who pays for this?" asked {name} at the meeting on Main St. in {place}.',
    "According to the ministry, {a},{b}00 homes were without power for {day} hours.",
    "{name} claimed that crime had doubled in {place} over the past {day} years.",
    "The company, Harlan & Voss Ltd., reported a profit of £{a}.{b} billion for the year.",
    "Officials said the bridge would reopen by the end of the month, i.e. before Dec. {day}.",
]
BOILERPLATE = [
    "Advert",
    "Share this article",
    "Read more: Council budget approved",
    "Photo: Lena Ortiz/Marlow Bay Courier",
]


def make_article(rng: random.Random, number: int, sentences: int = 30) -> dict:
    paragraphs, current = [], []
    for i in range(sentences):
        current.append(
            rng.choice(TEMPLATES).format(
                name=rng.choice(NAMES),
                place=rng.choice(PLACES),
                a=rng.randint(2, 999),
                b=rng.randint(1, 9),
                day=rng.randint(1, 28),
                hour=rng.randint(1, 11),
            )
        )
        if len(current) == 3 or i == sentences - 1:
            paragraphs.append(" ".join(current))
            current = []
            if rng.random() < 0.15:
                paragraphs.append(rng.choice(BOILERPLATE))
    return {
        "title": f"Generated story {number}",
        "body": f"Story {number}.\n" + "\n".join(paragraphs),
        "source": "Benchmark Times",
        "url": f"https://example.org/bench/{number}",
        "published_at": "2026-11-01T08:00:00Z",
        "tags": ["bench"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/factcheck_bench"
    )
    args = parser.parse_args()

    django_setup(args.database_url)
    from django.db import connection

    from annotations import readers, segmentation, services
    from annotations.models import Article, Sentence

    rng = random.Random(42)
    articles = [make_article(rng, n) for n in range(args.articles)]

    started = time.perf_counter()
    segmented = sum(len(segmentation.segment(a["body"])) for a in articles)
    segment_seconds = time.perf_counter() - started

    def empty() -> None:  # start empty: no duplicates, comparable runs
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE annotations_article, annotations_sentence, "
                    "annotations_article_tags RESTART IDENTITY CASCADE"
                )
        else:
            Sentence.objects.all().delete()
            Article.objects.all().delete()

    # One by one: services.article_import, the path of POST /api/articles/.
    empty()
    started = time.perf_counter()
    imported = 0
    for data in articles:
        imported += services.article_import(data=data).sentence_count
    single_seconds = time.perf_counter() - started
    assert imported == segmented == Sentence.objects.count()

    # From files: services.records_import, the path of manage.py import_articles (validated
    # one by one, stored services.BATCH articles at a time).
    empty()
    records = [readers.Record(origin=f"bench:{n}", data=data) for n, data in enumerate(articles)]
    started = time.perf_counter()
    summary = services.records_import(records=records)
    import_seconds = time.perf_counter() - started
    assert len(summary.created) == len(articles) and not summary.failed
    assert Sentence.objects.count() == segmented

    seg_rate = segmented / segment_seconds
    imp_rate = imported / import_seconds
    print(f"database:            {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"articles:            {len(articles):,}")
    print(f"sentences:           {imported:,}")
    print(f"segmentation alone:  {segment_seconds:8.2f} s  {seg_rate:10,.0f} sentences/s")
    print(
        f"import one by one:   {single_seconds:8.2f} s  {imported / single_seconds:10,.0f} "
        "sentences/s  (article_import, the API's path)"
    )
    print(
        f"import end to end:   {import_seconds:8.2f} s  {imp_rate:10,.0f} sentences/s  "
        f"(records_import, files and import_articles: {services.BATCH} articles a transaction)"
    )
    print(f"ratio import/segmentation: {imp_rate / seg_rate:.2f}")
    print(
        f"articles/s:          {len(articles) / import_seconds:,.0f} "
        f"(10,000 articles in {10_000 / (len(articles) / import_seconds):,.0f} s)"
    )


if __name__ == "__main__":
    main()
