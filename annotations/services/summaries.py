"""Figures kept up to date as work is saved, so dashboards read small tables.

Two levels, both derived and both rewritten in the transaction of the change that moves them:

* a sentence's review summary (`review_count`, `reviewed_at`, `review_labels`, `review_codes`),
  written in the same UPDATE as its status by services.status.sentence_status_refresh;
* an article's ArticleSummary (sentences, claims by status, agreement sums), recomputed from
  its sentences and their reviews by one UPDATE (`article_summaries_refresh`).

The article is the lock: every service that changes an article's sentences, reviews or
verdicts first takes the article's lock (`article_lock`, a PostgreSQL advisory lock held until
commit), so the recomputation, a later statement, sees every change committed before it. The
lock comes before any row lock on a sentence, in every service, so they cannot deadlock; and a
sentence read in the statement that waited for it is re-read fresh, as it is locked too.

`summaries_rebuild` recomputes everything (the migration and `manage.py summaries --rebuild`
use it); `summaries_stale` lists what disagrees with a recomputation (`manage.py summaries`
and the tests).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.apps import apps as global_apps
from django.db import connection, transaction
from django.db.models import F, Func, TextField, Value

from annotations.models import review_codes_pack, review_labels_pack

# (reviewer id, label id, last change) of one review.
ReviewRow = tuple[int, int, datetime]

SUMMARY_FIELDS = (
    "sentences",
    "claims",
    "pending",
    "in_review",
    "disputed",
    "final",
    "units",
    "unit_reviews",
    "unit_disagreement",
    "unit_label_squares",
)
REVIEW_FIELDS = ("review_count", "reviewed_at", "review_labels", "review_codes")
_CHUNK = 500  # articles per statement when many are refreshed


def review_fields(reviews: Iterable[ReviewRow]) -> dict[str, Any]:
    """A sentence's review summary from its reviews (any order), packed as models.py says."""
    rows = sorted(reviews)
    return {
        "review_count": len(rows),
        "reviewed_at": max((changed for _, _, changed in rows), default=None),
        "review_labels": review_labels_pack(Counter(label for _, label, _ in rows)),
        "review_codes": review_codes_pack((reviewer, label) for reviewer, label, _ in rows),
    }


# PostgreSQL advisory locks keyed on the article: this base plus the article's id.
ARTICLE_LOCK_BASE = 0x6663_0000_0000_0000


def article_lock_expression(article_field: str = "article_id") -> Any:
    """An expression that takes the transaction's lock on the article in `article_field`,
    for a query that reads a sentence (services.status.sentence_lock)."""
    return Func(
        F(article_field) + Value(ARTICLE_LOCK_BASE),
        function="pg_advisory_xact_lock",
        output_field=TextField(),
    )


def article_lock(*article_ids: int) -> None:
    """Take the transaction's lock on these articles, in id order, before changing anything
    in them (their sentences, reviews, verdicts). Held until commit; a no-op but on
    PostgreSQL (SQLite serialises all writers)."""
    if connection.vendor != "postgresql" or not article_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s + id) FROM unnest(%s::bigint[]) AS id ORDER BY id",
            [ARTICLE_LOCK_BASE, sorted(set(article_ids))],
        )


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _summary_update_sql(apps: Any) -> str:
    """The UPDATE that recomputes the summaries of the articles in `{ids}` (placeholders).

    A unit's disagreement is sum over its labels of n_c (m - n_c) / (m - 1), which is
    (m^2 - sum n_c^2) / (m - 1).
    """
    sentence = _table(apps.get_model("annotations", "Sentence"))
    review = _table(apps.get_model("annotations", "Review"))
    table = _table(apps.get_model("annotations", "ArticleSummary"))
    counts = ", ".join(
        f"COALESCE(SUM(CASE WHEN kind = 'claim' AND status = '{status}' THEN 1 ELSE 0 END), 0)"
        for status in ("pending", "in_review", "disputed", "final")
    )
    units = (
        f"SELECT r.sentence_id, r.label_id, COUNT(*) AS n, s.review_count AS m"
        f" FROM {review} r JOIN {sentence} s ON s.id = r.sentence_id"
        f" WHERE s.article_id = {table}.article_id AND s.review_count >= 2"
        f" GROUP BY r.sentence_id, r.label_id, s.review_count"
    )
    sql = f"""
        UPDATE {table} SET
        (sentences, claims, pending, in_review, disputed, final) = (
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN kind = 'claim' THEN 1 ELSE 0 END), 0),
                   {counts}
            FROM {sentence} WHERE article_id = {table}.article_id
        ),
        (units, unit_reviews, unit_disagreement) = (
            SELECT COUNT(DISTINCT sentence_id), COALESCE(SUM(n), 0),
                   COALESCE(SUM(CAST(n * (m - n) AS DOUBLE PRECISION) / (m - 1)), 0)
            FROM ({units}) u
        ),
        unit_label_squares = (
            SELECT COALESCE(SUM(c * c), 0)
            FROM (SELECT SUM(n) AS c FROM ({units}) u GROUP BY label_id) l
        )
        WHERE article_id IN ({{ids}})
    """
    return sql


