"""Sentence boundaries: annotations.segmentation against the splitters we can install.

    .venv/bin/python benchmarks/segmentation_accuracy.py              # accuracy and speed
    .venv/bin/python benchmarks/segmentation_accuracy.py --no-speed
    .venv/bin/python benchmarks/segmentation_accuracy.py --show tune  # our misses on one half

Accuracy is scored on the evaluation set in tests/data/segmentation/ (the English Golden Rules
and news cases, each split into a `tune` and a `heldout` half before any rule was tuned; see its
README) and on `CASES` from tests/test_segmentation.py (the table the rules were first written
against). Scores are micro-averaged precision, recall and F1 of sentence end offsets, and the
share of cases cut exactly right.

Every contestant gets the body one line (paragraph) at a time, as scraped articles put one
paragraph per line, and its sentences are located in the line by searching forward from a
cursor, which credits it with every offset it gets right. The other splitters (sentencex,
syntok, nupunkt, blingfire) are optional: install them into the virtualenv to compare; a
missing one is shown as "-".

Speed: sentences per second on article-sized text (the generated articles of
benchmarks/import_bench.py, and the sample article in tests/data/), one call per article, the
median of several rounds in which the contestants take turns, so that a busy machine slows them
alike.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pysbd
from pysbd.languages import LANGUAGE_CODES

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the project
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_bench import make_article  # noqa: E402

from annotations.segmentation import segment  # noqa: E402

DATA = ROOT / "tests" / "data" / "segmentation"
LANGUAGES = ["de", "fr", "es", "it", "nl", "pl", "ru", "uk"]
SAMPLE = ROOT / "tests" / "data" / "harbour-flood.txt"
_LINE = re.compile(r"[^\r\n]+")

Spans = list[tuple[int, int]]


def _load_old_cases() -> list[dict]:
    # Loaded from its path, so the benchmark needs neither pytest's conftest nor a package
    # named "tests" on sys.path (some installed distributions ship one).
    path = ROOT / "tests" / "test_segmentation.py"
    spec = importlib.util.spec_from_file_location("segmentation_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [{"id": i, "text": t, "sentences": s} for i, t, s in module.CASES]


def load_cases(name: str) -> list[dict]:
    path = DATA / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


# --------------------------------------------------------------------------------------------
# Contestants: each takes one line and returns its sentences as strings, except ours
# --------------------------------------------------------------------------------------------


def _line_splitters(language: str) -> dict[str, Callable[[str], list[str]] | None]:
    """The other splitters for `language`; syntok, nupunkt and blingfire have no languages (their
    rules or models are English or language-neutral) and pysbd falls back to English where it
    has no rules of the language."""
    found: dict[str, Callable[[str], list[str]] | None] = {}
    code = language if language in LANGUAGE_CODES else "en"
    segmenter = pysbd.Segmenter(language=code, clean=False)
    found["pysbd"] = segmenter.segment
    try:
        import sentencex

        found["sentencex"] = lambda line: list(sentencex.segment(language, line))
    except ImportError:
        found["sentencex"] = None
    try:
        from syntok import segmenter as syntok_segmenter

        def syntok_split(line: str) -> list[str]:
            return [
                line[s[0].offset : s[-1].offset + len(s[-1].value)]
                for paragraph in syntok_segmenter.process(line)
                for s in paragraph
            ]

        found["syntok"] = syntok_split
    except ImportError:
        found["syntok"] = None
    try:
        import nupunkt

        found["nupunkt"] = nupunkt.sent_tokenize
    except ImportError:
        found["nupunkt"] = None
    try:
        import blingfire

        def blingfire_split(line: str) -> list[str]:
            _, offsets = blingfire.text_to_sentences_and_offsets(line)
            return [line[s:e] for s, e in offsets]

        found["blingfire"] = blingfire_split
    except ImportError:
        found["blingfire"] = None
    return found


def _lines(body: str):
    for match in _LINE.finditer(body):
        if match.group().strip():
            yield match.start(), match.group()


def by_lines(split: Callable[[str], list[str]]) -> Callable[[str], Spans]:
    """A line splitter applied to every line, its sentences located by a cursor."""

    def spans(body: str) -> Spans:
        found_spans = []
        for offset, line in _lines(body):
            cursor = 0
            for piece in split(line):
                text = piece.strip()
                if not text:
                    continue
                found = line.find(text, cursor)
                if found == -1:
                    continue  # the splitter changed the text: no credit for this one
                found_spans.append((offset + found, offset + found + len(text)))
                cursor = found + len(text)
        return found_spans

    return spans


def ours(body: str) -> Spans:
    return [(s.start, s.end) for s in segment(body)]


def contestants(language: str = "en") -> dict[str, Callable[[str], Spans] | None]:
    result: dict[str, Callable[[str], Spans] | None] = {
        name: by_lines(split) if split else None
        for name, split in _line_splitters(language).items()
    }
    result["ours"] = lambda body: [(s.start, s.end) for s in segment(body, language)]
    return result


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------


def gold_spans(body: str, sentences: list[str]) -> Spans:
    spans = []
    cursor = 0
    for sentence in sentences:
        found = body.find(sentence, cursor)
        if found == -1:
            raise ValueError(f"expected sentence not in body: {sentence!r}")
        spans.append((found, found + len(sentence)))
        cursor = found + len(sentence)
    return spans


def score(cases: list[dict], splitter: Callable[[str], Spans]) -> dict[str, float]:
    """Micro-averaged boundary scores over all cases, and the share of cases cut exactly."""
    hits = predicted = expected = exact = 0
    for case in cases:
        body = case["text"]
        gold_ends = {e for _, e in gold_spans(body, case["sentences"])}
        got = splitter(body)
        got_ends = {e for _, e in got}
        exact += [body[s:e] for s, e in got] == case["sentences"]
        hits += len(gold_ends & got_ends)
        predicted += len(got_ends)
        expected += len(gold_ends)
    precision = hits / predicted if predicted else 0.0
    recall = hits / expected
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "exact": exact / len(cases)}


def misses(cases: list[dict]) -> None:
    for case in cases:
        got = [s.text for s in segment(case["text"], case["language"])]
        if got != case["sentences"]:
            print(f"- {case['id']}\n  expected: {case['sentences']}\n  got:      {got}")


# --------------------------------------------------------------------------------------------
# Speed
# --------------------------------------------------------------------------------------------


def speed(bodies: list[str], sentences: int, runners: dict, rounds: int) -> dict[str, float]:
    """Median sentences/s of each contestant, one call per body, taking turns every round."""
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            started = time.perf_counter()
            for body in bodies:
                run(body)
            times[name].append(time.perf_counter() - started)
    return {name: sentences / statistics.median(t) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--articles", type=int, default=700, help="generated articles to time")
    parser.add_argument("--show", choices=["tune", "heldout"], help="list our misses on a half")
    parser.add_argument("--language", help="with --show: only this language's cases")
    args = parser.parse_args()

    golden = load_cases("en-golden-rules.jsonl")
    news = load_cases("en-news.jsonl")
    others = {code: load_cases(f"{code}.jsonl") for code in LANGUAGES}
    if args.show:
        pool = golden + news + [c for cases in others.values() for c in cases]
        if args.language:
            pool = [c for c in pool if c["language"] == args.language]
        misses([c for c in pool if c["half"] == args.show])
        return

    def half(cases: list[dict], name: str) -> list[dict]:
        return [c for c in cases if c["half"] == name]

    sets = [
        ("Golden Rules, tune", half(golden, "tune")),
        ("Golden Rules, held out", half(golden, "heldout")),
        ("news, tune", half(news, "tune")),
        ("news, held out", half(news, "heldout")),
        ("all English, tune", half(golden + news, "tune")),
        ("all English, held out", half(golden + news, "heldout")),
        ("old CASES table (tuned on)", _load_old_cases()),
    ]
    runners = contestants()
    names = list(runners)
    width = 44
    header = f"| {'boundary F1 (cases)':<{width}} | " + " | ".join(f"{n:>9}" for n in names)
    print(header + " |")
    print("|" + "-" * (width + 2) + "|" + "|".join("-" * 11 for _ in names) + "|")

    def row(label: str, cases: list[dict], runners: dict, key: str = "f1") -> None:
        cells = []
        for name in names:
            run = runners[name]
            cells.append(f"{score(cases, run)[key]:>9.3f}" if run else f"{'-':>9}")
        print(f"| {label + f' ({len(cases)})':<{width}} | " + " | ".join(cells) + " |")

    for label, cases in sets:
        row(label, cases, runners)
    for label, cases in sets[4:6]:
        row("exact cases, " + label, cases, runners, "exact")
    for code in LANGUAGES:
        language_runners = contestants(code)
        for name in ("tune", "heldout"):
            label = f"{code}, {'held out' if name == 'heldout' else name}"
            row(label, half(others[code], name), language_runners)

    if args.no_speed:
        return
    available = {name: run for name, run in runners.items() if run}
    rng = random.Random(42)
    articles = [make_article(rng, n)["body"] for n in range(args.articles)]
    sample = SAMPLE.read_text(encoding="utf-8")
    texts = [
        (f"{args.articles} generated articles", articles, sum(len(segment(a)) for a in articles)),
        ("sample article x 800", [sample] * 800, 800 * len(segment(sample))),
    ]
    print()
    for label, bodies, count in texts:
        rates = speed(bodies, count, available, args.rounds)
        cells = [f"{rates[n]:>9,.0f}" if n in rates else f"{'-':>9}" for n in names]
        text = f"sentences/s, {label} ({count // 1000}k)"
        print(f"| {text:<{width}} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
