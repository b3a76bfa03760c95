"""The dashboard at /dashboard/: pages, CSV downloads and the SVG charts they draw.

Every figure comes from `selectors.stats`, the function behind /api/stats/ as well; this module
only validates the filters, arranges the figures into tables and chart geometry (templates draw
the SVG, so everything is escaped) and writes CSV.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date

from annotations import selectors
from annotations.errors import InvalidInput
from annotations.fields import date_in_range, datetime_in_range
from annotations.models import Review
from annotations.permissions import Viewer, viewer_for

MAX_SPAN_DAYS = 3660
DAYS_MESSAGE = "Must be a whole number of days from 1 to 3660."
ARTICLES_PER_PAGE = 50

# Fills that read on white and under dark text (contrast >= 4.5 for the labels drawn on them).
STATUS_COLOURS = {
    "pending": "#b8c0c8",
    "in_review": "#7fb2e5",
    "disputed": "#f2a65a",
    "final": "#5fbf7f",
}
STATUS_NAMES = {
    "pending": "Pending",
    "in_review": "In review",
    "disputed": "Disputed",
    "final": "Final",
}
# Okabe and Ito's palette, told apart by people with colour-blindness; one colour per reviewer.
REVIEWER_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"]
# Kappa / alpha bands after Landis and Koch, red (worse than chance) to green (almost perfect).
KAPPA_BANDS = [
    (0.0, "#e8857a", "below 0: worse than chance"),
    (0.2, "#f6c18b", "0 to 0.2: slight"),
    (0.4, "#fbe39a", "0.2 to 0.4: fair"),
    (0.6, "#dcee9f", "0.4 to 0.6: moderate"),
    (0.8, "#a8d98c", "0.6 to 0.8: substantial"),
    (math.inf, "#6cc07a", "0.8 to 1: almost perfect"),
]
NO_VALUE_COLOUR = "#eef0f2"


# --- Filters --------------------------------------------------------------------------------
class IsoDateField(forms.Field):
    """A day whose whole span, in the site's time zone and in UTC, is a valid date-time: the
    figures count from its first instant to the next day's (9999-12-31 has no next day)."""

    def to_python(self, value: str | None) -> date | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(f"{value[:40]!r} is not a date like 2026-11-30.", code="invalid")
        return day_in_range(parsed)


def day_in_range(value: date) -> date:
    """`value` if the instants the figures read around it exist; else a ValidationError."""
    try:
        date_in_range(value, days_after=1)  # the end of the day, and a chart's next period
        datetime_in_range(datetime.combine(value, time.min))  # its start, in UTC
    except ValueError:
        raise ValidationError(
            f"{value.isoformat()} is out of range: choose a day from 0001-01-02 to 9999-12-29.",
            code="out_of_range",
        ) from None
    return value


class StatsFilterForm(forms.Form):
    """The filters of /dashboard/, its CSV downloads and /api/stats/, validated alike."""

    source = forms.CharField(required=False, max_length=200)
    tag = forms.CharField(required=False, max_length=50)
    reviewer = forms.CharField(required=False, max_length=150)
    days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_SPAN_DAYS,
        error_messages={key: DAYS_MESSAGE for key in ("invalid", "min_value", "max_value")},
    )

    def __init__(self, data: Any, *, viewer: Viewer) -> None:
        super().__init__(data)
        self.viewer = viewer
        # "from" is a Python keyword, so these two cannot be declared above.
        dates = {"from": IsoDateField(required=False), "to": IsoDateField(required=False)}
        self.fields = {**dates, **self.fields}
        self.reviewer_id: int | None = None

    # With closed reviewing a reviewer may name only the sources and tags of their own
    # articles; any other answers as if it did not exist (selectors.filter_articles).
    def clean_tag(self) -> str:
        tag = self.cleaned_data["tag"].strip()
        if tag and not selectors.filter_tags(self.viewer).filter(name=tag).exists():
            raise ValidationError(f"No tag is called {tag!r}.")
        return tag

    def clean_source(self) -> str:
        source = self.cleaned_data["source"].strip()
        if source and not selectors.filter_articles(self.viewer).filter(source=source).exists():
            raise ValidationError(f"No article comes from the source {source!r}.")
        return source

    def clean_reviewer(self) -> str:
        username = self.cleaned_data["reviewer"].strip()
        if not username:
            return ""
        if not self.viewer.is_editor and username != self.viewer.user.get_username():
            raise ValidationError("Reviewers see only their own figures; leave reviewer empty.")
        found = get_user_model().objects.filter(username=username).values_list("pk", flat=True)
        if not found:
            raise ValidationError(f"No reviewer is called {username!r}.")
        self.reviewer_id = found[0]
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        today = timezone.localdate()
        if start and start > (end or today):
            self.add_error(
                "from", f"The start, {start}, is after the end, {end or f'today ({today})'}."
            )
        elif start and ((end or today) - start).days >= MAX_SPAN_DAYS:
            self.add_error(
                "from",
                f"The dates may span at most {MAX_SPAN_DAYS} days; leave From empty "
                "to count all time.",
            )
        elif end and not start and "days" not in self.errors:
            # Without From, the charts show the `days` days up to To: they too must exist.
            days = data.get("days") or 30
            try:
                day_in_range(end - timedelta(days=days - 1))
            except (OverflowError, ValidationError):
                self.add_error(
                    "to", f"The {days} days up to {end} start too early; choose a later day."
                )
        return data

    def filters(self) -> selectors.StatsFilters:
        data = self.cleaned_data
        return selectors.StatsFilters(
            date_from=data["from"],
            date_to=data["to"],
            source=data["source"],
            tag=data["tag"],
            reviewer=data["reviewer"],
            reviewer_id=self.reviewer_id,
            days=data["days"] or 30,
        )

    def error_dict(self) -> dict[str, list[str]]:
        return {field: list(messages) for field, messages in self.errors.items()}


