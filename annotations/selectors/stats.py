"""The figures of /api/stats/ and /dashboard/: counts, backlog, throughput, agreement, disputes.

Both interfaces call `stats`, so the page and the API can never disagree. Everything is
aggregated in the database in a fixed number of queries, whatever the number of articles,
sentences or reviewers; the agreement figures are worked out from small aggregates by
annotations.agreement (see _agreement). What the figures cover and how they are cached is in
scope.py, the per-article table in progress.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import cache as memoize
from itertools import combinations
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from annotations import agreement
from annotations.agreement import Scale, Sums
from annotations.models import (
    Label,
    Review,
    Sentence,
    Verdict,
    review_codes_parse,
    review_labels_parse,
)
from annotations.permissions import Viewer
from annotations.selectors.progress import PROGRESS_COUNTS, progress_rows
from annotations.selectors.reuse import reuse_figures
from annotations.selectors.scope import (
    STATS_CACHE_SECONDS,
    StatsFilters,
    article_q,
    articles_in_scope,
    cache_key,
    in_dates,
    narrowed,
    stats_scope,
)

DISPUTED_SHOWN = 50  # disputed sentences in the stats; the CSV download lists them all
BACKLOG_BUCKETS = (("<1 day", 1), ("1-7 days", 7), ("7-30 days", 30), (">30 days", None))


def stats(
    viewer: Viewer, filters: StatsFilters | None = None, *, per_article: bool = True
) -> dict[str, Any]:
    """Counts, progress, backlog, throughput, agreement and disputes: the one source.

    `per_article=False` leaves out the figures listed per article (`progress` and the
    agreement's `per_article`) where the default scope makes them available from
    `progress_page` a page at a time: the dashboard shows 50 articles, not all.

    Cached under a key that changes whenever a review, verdict, sentence, article (its
    metadata and tags too), assignment or label changes (two small queries, see
    scope.cache_key), so a cached answer is not stale; STATS_CACHE_SECONDS bounds the
    time-dependent figures (the backlog's ages).
    """
    filters = stats_scope(viewer, filters or StatsFilters())
    today = timezone.localdate()
    labels = list(
        Label.objects.order_by("order", "id").values(
            "id", "slug", "name", "colour", "rating_value", "active"
        )
    )
    key = cache_key(
        "stats",
        filters,
        [tuple(label.values()) for label in labels],
        viewer.is_editor,
        filters.reviewer_id,
        per_article,
    )
    figures = cache.get(key)
    if figures is None:
        figures = _stats_compute(viewer, filters, labels, today, per_article)
        cache.set(key, figures, STATS_CACHE_SECONDS)
    return figures


def _stats_compute(
    viewer: Viewer,
    filters: StatsFilters,
    labels: list[dict[str, Any]],
    today: date,
    per_article: bool,
) -> dict[str, Any]:
    start, end = filters.window(today)
    slug_of = {label["id"]: label["slug"] for label in labels}
    totals, backlog_by_age = _totals(filters)
    progress = article_sums = None
    if per_article:
        progress, article_sums = progress_rows(filters)
    reviews_by_label, reviewers = _reviews_by_label(filters, slug_of)
    verdicts_by_label, publishing = _verdicts_by_label(filters, slug_of)
    figures: dict[str, Any] = {
        "filters": {
            **filters.as_params(),
            "from": start.isoformat(),
            "to": end.isoformat(),
            "days": filters.days,
        },
        "scope": "team" if filters.reviewer_id is None else "reviewer",
        "labels": [
            {key: label[key] for key in ("slug", "name", "colour", "rating_value", "active")}
            for label in labels
        ],
        "articles": totals["articles"],
        "sentences": totals["sentences"],
        "claims": totals["claims"],
        "claims_by_status": {status: totals[status] for status in Sentence.Status.values},
        "reviews": sum(reviews_by_label.values()),
        "reviews_by_label": reviews_by_label,
        "verdicts": sum(verdicts_by_label.values()),
        "verdicts_by_label": verdicts_by_label,
        "publishing": publishing,
        "reviewers": reviewers,
        "backlog": {
            "pending_claims": totals[Sentence.Status.PENDING],
            "disputed": totals[Sentence.Status.DISPUTED],
            "verdicts_needing_attention": publishing["flagged"],
            "by_age": backlog_by_age,
        },
        "throughput": _throughput(filters, start, end),
        "agreement": _agreement(filters, labels, start, end, article_sums),
        "reuse": reuse_figures(viewer, filters),  # earlier fact-checks reused (claim matching)
    }
    if progress is not None:
        figures["progress"] = progress
    elif not narrowed(filters):
        del figures["agreement"]["per_article"]  # progress_page has it, a page at a time
    if viewer.is_editor:
        figures["disputed_sentences"] = [
            disputed_row(sentence) for sentence in disputed_sentences(filters)[:DISPUTED_SHOWN]
        ]
    return figures


def _totals(filters: StatsFilters) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Articles, sentences, claims and claims by status in scope, and pending claims by the
    age of their article (since import) in fixed buckets: one aggregate of the summaries."""
    now = timezone.now()
    buckets: dict[str, Any] = {}
    newer = None  # the bucket's lower bound in age is the previous one's upper bound
    for number, (_, limit) in enumerate(BACKLOG_BUCKETS):
        age = Q()
        if limit is not None:
            age &= Q(created_at__gt=now - timedelta(days=limit))
        if newer is not None:
            age &= Q(created_at__lte=newer)
        pending = age & Q(summary__pending__gt=0)
        buckets[f"articles_{number}"] = Count("pk", filter=pending)
        buckets[f"pending_{number}"] = Coalesce(Sum("summary__pending", filter=pending), 0)
        newer = now - timedelta(days=limit) if limit is not None else None
    figures = articles_in_scope(filters).aggregate(
        articles=Count("pk"),
        **{name: Coalesce(Sum(f"summary__{name}"), 0) for name in PROGRESS_COUNTS},
        **buckets,
    )
    by_age = [
        {
            "age": name,
            "articles": figures.pop(f"articles_{number}"),
            "pending_claims": figures.pop(f"pending_{number}"),
        }
        for number, (name, _) in enumerate(BACKLOG_BUCKETS)
    ]
    return figures, by_age


def _reviews_by_label(filters: StatsFilters, slug_of: dict[int, str]) -> tuple[dict, int]:
    """Reviews per label (last changed within the dates) and how many reviewers wrote them."""
    reviews = Review.objects.filter(article_q(filters, "article__"), in_dates(filters))
    if filters.reviewer_id is not None:
        reviews = reviews.by(filters.reviewer_id)
    rows = reviews.order_by().values_list("label_id", "reviewer_id").annotate(n=Count("*"))
    by_label = dict.fromkeys(slug_of.values(), 0)
    reviewers = set()
    for label_id, reviewer_id, n in rows:
        by_label[slug_of[label_id]] += n
        reviewers.add(reviewer_id)
    return by_label, len(reviewers)


def _verdicts_by_label(
    filters: StatsFilters, slug_of: dict[int, str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Verdicts per label (last changed within the dates), and how many are drafts, published
    and flagged for an editor (a review changed after them)."""
    verdicts = Verdict.objects.filter(article_q(filters, "article__"), in_dates(filters))
    if filters.reviewer_id is not None:
        # The verdicts on the sentences the reviewer rated.
        verdicts = verdicts.filter(
            Exists(Review.objects.by(filters.reviewer_id).filter(sentence=OuterRef("sentence_id")))
        )
    rows = (
        verdicts.order_by()
        .values_list("label_id", "needs_attention", "published")
        .annotate(n=Count("*"))
    )
    by_label = dict.fromkeys(slug_of.values(), 0)
    publishing = {"drafts": 0, "published": 0, "flagged": 0}
    for label_id, needs_attention, published, n in rows:
        by_label[slug_of[label_id]] += n
        publishing["published" if published else "drafts"] += n
        publishing["flagged"] += n if needs_attention else 0
    return by_label, publishing


def _throughput(filters: StatsFilters, start: date, end: date) -> list[dict[str, Any]]:
    """Reviews saved per reviewer per day from `start` to `end` (by last change)."""
    window = replace(filters, date_from=start, date_to=end)
    reviews = Review.objects.filter(article_q(filters, "article__"), in_dates(window))
    if filters.reviewer_id is not None:
        reviews = reviews.by(filters.reviewer_id)
    rows = (
        reviews.annotate(day=TruncDate("updated_at"))
        .values_list("reviewer__username", "day")
        .annotate(n=Count("id"))
        .order_by("day", "reviewer__username")
    )
    return [{"reviewer": name, "day": day.isoformat(), "reviews": n} for name, day, n in rows]


def disputed_sentences(filters: StatsFilters) -> QuerySet[Sentence]:
    """Disputed sentences in scope with their reviews, the most recently changed first.

    With a reviewer, the disputes that reviewer is part of. Two queries however many.
    """
    sentences = Sentence.objects.disputed().filter(article_q(filters, "article__"))
    if filters.reviewer_id is not None:
        sentences = sentences.filter(
            Exists(Review.objects.by(filters.reviewer_id).filter(sentence=OuterRef("pk")))
        )
    return (
        sentences.select_related("article")
        .only("id", "index", "text", "updated_at", "article__id", "article__title")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("reviewer", "label")
                .only("id", "sentence_id", "note", "reviewer__username", "label__slug")
                .order_by("reviewer__username", "id"),
            )
        )
        .order_by("-updated_at", "-id")
    )


def disputed_row(sentence: Sentence) -> dict[str, Any]:
    """A disputed sentence (from `disputed_sentences`) as the stats, the dashboard and its
    CSV show it: the one place this row is built."""
    return {
        "sentence": sentence.pk,
        "article": sentence.article_id,
        "article_title": sentence.article.title,
        "index": sentence.index,
        "text": sentence.text,
        "updated_at": sentence.updated_at.isoformat(),
        "reviews": [
            {
                "reviewer": review.reviewer.get_username(),
                "label": review.label.slug,
                "note": review.note,
            }
            for review in sentence.reviews.all()
        ],
    }


# Agreement from the units, the sentences with two or more reviews, each carrying what its
# reviews add up to (Sentence.review_codes / review_labels, kept by the services). Units repeat
# a few combinations of (reviewer, label) codes, so the database counts the units of each, and
# from those come kappa's pairs (every two reviewers of a unit) and the patterns of label counts
# whose sums give Krippendorff's alpha (see Sums.add). Over time, the units last reviewed in
# the charts' window are counted by day and pattern. Per article, alpha comes from the sums each
# article's summary keeps, or, with dates or a reviewer, from the units counted by article and
# pattern.


def _agreement(
    filters: StatsFilters,
    labels: list[dict[str, Any]],
    start: date,
    end: date,
    article_sums: list[tuple],
) -> dict[str, Any]:
    """Krippendorff's alpha overall, per label, per article and over time; kappa per pair.

    The units are the sentences in scope with at least two reviews, all their reviews
    counted; with dates, those last reviewed within them; with a reviewer, those the reviewer
    reviewed, and only the reviewer's pairs. Two queries (three with dates or a reviewer).
    The partial index sentence_unit_idx covers them (on PostgreSQL, with the columns read).
    """
    units = (
        Sentence.objects.units()
        .filter(article_q(filters, "article__"), in_dates(filters, "reviewed_at"))
        .order_by()
    )
    if filters.reviewer_id is not None:
        units = units.reviewed_by(filters.reviewer_id)
    scale = Scale(labels)
    pattern_of_text = _pattern_reader(scale)
    patterns: Counter[tuple[int, ...]] = Counter()
    confusions: defaultdict[tuple[int, int], Counter] = defaultdict(Counter)
    for codes, n in units.values_list("review_codes").annotate(n=Count("*")):
        parsed = review_codes_parse(codes)
        patterns[scale.pattern_of(label for _, label in parsed)] += n
        for (a, label_a), (b, label_b) in combinations(parsed, 2):
            if filters.reviewer_id in (None, a, b):
                confusions[a, b][scale.slug_of[label_a], scale.slug_of[label_b]] += n
    total = Sums(scale)
    for pattern, n in patterns.items():
        total.add(n, list(pattern))

    # Over time: only the units last reviewed within the charts' window, by day.
    days: defaultdict[date, Sums] = defaultdict(lambda: Sums(scale))
    window = units.filter(in_dates(replace(filters, date_from=start, date_to=end), "reviewed_at"))
    for day, pattern, n in (
        window.annotate(day=TruncDate("reviewed_at"))
        .values_list("day", "review_labels")
        .annotate(n=Count("*"))
    ):
        days[_as_date(day)].add(n, pattern_of_text(pattern))

    if narrowed(filters):
        article_sums = _article_sums(units, scale, pattern_of_text)
    per_article = []
    for article, n, dis, squares in sorted(article_sums or ()):
        if (alpha := agreement.nominal_alpha(int(n), float(dis), int(squares))) is not None:
            per_article.append({"article": article, "alpha_nominal": alpha})
    return {
        "sentences": total.units,
        "reviews": total.reviews,
        "alpha_nominal": total.nominal_alpha(),
        "alpha_ordinal": total.ordinal_alpha(),
        "per_article": per_article,
        "per_label": {slug: total.label_alpha(slug) for slug in scale.slugs},
        "over_time": _over_time(days, scale, start, end),
        "pairs": _pairs(confusions),
    }


def _pattern_reader(scale: Scale) -> Callable[[str], list[int]]:
    """Reads a unit's `review_labels` as its pattern on the scale, each text parsed once."""

    @memoize
    def pattern_of_text(review_labels: str) -> list[int]:
        return scale.pattern_from_counts(review_labels_parse(review_labels))

    return pattern_of_text


def _article_sums(
    units: QuerySet[Sentence], scale: Scale, pattern_of_text: Callable[[str], list[int]]
) -> list[tuple]:
    """(article, n, disagreements, squares) of these units, as ArticleSummary keeps them.

    One row per article and pattern (tens of thousands for a busy reviewer): each pattern is
    worked out once, and the per-article label totals are plain lists.
    """
    patterns: dict[str, tuple[int, float, list[tuple[int, int]]]] = {}
    sums: dict[int, list] = {}
    for article, text, units_of_pattern in units.values_list(
        "article_id", "review_labels"
    ).annotate(n=Count("*")):
        pattern = patterns.get(text)
        if pattern is None:
            counts = pattern_of_text(text)
            m, dis = agreement.unit_disagreement(counts)
            pattern = patterns[text] = (m, dis, [(i, n) for i, n in enumerate(counts) if n])
        m, dis, present = pattern
        entry = sums.get(article)
        if entry is None:
            entry = sums[article] = [0, 0.0, [0] * len(scale.ids)]
        entry[0] += units_of_pattern * m
        entry[1] += units_of_pattern * dis
        totals = entry[2]
        for i, n in present:
            totals[i] += units_of_pattern * n
    return [
        (article, n, dis, sum(c * c for c in totals)) for article, (n, dis, totals) in sums.items()
    ]


def _as_date(value: date | str) -> date:
    """SQLite gives the day as text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _over_time(days: dict[date, Sums], scale: Scale, start: date, end: date) -> list[dict]:
    """Nominal alpha per day, week or month of the window, by the day sentences were last
    reviewed; the sums of days add up, so a period's figure is that of its days together."""
    span = (end - start).days + 1
    period = "day" if span <= 14 else "week" if span <= 26 * 7 else "month"

    def period_start(day: date) -> date:
        if period == "week":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1) if period == "month" else day

    periods: dict[date, list[Sums]] = {}
    day = start
    while day <= end:
        periods.setdefault(period_start(day), [])
        day += timedelta(days=1)
    for day, sums in days.items():
        if start <= day <= end:
            periods[period_start(day)].append(sums)
    result = []
    for first, parts in sorted(periods.items()):
        sums = Sums.total(parts, scale)
        result.append(
            {
                "period": period,
                "start": first.isoformat(),
                "sentences": sums.units,
                "alpha_nominal": sums.nominal_alpha(),
            }
        )
    return result


def _pairs(confusions: dict[tuple[int, int], Counter]) -> list[dict[str, Any]]:
    """Cohen's kappa of every two reviewers from their confusion matrix, by usernames."""
    ids = {reviewer for pair in confusions for reviewer in pair}
    names = dict(
        get_user_model().objects.filter(pk__in=ids).values_list("pk", "username") if ids else []
    )
    result = []
    for (a, b), confusion in sorted(confusions.items()):
        kappa, observed = agreement.kappa_from_confusion(confusion)
        result.append(
            {
                "reviewers": [names.get(a), names.get(b)],
                "units": confusion.total(),
                "kappa": kappa,
                "observed": observed,
            }
        )
    return result
