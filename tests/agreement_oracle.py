"""A reference implementation of the agreement figures, for the tests only.

The straightforward row-based computation: rows ``(unit_id, coder_id, value)`` are grouped
into ``{unit: {coder: value}}`` and alpha is worked out from the coincidence matrix. The
production code (``annotations.agreement``, fed by aggregates from the database) is checked
against it and against the ``krippendorff`` package (tests/test_agreement.py).

The input is a stream of rows ``(unit_id, coder_id, value)``: the unit is a sentence, the coder a
reviewer, the value a label slug (or an integer rating). Rows are grouped once into
``{unit: {coder: value}}``; so a coder gives at most one value per unit, and when the same
``(unit, coder)`` comes twice **the last row wins**. A value of ``None`` means "no value": the row
is skipped (it does not erase an earlier value).

Alpha follows Krippendorff's coincidence-matrix formulation: a unit with ``m_u >= 2`` values adds
``n_uc * n_uk / (m_u - 1)`` to ``o[c, k]`` for every ordered pair of its values (``n_uc * (n_uc -
1) / (m_u - 1)`` on the diagonal), so every pairable unit weighs as much as its number of values.
Units with a single value cannot be paired and are left out, of the marginals too. Then

    alpha = 1 - (n - 1) * sum(o[c, k] * d(c, k)) / sum(n_c * n_k * d(c, k))

over ``c != k``, where ``n_c`` are the marginals of ``o`` and ``n`` their total. Plain dicts and
Counters, because a unit holds only a handful of values: 300,000 rows take about 0.3 s.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import combinations
from operator import itemgetter
from typing import Any

Row = tuple[Hashable, Hashable, Hashable]
Units = dict[Hashable, dict[Hashable, Hashable]]

LEVELS = ("nominal", "ordinal")


def krippendorff_alpha(
    rows: Iterable[Row], *, level: str = "nominal", values: Sequence | None = None
) -> float | None:
    """Krippendorff's alpha of rows ``(unit_id, coder_id, value)``; None when undefined.

    ``level`` is "nominal" (every disagreement counts the same) or "ordinal" (disagreements count
    by how many values lie between the two, per the marginal frequencies). ``values`` is the
    scale: its order is the ordinal order, and a value outside it is an error. Without it the
    ordinal order is the values' own sort order. Values of the scale nobody used change nothing.

    Undefined (None) when fewer than two values can be paired, or when all of them are the same
    (no expected disagreement).
    """
    if level not in LEVELS:
        raise ValueError(f"level {level!r} is not supported; choose one of {', '.join(LEVELS)}")
    units = _group(rows)
    return _alpha((coders.values() for coders in units.values()), level=level, scale=values)


def cohen_kappa(pairs: Iterable[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's (nominal) kappa of two raters from ``(value_a, value_b)`` per unit both rated.

    None when undefined: no pairs, or chance agreement is certain (both raters used one and the
    same value throughout). Pairs with a None on either side are skipped.
    """
    confusion = Counter((a, b) for a, b in pairs if a is not None and b is not None)
    return kappa_from_confusion(confusion)[0]