_ONE_SUMMARY: list[str] = []


def article_summary_sql() -> str:
    """article_summaries_refresh's UPDATE for one article (its id the one parameter), made
    once: the same text on every database."""
    if not _ONE_SUMMARY:
        _ONE_SUMMARY.append(_summary_update_sql(global_apps).format(ids="%s"))
    return _ONE_SUMMARY[0]


def article_summary_statement(article_id: int) -> tuple[str, list[int]]:
    """article_summaries_refresh's UPDATE for one article, and its parameters, to run with
    other statements (services.status.sentence_status_refresh). It changes no row while the
    article has no summary: refresh it then, which adds it."""
    return article_summary_sql(), [article_id]


def article_summaries_refresh(article_ids: Iterable[int], *, apps: Any = global_apps) -> None:
    """Recompute the ArticleSummary rows of these articles from their sentences and reviews:
    one UPDATE per 500 articles (missing rows are added first)."""
    summary = apps.get_model("annotations", "ArticleSummary")
    ids = sorted(set(article_ids))
    sql = _summary_update_sql(apps)

    def run() -> bool:
        """Whether every article had its row."""
        complete = True
        with connection.cursor() as cursor:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                cursor.execute(sql.format(ids=", ".join(["%s"] * len(chunk))), chunk)
                complete = complete and cursor.rowcount == len(chunk)
        return complete

    if not run():  # new articles (or gone ones): add the missing rows and compute again
        articles = apps.get_model("annotations", "Article").objects.filter(pk__in=ids)
        summary.objects.bulk_create(
            [summary(article_id=pk) for pk in articles.values_list("pk", flat=True)],
            batch_size=1000,
            ignore_conflicts=True,
        )
        run()


def article_summaries_create(articles: list[tuple[int, list[str]]]) -> None:
    """The summaries of newly imported articles (id, their sentences' kinds): every claim is
    pending and nothing is reviewed yet. One INSERT for all, where a refresh would take three
    for each."""
    from annotations.models import ArticleSummary, Sentence

    rows = []
    for article_id, kinds in articles:
        claims = sum(kind == Sentence.Kind.CLAIM for kind in kinds)
        rows.append((article_id, len(kinds), claims, claims))
    if connection.vendor != "postgresql":
        ArticleSummary.objects.bulk_create(
            [
                ArticleSummary(article_id=pk, sentences=total, claims=claims, pending=pending)
                for pk, total, claims, pending in rows
            ]
        )
        return
    # On PostgreSQL one plain statement: create() compiled the same INSERT again for every
    # imported article (docs/performance.md, "Import"). Every other figure starts at 0.
    from psycopg2.extras import execute_values

    others = [
        f.column
        for f in ArticleSummary._meta.concrete_fields
        if f.column not in ("article_id", "sentences", "claims", "pending")
    ]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        execute_values(
            cursor.cursor,  # the psycopg2 cursor under Django's wrapper
            f"INSERT INTO {ArticleSummary._meta.db_table} "
            f"(article_id, sentences, claims, pending, {', '.join(others)}) VALUES %s",
            rows,
            template=f"(%s, %s, %s, %s{', 0' * len(others)})",
            page_size=len(rows),
        )


