"""Agreement figures: Krippendorff's worked example, the `krippendorff` package, Cohen's kappa.

No Django and no database. `annotations.agreement` (the one implementation, fed with patterns
the database counts) is checked against the worked example, the `krippendorff` package and a
row-based reference (tests/agreement_oracle.py), which is checked the same way further down.
"""

import random
from collections import Counter
from fractions import Fraction

import pytest

from annotations.agreement import (
    Scale,
    Sums,
    kappa_from_confusion,
    nominal_alpha,
    unit_disagreement,
)
from tests.agreement_oracle import (
    agreement_summary,
    cohen_kappa,
    krippendorff_alpha,
    pairwise_kappa,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1..5, None where an observer gave no value. Published: nominal alpha .743,
# ordinal .815 (interval .849, ratio .797). Unit 12 has a single value and cannot be paired.
WORKED_EXAMPLE = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def matrix_rows(matrix: dict, rename=lambda value: value) -> list[tuple]:
    """(unit, coder, value) rows of a reliability matrix {coder: [value per unit]}."""
    return [
        (unit, coder, rename(value))
        for coder, values in matrix.items()
        for unit, value in enumerate(values)
        if value is not None
    ]


# --- The production sums (annotations.agreement) --------------------------------------------


def scale_of(values, ratings=None) -> Scale:
    """A scale whose label ids are the values, rated by `ratings` (by default their own value)."""
    ratings = ratings or {value: value for value in values}
    return Scale([{"id": v, "slug": f"v{v}", "rating_value": ratings[v]} for v in values])


def sums_of(matrix: dict, scale: Scale) -> Sums:
    """The sums of a reliability matrix, fed as the stats feed them: one pattern per unit."""
    units: dict = {}
    for unit, _coder, value in matrix_rows(matrix):
        units.setdefault(unit, []).append(value)
    sums = Sums(scale)
    patterns = Counter(scale.pattern_of(values) for values in units.values() if len(values) >= 2)
    for pattern, times in patterns.items():
        sums.add(times, list(pattern))
    return sums


def random_matrix(rng: random.Random, scale: list[int]) -> dict:
    missing = rng.choice([0.0, 0.2, 0.5, 0.7])
    return {
        coder: [
            None if rng.random() < missing else rng.choice(scale) for _ in range(rng.randint(2, 25))
        ]
        for coder in range(rng.randint(2, 6))
    }


def test_sums_reproduce_the_published_worked_example():
    sums = sums_of(WORKED_EXAMPLE, scale_of([1, 2, 3, 4, 5]))

    assert (sums.units, sums.reviews) == (11, 40)
    assert round(sums.nominal_alpha(), 3) == 0.743
    assert round(sums.ordinal_alpha(), 3) == 0.815


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_sums_match_the_krippendorff_package_and_the_reference_on_random_data(level):
    krippendorff = pytest.importorskip("krippendorff")
    rng = random.Random(20240611)
    compared = 0
    for _ in range(300):
        values = list(range(1, rng.randint(2, 6) + 1))
        matrix = random_matrix(rng, values)
        sums = sums_of(matrix, scale_of(values))
        ours = sums.nominal_alpha() if level == "nominal" else sums.ordinal_alpha()
        reference = krippendorff_alpha(matrix_rows(matrix), level=level, values=values)
        if ours is None:
            assert reference is None
            continue
        width = max(len(row) for row in matrix.values())
        reliability_data = [
            [float("nan") if value is None else value for value in row]
            + [float("nan")] * (width - len(row))
            for row in matrix.values()
        ]
        theirs = krippendorff.alpha(
            reliability_data=reliability_data, value_domain=values, level_of_measurement=level
        )
        assert ours == pytest.approx(float(theirs), abs=1e-9)
        assert ours == pytest.approx(reference, abs=1e-9)
        compared += 1
    assert compared >= 250


def test_label_alpha_is_the_nominal_alpha_of_this_label_or_not():
    rng = random.Random(5)
    compared = 0
    for _ in range(200):
        values = list(range(1, rng.randint(2, 5) + 1))
        matrix = random_matrix(rng, values)
        sums = sums_of(matrix, scale_of(values))
        for value in values:
            binary = [(u, c, v == value) for u, c, v in matrix_rows(matrix)]
            reference = krippendorff_alpha(binary)
            ours = sums.label_alpha(f"v{value}")
            if reference is None:
                assert ours is None
            else:
                assert ours == pytest.approx(reference, abs=1e-9)
                compared += 1
    assert compared >= 300


def test_ordinal_sums_count_only_rated_reviews_in_units_with_two_of_them():
    """Labels without a rating (unverifiable) count for nominal alpha, not for ordinal."""
    rng = random.Random(11)
    ratings = {1: 1, 2: 3, 3: None, 4: 5, 5: None}
    slugs = {value: f"v{value}" for value in ratings}
    for _ in range(200):
        matrix = random_matrix(rng, list(ratings))
        sums = sums_of(matrix, scale_of(list(ratings), ratings))
        rows = [(u, c, slugs[v]) for u, c, v in matrix_rows(matrix)]
        reference = agreement_summary(
            rows, ordinal_values={slugs[v]: rating for v, rating in ratings.items()}
        )

        assert (sums.units, sums.reviews) == (reference["units"], reference["reviews"])
        for ours, theirs in [
            (sums.nominal_alpha(), reference["alpha_nominal"]),
            (sums.ordinal_alpha(), reference["alpha_ordinal"]),
        ]:
            assert (ours is None) == (theirs is None)
            if ours is not None:
                assert ours == pytest.approx(theirs, abs=1e-9)


def test_sums_of_parts_add_up_to_the_sums_of_the_whole():
    """Days add up to periods, and an article's kept (n, dis, squares) give its alpha."""
    rng = random.Random(13)
    scale = scale_of([1, 2, 3, 4])
    units = [[rng.randint(0, 2) for _ in range(4)] for _ in range(120)]
    units = [pattern for pattern in units if sum(pattern) >= 2]
    whole = Sums(scale)
    parts = [Sums(scale) for _ in range(5)]
    for number, pattern in enumerate(units):
        whole.add(1, pattern)
        parts[number % 5].add(1, pattern)

    total = Sums.total(parts, scale)

    assert (total.units, total.reviews, total.n) == (whole.units, whole.reviews, whole.n)
    for figure in ("nominal_alpha", "ordinal_alpha"):
        assert getattr(total, figure)() == pytest.approx(getattr(whole, figure)(), abs=1e-12)
    n = sum(sum(pattern) for pattern in units)
    dis = sum(unit_disagreement(pattern)[1] for pattern in units)
    squares = sum(count * count for count in whole.n.values())
    assert nominal_alpha(n, dis, squares) == pytest.approx(whole.nominal_alpha(), abs=1e-12)


def test_unit_disagreement_is_what_a_unit_adds_to_the_nominal_sums():
    scale = scale_of([1, 2, 3])
    for pattern in ([2, 0, 0], [1, 1, 0], [2, 1, 1], [0, 3, 2]):
        sums = Sums(scale)
        sums.add(1, pattern)

        assert unit_disagreement(pattern) == (sum(pattern), pytest.approx(sum(sums.dis.values())))


def test_nominal_alpha_is_undefined_with_fewer_than_two_values_or_a_single_label():
    assert nominal_alpha(0, 0.0, 0) is None
    assert nominal_alpha(1, 0.0, 1) is None
    assert nominal_alpha(4, 0.0, 16) is None
    assert nominal_alpha(4, 0.0, 8) == 1.0


def test_kappa_from_confusion_equals_the_textbook_formula():
    rng = random.Random(17)
    for _ in range(200):
        labels = ["true", "mixed", "false", "unverifiable"][: rng.randint(2, 4)]
        pairs = [(rng.choice(labels), rng.choice(labels)) for _ in range(rng.randint(1, 40))]
        kappa, observed = kappa_from_confusion(Counter(pairs))

        assert observed == pytest.approx(sum(a == b for a, b in pairs) / len(pairs))
        if len({value for pair in pairs for value in pair}) == 1:
            assert kappa is None
        else:
            assert kappa == pytest.approx(float(reference_kappa(pairs)), abs=1e-12)
    assert kappa_from_confusion(Counter()) == (None, None)


# --- The reference: Krippendorff's alpha from rows ---------------------------------------


def test_alpha_reproduces_the_published_worked_example():
    rows = matrix_rows(WORKED_EXAMPLE)

    assert round(krippendorff_alpha(rows), 3) == 0.743
    assert round(krippendorff_alpha(rows, level="ordinal", values=[1, 2, 3, 4, 5]), 3) == 0.815
    # Without a scale the values' own order is used, which is the same here.
    assert round(krippendorff_alpha(rows, level="ordinal"), 3) == 0.815


def test_ordinal_alpha_follows_the_given_scale_not_the_values_sort_order():
    scale = ["very-low", "low", "mid", "high", "very-high"]
    rows = matrix_rows(WORKED_EXAMPLE, rename=lambda value: scale[value - 1])

    assert round(krippendorff_alpha(rows, level="ordinal", values=scale), 3) == 0.815
    # The ordinal metric only depends on which values lie between two others.
    reversed_scale = scale[::-1]
    assert krippendorff_alpha(rows, level="ordinal", values=reversed_scale) == pytest.approx(
        krippendorff_alpha(rows, level="ordinal", values=scale)
    )
    # Alphabetical order (high, low, mid, very-high, very-low) is another ordinal variable.
    assert round(krippendorff_alpha(rows, level="ordinal"), 3) != 0.815


def test_scale_values_nobody_used_change_nothing():
    rows = matrix_rows(WORKED_EXAMPLE)

    with_unused = krippendorff_alpha(rows, level="ordinal", values=[0, 1, 2, 3, 4, 5, 6])

    assert with_unused == pytest.approx(
        krippendorff_alpha(rows, level="ordinal", values=range(1, 6))
    )


def test_nominal_alpha_ignores_what_the_values_are_called():
    slugs = {1: "false", 2: "misleading", 3: "mixed", 4: "mostly-true", 5: "true"}

    renamed = krippendorff_alpha(matrix_rows(WORKED_EXAMPLE, rename=slugs.get))

    assert renamed == pytest.approx(krippendorff_alpha(matrix_rows(WORKED_EXAMPLE)))


def test_values_with_equal_hashes_are_still_told_apart():
    """Units are grouped by their values sorted by hash; -1 and -2 share a hash in CPython."""
    assert hash(-1) == hash(-2)
    rows = matrix_rows(WORKED_EXAMPLE, rename=lambda value: -value)

    for level in ("nominal", "ordinal"):
        assert krippendorff_alpha(rows, level=level) == pytest.approx(
            krippendorff_alpha(matrix_rows(WORKED_EXAMPLE), level=level)
        )


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_alpha_matches_the_krippendorff_package_on_random_data(level):
    krippendorff = pytest.importorskip("krippendorff")
    rng = random.Random(20240611)
    compared = 0
    for _ in range(300):
        coders = rng.randint(2, 6)
        scale = list(range(1, rng.randint(2, 6) + 1))
        missing = rng.choice([0.0, 0.2, 0.5, 0.7])
        matrix = {
            coder: [
                None if rng.random() < missing else rng.choice(scale)
                for _ in range(rng.randint(2, 25))
            ]
            for coder in range(coders)
        }
        ours = krippendorff_alpha(matrix_rows(matrix), level=level, values=scale)
        if ours is None:
            # Undefined only when fewer than two different values can be paired.
            assert len(pairable_values(matrix)) < 2
            continue
        width = max(len(values) for values in matrix.values())
        reliability_data = [
            [float("nan") if value is None else value for value in values]
            + [float("nan")] * (width - len(values))
            for values in matrix.values()
        ]
        theirs = krippendorff.alpha(
            reliability_data=reliability_data, value_domain=scale, level_of_measurement=level
        )
        assert ours == pytest.approx(float(theirs), abs=1e-9)
        compared += 1
    assert compared >= 250


def pairable_values(matrix: dict) -> set:
    units: dict = {}
    for unit, _coder, value in matrix_rows(matrix):
        units.setdefault(unit, []).append(value)
    return {value for values in units.values() if len(values) >= 2 for value in values}


def test_alpha_of_no_rows_is_undefined():
    assert krippendorff_alpha([]) is None
    assert krippendorff_alpha([], level="ordinal", values=[1, 2, 3]) is None


def test_alpha_of_a_single_coder_is_undefined():
    rows = [(unit, "ann", unit % 3) for unit in range(10)]

    assert krippendorff_alpha(rows) is None
    assert krippendorff_alpha(rows, level="ordinal") is None


def test_alpha_without_expected_disagreement_is_undefined():
    rows = [(unit, coder, "true") for unit in range(5) for coder in ("ann", "bob", "cy")]
    # A different value in a unit nobody else rated cannot be paired and does not count.
    rows.append((99, "ann", "false"))

    assert krippendorff_alpha(rows) is None
    assert krippendorff_alpha(rows, level="ordinal", values=["false", "true"]) is None


def test_units_with_a_single_value_are_ignored():
    rows = matrix_rows(WORKED_EXAMPLE)
    singles = [(100 + i, "A", value) for i, value in enumerate([5, 5, 5, 1, 4])]

    for level in ("nominal", "ordinal"):
        assert krippendorff_alpha(rows + singles, level=level) == krippendorff_alpha(
            rows, level=level
        )


def test_duplicate_unit_and_coder_rows_keep_the_last_value():
    rows = matrix_rows(WORKED_EXAMPLE)
    # Observer A first said 4 on unit 0, then 1 (as in the matrix); observer B said 1 twice.
    duplicated = [(0, "A", 4), *rows, (0, "B", 1)]

    assert krippendorff_alpha(duplicated) == krippendorff_alpha(rows)
    assert krippendorff_alpha([*rows, (0, "A", 4)]) != krippendorff_alpha(rows)


def test_none_values_are_missing_values():
    rows = matrix_rows(WORKED_EXAMPLE)

    assert krippendorff_alpha([*rows, (11, "A", None), (12, "A", None)]) == krippendorff_alpha(rows)


def test_alpha_rejects_unknown_levels_and_values_off_the_scale():
    rows = matrix_rows(WORKED_EXAMPLE)

    with pytest.raises(ValueError, match="level 'interval' is not supported"):
        krippendorff_alpha(rows, level="interval")
    with pytest.raises(ValueError, match="value 5 is not on the scale"):
        krippendorff_alpha(rows, level="ordinal", values=[1, 2, 3, 4])
    with pytest.raises(ValueError, match="lists a value twice"):
        krippendorff_alpha(rows, level="ordinal", values=[1, 2, 2, 3, 4, 5])
    mixed = [(0, "A", 1), (0, "B", "true")]
    with pytest.raises(ValueError, match="needs `values`"):
        krippendorff_alpha(mixed, level="ordinal")


# --- The reference: Cohen's kappa ----------------------------------------------------------


def confusion_pairs(matrix: list[list[int]], categories: list[str]) -> list[tuple[str, str]]:
    """(a, b) pairs from a confusion matrix: rows are rater A's values, columns rater B's."""
    return [
        (a, b)
        for a, row in zip(categories, matrix, strict=True)
        for b, count in zip(categories, row, strict=True)
        for _ in range(count)
    ]


def reference_kappa(pairs: list[tuple]) -> Fraction:
    """Kappa from the textbook formula (p_o - p_e) / (1 - p_e), in exact fractions."""
    n = len(pairs)
    categories = sorted({value for pair in pairs for value in pair})
    p_o = Fraction(sum(1 for a, b in pairs if a == b), n)
    p_e = sum(
        Fraction(sum(1 for a, _ in pairs if a == c), n)
        * Fraction(sum(1 for _, b in pairs if b == c), n)
        for c in categories
    )
    return (p_o - p_e) / (1 - p_e)


def test_cohen_kappa_of_a_2x2_textbook_example():
    #          B yes  B no
    # A yes      20     5    A yes 25/50 = .5, B yes 30/50 = .6
    # A no       10    15
    # p_o = 35/50 = .7; p_e = .5*.6 + .5*.4 = .5; kappa = (.7 - .5) / (1 - .5) = .4
    pairs = confusion_pairs([[20, 5], [10, 15]], ["yes", "no"])

    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert reference_kappa(pairs) == Fraction(2, 5)


def test_cohen_kappa_of_a_3x3_example():
    #          B x  B y  B z   rows
    # A x       10    2    3    15
    # A y        1    8    1    10
    # A z        4    0   11    15
    # columns   15   10   15    n = 40
    # p_o = 29/40 = .725; p_e = (15*15 + 10*10 + 15*15) / 40^2 = 550/1600 = .34375
    # kappa = (.725 - .34375) / (1 - .34375) = .38125 / .65625 = 61/105 = .580952...
    pairs = confusion_pairs([[10, 2, 3], [1, 8, 1], [4, 0, 11]], ["x", "y", "z"])

    assert cohen_kappa(pairs) == pytest.approx(61 / 105)
    assert reference_kappa(pairs) == Fraction(61, 105)


def test_cohen_kappa_matches_the_textbook_formula_on_random_pairs():
    rng = random.Random(7)
    for _ in range(200):
        labels = ["true", "mixed", "false", "unverifiable"][: rng.randint(2, 4)]
        pairs = [(rng.choice(labels), rng.choice(labels)) for _ in range(rng.randint(1, 40))]
        chance_is_certain = len({value for pair in pairs for value in pair}) == 1

        if chance_is_certain:
            assert cohen_kappa(pairs) is None
        else:
            assert cohen_kappa(pairs) == pytest.approx(float(reference_kappa(pairs)), abs=1e-12)


def test_cohen_kappa_undefined_and_perfect_cases():
    assert cohen_kappa([]) is None
    # Both raters always said "true": chance agreement is 1.
    assert cohen_kappa([("true", "true")] * 4) is None
    assert cohen_kappa([("true", "true"), ("false", "false")]) == 1.0
    # Pairs with a missing side are skipped.
    assert cohen_kappa([("true", "true"), ("false", None), (None, "true")]) is None


# --- pairwise kappa and the summary ---------------------------------------------------------

# s1: 1 true, 2 true, 3 mostly-true     s3: 1 unverifiable, 2 true, 3 true
# s2: 1 false, 2 false                  s4: 1 false (a single review)
REVIEWS = [
    ("s1", 1, "true"),
    ("s1", 2, "true"),
    ("s1", 3, "mostly-true"),
    ("s2", 2, "false"),
    ("s2", 1, "false"),
    ("s3", 3, "true"),
    ("s3", 1, "unverifiable"),
    ("s3", 2, "true"),
    ("s4", 1, "false"),
]
RATINGS = {"true": 5, "mostly-true": 4, "false": 1, "unverifiable": None}

# Reviewers 1-2 share s1, s2, s3, agree on 2: p_o = 2/3; marginals 1: true, false, unverifiable,
#   2: true 2, false 1; kappa = (n*agree - sum r_c c_c) / (n^2 - sum r_c c_c) = (6-3)/(9-3) = 1/2
# Reviewers 1-3 share s1, s3, agree on none; sum r_c c_c = 1 (true); kappa = (0-1)/(4-1) = -1/3
# Reviewers 2-3 share s1, s3, agree on s3; sum r_c c_c = 2*1 (true); kappa = (2-2)/(4-2) = 0
PAIRS = [
    {"coders": (1, 2), "units": 3, "kappa": 0.5, "observed": pytest.approx(2 / 3)},
    {"coders": (1, 3), "units": 2, "kappa": pytest.approx(-1 / 3), "observed": 0.0},
    {"coders": (2, 3), "units": 2, "kappa": 0.0, "observed": 0.5},
]


def test_pairwise_kappa_lists_every_two_reviewers_who_share_a_sentence():
    assert pairwise_kappa(REVIEWS) == PAIRS


def test_pairwise_kappa_of_no_rows_or_one_coder_is_empty():
    assert pairwise_kappa([]) == []
    assert pairwise_kappa([("s1", 1, "true"), ("s2", 1, "false")]) == []


def test_agreement_summary_of_a_few_reviews():
    # Nominal, over s1-s3 (8 reviews): n_c true 4, mostly-true 1, false 2, unverifiable 1;
    #   n^2 - sum n_c^2 = 64 - 22 = 42; disagreements sum_u (m_u^2 - sum n_uc^2) / (m_u - 1)
    #   = s1 (9-5)/2 + s2 0 + s3 (9-5)/2 = 4; alpha = 1 - (n-1) * 4/42 = 1 - 28/42 = 1/3.
    # Ordinal, over the rated reviews (unverifiable dropped): s1 5,5,4; s2 1,1; s3 5,5; n = 7,
    #   n_1 = 2, n_4 = 1, n_5 = 4. d(4,5) = (1+4 - 5/2)^2 = 6.25, d(1,4) = (2+0+0+1 - 3/2)^2 = 2.25,
    #   d(1,5) = (2+1+4 - 3)^2 = 16. Observed: o_45 = o_54 = 2*1/2 = 1, so 2 * 6.25 = 12.5.
    #   Expected: 2 * (1*4*6.25 + 2*1*2.25 + 2*4*16) = 315. alpha = 1 - 6 * 12.5/315 = 16/21.
    summary = agreement_summary(REVIEWS, ordinal_values=RATINGS)

    assert summary == {
        "units": 3,
        "reviews": 8,
        "alpha_nominal": pytest.approx(1 / 3),
        "alpha_ordinal": pytest.approx(16 / 21),
        "pairs": PAIRS,
    }


def test_agreement_summary_figures_are_those_of_the_single_functions():
    rng = random.Random(3)
    labels = list(RATINGS)
    # One review per (sentence, reviewer), as the database guarantees.
    cells = rng.sample([(unit, coder) for unit in range(60) for coder in range(5)], 200)
    rows = [(unit, coder, rng.choice(labels)) for unit, coder in cells]
    rated = [(unit, coder, RATINGS[value]) for unit, coder, value in rows if RATINGS[value]]

    summary = agreement_summary(rows, ordinal_values=RATINGS)

    assert summary["alpha_nominal"] == pytest.approx(krippendorff_alpha(rows))
    assert summary["alpha_ordinal"] == pytest.approx(
        krippendorff_alpha(rated, level="ordinal", values=[1, 2, 3, 4, 5])
    )
    assert summary["pairs"] == pairwise_kappa(rows)


def test_agreement_summary_counts_a_sentence_for_ordinal_only_with_two_rated_reviews():
    # s5 has two reviews but one rating: it counts for the nominal figure, not the ordinal one.
    rows = [*REVIEWS, ("s5", 1, "unverifiable"), ("s5", 2, "true")]

    summary = agreement_summary(rows, ordinal_values=RATINGS)

    assert (summary["units"], summary["reviews"]) == (4, 10)
    assert summary["alpha_nominal"] != pytest.approx(1 / 3)
    assert summary["alpha_ordinal"] == pytest.approx(16 / 21)


def test_agreement_summary_without_ratings_has_no_ordinal_figure():
    summary = agreement_summary(REVIEWS)

    assert summary["alpha_ordinal"] is None
    assert summary["alpha_nominal"] == pytest.approx(1 / 3)


def test_agreement_summary_of_no_rows():
    assert agreement_summary([], ordinal_values=RATINGS) == {
        "units": 0,
        "reviews": 0,
        "alpha_nominal": None,
        "alpha_ordinal": None,
        "pairs": [],
    }


def test_agreement_summary_ignores_duplicate_rows_but_the_last():
    rows = [("s1", 1, "false"), *REVIEWS, ("s2", 2, "false")]

    assert agreement_summary(rows, ordinal_values=RATINGS) == agreement_summary(
        REVIEWS, ordinal_values=RATINGS
    )


def test_agreement_summary_takes_the_last_label_before_dropping_unrated_ones():
    """A review changed from 'false' to 'unverifiable' has no rating any more."""
    rows = [*REVIEWS, ("s2", 1, "unverifiable")]

    summary = agreement_summary(rows, ordinal_values=RATINGS)

    # s2 now has one rated review and drops out of the ordinal figure: s1 5,5,4 and s3 5,5.
    # n = 5, n_4 = 1, n_5 = 4: observed 2 * 6.25, expected 2 * 1*4*6.25; 1 - 4 * 12.5/50 = 0.
    assert summary["alpha_ordinal"] == pytest.approx(0.0)
