"""/dashboard/: the filters, then the figures of `selectors.stats` arranged into the tables and
charts the template draws (no figure is computed here)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations import selectors
from annotations.dashboard.charts import (
    KAPPA_BANDS,
    STATUS_COLOURS,
    STATUS_NAMES,
    alpha_chart,
    bar_chart,
    kappa_heatmap,
    throughput_chart,
)
from annotations.filters import StatsFilterForm
from annotations.models import Review
from annotations.permissions import Viewer, viewer_for
from annotations.replica import replica_reads

ARTICLES_PER_PAGE = 50


@login_required
@replica_reads()  # figures that may lag a moment: from the replica if there is one
def dashboard(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    form = StatsFilterForm(request.GET, viewer=viewer)
    context: dict[str, Any] = {"form": form, "viewer": viewer, "choices": _choices(viewer)}
    if not form.is_valid():
        return render(request, "annotations/dashboard.html", context, status=400)
    filters = selectors.stats_scope(viewer, form.filters())
    stats = selectors.stats(viewer, filters, per_article=False)
    context.update(panels(stats, filters, request.GET))
    context["query"] = urlencode(filters.as_params())
    context["dated"] = bool(filters.date_from or filters.date_to)
    return render(request, "annotations/dashboard.html", context)


def _choices(viewer: Viewer) -> dict[str, list[str]]:
    """The values the filter menus offer (three small queries; reviewers only for editors):
    those the viewer's filters accept, so with closed reviewing a reviewer's own."""
    sources = (
        selectors.filter_articles(viewer)
        .exclude(source="")
        .order_by("source")
        .values_list("source")
    )
    choices = {
        "sources": [source for (source,) in sources.distinct()],
        "tags": list(selectors.filter_tags(viewer).order_by("name").values_list("name", flat=True)),
        "reviewers": [],
    }
    if viewer.is_editor:
        # Members of the reviewer group, and anyone else who has reviewed. The first review
        # is looked up in the index's order: as a bare EXISTS, PostgreSQL would rather scan
        # every review hoping to meet one early (costly for a user who has none).
        user_model = get_user_model()
        first_review = Review.objects.filter(reviewer=OuterRef("pk")).order_by(
            "reviewer", "updated_at"
        )
        member = user_model.groups.through.objects.filter(
            user=OuterRef("pk"), group__name="reviewer"
        )
        users = user_model.objects.annotate(
            first_review=Subquery(first_review.values("pk")[:1])
        ).filter(Exists(member) | Q(first_review__isnull=False))
        choices["reviewers"] = list(users.order_by("username").values_list("username", flat=True))
    return choices


def panels(stats: dict[str, Any], filters: selectors.StatsFilters, params: Any) -> dict[str, Any]:
    """Everything the template draws, arranged from the stats (no figure computed here)."""
    labels = stats["labels"]
    agreement = stats["agreement"]
    return {
        "stats": stats,
        "label_rows": label_rows(stats),
        "status_rows": [
            {"status": s, "name": STATUS_NAMES[s], "claims": n, "colour": STATUS_COLOURS[s]}
            for s, n in stats["claims_by_status"].items()
        ],
        "status_colours": STATUS_COLOURS,
        "status_chart": bar_chart(
            "chart-status",
            title="Claims by status",
            desc="Claim sentences in each status now.",
            rows=[
                (STATUS_NAMES[s], n, STATUS_COLOURS[s])
                for s, n in stats["claims_by_status"].items()
            ],
            value_label="Claims",
        ),
        "label_chart": bar_chart(
            "chart-labels",
            title="Reviews by label",
            desc="Reviews that gave each label, in the colours of the rating scale.",
            rows=[
                (lb["name"], stats["reviews_by_label"][lb["slug"]], lb["colour"]) for lb in labels
            ],
            value_label="Reviews",
        ),
        "backlog_chart": bar_chart(
            "chart-backlog",
            title="Pending claims by article age",
            desc="Claims nobody has reviewed yet, by how long ago their article was imported.",
            rows=[
                (b["age"], b["pending_claims"], STATUS_COLOURS["pending"])
                for b in stats["backlog"]["by_age"]
            ],
            value_label="Pending claims",
        ),
        "throughput_chart": throughput_chart(stats),
        "alpha_chart": alpha_chart(agreement["over_time"]),
        "kappa_chart": kappa_heatmap(agreement["pairs"]),
        "kappa_bands": [(colour, text) for _, colour, text in KAPPA_BANDS],
        "articles_page": _articles_page(stats, filters, params),
        "disputed": _disputed_rows(stats.get("disputed_sentences", []), labels),
    }


def label_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    per_label = stats["agreement"]["per_label"]
    return [
        {
            **label,
            "reviews": stats["reviews_by_label"][label["slug"]],
            "verdicts": stats["verdicts_by_label"][label["slug"]],
            "alpha": per_label.get(label["slug"]),
        }
        for label in stats["labels"]
    ]


def _progress_row(row: dict) -> dict:
    """A row of the table: its figures and the segments of its progress bar (in %)."""
    claims = row["claims"]
    segments, x = [], 0.0
    for status in ("final", "in_review", "disputed", "pending"):
        width = 100 * row[status] / claims if claims else 0
        segments.append({"status": status, "x": x, "width": width})
        x += width
    return {**row, "segments": segments}


def _articles_page(stats: dict, filters: selectors.StatsFilters, params: Any) -> dict:
    """One page of the per-article table, sorted as asked (?sort=-pending; newest first)."""
    sort = params.get("sort", "")
    if sort.removeprefix("-") not in selectors.PROGRESS_ORDERS:
        sort = ""
    per_article = stats["agreement"].get("per_article")  # there only when dates or a reviewer
    page = selectors.progress_page(
        filters,
        order=sort,
        page=params.get("page"),
        per_page=ARTICLES_PER_PAGE,
        alpha_of=None
        if per_article is None
        else {row["article"]: row["alpha_nominal"] for row in per_article},
    )
    page.object_list = [_progress_row(row) for row in page.object_list]
    base = {k: v for k, v in params.items() if k not in ("sort", "page")}
    columns = []
    for name, heading in [
        ("title", "Article"),
        ("source", "Source"),
        ("imported", "Imported"),
        ("claims", "Claims"),
        ("pending", "Pending"),
        ("disputed", "Disputed"),
        ("final", "Final"),
        ("progress", "Progress"),
        ("rated", "Rated by you"),
        ("alpha", "Alpha"),
    ]:
        current = sort.removeprefix("-") == name
        descending = current and sort.startswith("-")
        if current:
            next_sort = name if descending else f"-{name}"
        else:  # text from A, numbers from the largest
            next_sort = name if name in ("title", "source") else f"-{name}"
        columns.append(
            {
                "name": name,
                "heading": heading,
                "href": "?" + urlencode({**base, "sort": next_sort}) + "#articles",
                "aria_sort": ("descending" if descending else "ascending") if current else None,
            }
        )
    page_links = {
        "previous": "?"
        + urlencode({**base, "sort": sort, "page": page.previous_page_number()})
        + "#articles"
        if page.has_previous()
        else None,
        "next": "?"
        + urlencode({**base, "sort": sort, "page": page.next_page_number()})
        + "#articles"
        if page.has_next()
        else None,
    }
    return {"page": page, "columns": columns, "links": page_links}


def _disputed_rows(disputed: list[dict], labels: list[dict]) -> list[dict[str, Any]]:
    by_slug = {label["slug"]: label for label in labels}
    return [
        {
            **row,
            "reviews": [{**review, "label": by_slug[review["label"]]} for review in row["reviews"]],
        }
        for row in disputed
    ]
