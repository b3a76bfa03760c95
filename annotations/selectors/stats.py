"""The figures of /api/stats/ and /dashboard/: counts, progress, throughput, agreement."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import combinations
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Lower, TruncDate
from django.utils import timezone

from annotations import agreement
from annotations.models import (
    Article,
    Assignment,
    History,
    Label,
    Review,
    Sentence,
    Tag,
    Verdict,
)
from annotations.permissions import Viewer
from annotations.services import summaries

# --- Stats: the figures of /api/stats/ and /dashboard/ -----------------------------------------
# Both interfaces call `stats`, so the page and the API can never disagree. Everything is
# aggregated in the database in a fixed number of queries, whatever the number of articles,
# sentences or reviewers; the agreement figures are worked out from small aggregates with the
# formulas of annotations.agreement (see _agreement).

STATS_CACHE_SECONDS = 300  # also bounds how stale the time-dependent figures (backlog age) get
DISPUTED_SHOWN = 50  # disputed sentences in the stats; the CSV download lists them all
BACKLOG_BUCKETS = (("<1 day", 1), ("1-7 days", 7), ("7-30 days", 30), (">30 days", None))


@dataclass(frozen=True)
class StatsFilters:
    """What the figures cover (validated by annotations.dashboard.StatsFilterForm).

    `source`, `tag` and `reviewer` narrow the articles; `date_from` / `date_to` (days in the
    site's time zone, both included) narrow the activity: reviews and verdicts by their last
    change, agreement by the day a sentence was last reviewed. Without dates activity is
    counted over all time, and the charts over time show the last `days` days.
    """

    date_from: date | None = None
    date_to: date | None = None
    source: str = ""
    tag: str = ""
    reviewer: str = ""  # a username; reviewer_id is its pk
    reviewer_id: int | None = None
    days: int = 30

    def window(self, today: date) -> tuple[date, date]:
        """The days the charts over time cover."""
        end = self.date_to or today
        start = self.date_from or end - timedelta(days=self.days - 1)
        return start, end

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (empty ones left out), for links and CSV URLs."""
        params = {
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "source": self.source,
            "tag": self.tag,
            "reviewer": self.reviewer,
            "days": str(self.days) if self.days != 30 else "",
        }
        return {key: value for key, value in params.items() if value}


def stats_scope(viewer: Viewer, filters: StatsFilters) -> StatsFilters:
    """The filters a viewer's figures really use: a reviewer sees only their own."""
    if viewer.is_editor:
        return filters
    return replace(filters, reviewer=viewer.user.get_username(), reviewer_id=viewer.user.pk)


def filter_articles(viewer: Viewer) -> QuerySet[Article]:
    """The articles whose sources and tags the viewer's filters may name and menus offer.

    Everyone's when the viewer may see every article; with closed reviewing, a reviewer's own
    (those their figures cover), so that a source or tag of articles they may not see answers
    exactly as one that does not exist.
    """
    if viewer.sees_all_articles:
        return Article.objects.all()
    return _articles_in_scope(StatsFilters(reviewer_id=viewer.user.pk))


def filter_tags(viewer: Viewer) -> QuerySet[Tag]:
    """The tags the viewer's filters may name (all, or those of filter_articles)."""
    if viewer.sees_all_articles:
        return Tag.objects.all()
    return Tag.objects.filter(articles__in=filter_articles(viewer)).distinct()


def stats(
    viewer: Viewer, filters: StatsFilters | None = None, *, per_article: bool = True
) -> dict[str, Any]:
    """Counts, progress, backlog, throughput, agreement and disputes: the one source.

    `per_article=False` leaves out the figures listed per article (`progress` and the
    agreement's `per_article`) where the default scope makes them available from
    `progress_page` a page at a time: the dashboard shows 50 articles, not all.

    Cached under a key that changes whenever a review, verdict, sentence, article, assignment
    or label changes (two small queries, see _stats_fingerprint), so a cached answer is never
    stale; STATS_CACHE_SECONDS only bounds the time-dependent figures (the backlog's ages).
    """
    filters = stats_scope(viewer, filters or StatsFilters())
    today = timezone.localdate()
    labels = list(
        Label.objects.order_by("order", "id").values(
            "id", "slug", "name", "colour", "rating_value", "active"
        )
    )
    key = _cache_key(
        "stats",
        [tuple(label.values()) for label in labels],
        viewer.is_editor,
        sorted(filters.as_params().items()),
        filters.reviewer_id,
        per_article,
    )
    figures = cache.get(key)
    if figures is None:
        figures = _stats_compute(viewer, filters, labels, today, per_article)
        cache.set(key, figures, STATS_CACHE_SECONDS)
    return figures


def _cache_key(kind: str, *parts: Any) -> str:
    """A cache key for figures of `kind` computed from `parts`, which changes with the data."""
    today = timezone.localdate().isoformat()
    zone = timezone.get_current_timezone_name()
    value = repr((_stats_fingerprint(), today, zone, parts))
    return f"{kind}:2:" + hashlib.sha256(value.encode()).hexdigest()


def _stats_fingerprint() -> tuple:
    """Values that change whenever anything the figures count changes; each an index probe.

    Every write of a review or verdict adds a History row (deletes too) and bumps its
    sentence's updated_at; imports add articles and sentences; assignments are few.
    """
    table = {
        model: connection.ops.quote_name(model._meta.db_table)
        for model in (History, Sentence, Article, Assignment)
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {table[History]}),"
            f" (SELECT MAX(id) FROM {table[Sentence]}),"
            f" (SELECT MAX(updated_at) FROM {table[Sentence]}),"
            f" (SELECT MAX(id) FROM {table[Article]}),"
            f" (SELECT COUNT(*) FROM {table[Article]}),"
            f" (SELECT MAX(id) FROM {table[Assignment]}),"
            f" (SELECT COUNT(*) FROM {table[Assignment]})"
        )
        return tuple(str(value) for value in cursor.fetchone())


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
        progress, article_sums = _progress(filters)
    reviews_by_label, reviewers = _reviews_by_label(filters, slug_of)
    verdicts_by_label, flagged = _verdicts_by_label(filters, slug_of)
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
        "reviewers": reviewers,
        "backlog": {
            "pending_claims": totals[Sentence.Status.PENDING],
            "disputed": totals[Sentence.Status.DISPUTED],
            "verdicts_needing_attention": flagged,
            "by_age": backlog_by_age,
        },
        "throughput": _throughput(filters, start, end),
        "agreement": _agreement(filters, labels, start, end, article_sums),
    }
    if progress is not None:
        figures["progress"] = progress
    elif not _narrowed(filters):
        del figures["agreement"]["per_article"]  # progress_page has it, a page at a time
    if viewer.is_editor:
        figures["disputed_sentences"] = [
            _disputed_row(sentence) for sentence in disputed_sentences(filters)[:DISPUTED_SHOWN]
        ]
    return figures


