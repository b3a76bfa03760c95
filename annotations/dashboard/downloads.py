"""The dashboard's tables as CSV (/dashboard/<table>.csv), with the page's filters."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse

from annotations import selectors
from annotations.dashboard.views import label_rows
from annotations.exports.csv import csv_cell as csv_safe  # the export's formula guard
from annotations.filters import StatsFilterForm
from annotations.permissions import viewer_for
from annotations.replica import on_replica, replica_reads


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])


def _article_url(request: HttpRequest, article: int, sentence: int | None = None) -> str:
    anchor = f"#s{sentence}" if sentence else ""
    return request.build_absolute_uri(f"/articles/{article}/{anchor}")


def _status_csv(stats: dict, request: HttpRequest) -> tuple[list[str], Iterable]:
    return ["status", "claims"], stats["claims_by_status"].items()


def _labels_csv(stats: dict, request: HttpRequest) -> tuple[list[str], Iterable]:
    rows = (
        [r["slug"], r["name"], r["reviews"], r["verdicts"], r["alpha"]] for r in label_rows(stats)
    )
    return ["label", "name", "reviews", "verdicts", "alpha_this_label_or_not"], rows


def _articles_csv(stats: dict, request: HttpRequest) -> tuple[list[str], Iterable]:
    alpha_of = {row["article"]: row["alpha_nominal"] for row in stats["agreement"]["per_article"]}
    mine = stats["scope"] == "reviewer"
    counts = selectors.PROGRESS_COUNTS
    header = [
        "article",
        "title",
        "source",
        "imported",
        *counts,
        *(["rated_by_reviewer"] if mine else []),
        "alpha_nominal",
        "url",
    ]
    rows = (
        [
            row["article"],
            row["title"],
            row["source"],
            row["created_at"],
            *(row[name] for name in counts),
            *([row["rated"]] if mine else []),
            alpha_of.get(row["article"]),
            _article_url(request, row["article"]),
        ]
        for row in stats["progress"]
    )
    return header, rows


def _throughput_csv(stats: dict, request: HttpRequest) -> tuple[list[str], Iterable]:
    rows = ([r["day"], r["reviewer"], r["reviews"]] for r in stats["throughput"])
    return ["day", "reviewer", "reviews"], rows


def _pairs_csv(stats: dict, request: HttpRequest) -> tuple[list[str], Iterable]:
    rows = (
        [*p["reviewers"], p["units"], p["kappa"], p["observed"]]
        for p in stats["agreement"]["pairs"]
    )
    return ["reviewer_a", "reviewer_b", "sentences", "kappa", "observed"], rows


def _agreement_time_csv(stats: dict, request: HttpRequest) -> tuple[list[str], Iterable]:
    rows = (
        [r["period"], r["start"], r["sentences"], r["alpha_nominal"]]
        for r in stats["agreement"]["over_time"]
    )
    return ["period", "start", "sentences", "alpha_nominal"], rows


def _backlog_csv(stats: dict, request: HttpRequest) -> tuple[list[str], Iterable]:
    rows = ([b["age"], b["articles"], b["pending_claims"]] for b in stats["backlog"]["by_age"])
    return ["article_age", "articles", "pending_claims"], rows


CSV_TABLES: dict[str, Callable[[dict, HttpRequest], tuple[list[str], Iterable]]] = {
    "status": _status_csv,
    "labels": _labels_csv,
    "articles": _articles_csv,
    "throughput": _throughput_csv,
    "agreement-pairs": _pairs_csv,
    "agreement-time": _agreement_time_csv,
    "backlog": _backlog_csv,
}


@login_required
@replica_reads()  # as the dashboard; the rows stream on the replica too (on_replica)
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One dashboard table as CSV, with the page's filters (`/dashboard/articles.csv?...`)."""
    if table not in CSV_TABLES and table != "disputed":
        raise Http404(f"No table {table!r}.")
    viewer = viewer_for(request.user)
    form = StatsFilterForm(request.GET, viewer=viewer)
    if not form.is_valid():
        lines = [f"{field}: {' '.join(msgs)}" for field, msgs in form.error_dict().items()]
        return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain")
    filters = form.filters()
    if table == "disputed":
        if not viewer.is_editor:
            raise Http404("The disputed sentences are on the editors' dashboard.")
        header, rows = _disputed_csv(selectors.stats_scope(viewer, filters), request)
    else:
        header, rows = CSV_TABLES[table](selectors.stats(viewer, filters), request)
    response = StreamingHttpResponse(on_replica(_csv_lines(header, rows)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="factcheck-{table}.csv"'
    return response


def _disputed_csv(filters: selectors.StatsFilters, request: HttpRequest) -> tuple[list, Iterable]:
    """Every disputed sentence in scope (the page shows the most recent), streamed."""
    sentences = selectors.disputed_sentences(filters).iterator(chunk_size=500)
    rows = (
        [
            row["sentence"],
            row["article"],
            row["article_title"],
            row["index"],
            row["text"],
            row["updated_at"],
            "; ".join(f"{r['reviewer']}: {r['label']}" for r in row["reviews"]),
            _article_url(request, row["article"], row["sentence"]),
        ]
        for row in map(selectors.disputed_row, sentences)  # the row of the stats and the page
    )
    header = [
        "sentence",
        "article",
        "article_title",
        "index",
        "text",
        "updated_at",
        "reviews",
        "url",
    ]
    return header, rows
