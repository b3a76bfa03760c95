"""The segmentation evaluation set (tests/data/segmentation/) is well formed, and the sample
article keeps the split it had before the segmenter was tuned on that set."""

import json
from pathlib import Path

import pytest

from annotations.segmentation import segment

DATA = Path(__file__).resolve().parent / "data"
CASE_FILES = sorted((DATA / "segmentation").glob("*.jsonl"))


def _cases() -> list[dict]:
    return [
        json.loads(line)
        for path in CASE_FILES
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_every_case_names_its_source_and_half() -> None:
    cases = _cases()
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        assert case["source"], case["id"]
        assert case["half"] in ("tune", "heldout"), case["id"]
        assert case["sentences"], case["id"]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["id"])
def test_expected_sentences_are_in_the_text_in_order(case: dict) -> None:
    cursor = 0
    for sentence in case["sentences"]:
        assert sentence == sentence.strip()
        found = case["text"].find(sentence, cursor)
        assert found != -1, sentence
        cursor = found + len(sentence)


def test_sample_article_split_is_unchanged() -> None:
    """The sample article's split was recorded before the rules were tuned on the evaluation set;
    a change of rules must not move any of its sentences."""
    body = (DATA / "harbour-flood.txt").read_text(encoding="utf-8")
    recorded = json.loads((DATA / "segmentation" / "harbour-flood.split.json").read_text())
    got = [
        {"start": s.start, "end": s.end, "paragraph": s.paragraph, "kind": s.kind}
        for s in segment(body)
    ]
    assert got == recorded


def _boundary_f1(cases: list[dict]) -> float:
    hits = predicted = expected = 0
    for case in cases:
        text, cursor, gold = case["text"], 0, set()
        for sentence in case["sentences"]:
            cursor = text.find(sentence, cursor) + len(sentence)
            gold.add(cursor)
        got = {s.end for s in segment(text, case["language"])}
        hits += len(gold & got)
        predicted += len(got)
        expected += len(gold)
    precision, recall = hits / predicted, hits / expected
    return 2 * precision * recall / (precision + recall)


@pytest.mark.parametrize("half", ["tune", "heldout"])
def test_english_boundary_f1_is_at_least_0_98_on_each_half(half: str) -> None:
    cases = [c for c in _cases() if c["language"] == "en" and c["half"] == half]
    assert _boundary_f1(cases) >= 0.98


@pytest.mark.parametrize("language", ["de", "fr", "es", "it", "nl", "pl", "ru", "uk"])
def test_other_languages_stay_above_0_94(language: str) -> None:
    """The figures in docs/segmentation.md; a change of rules that costs a language shows here."""
    cases = [c for c in _cases() if c["language"] == language]
    assert _boundary_f1(cases) >= 0.94


def test_english_is_split_without_pysbd(monkeypatch) -> None:
    """English goes through our own rules only (pysbd's processor is the slow part)."""
    from annotations import segmentation

    def refuse(*args, **kwargs):
        raise AssertionError("pysbd called for English")

    monkeypatch.setattr(segmentation, "_pysbd_cuts", refuse)
    body = (
        "Dr. Osei arrived at 9 a.m. The meeting began. \u201cWe are here. We stay,\u201d he said."
    )
    assert [s.text for s in segment(body)] == [
        "Dr. Osei arrived at 9 a.m.",
        "The meeting began.",
        "\u201cWe are here.",
        "We stay,\u201d he said.",
    ]


def test_ukrainian_is_read_with_russian_rules_not_english_ones() -> None:
    body = "Я народився у м. Харків. Закон набув чинності 1 січня 2024 р. Його наслідки помітні."
    assert [s.text for s in segment(body, "uk")] == [
        "Я народився у м. Харків.",
        "Закон набув чинності 1 січня 2024 р.",
        "Його наслідки помітні.",
    ]


@pytest.mark.parametrize(
    ("language", "body", "expected"),
    [
        ("de", "Wir trafen uns am 3. Oktober. Dr. Meier kam zu spät.", 2),
        ("fr", "M. Dupont a quitté Paris à 8 h. Il est arrivé à Lyon.", 2),
        ("ru", "Встреча прошла в г. Казани. Итоги не объявлены.", 2),
    ],
)
def test_other_languages_with_rules_of_their_own_skip_pysbd(
    monkeypatch, language: str, body: str, expected: int
) -> None:
    from annotations import segmentation

    def refuse(*args, **kwargs):
        raise AssertionError(f"pysbd called for {language}")

    monkeypatch.setattr(segmentation, "_pysbd_cuts", refuse)
    assert len(segment(body, language)) == expected