def _article_q(filters: StatsFilters, prefix: str = "") -> Q:
    """The source and tag filters on articles, from a model `prefix` away (e.g. "article__")."""
    q = Q()
    if filters.source:
        q &= Q(**{f"{prefix}source": filters.source})
    if filters.tag:
        q &= Q(**{f"{prefix}tags__name": filters.tag})
    return q


def _datetime_range(filters: StatsFilters) -> tuple[datetime | None, datetime | None]:
    """The date filters as [start, end) instants in the site's time zone."""
    zone = timezone.get_current_timezone()
    start = end = None
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, tzinfo=zone)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _in_dates(filters: StatsFilters, field: str = "updated_at") -> Q:
    start, end = _datetime_range(filters)
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start})
    if end:
        q &= Q(**{f"{field}__lt": end})
    return q


def _narrowed(filters: StatsFilters) -> bool:
    """Whether dates or a reviewer narrow the units of agreement (per-article alpha then
    cannot come from the articles' summaries, which count all their units)."""
    return bool(filters.date_from or filters.date_to or filters.reviewer_id is not None)


def _articles_in_scope(filters: StatsFilters) -> QuerySet[Article]:
    """The articles the figures cover. A reviewer's are those assigned to them and those they
    reviewed in."""
    articles = Article.objects.filter(_article_q(filters))
    if filters.reviewer_id is not None:
        mine = filters.reviewer_id
        # As semi-joins: the reviewer's reviews are read once (by review_reviewer_idx), not
        # probed for every article.
        articles = articles.filter(
            Q(pk__in=Assignment.objects.filter(reviewer=mine).values("article_id"))
            | Q(pk__in=Review.objects.filter(reviewer=mine).values("article_id"))
        )
    return articles


