"""The claim judge's quality on the labelled pairs of tests/data/matching/ (see the READMEs there).

"same" is scored as a yes/no question: label "same" against "opposite" and "different". Each set
is held at the figures the judge reached on it (rounded down) in the report run of
benchmarks/matching_eval.py --final: the three tuning sets (the tuning pool) and the three
held-out sets, which no rule was tuned on and which are below the goal of 0.9
(docs/claim-matching.md, "Quality"), so that a change that makes matching worse fails here.
Raising a held-out floor needs a better judge measured in a new round, not retuning to that set.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

from annotations.matching.judge import OPPOSITE, SAME, Claim, judge

DATA = Path(__file__).resolve().parent / "data" / "matching"

# set -> (precision, recall, share of "opposite" pairs called opposite), the floors asserted,
# each the judge's figures rounded down. Tuning halves: after the rules written from them
# (tuning 0.970 0.914 1.000; round2/tuning 0.988 0.892 1.000; round3/tuning 0.971 0.708 0.857).
# Held-out halves: the report run after those rules (heldout 0.885 0.755 0.889; round2/heldout
# 0.940 0.724 0.792; round3/heldout 0.909 0.532 0.815). Round 3 holds twice as many
# paraphrases and synonyms as the first two: its held-out recall is the honest figure.
FLOORS = {
    "tuning": (0.96, 0.91, 1.0),
    "round2/tuning": (0.98, 0.89, 1.0),
    "round3/tuning": (0.97, 0.70, 0.85),
    "heldout": (0.88, 0.75, 0.88),
    "round2/heldout": (0.94, 0.72, 0.79),
    "round3/heldout": (0.90, 0.53, 0.81),
}
# The most of a set's retrieved distractors (pairs the search would propose that are not the
# same claim; benchmarks/matching_eval.py) the judge may call "same": the report run called
# at most 5 of 1,030 (round 2's tuning half); 3 of 1,065 and 0 of 1,035 on round 3.
DISTRACTORS_CALLED_SAME = 0.01


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


def _evaluation():
    """benchmarks/matching_eval.py, which builds the distractors (not a package: loaded by path)."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "matching_eval.py"
    spec = importlib.util.spec_from_file_location("matching_eval", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("half", list(FLOORS))
def test_the_judge_calls_almost_none_of_the_retrieved_distractors_the_same_claim(half):
    evaluation = _evaluation()
    with open(DATA / f"{half}.jsonl", encoding="utf-8") as lines:
        pairs = [json.loads(line) for line in lines if line.strip()]
    near = evaluation.distractors(pairs)
    called = [pair for pair in near if judge(*evaluation.claims(pair)).relation == SAME]

    assert len(near) == evaluation.DISTRACTORS * len(pairs)
    assert len(called) <= DISTRACTORS_CALLED_SAME * len(near), [
        (pair["a"], pair["b"]) for pair in called
    ]