def stats_filters(data: Any, viewer: Viewer) -> selectors.StatsFilters:
    """Validated filters from query parameters; InvalidInput ({field: [message]}) if bad."""
    form = StatsFilterForm(data, viewer=viewer)
    if not form.is_valid():
        raise InvalidInput(form.error_dict())
    return form.filters()


# --- Pages ----------------------------------------------------------------------------------
@login_required
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
        "label_rows": _label_rows(stats),
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


def _label_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
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


# --- Charts ---------------------------------------------------------------------------------
# Geometry only: the templates in templates/annotations/charts/ draw it as SVG. Each chart
# also carries its numbers as a table, rendered visually hidden for screen readers.
WIDTH = 520  # charts in half a panel; their text stays 12px at this size
WIDE = 1000  # the throughput chart spans the panel


def nice_max(value: float) -> float:
    """A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _ticks(top: float) -> list[float]:
    """Four or five steps up to `top`, whole numbers where the axis counts things."""
    count = next((n for n in (5, 4, 2) if top >= n and (top / n).is_integer()), 4)
    return [top * i / count for i in range(count + 1)]


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def bar_chart(
    chart_id: str,
    *,
    title: str,
    desc: str,
    rows: list[tuple[str, int, str]],
    value_label: str,
) -> dict[str, Any]:
    """Horizontal bars, one per (name, value, colour), with a value axis below."""
    left, right, top, bar, gap = 130, 70, 8, 22, 8
    height = top + len(rows) * (bar + gap) + 44
    plot = WIDTH - left - right
    scale_top = nice_max(max((value for _, value, _ in rows), default=0))
    bars = []
    for i, (name, value, colour) in enumerate(rows):
        length = plot * value / scale_top
        y = top + i * (bar + gap)
        bars.append(
            {
                "name": name,
                "value": _number(value),
                "colour": colour,
                "x": left,
                "y": y,
                "width": length,
                "height": bar,
                "text_x": left + length + 6,
                "text_y": y + bar / 2 + 5,
                "label_y": y + bar / 2 + 5,
            }
        )
    axis_y = top + len(rows) * (bar + gap)
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": WIDTH,
        "height": height,
        "left": left,
        "plot_right": left + plot,
        "axis_y": axis_y,
        "tick_y": axis_y + 16,
        "category_x": left - 8,
        "ticks": [
            {"x": left + plot * t / scale_top, "text": _number(t)} for t in _ticks(scale_top)
        ],
        "value_label": value_label,
        "value_label_x": left + plot / 2,
        "value_label_y": axis_y + 38,
        "bars": bars,
        "table": {"headers": ["", value_label], "rows": [[n, _number(v)] for n, v, _ in rows]},
        "empty": not any(value for _, value, _ in rows),
    }


def throughput_chart(stats: dict[str, Any]) -> dict[str, Any]:
    """Reviews per day (per week over long ranges), stacked by reviewer."""
    start = date.fromisoformat(stats["filters"]["from"])
    end = date.fromisoformat(stats["filters"]["to"])
    span = (end - start).days + 1
    weekly = span > 92
    reviewers = sorted({row["reviewer"] for row in stats["throughput"]})
    colour = {name: REVIEWER_COLOURS[i % len(REVIEWER_COLOURS)] for i, name in enumerate(reviewers)}

    def period(day: date) -> date:
        return day - timedelta(days=day.weekday()) if weekly else day

    periods: dict[date, dict[str, int]] = {}
    day = start
    while day <= end:
        periods.setdefault(period(day), {})
        day += timedelta(days=1)
    for row in stats["throughput"]:
        counts = periods.setdefault(period(date.fromisoformat(row["day"])), {})
        counts[row["reviewer"]] = counts.get(row["reviewer"], 0) + row["reviews"]

    left, right, top, bottom = 56, 12, 10, 56
    height = 240
    plot_w, plot_h = WIDE - left - right, height - top - bottom
    scale_top = nice_max(max((sum(c.values()) for c in periods.values()), default=0))
    slot = plot_w / max(len(periods), 1)
    columns = []
    every = max(1, math.ceil(len(periods) / 7))
    for i, (first, counts) in enumerate(sorted(periods.items())):
        y = top + plot_h
        stack = []
        for name in reviewers:
            if not counts.get(name):
                continue
            h = plot_h * counts[name] / scale_top
            y -= h
            stack.append(
                {
                    "y": y,
                    "height": h,
                    "colour": colour[name],
                    "reviewer": name,
                    "value": counts[name],
                }
            )
        label = f"week of {first:%-d %b}" if weekly else f"{first:%a %-d %b}"
        columns.append(
            {
                "x": left + i * slot + slot * 0.1,
                "width": max(slot * 0.8, 1),
                "stack": stack,
                "label": label,
                "total": sum(counts.values()),
                "tick": f"{first:%-d %b}" if i % every == 0 else "",
                "tick_x": left + i * slot + slot / 2,
            }
        )
    return {
        "id": "chart-throughput",
        "title": "Reviews per week" if weekly else "Reviews per day",
        "desc": f"Reviews saved (by last change) from {start:%-d %b %Y} to {end:%-d %b %Y}, "
        + ("stacked by reviewer." if len(reviewers) > 1 else "by day."),
        "width": WIDE,
        "height": height,
        "left": left,
        "plot_right": left + plot_w,
        "top": top,
        "axis_y": top + plot_h,
        "tick_x": left - 6,
        "tick_y": top + plot_h + 16,
        "ticks": [
            {"y": top + plot_h - plot_h * t / scale_top, "text": _number(t)}
            for t in _ticks(scale_top)
        ],
        "x_label": "Week" if weekly else "Day",
        "x_label_x": left + plot_w / 2,
        "x_label_y": height - 8,
        "y_label": "Reviews",
        "y_label_x": 14,
        "y_label_y": top + plot_h / 2,
        "columns": columns,
        "legend": [{"name": name, "colour": colour[name]} for name in reviewers],
        "table": {
            "headers": ["Week" if weekly else "Day", *reviewers, "Total"],
            "rows": [
                [c["label"], *[_count_of(c, name) for name in reviewers], c["total"]]
                for c in columns
                if c["total"]
            ],
        },
        "empty": not stats["throughput"],
    }


def _count_of(column: dict, reviewer: str) -> int:
    return next((s["value"] for s in column["stack"] if s["reviewer"] == reviewer), 0)


def alpha_chart(over_time: list[dict[str, Any]]) -> dict[str, Any]:
    """Krippendorff's alpha (nominal) per period as points joined by lines, gaps where none."""
    left, right, top, bottom, height = 56, 12, 10, 56, 220
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [row["alpha_nominal"] for row in over_time if row["alpha_nominal"] is not None]
    low = min(0.0, math.floor(min(values, default=0) * 2) / 2)
    span = 1.0 - low

    def y_of(value: float) -> float:
        return top + plot_h * (1.0 - value) / span

    slot = plot_w / max(len(over_time), 1)
    points, segments, current, x_ticks = [], [], [], []
    every = max(1, math.ceil(len(over_time) / 7))
    for i, row in enumerate(over_time):
        x = left + i * slot + slot / 2
        first = date.fromisoformat(row["start"])
        label = {
            "day": f"{first:%-d %b}",
            "week": f"week of {first:%-d %b}",
            "month": f"{first:%b %Y}",
        }[row["period"]]
        alpha = row["alpha_nominal"]
        if alpha is None:
            if len(current) > 1:
                segments.append(current)
            current = []
        else:
            points.append(
                {
                    "x": x,
                    "y": y_of(alpha),
                    "label": label,
                    "alpha": f"{alpha:.2f}",
                    "sentences": row["sentences"],
                }
            )
            current.append(f"{x:.1f},{y_of(alpha):.1f}")
        if i % every == 0:
            x_ticks.append(
                {
                    "x": x,
                    "text": f"{first:%b %Y}" if row["period"] == "month" else f"{first:%-d %b}",
                }
            )
    if len(current) > 1:
        segments.append(current)
    ticks = [low + span * i / 4 for i in range(5)]
    period = over_time[0]["period"] if over_time else "period"
    return {
        "id": "chart-alpha",
        "title": "Agreement over time",
        "desc": "Krippendorff's alpha (nominal) of the sentences last reviewed in each "
        f"{period}; 1 is perfect agreement, 0 is what chance gives.",
        "width": WIDTH,
        "height": height,
        "left": left,
        "plot_right": left + plot_w,
        "axis_y": top + plot_h,
        "tick_x": left - 6,
        "tick_y": top + plot_h + 16,
        "zero_y": y_of(0.0),
        "ticks": [{"y": y_of(t), "text": f"{t:.2f}"} for t in ticks],
        "points": points,
        "x_ticks": x_ticks,
        "lines": [" ".join(s) for s in segments],
        "x_label": period.capitalize(),
        "x_label_x": left + plot_w / 2,
        "x_label_y": height - 8,
        "y_label": "Alpha",
        "y_label_x": 14,
        "y_label_y": top + plot_h / 2,
        "table": {
            "headers": ["Period", "Sentences", "Alpha (nominal)"],
            "rows": [
                [row["start"], row["sentences"], _maybe(row["alpha_nominal"])] for row in over_time
            ],
        },
        "empty": not values,
    }


