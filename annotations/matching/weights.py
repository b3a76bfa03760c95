"""How much a word says, from general English word frequencies (the `wordfreq` package and
the data it ships): a rare word ("derailed", "Calais") weighs more in the judge's word-overlap
gate than a common one ("year", "people"). Nothing here was fitted to the labelled pairs.

Pure Python (no Django). A word's weight is cached: the first lookup of a word costs about
30 µs, later ones a dictionary lookup.
"""

from __future__ import annotations

from functools import lru_cache

from wordfreq import zipf_frequency

# weight = TOP - Zipf frequency (log10 of uses per billion words), between FLOOR and CEILING:
# "the" (7.7) and "said" (6.0) weigh FLOOR, "year" (6.0) 1.0, "unemployment" (4.2) 2.8,
# "derailed" (3.1) 3.9; a word wordfreq does not know (a rare name, a typo) CEILING.
TOP = 7.0
FLOOR = 0.5
CEILING = 5.0
# A direction word ("rose", "fell") stands for a whole axis of verbs; its weight is that of an
# ordinary content verb.
DIRECTION = 2.5


@lru_cache(maxsize=131072)
def weight(word: str, language: str = "en") -> float:
    """The weight of a word or a name (several words: wordfreq combines them)."""
    try:
        zipf = zipf_frequency(word, language)
    except LookupError:  # a language wordfreq does not have: every word alike
        return 1.0
    return min(CEILING, max(FLOOR, TOP - zipf))
