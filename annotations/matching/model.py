"""The claim judge's gate: a logistic regression over features of a pair of claims (what
`judge.examine` computes), deciding whether two claims speak of the same proposition (the same
claim or its opposite) once no figure, date or name contradicts.

Written by benchmarks/matching_fit.py from the tuning pool of tests/data/matching/ (see that
script and docs/claim-matching.md); plain constants, so that no machine learning library is
needed at run time. Pure Python (no Django).
"""

from __future__ import annotations

import math

FEATURES = (
    "content",  # the weighted share of content words in common (judge._similarity)
    "cover_min",  # the share of the less covered side's word weight matched
    "cover_max",  # the share of the better covered side's word weight matched
    "token_set",  # rapidfuzz token_set_ratio / 100
    "heavy_both",  # the lighter of the two sides' heaviest unmatched words / weights.CEILING
    "unmatched_both",  # the fewer of the two sides' unmatched words
    "shared_figure",  # both sides give figures and they agree
    "shared_name",  # a name in common
    "shared_direction",  # a direction word (rise / fall) on both sides
    "length_ratio",  # the shorter side's words / the longer side's
)
# Standardisation (the pool's mean and standard deviation of each feature), then the weights.
MEANS: tuple[float, ...] = (0.0,) * len(FEATURES)
SCALES: tuple[float, ...] = (1.0,) * len(FEATURES)
COEFFICIENTS: tuple[float, ...] = (0.0,) * len(FEATURES)
INTERCEPT = 0.0
# At or above this probability the pair goes on to the rules; below it is "unrelated".
THRESHOLD = 0.0


def score(features: tuple[float, ...]) -> float:
    """The probability that two claims speak of the same proposition."""
    z = INTERCEPT
    for value, mean, scale, coefficient in zip(features, MEANS, SCALES, COEFFICIENTS, strict=True):
        z += coefficient * (value - mean) / scale
    return 1.0 / (1.0 + math.exp(-z))