def _maybe(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def kappa_colour(value: float | None) -> str:
    if value is None:
        return NO_VALUE_COLOUR
    return next(colour for upper, colour, _ in KAPPA_BANDS if value < upper)


def kappa_heatmap(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Cohen's kappa of every two reviewers as a grid coloured by agreement band."""
    names = sorted({name for pair in pairs for name in pair["reviewers"] if name})
    index = {name: i for i, name in enumerate(names)}
    cell = max(28, min(64, 480 // max(len(names), 1)))
    left, top = 110, 84
    cells = []
    for pair in pairs:
        a, b = pair["reviewers"]
        kappa = pair["kappa"]
        for row, col in ((index[a], index[b]), (index[b], index[a])):
            cells.append(
                {
                    "x": left + col * cell,
                    "y": top + row * cell,
                    "colour": kappa_colour(kappa),
                    "text": "–" if kappa is None else f"{kappa:.2f}",
                    "title": f"{a} and {b}: kappa {_maybe(kappa)} over {pair['units']} sentences",
                    "show_text": cell >= 36,
                    "text_x": left + col * cell + cell / 2,
                    "text_y": top + row * cell + cell / 2,
                }
            )
    return {
        "id": "chart-kappa",
        "title": "Cohen's kappa per pair of reviewers",
        "desc": "Each cell is the agreement of two reviewers on the sentences both reviewed; "
        "greener is better, red is worse than chance, grey is undefined.",
        "width": left + cell * len(names) + 12,
        "height": top + cell * len(names) + 12,
        "cell": cell,
        "half": cell / 2,
        "names": [
            {
                "name": name,
                "row_y": top + i * cell + cell / 2 + 4,
                "col_x": left + i * cell + cell / 2,
                "diag_x": left + i * cell,
                "diag_y": top + i * cell,
            }
            for i, name in enumerate(names)
        ],
        "left": left,
        "top": top,
        "category_x": left - 8,
        "col_label_y": top - 8,
        "cells": cells,
        "table": {
            "headers": ["Reviewers", "Sentences both reviewed", "Kappa", "Observed agreement"],
            "rows": [
                [
                    " and ".join(p["reviewers"]),
                    p["units"],
                    _maybe(p["kappa"]),
                    _maybe(p["observed"]),
                ]
                for p in pairs
            ],
        },
        "empty": not pairs,
    }


# --- CSV downloads --------------------------------------------------------------------------
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers are left alone: they are ours, not text anyone typed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


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
        [r["slug"], r["name"], r["reviews"], r["verdicts"], r["alpha"]] for r in _label_rows(stats)
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
    response = StreamingHttpResponse(_csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="factcheck-{table}.csv"'
    return response


def _disputed_csv(filters: selectors.StatsFilters, request: HttpRequest) -> tuple[list, Iterable]:
    """Every disputed sentence in scope (the page shows the most recent), streamed."""
    sentences = selectors.disputed_sentences(filters).iterator(chunk_size=500)
    rows = (
        [
            s.pk,
            s.article_id,
            s.article.title,
            s.index,
            s.text,
            s.updated_at.isoformat(),
            "; ".join(f"{r.reviewer.get_username()}: {r.label.slug}" for r in s.reviews.all()),
            _article_url(request, s.article_id, s.pk),
        ]
        for s in sentences
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