def sentence_reviews_refresh(sentence_ids: Iterable[int], *, apps: Any = global_apps) -> None:
    """Rewrite the review summary of these sentences from their reviews (bulk paths)."""
    sentence_model = apps.get_model("annotations", "Sentence")
    review_model = apps.get_model("annotations", "Review")
    ids = sorted(set(sentence_ids))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        reviews: defaultdict[int, list[ReviewRow]] = defaultdict(list)
        rows = review_model.objects.filter(sentence_id__in=chunk).values_list(
            "sentence_id", "reviewer_id", "label_id", "updated_at"
        )
        for sentence_id, *row in rows.order_by():
            reviews[sentence_id].append(tuple(row))
        changed = []
        for sentence in sentence_model.objects.filter(pk__in=chunk).only("pk", *REVIEW_FIELDS):
            fields = review_fields(reviews.get(sentence.pk, ()))
            if any(getattr(sentence, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(sentence, key, value)
                changed.append(sentence)
        sentence_model.objects.bulk_update(changed, REVIEW_FIELDS, batch_size=1000)


def summaries_rebuild(article_ids: Iterable[int] | None = None, *, apps: Any = global_apps) -> int:
    """Recompute every summary (of these articles, or all); returns the articles done."""
    article_model = apps.get_model("annotations", "Article")
    articles = article_model.objects.order_by("pk")
    if article_ids is not None:
        articles = articles.filter(pk__in=list(article_ids))
    ids = list(articles.values_list("pk", flat=True))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        with transaction.atomic():
            article_lock(*chunk)  # as the services lock them: a rebuild may run while people work
            _rebuild_chunk(chunk, apps)
    return len(ids)


def _rebuild_chunk(chunk: list[int], apps: Any) -> None:
    sentence_model = apps.get_model("annotations", "Sentence")
    review_model = apps.get_model("annotations", "Review")
    # The sentences with reviews, or with a review summary to clear.
    reviewed = review_model.objects.filter(sentence__article_id__in=chunk).values_list(
        "sentence_id", flat=True
    )
    summarised = sentence_model.objects.filter(article_id__in=chunk, review_count__gt=0)
    sentence_reviews_refresh([*reviewed, *summarised.values_list("pk", flat=True)], apps=apps)
    article_summaries_refresh(chunk, apps=apps)


def summaries_stale(article_ids: Iterable[int] | None = None) -> list[str]:
    """What disagrees with a recomputation from the reviews: one line each, empty if nothing.

    Recomputed here in Python, independently of the SQL above, so each checks the other.
    """
    from annotations.models import Article, ArticleSummary, Review, Sentence, Verdict

    articles = Article.objects.order_by("pk")
    if article_ids is not None:
        articles = articles.filter(pk__in=list(article_ids))
    problems = []
    for article_id in articles.values_list("pk", flat=True).iterator():
        sentences = list(Sentence.objects.filter(article_id=article_id).order_by("pk"))
        reviews: defaultdict[int, list[ReviewRow]] = defaultdict(list)
        rows = Review.objects.filter(sentence__article_id=article_id).values_list(
            "pk", "sentence_id", "article_id", "reviewer_id", "label_id", "updated_at"
        )
        for review, sentence_id, stored_article, *row in rows:
            reviews[sentence_id].append(tuple(row))
            if stored_article != article_id:  # a review stores its sentence's article
                problems.append(
                    f"review {review}: article is {stored_article}, expected {article_id}"
                )
        for verdict, stored_article in Verdict.objects.filter(
            sentence__article_id=article_id
        ).values_list("pk", "article_id"):
            if stored_article != article_id:  # a verdict stores its sentence's article too
                problems.append(
                    f"verdict {verdict}: article is {stored_article}, expected {article_id}"
                )
        expected: dict[str, Any] = dict.fromkeys(SUMMARY_FIELDS, 0)
        label_totals: Counter[int] = Counter()
        for sentence in sentences:
            fields = review_fields(reviews.get(sentence.pk, ()))
            for key, value in fields.items():
                if getattr(sentence, key) != value:
                    problems.append(
                        f"sentence {sentence.pk}: {key} is {getattr(sentence, key)!r}, "
                        f"expected {value!r}"
                    )
            expected["sentences"] += 1
            if sentence.kind == Sentence.Kind.CLAIM:
                expected["claims"] += 1
                expected[sentence.status] += 1
            m = len(reviews.get(sentence.pk, ()))
            if m >= 2:
                counts = Counter(label for _, label, _ in reviews[sentence.pk])
                expected["units"] += 1
                expected["unit_reviews"] += m
                expected["unit_disagreement"] += sum(n * (m - n) for n in counts.values()) / (m - 1)
                label_totals.update(counts)
        expected["unit_label_squares"] = sum(n * n for n in label_totals.values())
        stored = ArticleSummary.objects.filter(article_id=article_id).values(*SUMMARY_FIELDS)
        if not stored:
            problems.append(f"article {article_id}: no summary")
            continue
        for key, value in expected.items():
            if abs(stored[0][key] - value) > 1e-6:
                problems.append(
                    f"article {article_id}: {key} is {stored[0][key]!r}, expected {value!r}"
                )
    return problems
