"""Properties of segmentation that hold for any Unicode body (hypothesis).

Whatever text arrives, offsets point exactly at the sentence text, sentences never overlap and
come in order, and no visible character is lost between sentences: the workspace lays the text
out from these offsets, and an export's restore checks them against the body.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import segmentation

# Between sentences only whitespace and the invisible characters the segmenter documents.
_BETWEEN = set(segmentation._BLANK)

# Pieces that exercise the rules: abbreviations, initials, decimals, quotes, emoji, scripts,
# boilerplate, line breaks of every kind.
PIECES = [
    "Mr. Smith said so.",
    " ",
    "\n",
    "\r\n",
    "\n\n",
    "U.S. officials met on Jan. 5.",
    "Prices rose 4.2% in March.",
    "\u201cIt is over. We won.\u201d",
    '"Stop," she said. "Now."',
    "J. R. R. Tolkien wrote it.",
    "Advert",
    "Click here to donate.",
    "\U0001f44d\U0001f3fd",
    "\U0001f1fa\U0001f1e6",
    "e\u0301t\u00e9",
    "\u200b",
    "\ufeff",
    "\u00a0",
    "\u2028",
    "Это правда. Нет!",
    "这是真的。不是吗？",
    "\u0627\u0644\u062e\u0628\u0631 \u0635\u062d\u064a\u062d.",
    "...",
    "?!",
    "No final stop",
    # The English rules that do not come from pysbd: lists on one line, spaced ellipses, lost
    # spaces, footnotes, dashes after abbreviations, the pronoun I.
    "1.) The first item 2.) The second item",
    "a. One b. Two",
    "\u2022 9. Nine \u2022 10. Ten",
    "compounds. . . . The",
    " . . . ",
    "world.Today is Tuesday.Mr. Smith",
    "5.1%.[3] ",
    "Nev. \u2014 A",
    "you and I. Did",
    "\u0301.",
    "\U0001f469\u200d\U0001f467",
    "\u00ab\u0422. \u0435. \u0442\u0430\u043a\u00bb",
]

bodies = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=30).map("".join),
)


def _check(body: str, language: str) -> None:
    segments = segmentation.segment(body, language)
    position = 0
    for number, segment in enumerate(segments):
        assert segment.index == number
        assert 0 <= segment.start < segment.end <= len(body)
        assert body[segment.start : segment.end] == segment.text
        # Text never starts or ends with a blank or an invisible character.
        assert segment.text[0] not in _BETWEEN and segment.text[-1] not in _BETWEEN
        assert segment.start >= position, "sentences overlap or go backwards"
        gap = body[position : segment.start]
        assert set(gap) <= _BETWEEN, f"visible text {gap!r} is in no sentence"
        position = segment.end
        assert segment.kind in (segmentation.CLAIM, segmentation.BOILERPLATE)
    assert set(body[position:]) <= _BETWEEN, "visible text after the last sentence is lost"
    paragraphs = [s.paragraph for s in segments]
    assert paragraphs == sorted(paragraphs)


@settings(
    max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(body=bodies)
def test_offsets_are_exact_ordered_and_cover_every_visible_character(body):
    _check(body, "en")


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    body=bodies,
    language=st.sampled_from(["de", "fr", "es", "it", "nl", "pl", "ru", "uk", "zh", "ar", "xx"]),
)
def test_the_same_holds_in_other_languages(body, language):
    _check(body, language)
