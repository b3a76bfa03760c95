"""Inter-reviewer agreement: Krippendorff's alpha (nominal, ordinal, per label) and Cohen's kappa.

The one implementation of these figures (docs/agreement.md). No Django imports: the selectors
(annotations/selectors/stats.py) feed it small aggregates counted by the database, and the
tests feed it lists (tests/test_agreement.py checks it against a row-based reference and the
`krippendorff` package).

A *unit* is a sentence with two or more reviews. The database does not hand over reviews but
*patterns*: how many reviews of a unit gave each label of the scale, and how many units share
that pattern (units repeat a few patterns: three reviews out of seven labels make 84). Alpha
follows Krippendorff's coincidence-matrix formulation: a unit of `m` values, `n_c` of them `c`,
adds `n_c * n_k / (m - 1)` to the coincidence `o[c, k]` of every two values `c != k`. With `n_c`
the marginals and `n` their total,

    alpha = 1 - (n - 1) * sum(o[c, k] * d(c, k)) / sum(n_c * n_k * d(c, k))    (c != k)

Nominally `d` is 1 for any two different labels, so the observed sum needs only each label's
share of disagreement, `n_c * (m - n_c) / (m - 1)` per unit, and the expected one only
`n^2 - sum(n_c^2)`: the sums a `Sums` (and an article's summary) keeps, and that add up over
days and articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any


class Scale:
    """The labels as the agreement sees them: ids, slugs and ratings, in the scale's order.

    `labels` are mappings with the keys `id`, `slug` and `rating_value` (None for a label
    without a rating, e.g. "unverifiable"), as `Label.objects.values()` gives them.
    """

    def __init__(self, labels: Iterable[Mapping[str, Any]]) -> None:
        labels = list(labels)
        self.ids = [int(label["id"]) for label in labels]
        self.slugs = [label["slug"] for label in labels]
        self.slug_of = dict(zip(self.ids, self.slugs, strict=True))
        self.rating_of = [label["rating_value"] for label in labels]
        self.ratings = sorted({rating for rating in self.rating_of if rating is not None})
        self.rating_pairs = list(combinations(self.ratings, 2))

    def pattern_of(self, label_ids: Iterable[int]) -> tuple[int, ...]:
        """How many of these labels (one per review) are each label of the scale, in order."""
        counts = Counter(label_ids)
        return tuple(counts.get(i, 0) for i in self.ids)

    def pattern_from_counts(self, counts: Mapping[int, int]) -> list[int]:
        """{label id: reviews} as the count of each label of the scale, in order."""
        return [counts.get(i, 0) for i in self.ids]


def unit_disagreement(pattern: Sequence[int]) -> tuple[int, float]:
    """(m, disagreement) of one unit: its reviews and sum(n_c * (m - n_c)) / (m - 1)."""
    m = sum(pattern)
    return m, sum(n * (m - n) for n in pattern) / (m - 1)


class Sums:
    """The additive sums of a set of units (a day, a period, an article, everything)."""

    def __init__(self, scale: Scale) -> None:
        self.scale = scale
        self.units = self.reviews = 0
        self.n: Counter[str] = Counter()
        self.dis = dict.fromkeys(scale.slugs, 0.0)
        self.ratings: Counter[int] = Counter()
        self.ordinal = dict.fromkeys(scale.rating_pairs, 0.0)

    def add(self, units: int, pattern: Sequence[int]) -> None:
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
    def total(cls, parts: Iterable[Sums], scale: Scale) -> Sums:
        """The sums of several sets of units together."""
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
        """Alpha over every label, each two different labels an equal disagreement."""
        n = self.n.total()
        return nominal_alpha(n, sum(self.dis.values()), sum(v * v for v in self.n.values()))

    def label_alpha(self, slug: str) -> float | None:
        """Alpha of "this label or not": its disagreements are the label's own `dis`."""
        n, n_label = self.n.total(), self.n[slug]
        if n < 2 or n_label in (0, n):
            return None
        return 1.0 - (n - 1) * self.dis[slug] / (n_label * (n - n_label))

    def ordinal_alpha(self) -> float | None:
        """Alpha over the rated reviews, with Krippendorff's ordinal metric on the ratings."""
        marginals = +self.ratings
        n = marginals.total()
        if n < 2 or len(marginals) < 2:
            return None
        distance = ordinal_distance(marginals)
        observed = sum(o * distance(v, w) for (v, w), o in self.ordinal.items() if o)
        expected = sum(
            marginals[v] * marginals[w] * distance(v, w) for v, w in combinations(marginals, 2)
        )
        return 1.0 - (n - 1) * observed / expected


def nominal_alpha(n: int, dis: float, squares: int) -> float | None:
    """1 - (n - 1) * dis / (n^2 - sum(n_c^2)) from the values `n`, their disagreements `dis`
    and `squares` = sum(n_c^2); None where undefined (fewer than two values, or one label)."""
    expected = n * n - squares
    if n < 2 or expected == 0:
        return None
    return 1.0 - (n - 1) * dis / expected


def ordinal_distance(marginals: Mapping[int, int]) -> Callable[[int, int], float]:
    """Krippendorff's ordinal metric on ratings: (sum of n_g for g from c to k - (n_c + n_k)
    / 2) ** 2, the ratings ordered by their numbers."""
    order = sorted(marginals)
    rank = {value: i for i, value in enumerate(order)}
    # cumulative[i] = n of the values ranked below i.
    cumulative = [0]
    for value in order:
        cumulative.append(cumulative[-1] + marginals[value])

    def distance(c: int, k: int) -> float:
        i, j = sorted((rank[c], rank[k]))
        between = cumulative[j + 1] - cumulative[i] - (marginals[c] + marginals[k]) / 2
        return between * between

    return distance


def kappa_from_confusion(
    confusion: Counter[tuple[Hashable, Hashable]],
) -> tuple[float | None, float | None]:
    """Cohen's kappa of two reviewers and their observed agreement, from the counts of
    (label of a, label of b) over the units both reviewed; kappa is None where chance
    agreement is certain, both None without units."""
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
