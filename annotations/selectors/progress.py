"""The per-article progress table of /api/stats/ and /dashboard/: counts by status from the
articles' summaries, a reviewer's rated claims, and the nominal alpha each summary keeps."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower

from annotations.models import Review, Sentence
from annotations.selectors.articles import rated_claims
from annotations.selectors.scope import (
    STATS_CACHE_SECONDS,
    StatsFilters,
    articles_in_scope,
    cache_key,
)

# The counts of each row of the per-article figures (claims by status), in this order.
PROGRESS_COUNTS = ("sentences", "claims", *Sentence.Status.values)
_SUMS = ("units", "unit_reviews", "unit_disagreement", "unit_label_squares")


def progress_rows(filters: StatsFilters) -> tuple[list[dict[str, Any]], list[tuple]]:
    """Per article in scope, newest first: sentences, claims and claims by status (and for a
    reviewer `rated`, the claims they rated), from the summaries the services keep.

    One query (two for a reviewer). Also returns each article's agreement sums (article, n,
    disagreements, squares), for the per-article alpha.
    """
    rated = {}
    if filters.reviewer_id is not None:
        rated = dict(
            Review.objects.by(filters.reviewer_id)
            .of_claims()
            .order_by()
            .values_list("article_id")
            .annotate(n=Count("id"))
        )
    rows, article_sums = [], []
    for values in (
        articles_in_scope(filters)
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
    key = cache_key(
        "progress",
        filters,
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
    articles = articles_in_scope(filters).annotate(rated=_rated(filters), alpha=_alpha_kept())
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
    return rated_claims(filters.reviewer_id)


def _alpha_kept() -> Any:
    """Nominal alpha from an article's kept sums, as annotations.agreement.nominal_alpha works
    it out; NULL where undefined."""
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
