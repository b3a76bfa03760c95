"""Sentence boundaries: pysbd alone against annotations.segmentation, on our hard cases.

    .venv/bin/python benchmarks/segmentation_accuracy.py

Accuracy is scored on `CASES` from tests/test_segmentation.py (the same table the tests pin), as
precision, recall and F1 of sentence end offsets and the share of cases cut exactly right. Both
contestants get the body one line (paragraph) at a time, as scraped articles put one paragraph
per line; pysbd's sentences are located in the line by searching forward from a cursor, which
credits it with every offset it gets right.

Speed is measured on about 20,000 sentences: the cases repeated, the same with every copy made
unique (real articles rarely repeat a sentence, and pysbd's `segment()` compiles a regular
expression per distinct sentence), and the sample article in tests/data/. The
middle column is pysbd's processor alone, the part of pysbd that `segment()` calls, so that the
overhead of our mapping and heuristics can be read off.
"""

import importlib.util
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pysbd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing the project

from annotations.segmentation import segment  # noqa: E402

SAMPLE = ROOT / "tests" / "data" / "harbour-flood.txt"
TARGET_SENTENCES = 20_000
ROUNDS = 3
_LINE = re.compile(r"[^\r\n]+")
_LONG_WORD = re.compile(r"\b[a-z]{4,}\b")

Splitter = Callable[[str], list[tuple[int, int]]]


def _load_cases() -> list[tuple[str, str, list[str]]]:
    # Loaded from its path, so the benchmark needs neither pytest's conftest nor a package
    # named "tests" on sys.path (some installed distributions ship one).
    path = ROOT / "tests" / "test_segmentation.py"
    spec = importlib.util.spec_from_file_location("segmentation_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


_SEGMENTER = pysbd.Segmenter(language="en", clean=False)


def _lines(body: str):
    for match in _LINE.finditer(body):
        if match.group().strip():
            yield match.start(), match.group()


def pysbd_spans(body: str) -> list[tuple[int, int]]:
    """pysbd alone, as its README shows it, one line at a time; sentences found by a cursor."""
    spans = []
    for offset, line in _lines(body):
        cursor = 0
        for piece in _SEGMENTER.segment(line):
            text = piece.strip()
            if not text:
                continue
            found = line.find(text, cursor)
            if found == -1:
                continue  # pysbd changed the text: no credit for this one
            spans.append((offset + found, offset + found + len(text)))
            cursor = found + len(text)
    return spans


def pysbd_processor_only(body: str) -> None:
    """The pysbd work inside segment(): its processor, without finding offsets."""
    for _, line in _lines(body):
        _SEGMENTER.processor(line.strip()).process()


def ours_spans(body: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in segment(body)]


def gold_spans(body: str, sentences: list[str]) -> list[tuple[int, int]]:
    spans = []
    cursor = 0
    for sentence in sentences:
        found = body.find(sentence, cursor)
        if found == -1:
            raise ValueError(f"expected sentence not in body: {sentence!r}")
        spans.append((found, found + len(sentence)))
        cursor = found + len(sentence)
    return spans


def _line_ends(body: str) -> set[int]:
    return {m.start() + len(m.group().rstrip()) for m in _LINE.finditer(body) if m.group().strip()}


def score(cases, splitter: Splitter) -> dict[str, float]:
    """Micro-averaged boundary scores over all cases, and the share of cases cut exactly."""
    hits = predicted = expected = 0
    inner_hits = inner_predicted = inner_expected = 0
    exact = 0
    for _, body, sentences in cases:
        gold = gold_spans(body, sentences)
        got = splitter(body)
        exact += [body[s:e] for s, e in got] == sentences
        gold_ends = {e for _, e in gold}
        got_ends = {e for _, e in got}
        hits += len(gold_ends & got_ends)
        predicted += len(got_ends)
        expected += len(gold_ends)
        # The end of a line is a boundary for free; the others are the ones a segmenter must find.
        line_ends = _line_ends(body)
        inner_gold, inner_got = gold_ends - line_ends, got_ends - line_ends
        inner_hits += len(inner_gold & inner_got)
        inner_predicted += len(inner_got)
        inner_expected += len(inner_gold)

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    precision, recall = hits / predicted, hits / expected
    inner_p = inner_hits / inner_predicted if inner_predicted else 1.0
    inner_r = inner_hits / inner_expected
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1(precision, recall),
        "inner_precision": inner_p,
        "inner_recall": inner_r,
        "inner_f1": f1(inner_p, inner_r),
        "exact": exact / len(cases),
    }


def sentences_per_second(body: str, sentences: int, splitter: Callable[[str], object]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        splitter(body)
        best = min(best, time.perf_counter() - started)
    return sentences / best


def _repeat(text: str, sentences_in_text: int, unique: bool = False) -> tuple[str, int]:
    """`text` repeated to about TARGET_SENTENCES; with `unique`, every copy of a lowercase word
    of four letters or more gets a suffix of its own, so no sentence occurs twice."""
    times = -(-TARGET_SENTENCES // sentences_in_text)
    copies = []
    for copy in range(times):
        if unique:
            suffix = "".join(chr(ord("a") + int(d)) for d in str(copy))
            copies.append(_LONG_WORD.sub(lambda m, s=suffix: m.group() + s, text))
        else:
            copies.append(text)
    return "\n".join(copies), sentences_in_text * times


def main() -> None:
    cases = _load_cases()
    pysbd_score = score(cases, pysbd_spans)
    ours_score = score(cases, ours_spans)

    rows = [
        ("boundary precision", "precision"),
        ("boundary recall", "recall"),
        ("boundary F1", "f1"),
        ("inner boundary precision", "inner_precision"),
        ("inner boundary recall", "inner_recall"),
        ("inner boundary F1", "inner_f1"),
        ("cases cut exactly right", "exact"),
    ]
    gold_count = sum(len(c[2]) for c in cases)
    print(f"{len(cases)} hard cases, {gold_count} sentences (tests/test_segmentation.py CASES)\n")
    print(f"| {'metric':<48} | {'pysbd segment()':>15} | {'pysbd processor':>15} | {'ours':>7} |")
    print(f"|{'-' * 50}|{'-' * 17}|{'-' * 17}|{'-' * 9}|")
    for label, key in rows:
        print(f"| {label:<48} | {pysbd_score[key]:>15.3f} | {'-':>15} | {ours_score[key]:>7.3f} |")

    cases_text = "\n".join(c[1] for c in cases)
    texts = [
        ("hard cases, repeated", *_repeat(cases_text, gold_count)),
        ("hard cases, every copy unique", *_repeat(cases_text, gold_count, unique=True)),
    ]
    if SAMPLE.exists():
        sample = SAMPLE.read_text(encoding="utf-8")
        texts.append(("sample article, repeated", *_repeat(sample, len(segment(sample)))))
    for name, body, count in texts:
        plain = sentences_per_second(body, count, pysbd_spans)
        core = sentences_per_second(body, count, pysbd_processor_only)
        ours = sentences_per_second(body, count, ours_spans)
        label = f"sentences/s, {name} ({count // 1000}k)"
        print(f"| {label:<48} | {plain:>15,.0f} | {core:>15,.0f} | {ours:>7,.0f} |")
    print("\ninner: boundaries other than the end of a line, which every splitter gets for free.")


if __name__ == "__main__":
    main()
