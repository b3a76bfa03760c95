"""The dashboard's charts as geometry, which the templates in templates/annotations/charts/ draw
as SVG (so every text is escaped).

Each chart also carries its numbers as a table, rendered visually hidden for screen readers.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

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
