"""Claim matching quality: the judge against string-similarity baselines, on labelled pairs.

    .venv/bin/python benchmarks/matching_eval.py                   # the tuning pool only, with
                                                                   # the cross-validation estimate
    .venv/bin/python benchmarks/matching_eval.py --errors [SET]    # the judge's errors on a
                                                                   # tuning set (tuning, round2,
                                                                   # round3)
    .venv/bin/python benchmarks/matching_eval.py --final           # also the held-out sets
    .venv/bin/python benchmarks/matching_eval.py --final --markdown  # tables for the docs

The pairs are tests/data/matching/tuning.jsonl and heldout.jsonl (round 1) and
tests/data/matching/round2/ and round3/ tuning.jsonl and heldout.jsonl (rounds 2 and 3, each
written independently; see the READMEs there). The tuning pool is the tuning files; the held-out
files are read only with
`--final`, the report run made once the rules are finished. "same" is scored as a yes/no
question (label "same" against "opposite" and "different"): precision, recall and F1. "opposite"
is the share of pairs labelled "opposite" that the judge calls opposite.

Cross-validation over the tuning pool: 5 folds by sha256(id); for each fold the judge's two
thresholds (`GATE`, `SCOPE`) are chosen on the other four folds (best F1 for "same" on a small
grid) and the fold is judged with them; the estimate is precision and recall over all the
pool's pairs, each judged by the thresholds of the folds it was not in. The hand-written rules
and word lists are not refitted per fold (they cannot be), so the estimate is optimistic for
whatever was written while looking at the pool's errors: the docs say what was seen when.

Baselines, each with a threshold chosen on the tuning pool and applied unchanged to every
set, (a) the one maximising F1 and (b) the highest still reaching recall >= 0.95: rapidfuzz
`token_set_ratio` of the lower-cased sentences, and the cosine of character 2-4-gram TF-IDF
vectors (scikit-learn, `analyzer="char_wb"`, fitted on every sentence of the sets measured).

`--errors` shows pairs of a tuning set only: the held-out sets are measured, never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the project

from rapidfuzz import fuzz, process  # noqa: E402

import annotations.matching.judge as judge_module  # noqa: E402
from annotations.matching.judge import OPPOSITE, SAME, Claim, judge, read  # noqa: E402

DATA = ROOT / "tests" / "data" / "matching"
# set -> file; the tuning halves make the tuning pool, the held-out ones are read only with
# --final
FILES = {
    "tuning": DATA / "tuning.jsonl",
    "round2": DATA / "round2" / "tuning.jsonl",
    "heldout": DATA / "heldout.jsonl",
    "round2-heldout": DATA / "round2" / "heldout.jsonl",
    "round3": DATA / "round3" / "tuning.jsonl",
    "round3-heldout": DATA / "round3" / "heldout.jsonl",
}
POOL = ("tuning", "round2", "round3")
HELD_OUT = ("heldout", "round2-heldout", "round3-heldout")
NAMES = {
    "tuning": "r1 tuning",
    "round2": "r2 tuning",
    "pool": "tuning pool",
    "heldout": "r1 held-out",
    "round2-heldout": "r2 held-out",
    "round3": "r3 tuning",
    "round3-heldout": "r3 held-out",
}
FOLDS = 5
GATES = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
SCOPES = (0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)


def load(half: str) -> list[dict]:
    path = FILES[half]
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as lines:
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
    """On the tuning pool: the threshold with the best F1, and the highest one whose recall
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


DISTRACTORS = 5


def distractors(pairs: list[dict]) -> list[dict]:
    """Pairs the search would also propose, none of them the same claim: each pair's `b` with
    the DISTRACTORS `a` sentences of the other pairs of its set most like it (token_set_ratio),
    leaving out the other pairs whose `a` is this pair's `a` or `b` (one sentence may have
    several pairs). Labelled "different"; a judge should call almost none of them "same"."""
    texts = [pair["a"] for pair in pairs]
    found = []
    for i, pair in enumerate(pairs):
        near = process.extract(
            pair["b"], texts, scorer=fuzz.token_set_ratio, limit=DISTRACTORS + 20
        )
        taken = 0
        for text, _score, j in near:
            if j == i or text in (pair["a"], pair["b"]):
                continue
            other = pairs[j]
            found.append(
                {
                    "id": f"{other['id']}~{pair['id']}",
                    "a": other["a"],
                    "a_published": other.get("a_published"),
                    "b": pair["b"],
                    "b_published": pair.get("b_published"),
                    "language": pair.get("language"),
                    "label": "different",
                    "kind": "distractor",
                }
            )
            taken += 1
            if taken == DISTRACTORS:
                break
    return found


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


