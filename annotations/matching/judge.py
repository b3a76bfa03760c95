"""Whether two claims state the same proposition.

Pure Python (no Django, no database), so that benchmarks/matching_eval.py and the tests
measure exactly what the app runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

SAME = "same"
OPPOSITE = "opposite"


@dataclass(frozen=True, slots=True)
class Claim:
    """What the judge knows of one sentence."""

    text: str
    language: str = "en"
    # The article's publication day, to resolve "last month", "yesterday", ...; None: unknown.
    published: date | None = None


@dataclass(frozen=True, slots=True)
class Judgement:
    # SAME, OPPOSITE or None (not the same claim).
    relation: str | None
    # 0..1, how alike the two sentences read; what `ClaimMatch.similarity` stores.
    similarity: float
    # Why the pair is not the same claim, e.g. ("number",), ("negation",); empty for SAME.
    reasons: tuple[str, ...] = ()


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def judge(a: Claim, b: Claim) -> Judgement:
    """Same claim, opposite claim, or neither."""
    similarity = fuzz.token_set_ratio(a.text.lower(), b.text.lower()) / 100
    if similarity < 0.75:
        return Judgement(None, similarity, ("unrelated",))
    if sorted(_NUMBER.findall(a.text)) != sorted(_NUMBER.findall(b.text)):
        return Judgement(None, similarity, ("number",))
    return Judgement(SAME, similarity)