# The counts of each row of the per-article figures (claims by status), in this order.
PROGRESS_COUNTS = ("sentences", "claims", *Sentence.Status.values)
_SUMS = ("units", "unit_reviews", "unit_disagreement", "unit_label_squares")


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
    figures = _articles_in_scope(filters).aggregate(
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


def _progress(filters: StatsFilters) -> tuple[list[dict[str, Any]], list[tuple]]:
    """Per article in scope, newest first: sentences, claims and claims by status (and for a
    reviewer `rated`, the claims they rated), from the summaries the services keep.

    One query (two for a reviewer). Also returns each article's agreement sums (article, n,
    disagreements, squares), for the per-article alpha.
    """
    rated = {}
    if filters.reviewer_id is not None:
        rated = dict(
            Review.objects.filter(reviewer=filters.reviewer_id, sentence__kind=Sentence.Kind.CLAIM)
            .order_by()
            .values_list("article_id")
            .annotate(n=Count("id"))
        )
    rows, article_sums = [], []
    for values in (
        _articles_in_scope(filters)
        .order_by("-created_at", "-id")
        .values_list(*_ROW_FIELDS, *(f"summary__{name}" for name in _SUMS))
    ):
        row = _row(values)
        if filters.reviewer_id is not None:
            row["rated"] = rated.get(row["article"], 0)
        rows.append(row)
        units, n, dis, squares = values[len(_ROW_FIELDS) :]
        if units:
            article_sums.append((row["article"], n, dis, squares))
    return rows, article_sums


# A row of the per-article figures, read from an article and its summary.
_ROW_FIELDS = (
    "id",
    "title",
    "source",
    "created_at",
    *(f"summary__{name}" for name in PROGRESS_COUNTS),
)
_ROW_KEYS = ("article", "title", "source", "created_at", *PROGRESS_COUNTS)


def _row(values: tuple) -> dict[str, Any]:
    row = dict(zip(_ROW_KEYS, values, strict=False))
    row["created_at"] = row["created_at"].isoformat()
    return row


# The orders the dashboard's table offers: ascending as named, "-name" for descending; ties and
# the default newest first. Articles without a figure (no claims, no alpha) sort as smallest.
PROGRESS_ORDERS = (
    "title",
    "source",
    "imported",
    "claims",
    "pending",
    "disputed",
    "final",
    "progress",
    "rated",
    "alpha",
)


def progress_page(
    filters: StatsFilters,
    *,
    order: str = "",
    page: Any = 1,
    per_page: int = 50,
    alpha_of: dict[int, float] | None = None,
) -> Page:
    """One page of the per-article figures of `stats` (the same rows as its `progress`), sorted
    and paginated in the database: two queries, whatever the number of articles, cached as
    `stats` is (one query when cached).

    Each row also has `alpha` (nominal, per article). Unnarrowed it is worked out in the query
    from the article's summary; with dates or a reviewer, pass the agreement's `per_article`
    as `alpha_of` (and an order by alpha then sorts all rows here, as no query holds them).
    """
    key = _cache_key(
        "progress",
        sorted(filters.as_params().items()),
        filters.reviewer_id,
        order,
        str(page),
        per_page,
        alpha_of is not None,
    )
    cached = cache.get(key)
    if cached is None:
        result = _progress_page(filters, order, page, per_page, alpha_of)
        cached = (list(result.object_list), result.paginator.count, result.number)
        cache.set(key, cached, STATS_CACHE_SECONDS)
    rows, count, number = cached
    return Page(rows, number, Paginator(range(count), per_page))


def _progress_page(
    filters: StatsFilters,
    order: str,
    page: Any,
    per_page: int,
    alpha_of: dict[int, float] | None,
) -> Page:
    articles = _articles_in_scope(filters).annotate(rated=_rated(filters), alpha=_alpha_kept())
    name = order.removeprefix("-")
    ordering: list[Any] = []
    if name in PROGRESS_ORDERS:
        field = _ORDER_BY.get(name) or F(f"summary__{name}")
        ordering.append(
            field.desc(nulls_last=True) if order.startswith("-") else field.asc(nulls_first=True)
        )
    rows: Any = articles.order_by(*ordering, "-created_at", "-id").values_list(
        *_ROW_FIELDS, "rated", "alpha"
    )
    if alpha_of is not None and name == "alpha":  # the alpha of narrowed units: sorted here
        rows = sorted(
            rows.order_by("-created_at", "-id"),
            key=lambda row: (alpha_of.get(row[0]) is not None, alpha_of.get(row[0], 0)),
            reverse=order.startswith("-"),
        )
    result = Paginator(rows, per_page).get_page(page)
    page_rows = []
    for values in result.object_list:
        row = _row(values)
        rated, alpha = values[len(_ROW_FIELDS) :]
        row["rated"] = rated
        row["alpha"] = alpha if alpha_of is None else alpha_of.get(row["article"])
        page_rows.append(row)
    result.object_list = page_rows
    return result


# How the orders that are not a summary's column sort.
_ORDER_BY: dict[str, Any] = {
    "title": Lower("title"),
    "source": Lower("source"),
    "imported": F("created_at"),
    "progress": Case(
        When(summary__claims=0, then=Value(1.0)),
        default=Cast("summary__final", FloatField()) / Cast("summary__claims", FloatField()),
        output_field=FloatField(),
    ),
    "rated": F("rated"),
    "alpha": F("alpha"),
}


def _rated(filters: StatsFilters) -> Any:
    """The claims of each article the reviewer in scope rated (0 without a reviewer)."""
    if filters.reviewer_id is None:
        return Value(0)
    return Coalesce(
        Subquery(
            Review.objects.filter(
                article=OuterRef("pk"),
                sentence__kind=Sentence.Kind.CLAIM,
                reviewer=filters.reviewer_id,
            )
            .order_by()
            .values("reviewer")
            .annotate(n=Count("id"))
            .values("n")
        ),
        0,
    )


def _alpha_kept() -> Any:
    """Nominal alpha from an article's kept sums, as _nominal_alpha; NULL where undefined."""
    n = Cast("summary__unit_reviews", FloatField())
    expected = n * n - Cast("summary__unit_label_squares", FloatField())
    return Case(
        When(
            Q(summary__unit_reviews__gte=2)
            & ~Q(
                summary__unit_label_squares=F("summary__unit_reviews") * F("summary__unit_reviews")
            ),
            then=Value(1.0) - (n - Value(1.0)) * F("summary__unit_disagreement") / expected,
        ),
        default=None,
        output_field=FloatField(),
    )


def _reviews_by_label(filters: StatsFilters, slug_of: dict[int, str]) -> tuple[dict, int]:
    """Reviews per label (last changed within the dates) and how many reviewers wrote them."""
    reviews = Review.objects.filter(_article_q(filters, "article__"), _in_dates(filters))
    if filters.reviewer_id is not None:
        reviews = reviews.filter(reviewer=filters.reviewer_id)
    rows = reviews.order_by().values_list("label_id", "reviewer_id").annotate(n=Count("*"))
    by_label = dict.fromkeys(slug_of.values(), 0)
    reviewers = set()
    for label_id, reviewer_id, n in rows:
        by_label[slug_of[label_id]] += n
        reviewers.add(reviewer_id)
    return by_label, len(reviewers)


def _verdicts_by_label(filters: StatsFilters, slug_of: dict[int, str]) -> tuple[dict, int]:
    """Verdicts per label (last changed within the dates) and how many need an editor."""
    verdicts = Verdict.objects.filter(_article_q(filters, "article__"), _in_dates(filters))
    if filters.reviewer_id is not None:
        # The verdicts on the sentences the reviewer rated.
        verdicts = verdicts.filter(
            Exists(
                Review.objects.filter(
                    sentence=OuterRef("sentence_id"), reviewer=filters.reviewer_id
                )
            )
        )
    rows = verdicts.order_by().values_list("label_id", "needs_attention").annotate(n=Count("*"))
    by_label = dict.fromkeys(slug_of.values(), 0)
    flagged = 0
    for label_id, needs_attention, n in rows:
        by_label[slug_of[label_id]] += n
        flagged += n if needs_attention else 0
    return by_label, flagged


def _throughput(filters: StatsFilters, start: date, end: date) -> list[dict[str, Any]]:
    """Reviews saved per reviewer per day from `start` to `end` (by last change)."""
    window = replace(filters, date_from=start, date_to=end)
    reviews = Review.objects.filter(_article_q(filters, "article__"), _in_dates(window))
    if filters.reviewer_id is not None:
        reviews = reviews.filter(reviewer=filters.reviewer_id)
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
    sentences = Sentence.objects.filter(
        _article_q(filters, "article__"), status=Sentence.Status.DISPUTED
    )
    if filters.reviewer_id is not None:
        sentences = sentences.filter(
            Exists(Review.objects.filter(sentence=OuterRef("pk"), reviewer=filters.reviewer_id))
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


def _disputed_row(sentence: Sentence) -> dict[str, Any]:
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
# whose sums give Krippendorff's alpha (see _Sums.add). Over time, the units last reviewed in
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
    units = Sentence.objects.filter(
        _article_q(filters, "article__"), _in_dates(filters, "reviewed_at"), review_count__gte=2
    ).order_by()
    if filters.reviewer_id is not None:
        units = units.filter(summaries.reviewed_by(filters.reviewer_id))
    scale = _Scale(labels)
    patterns: Counter[tuple[int, ...]] = Counter()
    confusions: defaultdict[tuple[int, int], Counter] = defaultdict(Counter)
    for codes, n in units.values_list("review_codes").annotate(n=Count("*")):
        parsed = summaries.codes_parse(codes)
        patterns[scale.pattern_of(label for _, label in parsed)] += n
        for (a, label_a), (b, label_b) in combinations(parsed, 2):
            if filters.reviewer_id in (None, a, b):
                confusions[a, b][scale.slug_of[label_a], scale.slug_of[label_b]] += n
    total = _Sums(scale)
    for pattern, n in patterns.items():
        total.add(n, list(pattern))

    # Over time: only the units last reviewed within the charts' window, by day.
    days: defaultdict[date, _Sums] = defaultdict(lambda: _Sums(scale))
    window = units.filter(_in_dates(replace(filters, date_from=start, date_to=end), "reviewed_at"))
    for day, pattern, n in (
        window.annotate(day=TruncDate("reviewed_at"))
        .values_list("day", "review_labels")
        .annotate(n=Count("*"))
    ):
        days[_as_date(day)].add(n, scale.pattern(pattern))

    if _narrowed(filters):
        article_sums = _article_sums(units, scale)
    per_article = []
    for article, n, dis, squares in sorted(article_sums or ()):
        if (alpha := _nominal_alpha(int(n), float(dis), int(squares))) is not None:
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


def _article_sums(units: QuerySet[Sentence], scale: _Scale) -> list[tuple]:
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
            counts = scale.pattern(text)
            m = sum(counts)
            dis = sum(n * (m - n) for n in counts) / (m - 1)
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


class _Scale:
    """The labels as the agreement query sees them: ids, slugs and ratings."""

    def __init__(self, labels: list[dict[str, Any]]) -> None:
        self.ids = [int(label["id"]) for label in labels]
        self.slugs = [label["slug"] for label in labels]
        self.slug_of = dict(zip(self.ids, self.slugs, strict=True))
        self.rating_of = [label["rating_value"] for label in labels]
        self.ratings = sorted({rating for rating in self.rating_of if rating is not None})
        self.rating_pairs = list(combinations(self.ratings, 2))
        self._patterns: dict[str, list[int]] = {}

    def pattern_of(self, label_ids: Iterable[int]) -> tuple[int, ...]:
        """How many of these labels are each label of the scale, in scale order."""
        counts = Counter(label_ids)
        return tuple(counts.get(i, 0) for i in self.ids)

    def pattern(self, review_labels: str) -> list[int]:
        """A unit's `review_labels` as its count of each label, in scale order."""
        if review_labels not in self._patterns:
            counts = summaries.labels_parse(review_labels)
            self._patterns[review_labels] = [counts.get(i, 0) for i in self.ids]
        return self._patterns[review_labels]


class _Sums:
    """The additive sums of a set of units (a day, a period, everything)."""

    def __init__(self, scale: _Scale) -> None:
        self.scale = scale
        self.units = self.reviews = 0
        self.n: Counter[str] = Counter()
        self.dis = dict.fromkeys(scale.slugs, 0.0)
        self.ratings: Counter[int] = Counter()
        self.ordinal = dict.fromkeys(scale.rating_pairs, 0.0)

    def add(self, units: int, pattern: list[int]) -> None:
        """`units` units whose reviews gave each label (in scale order) these many times.

        A unit adds n_c * n_k / (m - 1) to the coincidence of every two values c != k; per
        label that is n_c * (m - n_c) / (m - 1) ("dis"). The ordinal sums count only rated
        reviews, in units with two or more of them.
        """
        m = sum(pattern)
        self.units += units
        self.reviews += units * m
        rated: Counter[int] = Counter()
        for slug, rating, n in zip(self.scale.slugs, self.scale.rating_of, pattern, strict=True):
            if n:
                self.n[slug] += units * n
                self.dis[slug] += units * n * (m - n) / (m - 1)
                if rating is not None:
                    rated[rating] += n
        m_rated = rated.total()
        if m_rated >= 2:
            for rating, n in rated.items():
                self.ratings[rating] += units * n
            for v, w in combinations(sorted(rated), 2):
                self.ordinal[v, w] += units * rated[v] * rated[w] / (m_rated - 1)

    @classmethod
    def total(cls, parts: Iterable[_Sums], scale: _Scale) -> _Sums:
        total = cls(scale)
        for part in parts:
            total.units += part.units
            total.reviews += part.reviews
            total.n.update(part.n)
            total.ratings.update(part.ratings)
            for slug, dis in part.dis.items():
                total.dis[slug] += dis
            for pair, o in part.ordinal.items():
                total.ordinal[pair] += o
        return total

    def nominal_alpha(self) -> float | None:
        n = self.n.total()
        return _nominal_alpha(n, sum(self.dis.values()), sum(v * v for v in self.n.values()))

    def label_alpha(self, slug: str) -> float | None:
        """Alpha of "this label or not": its disagreements are the label's own `dis`."""
        n, n_label = self.n.total(), self.n[slug]
        if n < 2 or n_label in (0, n):
            return None
        return 1.0 - (n - 1) * self.dis[slug] / (n_label * (n - n_label))

    def ordinal_alpha(self) -> float | None:
        """As annotations.agreement computes it, from the ratings' coincidences."""
        marginals = +self.ratings
        n = marginals.total()
        if n < 2 or len(marginals) < 2:
            return None
        distance = agreement.ordinal_distance(marginals, sorted(marginals))
        observed = sum(o * distance(v, w) for (v, w), o in self.ordinal.items() if o)
        expected = sum(
            marginals[v] * marginals[w] * distance(v, w) for v, w in combinations(marginals, 2)
        )
        return 1.0 - (n - 1) * observed / expected


def _as_date(value: date | str) -> date:
    """SQLite gives the day as text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _nominal_alpha(n: int, dis: float, squares: int) -> float | None:
    """1 - (n - 1) * sum(o[c, k], c != k) / (n^2 - sum(n_c^2)); None where undefined."""
    expected = n * n - squares
    if n < 2 or expected == 0:
        return None
    return 1.0 - (n - 1) * dis / expected


def _over_time(days: dict[date, _Sums], scale: _Scale, start: date, end: date) -> list[dict]:
    """Nominal alpha per day, week or month of the window, by the day sentences were last
    reviewed; the sums of days add up, so a period's figure is that of its days together."""
    span = (end - start).days + 1
    period = "day" if span <= 14 else "week" if span <= 26 * 7 else "month"

    def period_start(day: date) -> date:
        if period == "week":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1) if period == "month" else day

    periods: dict[date, list[_Sums]] = {}
    day = start
    while day <= end:
        periods.setdefault(period_start(day), [])
        day += timedelta(days=1)
    for day, sums in days.items():
        if start <= day <= end:
            periods[period_start(day)].append(sums)
    result = []
    for first, parts in sorted(periods.items()):
        sums = _Sums.total(parts, scale)
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