def fold(pair: dict) -> int:
    return int(hashlib.sha256(pair["id"].encode("utf-8")).hexdigest(), 16) % FOLDS


def with_thresholds(gate: float, scope: float, pairs: list[dict]) -> list[str | None]:
    saved = judge_module.GATE, judge_module.SCOPE
    judge_module.GATE, judge_module.SCOPE = gate, scope
    try:
        return judge_relations(pairs)
    finally:
        judge_module.GATE, judge_module.SCOPE = saved


def cross_validate(pool: list[dict]) -> dict:
    """Precision and recall over the pool, each fold judged with the thresholds that do best
    (F1) on the other folds; and the thresholds each fold chose."""
    grid = {(gate, scope): with_thresholds(gate, scope, pool) for gate in GATES for scope in SCOPES}
    folds = [fold(pair) for pair in pool]
    predicted: list[bool] = [False] * len(pool)
    chosen = []
    for k in range(FOLDS):
        train = [i for i, f in enumerate(folds) if f != k]

        def f1(thresholds, train=train):
            relations = grid[thresholds]
            result = scores([relations[i] == SAME for i in train], [pool[i] for i in train])
            return result["f1"]

        best = max(grid, key=lambda t: (f1(t), -abs(t[0] - judge_module.GATE)))
        chosen.append(best)
        for i, f in enumerate(folds):
            if f == k:
                predicted[i] = grid[best][i] == SAME
    result = scores(predicted, pool)
    result["chosen"] = chosen
    return result


def judged(relations: list[str | None], pairs: list[dict]) -> dict:
    result = scores([r == SAME for r in relations], pairs)
    opposite = [r for r, p in zip(relations, pairs, strict=True) if p["label"] == OPPOSITE]
    result["opposite"] = sum(r == OPPOSITE for r in opposite) / len(opposite) if opposite else 0
    return result


def evaluate(final: bool) -> dict:
    sets = {name: load(name) for name in POOL}
    sets["pool"] = [pair for name in POOL for pair in sets[name]]
    if final:
        for name in HELD_OUT:
            sets[name] = load(name)
    sets = {name: pairs for name, pairs in sets.items() if pairs}
    every = [pair for name, pairs in sets.items() if name != "pool" for pair in pairs]
    tfidf = tfidf_scorer(every)
    relations = {name: judge_relations(pairs) for name, pairs in sets.items()}
    rows = [("judge", "-", {name: judged(relations[name], pairs) for name, pairs in sets.items()})]
    # Distractors of each set (the pool's are the tuning sets' together).
    near = {name: distractors(pairs) for name, pairs in sets.items() if name != "pool"}
    near["pool"] = [pair for name in POOL if name in near for pair in near[name]]
    for name, pairs in near.items():
        rows[0][2][name]["distractors"] = (
            sum(r == SAME for r in judge_relations(pairs)),
            len(pairs),
        )
    for name, scorer in (
        ("rapidfuzz token_set_ratio", token_set),
        ("TF-IDF char 2-4 cosine", tfidf),
    ):
        values = {half: scorer(pairs) for half, pairs in sets.items()}
        for rule, threshold in thresholds(values["pool"], sets["pool"]).items():
            result = {
                half: scores([v >= threshold for v in values[half]], sets[half]) for half in sets
            }
            for half, pairs in near.items():
                result[half]["distractors"] = (
                    sum(v >= threshold for v in scorer(pairs)),
                    len(pairs),
                )
            rows.append((f"{name} ({rule})", f"{threshold:.3f}", result))
    kinds = {name: per_kind(sets[name], relations[name]) for name in sets}
    cold, warm = timing(every)
    return {
        "rows": rows,
        "kinds": kinds,
        "cold": cold,
        "warm": warm,
        "sets": sets,
        "cv": cross_validate(sets["pool"]),
    }


def fmt(value: float) -> str:
    return f"{value:.3f}"


