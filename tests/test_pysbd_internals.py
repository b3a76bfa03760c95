"""The parts of pysbd that segmentation.py uses beyond its documented `Segmenter.segment()`.

pysbd is pinned below 0.4 (pyproject.toml); these tests say what a newer version must still do
before the pin is raised. No Django and no database.
"""

from __future__ import annotations

import pysbd
from pysbd.languages import LANGUAGE_CODES

from annotations import segmentation

TEXT = "Dr. Smith arrived at 5 p.m. on Monday.  He left.   Then rain fell!"


def test_the_processor_returns_the_sentences_as_segment_does_but_stripped():
    """_pysbd_cuts calls `segmenter.processor(line).process()` (segment() is 2.7 times slower
    with clean=False) and relies on it giving the same sentences, in order, as strings."""
    segmenter = pysbd.Segmenter(language="en", clean=False)

    pieces = segmenter.processor(TEXT).process()

    assert pieces == ["Dr. Smith arrived at 5 p.m. on Monday.", "He left.", "Then rain fell!"]
    assert pieces == [s.strip() for s in segmenter.segment(TEXT)]


def test_the_processor_keeps_a_line_without_a_boundary_whole():
    segmenter = pysbd.Segmenter(language="en", clean=False)
    assert segmenter.processor("One sentence without an end").process() == [
        "One sentence without an end"
    ]


def test_languages_are_modules_with_their_abbreviations():
    """_Language borrows `LANGUAGE_CODES[code].Abbreviation.ABBREVIATIONS` for other languages
    than English, and _language falls back to English for a code missing from the mapping."""
    assert "en" in LANGUAGE_CODES and "xx" not in LANGUAGE_CODES
    german = LANGUAGE_CODES["de"].Abbreviation.ABBREVIATIONS
    assert "z.b" in {a.lower().rstrip(".") for a in german}
    assert "nr" in segmentation._language("de").abbreviations


def test_our_cuts_from_the_processor_are_offsets_into_the_line():
    lang = segmentation._language("en")
    cuts = segmentation._pysbd_cuts(lang.segmenter, TEXT)
    assert [TEXT[:cut].rstrip() for cut in cuts] == [
        "Dr. Smith arrived at 5 p.m. on Monday.",
        "Dr. Smith arrived at 5 p.m. on Monday.  He left.",
    ]
