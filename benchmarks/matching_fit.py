"""A fitted gate for the claim judge, against the hand-set one: cross-validated on the tuning pool.

    .venv/bin/python benchmarks/matching_fit.py

The judge's rules decide whether a figure, a date, a name, the scope or the actors contradict;
its gate (`judge.GATE` on the weighted share of content words in common) decides whether two
claims speak of the same proposition at all. This script asks whether a logistic regression
(scikit-learn) over the features `judge.examine` computes (`judge.FEATURES`) would gate better:
fitted on the pairs of the tuning pool (tests/data/matching/tuning.jsonl and
round2/tuning.jsonl) that no rule contradicts, target "labelled same or opposite", threshold
the one with the best F1 for "same" over the whole judge. The held-out sets are never read.

Cross-validation: 5 folds by sha256(id) (as benchmarks/matching_eval.py); each fold is judged
by a model and a threshold fitted on the other four, and the estimate is precision and recall
for "same" over the whole pool, to compare with matching_eval.py's cross-validation of the
hand-set gate. (It did not do better, so the judge ships the gate: docs/claim-matching.md.)
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from matching_eval import FOLDS, POOL, claims, load, scores  # noqa: E402

from annotations.matching.judge import FEATURES, GATE, OPPOSITE, SAME, examine  # noqa: E402

# L2 regularisation of the logistic regression (scikit-learn's C: smaller is stronger)
C = 1.0
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.05, 0.96, 0.05))


def fold(pair: dict) -> int:
    return int(hashlib.sha256(pair["id"].encode("utf-8")).hexdigest(), 16) % FOLDS


def table(pairs: list[dict]) -> dict:
    found = [examine(*claims(pair)) for pair in pairs]
    return {
        "x": np.array([f.features for f in found], dtype=float),
        "open": np.array([not f.reasons and f.content >= GATE for f in found]),
        "flipped": np.array([bool(f.flipped) for f in found]),
        "target": np.array([pair["label"] in (SAME, OPPOSITE) for pair in pairs]),
        "pairs": pairs,
    }


def fit(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    regression = LogisticRegression(C=C, max_iter=1000)
    regression.fit((x - mean) / scale, y)
    return mean, scale, regression.coef_[0], float(regression.intercept_[0])


def probabilities(x: np.ndarray, fitted) -> np.ndarray:
    mean, scale, coefficients, intercept = fitted
    return 1 / (1 + np.exp(-(((x - mean) / scale) @ coefficients + intercept)))


def predicted_same(data: dict, index: np.ndarray, p: np.ndarray, threshold: float) -> list[bool]:
    return [
        bool(data["open"][i] and not data["flipped"][i] and p[k] >= threshold)
        for k, i in enumerate(index)
    ]


def train(data: dict, index: np.ndarray):
    """The model and threshold fitted on the pairs at `index`."""
    trainable = index[data["open"][index]]
    fitted = fit(data["x"][trainable], data["target"][trainable])
    p = probabilities(data["x"][index], fitted)
    pairs = [data["pairs"][i] for i in index]
    best = max(
        THRESHOLDS,
        key=lambda t: (scores(predicted_same(data, index, p, t), pairs)["f1"], -abs(t - 0.5)),
    )
    return fitted, best


def cross_validate(data: dict) -> dict:
    folds = np.array([fold(pair) for pair in data["pairs"]])
    predicted = [False] * len(folds)
    chosen = []
    for k in range(FOLDS):
        fitted, threshold = train(data, np.flatnonzero(folds != k))
        chosen.append(threshold)
        test = np.flatnonzero(folds == k)
        p = probabilities(data["x"][test], fitted)
        for i, same in zip(test, predicted_same(data, test, p, threshold), strict=True):
            predicted[i] = same
    result = scores(predicted, data["pairs"])
    result["chosen"] = chosen
    return result


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    pairs = [pair for name in POOL for pair in load(name)]
    data = table(pairs)
    cv = cross_validate(data)
    print(
        f"pool {len(pairs)} pairs ({int(data['open'].sum())} that no rule contradicts); "
        f"{FOLDS}-fold cross-validation: precision {cv['precision']:.3f}, recall "
        f"{cv['recall']:.3f}, F1 {cv['f1']:.3f} (thresholds {[float(t) for t in cv['chosen']]})"
    )
    fitted, threshold = train(data, np.arange(len(pairs)))
    p = probabilities(data["x"], fitted)
    result = scores(predicted_same(data, np.arange(len(pairs)), p, threshold), pairs)
    print(
        f"fitted on the whole pool: threshold {threshold}, precision {result['precision']:.3f}, "
        f"recall {result['recall']:.3f} (on the pairs it was fitted on)"
    )
    for name, coefficient in zip(FEATURES, fitted[2], strict=True):
        print(f"  {name:18} {coefficient:+.3f}")


if __name__ == "__main__":
    main()