def near_cell(result: dict) -> str:
    if "distractors" not in result:
        return "-"
    called, total = result["distractors"]
    return f"{called} / {total} ({called / total:.1%})" if total else "-"


def print_report(report: dict, markdown: bool) -> None:
    sets = report["sets"]
    names = list(sets)
    sizes = ", ".join(f"{NAMES[name]} {len(sets[name])}" for name in names)
    cv = report["cv"]
    chosen = ", ".join(f"{gate}/{scope}" for gate, scope in cv["chosen"])
    cv_line = (
        f"cross-validation over the tuning pool ({FOLDS} folds by sha256(id), GATE/SCOPE chosen "
        f"per fold on the other folds: {chosen}): precision {fmt(cv['precision'])}, "
        f"recall {fmt(cv['recall'])}, F1 {fmt(cv['f1'])}"
    )
    timing_line = (
        f"judge (CPU time): {report['warm']:.1f} µs per pair with both sentences' readings "
        f"cached, {report['cold']:.1f} µs reading both sentences for the first time "
        f"({sum(len(sets[n]) for n in names if n != 'pool')} pairs)"
    )
    if markdown:
        print(f"Pairs: {sizes}.\n")
        print(
            "| method | threshold | set | precision | recall | F1 | opposite "
            "| distractors called same |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for method, threshold, result in report["rows"]:
            for name in names:
                r = result[name]
                opposite = fmt(r["opposite"]) if "opposite" in r else "-"
                print(
                    f"| {method} | {threshold} | {NAMES[name]} | {fmt(r['precision'])} | "
                    f"{fmt(r['recall'])} | {fmt(r['f1'])} | {opposite} | {near_cell(r)} |"
                )
        print(f"\n{cv_line[0].upper() + cv_line[1:]}.\n")
        print(
            "The judge's errors by kind (label/kind: errors / pairs; an error is a wrong answer"
            ' to "same?", and for an "opposite" pair any answer but "opposite"):\n'
        )
        shown = [name for name in names if name != "pool"]
        print("| kind | " + " | ".join(NAMES[name] for name in shown) + " |")
        print("|---|" + "---|" * len(shown))
        kinds = sorted({kind for name in shown for kind in report["kinds"][name]})
        for kind in kinds:
            cells = []
            for name in shown:
                errors, total = report["kinds"][name].get(kind, (0, 0))
                cells.append(f"{errors} / {total}")
            print(f"| {kind} | " + " | ".join(cells) + " |")
        print(f"\n{timing_line}.")
        return
    print(f"pairs: {sizes}")
    width = max(len(row[0]) for row in report["rows"])
    for method, threshold, result in report["rows"]:
        print(f"{method} (threshold {threshold})")
        for name in names:
            r = result[name]
            opposite = fmt(r["opposite"]) if "opposite" in r else "-"
            print(
                f"  {NAMES[name]:{width}} precision {fmt(r['precision'])}  recall "
                f"{fmt(r['recall'])}  F1 {fmt(r['f1'])}  opposite {opposite}  "
                f"distractors called same {near_cell(r)}"
            )
    print("\nerrors by kind (errors / pairs)")
    shown = [name for name in names if name != "pool"]
    kinds = sorted({kind for name in shown for kind in report["kinds"][name]})
    for kind in kinds:
        cells = []
        for name in shown:
            errors, total = report["kinds"][name].get(kind, (0, 0))
            cells.append(f"{NAMES[name]} {errors:>2} / {total:<3}")
        print(f"  {kind:32} " + "   ".join(cells))
    print(f"\n{cv_line}")
    print(f"\n{timing_line}")


def show_errors(name: str) -> None:
    """The judge's errors on one set of the tuning pool (never a held-out set)."""
    if name not in POOL:
        raise SystemExit(f"--errors shows a tuning set only: {', '.join(POOL)}")
    for pair in load(name):
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
    parser.add_argument(
        "--final", action="store_true", help="also the held-out sets (the report run, once)"
    )
    parser.add_argument(
        "--errors", nargs="?", const="tuning", metavar="SET", help="the judge's errors on SET"
    )
    args = parser.parse_args()
    if args.errors:
        show_errors(args.errors)
        return
    print_report(evaluate(args.final), args.markdown)


if __name__ == "__main__":
    main()
