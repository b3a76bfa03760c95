"""The claim judge's quality on the labelled pairs of tests/data/matching/ (see the README there).

"same" is scored as a yes/no question: label "same" against "opposite" and "different". The
tuning half must stay at the goal (precision and recall >= 0.9); the held-out half, which no rule
was tuned on, at what the judge reached when it was first measured (below the goal: see
docs/claim-matching.md, "Quality"), so that a change that makes matching worse fails here.
benchmarks/matching_eval.py prints the same figures with the baselines beside them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from annotations.matching.judge import OPPOSITE, SAME, Claim, judge

DATA = Path(__file__).resolve().parent / "data" / "matching"

# half -> (precision, recall, share of "opposite" pairs called opposite), the floors asserted.
# Held-out: the figures first measured (0.788, 0.765, 0.852), rounded down; the goal is 0.9.
FLOORS = {
    "tuning": (0.9, 0.9, 0.95),
    "heldout": (0.78, 0.76, 0.85),
}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _figures(half: str) -> tuple[float, float, float]:
    with open(DATA / f"{half}.jsonl", encoding="utf-8") as lines:
        pairs = [json.loads(line) for line in lines if line.strip()]
    tp = fp = fn = opposite = opposites = 0
    for pair in pairs:
        language = pair.get("language") or "en"
        result = judge(
            Claim(pair["a"], language, _day(pair.get("a_published"))),
            Claim(pair["b"], language, _day(pair.get("b_published"))),
        )
        said_same, is_same = result.relation == SAME, pair["label"] == SAME
        tp += said_same and is_same
        fp += said_same and not is_same
        fn += is_same and not said_same
        if pair["label"] == OPPOSITE:
            opposites += 1
            opposite += result.relation == OPPOSITE
    return tp / (tp + fp), tp / (tp + fn), opposite / opposites


@pytest.mark.parametrize("half", list(FLOORS))
def test_the_judge_keeps_its_precision_recall_and_opposites(half):
    precision, recall, opposite = _figures(half)
    floor_precision, floor_recall, floor_opposite = FLOORS[half]
    assert precision >= floor_precision, f"{half}: precision {precision:.3f}"
    assert recall >= floor_recall, f"{half}: recall {recall:.3f}"
    assert opposite >= floor_opposite, f"{half}: opposite {opposite:.3f}"