def pairwise_kappa(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Cohen's kappa of every two coders who share at least one unit, sorted by coder ids.

    Each entry is ``{"coders": (a, b), "units": n, "kappa": k, "observed": p_o}`` with ``a < b``;
    ``observed`` is the share of common units on which they gave the same value, ``kappa`` is
    None when undefined (see `cohen_kappa`). Coder ids must be mutually orderable.
    """
    return _pairwise(_group(rows))


def agreement_summary(
    rows: Iterable[Row], *, ordinal_values: Mapping[Hashable, int | None] | None = None
) -> dict[str, Any]:
    """Every agreement figure of one set of reviews, grouping the rows once.

    Rows are ``(sentence_id, reviewer_id, label_slug)``, one per review, e.g.::

        Review.objects.values_list("sentence_id", "reviewer_id", "label__slug").iterator()

    and ``ordinal_values`` maps a label slug to its rating 1..5, e.g.::

        dict(Label.objects.filter(rating_value__isnull=False).values_list("slug", "rating_value"))

    Answers::

        {
            "units": sentences with at least two reviews,
            "reviews": reviews of those sentences,
            "alpha_nominal": alpha over all labels, or None,
            "alpha_ordinal": alpha over the ratings, or None,
            "pairs": pairwise_kappa(rows),
        }

    The ordinal figure only counts reviews whose label is in ``ordinal_values`` with a rating
    that is not None (the others are ignored, so a sentence needs two *rated* reviews to count
    there); ratings are ordered by their numbers. Without ``ordinal_values`` it is None.
    """
    units = _group(rows)
    pairable = [coders for coders in units.values() if len(coders) >= 2]
    alpha_ordinal = None
    if ordinal_values is not None:
        ratings = {value: rating for value, rating in ordinal_values.items() if rating is not None}
        rated = ([ratings[v] for v in coders.values() if v in ratings] for coders in pairable)
        alpha_ordinal = _alpha(rated, level="ordinal", scale=sorted(set(ratings.values())))
    return {
        "units": len(pairable),
        "reviews": sum(len(coders) for coders in pairable),
        "alpha_nominal": _alpha((coders.values() for coders in pairable), level="nominal"),
        "alpha_ordinal": alpha_ordinal,
        "pairs": _pairwise(units),
    }


def _group(rows: Iterable[Row]) -> Units:
    units: Units = {}
    for unit, coder, value in rows:
        if value is None:
            continue
        coders = units.get(unit)
        if coders is None:
            units[unit] = {coder: value}
        else:
            coders[coder] = value  # the last row wins
    return units


def _alpha(
    units: Iterable[Iterable[Hashable]], *, level: str, scale: Sequence | None = None
) -> float | None:
    """Alpha from the values of each unit (one collection of values per unit)."""
    # Units repeat a few patterns (three reviews out of seven labels make 84 multisets), so each
    # multiset of values is counted once and worked out once. Sorting by hash only makes equal
    # multisets look alike; it needs no order among the values.
    patterns = Counter(tuple(sorted(unit_values, key=hash)) for unit_values in units)
    # Off-diagonal coincidences only: the diagonal carries no disagreement, and the marginals
    # n_c are counted directly as integers.
    coincidences: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    marginals: Counter[Hashable] = Counter()
    for pattern, times in patterns.items():
        m = len(pattern)
        if m < 2:
            continue
        counts = Counter(pattern)
        for value, n_value in counts.items():
            marginals[value] += n_value * times
        weight = times / (m - 1)
        for (c, n_c), (k, n_k) in combinations(counts.items(), 2):
            coincidences[c, k] += n_c * n_k * weight
    if scale is not None:
        _check_scale(marginals, scale)
    n = marginals.total()
    if n < 2 or len(marginals) < 2:
        return None
    # `coincidences` holds each unordered pair once; o and the expected sum are symmetric, so
    # both sums below are halves of the full ones and the ratio is unchanged.
    if level == "nominal":
        observed = sum(coincidences.values())
        expected = (n * n - sum(n_c * n_c for n_c in marginals.values())) / 2
    else:
        distance = ordinal_distance(marginals, scale)
        observed = sum(o * distance(c, k) for (c, k), o in coincidences.items())
        expected = sum(
            marginals[c] * marginals[k] * distance(c, k) for c, k in combinations(marginals, 2)
        )
    return 1.0 - (n - 1) * observed / expected


def _check_scale(marginals: Counter[Hashable], scale: Sequence) -> None:
    allowed = set(scale)
    outside = [value for value in marginals if value not in allowed]
    if outside:
        raise ValueError(
            f"value {outside[0]!r} is not on the scale; choose one of "
            + ", ".join(repr(value) for value in scale)
        )


def ordinal_distance(
    marginals: Counter[Hashable], scale: Sequence | None
) -> Callable[[Hashable, Hashable], float]:
    """Krippendorff's ordinal metric: (sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2."""
    if scale is None:
        try:
            order = sorted(marginals)
        except TypeError:
            raise ValueError("ordinal alpha needs `values` when the values do not sort") from None
    else:
        if len(set(scale)) != len(scale):
            raise ValueError("the scale `values` lists a value twice")
        order = [value for value in scale if value in marginals]
    rank = {value: i for i, value in enumerate(order)}
    # cumulative[i] = n of the values ranked below i.
    cumulative = [0]
    for value in order:
        cumulative.append(cumulative[-1] + marginals[value])

    def distance(c: Hashable, k: Hashable) -> float:
        i, j = sorted((rank[c], rank[k]))
        between = cumulative[j + 1] - cumulative[i] - (marginals[c] + marginals[k]) / 2
        return between * between

    return distance


def kappa_from_confusion(
    confusion: Counter[tuple[Hashable, Hashable]],
) -> tuple[float | None, float | None]:
    """(kappa, observed agreement) from counts of (value_a, value_b)."""
    n = confusion.total()
    if n == 0:
        return None, None
    agree = sum(count for (a, b), count in confusion.items() if a == b)
    rows: Counter[Hashable] = Counter()
    cols: Counter[Hashable] = Counter()
    for (a, b), count in confusion.items():
        rows[a] += count
        cols[b] += count
    # In integers, kappa = (n * agree - sum r_c c_c) / (n^2 - sum r_c c_c): exact test for p_e = 1.
    chance = sum(count * cols[value] for value, count in rows.items())
    if chance == n * n:
        return None, agree / n
    return (n * agree - chance) / (n * n - chance), agree / n


def _pairwise(units: Units) -> list[dict[str, Any]]:
    # One flat count of (coder a, coder b, value of a, value of b), split into one confusion
    # matrix per pair of coders afterwards.
    cells = Counter(
        (a, b, value_a, value_b)
        for coders in units.values()
        if len(coders) >= 2
        for (a, value_a), (b, value_b) in combinations(sorted(coders.items(), key=itemgetter(0)), 2)
    )
    confusions: defaultdict[tuple[Hashable, Hashable], Counter] = defaultdict(Counter)
    for (a, b, value_a, value_b), count in cells.items():
        confusions[a, b][value_a, value_b] = count
    result = []
    for coders, confusion in sorted(confusions.items(), key=itemgetter(0)):
        kappa, observed = kappa_from_confusion(confusion)
        result.append(
            {"coders": coders, "units": confusion.total(), "kappa": kappa, "observed": observed}
        )
    return result
