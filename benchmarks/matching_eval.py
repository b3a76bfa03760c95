"""Claim matching quality: the judge against string-similarity baselines, on labelled pairs.

    .venv/bin/python benchmarks/matching_eval.py             # tuning and held-out figures
    .venv/bin/python benchmarks/matching_eval.py --markdown  # tables for docs/claim-matching.md
    .venv/bin/python benchmarks/matching_eval.py --errors    # the judge's tuning-half errors

The pairs are tests/data/matching/tuning.jsonl and heldout.jsonl (see the README there). "same"
is scored as a yes/no question (label "same" against "opposite" and "different"): precision,
recall and F1. "opposite" is the share of pairs labelled "opposite" that the judge calls
opposite.

Baselines, each with a threshold chosen on the tuning half and applied unchanged to the
held-out half, (a) the one maximising F1 and (b) the lowest reaching recall >= 0.95:
rapidfuzz `token_set_ratio` of the lower-cased sentences, and the cosine of character 2-4-gram
TF-IDF vectors (scikit-learn, `analyzer="char_wb"`, fitted on every sentence of both halves).

`--errors` shows pairs of the tuning half only: the held-out half is measured, never read.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the project

from rapidfuzz import fuzz  # noqa: E402

from annotations.matching.judge import OPPOSITE, SAME, Claim, judge, read  # noqa: E402

DATA = ROOT / "tests" / "data" / "matching"
HALVES = ("tuning", "heldout")
NAMES = {"tuning": "tuning", "heldout": "held-out"}


def load(half: str) -> list[dict]:
    with open(DATA / f"{half}.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def claims(pair: dict) -> tuple[Claim, Claim]:
    def day(value):
        return date.fromisoformat(value) if value else None

    language = pair.get("language") or "en"
    return (
        Claim(pair["a"], language, day(pair.get("a_published"))),
        Claim(pair["b"], language, day(pair.get("b_published"))),
    )


def scores(predicted: list[bool], pairs: list[dict]) -> dict:
    truth = [pair["label"] == SAME for pair in pairs]
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "fp": fp, "fn": fn}


def judge_relations(pairs: list[dict]) -> list[str | None]:
    return [judge(*claims(pair)).relation for pair in pairs]


def token_set(pairs: list[dict]) -> list[float]:
    return [fuzz.token_set_ratio(p["a"].lower(), p["b"].lower()) / 100 for p in pairs]


def tfidf_scorer(every: list[dict]) -> Callable[[list[dict]], list[float]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))
    vectorizer.fit([p["a"] for p in every] + [p["b"] for p in every])

    def score(pairs: list[dict]) -> list[float]:
        a = vectorizer.transform([p["a"] for p in pairs])
        b = vectorizer.transform([p["b"] for p in pairs])
        # rows are L2-normalised: the cosine is the row-wise dot product
        return [float(x) for x in a.multiply(b).sum(axis=1).A1]

    return score


def thresholds(values: list[float], pairs: list[dict]) -> dict[str, float]:
    """On the tuning half: the threshold with the best F1, and the highest one whose recall
    is still >= 0.95 (the lowest threshold that reaches it would propose everything)."""
    candidates = sorted(set(values))
    best_f1, best = -1.0, candidates[0]
    recall95 = candidates[0]
    for threshold in candidates:
        result = scores([v >= threshold for v in values], pairs)
        if result["f1"] > best_f1:
            best_f1, best = result["f1"], threshold
        if result["recall"] >= 0.95:
            recall95 = threshold
    return {"best F1": best, "recall >= 0.95": recall95}


def per_kind(pairs: list[dict], relations: list[str | None]) -> dict[str, tuple[int, int]]:
    """kind -> (errors, pairs); an error is a wrong answer to "same?", and for an "opposite"
    pair also any answer but "opposite"."""
    totals: Counter = Counter()
    errors: Counter = Counter()
    for pair, relation in zip(pairs, relations, strict=True):
        kind = f"{pair['label']}/{pair['kind']}"
        totals[kind] += 1
        if pair["label"] == OPPOSITE:
            errors[kind] += relation != OPPOSITE
        else:
            errors[kind] += (relation == SAME) != (pair["label"] == SAME)
    return {kind: (errors[kind], totals[kind]) for kind in sorted(totals)}


def timing(pairs: list[dict], rounds: int = 5) -> tuple[float, float]:
    """CPU microseconds per pair, the best of `rounds`: cold (each sentence read for the first
    time) and warm (the sentences' readings cached, as when one claim meets its 50 candidates).
    CPU time, not wall time, so that other work on a shared machine does not count."""
    every = [claims(pair) for pair in pairs]
    cold = warm = float("inf")
    for _ in range(rounds):
        read.cache_clear()
        start = time.process_time()
        for a, b in every:
            judge(a, b)
        cold = min(cold, time.process_time() - start)
        start = time.process_time()
        for a, b in every:
            judge(a, b)
        warm = min(warm, time.process_time() - start)
    return cold / len(every) * 1e6, warm / len(every) * 1e6


def evaluate() -> dict:
    halves = {half: load(half) for half in HALVES}
    tfidf = tfidf_scorer(halves["tuning"] + halves["heldout"])
    rows = []
    relations = {half: judge_relations(pairs) for half, pairs in halves.items()}
    judged = {}
    for half, pairs in halves.items():
        result = scores([r == SAME for r in relations[half]], pairs)
        opposite = [
            r for r, p in zip(relations[half], pairs, strict=True) if p["label"] == OPPOSITE
        ]
        result["opposite"] = sum(r == OPPOSITE for r in opposite) / len(opposite) if opposite else 0
        judged[half] = result
    rows.append(("judge", "-", judged))
    for name, scorer in (
        ("rapidfuzz token_set_ratio", token_set),
        ("TF-IDF char 2-4 cosine", tfidf),
    ):
        values = {half: scorer(pairs) for half, pairs in halves.items()}
        for rule, threshold in thresholds(values["tuning"], halves["tuning"]).items():
            result = {
                half: scores([v >= threshold for v in values[half]], halves[half])
                for half in HALVES
            }
            rows.append((f"{name} ({rule})", f"{threshold:.3f}", result))
    kinds = {half: per_kind(halves[half], relations[half]) for half in HALVES}
    cold, warm = timing(halves["tuning"] + halves["heldout"])
    return {"rows": rows, "kinds": kinds, "cold": cold, "warm": warm, "halves": halves}


def fmt(value: float) -> str:
    return f"{value:.3f}"


def print_report(report: dict, markdown: bool) -> None:
    sizes = {half: len(pairs) for half, pairs in report["halves"].items()}
    head = ["method", "threshold"] + [
        f"{NAMES[half]} {m}" for half in HALVES for m in ("precision", "recall", "F1", "opposite")
    ]
    lines = []
    for name, threshold, result in report["rows"]:
        cells = [name, threshold]
        for half in HALVES:
            r = result[half]
            cells += [fmt(r["precision"]), fmt(r["recall"]), fmt(r["f1"])]
            cells.append(fmt(r["opposite"]) if "opposite" in r else "-")
        lines.append(cells)
    kinds = sorted(set(report["kinds"]["tuning"]) | set(report["kinds"]["heldout"]))
    kind_lines = []
    for kind in kinds:
        cells = [kind]
        for half in HALVES:
            errors, total = report["kinds"][half].get(kind, (0, 0))
            cells.append(f"{errors} / {total}")
        kind_lines.append(cells)
    timing_line = (
        f"judge (CPU time): {report['warm']:.1f} µs per pair with both sentences' readings "
        f"cached, {report['cold']:.1f} µs reading both sentences for the first time "
        f"({sizes['tuning'] + sizes['heldout']} pairs)"
    )
    if markdown:
        print(f"Pairs: tuning {sizes['tuning']}, held-out {sizes['heldout']}.\n")
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for cells in lines:
            print("| " + " | ".join(cells) + " |")
        print(
            "\nThe judge's errors by kind (label/kind: errors / pairs; an error is a wrong answer"
            ' to "same?", and for an "opposite" pair any answer but "opposite"):\n'
        )
        print("| kind | tuning | held-out |")
        print("|---|---|---|")
        for cells in kind_lines:
            print("| " + " | ".join(cells) + " |")
        print(f"\n{timing_line}.")
        return
    print(f"pairs: tuning {sizes['tuning']}, held-out {sizes['heldout']}")
    width = max(len(cells[0]) for cells in lines)
    print(f"{'':{width}}  threshold  " + "   ".join(f"{h:^31}" for h in HALVES))
    print(f"{'':{width}}             " + "   ".join(["  prec    rec     F1   opp"] * 2))
    for cells in lines:
        print(
            f"{cells[0]:{width}}  {cells[1]:>9}  "
            + "   ".join(
                " ".join(f"{c:>6}" for c in cells[2 + 4 * k : 6 + 4 * k]) for k in range(2)
            )
        )
    print("\nerrors by kind (errors / pairs)")
    for cells in kind_lines:
        print(f"  {cells[0]:32} tuning {cells[1]:>8}   held-out {cells[2]:>8}")
    print(f"\n{timing_line}")


def show_errors() -> None:
    """The judge's errors on the tuning half (never the held-out half)."""
    for pair in load("tuning"):
        got = judge(*claims(pair))
        expected = pair["label"] if pair["label"] != "different" else None
        wrong = (
            got.relation != expected
            if pair["label"] == OPPOSITE
            else ((got.relation == SAME) != (pair["label"] == SAME))
        )
        if wrong:
            print(
                f"{pair['id']} {pair['label']}/{pair['kind']} -> {got.relation} {got.reasons} "
                f"sim={got.similarity}"
            )
            print(f"   a ({pair['a_published']}): {pair['a']}")
            print(f"   b ({pair['b_published']}): {pair['b']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--errors", action="store_true", help="the judge's tuning-half errors")
    args = parser.parse_args()
    if args.errors:
        show_errors()
        return
    print_report(evaluate(), args.markdown)


if __name__ == "__main__":
    main()
