"""Whether two claims state the same proposition.

Each sentence is read once (cached): its quantities (quantities.py), dates and periods
(dates.py, resolved against the article's day), named entities (entities.py), negation,
direction words and its content words in role order (stemmed, through a small synonym table;
lexicon.py), with the attribution ("..., officials said") set aside and passives turned
round ("France was beaten by Germany" reads as "Germany beat France"). A pair is then judged:

1. unrelated: too few content words in common (the similarity gate);
2. not the same claim: a figure, a period or a name that the other side contradicts, a
   qualifier that only one side has ("junior doctors" / "doctors"), or the same actors in
   swapped roles ("Arsenal beat Chelsea" / "Chelsea beat Arsenal");
3. "opposite": everything agrees but the polarity ("did not rise", "illegal") or the direction
   ("rose" / "fell", "approved" / "rejected"); never a match;
4. "same".

A detail that one side gives and the other leaves out (a date, a speaker) does not make two
claims different. Pure Python (no Django), so that benchmarks/matching_eval.py and the tests
measure exactly what the app runs.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz

from . import dates, entities, quantities, weights
from .lexicon import (
    CONVERSE_AXES,
    DIRECTION_NEAR_NUMBER,
    DIRECTIONS,
    FIRST_PERSON,
    IRREGULAR,
    LIGHT_VERBS,
    NEGATING_PREFIXES,
    NEGATING_VERBS,
    NEGATIONS,
    NOT_NEGATING_AFTER,
    PHRASE_LENGTHS,
    PHRASE_STARTS,
    PHRASES,
    SENSES,
    SPEECH,
    SPEECH_AS_NOUN_AFTER,
    SPEECH_WITH_THAT,
    STOP,
    TIME_NOUNS,
    Token,
    canon,
    split_words,
    stem,
)
from .lexicon import tokenize as _tokenize

SAME = "same"
OPPOSITE = "opposite"

# The similarity gate: below this share of content words in common, two claims are about
# different things even when nothing contradicts (benchmarks/matching_eval.py).
GATE = 0.3
# And below this share of either side's word weight matched by the other, the two say
# different things: the search proposes fifty claims that share some rare words with each
# sentence, and a pair that shares a few ("The report will be published before Christmas" /
# "exam results would be published on 20 August") passed the gate alone. Chosen on the tuning
# pool with its retrieved distractors (benchmarks/matching_eval.py, docs/claim-matching.md).
COVER = 0.65
# Above this similarity, a word or a figure that only one side has is a qualifier that
# narrows the claim ("junior doctors" / "doctors"); below it, a rewording.
SCOPE = 0.7
# Two sentences starting with different capitalised words name different things only when
# they read at least this alike otherwise.
WEAK_NAMES = 0.7
# ... or when both first words are this rare (weights.py: Zipf frequency 4 or below).
RARE_NAME = 3.0
# A hyphenated compound is read as one word when the words joined are an English word this
# common (weights.py: Zipf frequency 3 or more): "start-up" is "startup", "co-operation"
# "cooperation"; "single-use" stays two words.
SOLID = 4.0
# Unmatched content words this alike (rapidfuzz ratio) count as one: spelling variants and
# inflections the stemmer misses.
FUZZY = 85
BE = frozenset(split_words("is are was were be been being get got gets"))
# Endings of common nouns, verbs and adverbs: a sentence's first word ending so is not a name
# ("Sales rose", "Teenagers in the study"), whatever its capital says.
COMMON_ENDINGS = (
    "ly",
    "ing",
    "ed",
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ance",
    "ence",
    "ism",
    "ers",
    "ies",
)
# Nouns that stand for the name next to them: "the Japanese government" says what "Japan" says,
# "England's cricketers beat India" what "England beat India" says.
STANDS_FOR_NAME = frozenset(
    split_words(
        "government administration authorities officials team squad cricketers footballers players"
    )
)
# Verbs of doing better than something, and what a claim can do better than: "beat its
# target", "exceeded expectations" say that a goal was met ("missed its target" the reverse).
SURPASS = frozenset(stem(word) for word in split_words("beat exceed surpass top outperform"))
GOALS = frozenset(
    split_words(
        "target targets goal goals forecast forecasts expectation expectations estimate "
        "estimates projection projections"
    )
)
# Quantifiers by class: "most GPs" and "all GPs" are different claims.
QUANTIFIERS = {
    "all": "all",
    "every": "all",
    "each": "all",
    "entire": "all",
    "whole": "all",
    "most": "most",
    "majority": "most",
    "some": "some",
    "several": "some",
    "many": "some",
    "few": "few",
    "none": "none",
    "minority": "few",
}
# Direction words that compare rather than say what changed: no head noun before them.
COMPARATIVES = frozenset(
    split_words(
        "more greater larger bigger higher above exceed exceeded exceeds surpass surpassed "
        "outnumber outnumbered ahead better stronger dearer costlier fewer less lesser smaller "
        "lower below behind worse weaker cheaper over under up down top topped tops high low"
    )
)
DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her"})
# "It is false that ...", "It is true that ...": before "that", the negations they add.
CLAIM_IS_TRUE = {"true": 0, "correct": 0, "false": 1, "untrue": 1, "wrong": 1, "incorrect": 1}


# Stop words that start no phrase and say nothing of negation or direction.
PLAIN_STOP = frozenset(
    word
    for word in STOP
    if word not in NEGATIONS
    and word not in DIRECTION_NEAR_NUMBER
    and word not in DIRECTIONS
    and word not in PHRASE_STARTS
    and word not in STANDS_FOR_NAME
    and stem(word) not in NEGATING_VERBS
)


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


@dataclass(frozen=True, slots=True)
class Reading:
    """One sentence as the judge reads it."""

    text: str  # lower case, for the string-similarity part of `similarity`
    lows: frozenset[str]  # every word outside the names, lower case
    quantities: tuple[quantities.Quantity, ...]
    periods: tuple[dates.Period, ...]
    # the claim's words in role order (agent first), one tuple per clause, attribution left
    # out: "@name" for a name, "~axis" for a direction word, else the word's canonical stem
    clauses: tuple[tuple[str, ...], ...]
    # the names, and the sentence's first word when only its capital could make it one
    names: tuple[str, ...]
    weak: str | None
    negations: int
    # axis -> the signs of its direction words in order: {"change": (1,)} for "rose"
    directions: dict[str, tuple[int, ...]]
    words: tuple[str, ...]  # every clause's words, in order
    speakers: tuple[str, ...]  # the names in the attribution
    sources: frozenset[str]  # its other words ("scientists", "figures")
    # every word of the claim but the attribution, lower case (to tell a swap of actors from
    # a sentence built another way: a swap keeps the words)
    bag: tuple[str, ...]
    quantifiers: frozenset[str]  # classes of "all", "most", "some", "few"
    # each of `words` -> how much it says (weights.py: rare words weigh more)
    weights: dict[str, float]
    # the words before the first verb of change in its clause: what rose or fell ("sales" in
    # "Tesla's sales in Europe fell"), names and direction words left out
    subject: tuple[str, ...]
    # "from Glasgow to Dublin": the two names, or None
    route: tuple[str, str] | None
    # (a word as read, its other sense's word): ("~change", "abolish") for "axed"
    senses: frozenset[tuple[str, str]] = frozenset()
    # its words that narrow nothing (lexicon.LIGHT_VERBS, TIME_NOUNS): not a qualifier
    light: frozenset[str] = frozenset()
    # whether the claim speaks in the first person ("we will freeze ...")
    first_person: bool = False
    # the periods of its adjectives of frequency outside figures: {"year"} for "the annual
    # budget" (quantities.PERIODIC)
    periodic: frozenset[str] = frozenset()


def _participle(word: str) -> bool:
    return word.endswith(("ed", "en", "wn")) or IRREGULAR.get(word, word) != word


def _role_order(tokens: list[Token], used: set[int]) -> list[int]:
    """Token indices with a passive clause turned round: "The ministry has been sued by 300
    farmers over the ban" is read in the order "300 farmers sued the ministry over the ban"."""
    n = len(tokens)
    lows = [token.low for token in tokens]
    for p in range(n - 2):
        if lows[p] not in BE:
            continue
        part = p + 1
        while part < n and (
            lows[part] in BE or lows[part].endswith("ly") or lows[part] in ("not", "never")
        ):
            part += 1
        if part >= n or not _participle(lows[part]):
            continue
        by = next((k for k in range(part + 1, min(n, part + 6)) if lows[k] == "by"), None)
        if by is None or any(tokens[k].gap for k in range(part + 1, by + 1)):
            continue
        end = by + 1
        while (
            end < n
            and not (end > by + 1 and tokens[end].gap)
            and (lows[end] in DETERMINERS or lows[end] not in STOP or end in used)
        ):
            end += 1
        if end == by + 1:
            continue
        start = max((k for k in range(p + 1) if tokens[k].gap), default=0)
        return [
            *range(start),
            *range(by + 1, end),
            part,
            *range(start, p),
            *range(part + 1, by),
            *range(end, n),
        ]
    return list(range(n))


# Speech verbs whose object is the listener: "told the BBC that ...", "warned MPs that ...".
_TELL = frozenset(
    split_words("tell told tells warn warned warns assure assured assures inform informed informs")
)


def _speaker_label(tokens: list[Token]) -> int:
    """Where the claim starts after a transcript's speaker label, or 0: a speaker in capitals
    and a colon, with where it was said in brackets or not ('HEALTH SECRETARY (on Today):
    "..."', "MAYOR: ..."): the label attributes what follows."""
    n = len(tokens)
    k = 0
    while (
        k < min(n, 4)
        and tokens[k].kind == "word"
        and tokens[k].orig.isupper()
        and not (k and tokens[k].gap)
    ):
        k += 1
    if not k or len(tokens[0].orig) < 2:
        return 0
    for m in range(k, min(n, k + 6)):
        if tokens[m].colon:
            # what follows the colon must be a claim, not a headline's last words
            return m if n - m >= 3 and (m == k or tokens[k].gap) else 0
    return 0


def _attribution(tokens: list[Token]) -> set[int]:
    """Indices of the words that say who makes the claim: "..., the ministry said on Monday",
    "Officials said (that) ...", "According to the coroner, ...", "..., figures show"."""
    n = len(tokens)
    lows = [token.low for token in tokens]
    clause_starts = [0] + [k for k in range(1, n) if tokens[k].gap]
    dropped: set[int] = set()
    last = clause_starts[-1]
    if last > 0 and tokens[last].colon and n - last <= 3 and tokens[last].orig[:1].isupper():
        dropped.update(range(last, n))  # a headline's source: "Rents up 8.4%: Daft.ie"
    label = _speaker_label(tokens)
    if label:
        dropped.update(range(label))  # a transcript's speaker: 'MINISTER (on Radio 4): "..."'
    for k in range(n):
        if lows[k] == "according" and k + 1 < n and lows[k + 1] == "to":
            end = next((m for m in range(k + 2, n) if tokens[m].gap), n)
            dropped.update(range(k, end))
        elif (lows[k] in SPEECH or lows[k] in SPEECH_WITH_THAT) and not (
            k > 0 and lows[k - 1] in SPEECH_AS_NOUN_AFTER
        ):
            start = max(s for s in clause_starts if s <= k)
            end = next((m for m in range(k + 1, n) if tokens[m].gap), n)
            that = "that" in lows[k + 1 : k + 5]
            if start > 0 and end == n:
                dropped.update(range(start, n))  # "..., officials said on Monday."
            elif start == 0 and k <= 6 and k + 1 < end and (that or lows[k] in SPEECH):
                # (not a clause that ends with the word: "The court accepted the claim.")
                dropped.update(range(0, k + 1))  # "The ministry said (that) ..."
                if k + 1 < n and lows[k + 1] == "that":
                    dropped.add(k + 1)
                elif lows[k] in _TELL and that:
                    # whom it was said to: "The minister told the BBC that ..."
                    dropped.update(range(k + 1, k + 2 + lows[k + 1 : k + 5].index("that")))
    return dropped


def _aims_at_goal(tokens: list[Token], i: int) -> bool:
    """Whether the noun phrase at `i` is a goal: "its target", "its waiting-time target",
    "analysts' forecasts" (up to two words before the noun)."""
    k = i
    while k < len(tokens) and tokens[k].low in DETERMINERS:
        k += 1
    for m in range(k, min(len(tokens), k + 3)):
        if m > i and tokens[m].gap:
            return False
        if tokens[m].low in GOALS:
            return True
        if tokens[m].low in STOP:
            return False
    return False


def _word(lows: list[str], i: int) -> tuple[str, int]:
    """The word at `i`, or the phrase starting there reduced to one word, and its length."""
    if lows[i] not in PHRASE_STARTS:
        return lows[i], 1
    for length in PHRASE_LENGTHS:
        phrase = tuple(lows[i : i + length])
        if len(phrase) == length and phrase in PHRASES:
            return PHRASES[phrase], length
    return lows[i], 1


@lru_cache(maxsize=65536)
def read(text: str, language: str = "en", published: date | None = None) -> Reading:
    """The judge's reading of one sentence (cached: a sentence meets many candidates)."""
    tokens = _tokenize(text)
    periods, used = dates.extract(tokens, published)
    found, took = quantities.extract(tokens, used)
    used = used | took
    attribution = _attribution(tokens)
    if attribution:
        # the figures and dates of the claim, not of its attribution ("..., officials said on
        # Monday")
        claim = [token for k, token in enumerate(tokens) if k not in attribution]
        periods, in_dates = dates.extract(claim, published)
        found = quantities.extract(claim, in_dates)[0]
    lows = [token.low for token in tokens]
    n = len(tokens)

    name_at: dict[int, tuple[int, str]] = {}
    for start, end in entities.spans(tokens, used):
        name = entities.key(tokens[start:end])
        if name is not None:
            if (
                name in entities.CENTRAL_BANK
                and lows[end : end + 2] == ["central", "bank"]
                and not any(k in used for k in (end, end + 1))
            ):
                # "China's central bank", "the Japanese central bank": the bank's name
                end, name = end + 2, entities.VARIANTS[name + " central bank"]
            name_at[start] = (end, name)
    label = _speaker_label(tokens)
    if label and name_at.get(label, (0,))[0] == label + 1 and lows[label] not in entities.VARIANTS:
        del name_at[label]  # the claim's first word after a speaker label: 'MAYOR: "Rail ...'
    weak = None
    first = tokens[0] if tokens else None
    if (
        first is not None
        and 0 not in name_at
        and 0 not in used
        and first.kind == "word"
        and first.orig[:1].isupper()
        and first.low not in STOP
        and len(first.low) > 2
        and not first.low.endswith(COMMON_ENDINGS)
        and not (first.low.endswith("s") and not first.low.endswith(("us", "ss", "is")))
    ):
        weak = first.low

    # what each token is: ("name", key, length), ("neg",), ("dir", axis, sign), ("word", w, length)
    kinds: dict[int, tuple] = {}
    surface: dict[str, str] = {}  # a canonical word -> a word as written, for its weight
    negations = 0
    directions: dict[str, list[int]] = {}
    senses: set[tuple[str, str]] = set()
    light: set[str] = set()
    i = 0
    while i < n:
        if i in name_at:
            end, name = name_at[i]
            kinds[i] = ("name", name, end - i)
            i = end
            continue
        if i in used:
            if lows[i] in quantities.MULTIPLIERS:  # "doubled" rises, "halved" falls
                directions.setdefault("change", []).append(
                    1 if quantities.MULTIPLIERS[lows[i]] > 1 else -1
                )
                kinds[i] = ("word", "~change", 1)
            elif lows[i].endswith("fold") and i in took:  # "a twofold rise"
                kinds[i] = ("word", "~change", 1)
            if lows[i : i + 2] == ["hat", "trick"]:
                kinds[i] = ("word", "goal", 2)  # a hat-trick is three goals
            i += 1
            continue
        if lows[i] in PLAIN_STOP:  # most words of a sentence: nothing to look up
            i += 1
            continue
        word, length = _word(lows, i)
        if length == 1 and i + 1 < n and tokens[i + 1].hyphen and i + 1 not in used:
            joined = word + lows[i + 1]
            if joined.isalpha() and weights.weight(joined) <= SOLID:
                # a compound also written solid is that word: "start-up", "e-mail", "set-up"
                word, length = joined, 2
        following = lows[i + length] if i + length < n else ""
        stemmed = stem(word)
        if following == "that" and word in CLAIM_IS_TRUE:
            # "It is false that ...": the claim after it negated; "It is true that ...": kept
            negations += CLAIM_IS_TRUE[word]
        elif word in NEGATIONS:
            if following not in NOT_NEGATING_AFTER.get(word, ()):
                negations += 1
        elif stemmed in NEGATING_VERBS:
            negations += 1
        elif word in DIRECTION_NEAR_NUMBER:
            if i + 1 in took and (word not in ("over", "under") or tokens[i + 1].kind == "num"):
                # "up 5%", "over 40,000" (but "jailed over £3m fraud")
                directions.setdefault("change", []).append(DIRECTION_NEAR_NUMBER[word])
                kinds[i] = ("word", "~change", length)
        elif (
            word == "fire"
            and i > 0
            and (
                lows[i - 1] in DETERMINERS
                or (lows[i - 1] not in STOP and not lows[i - 1].endswith("s"))
                or (i - 1 in used)
                or any(name_at.get(k, (0,))[0] == i for k in range(max(0, i - 4), i))
            )
        ):
            kinds[i] = ("word", canon("blaze"), 1)  # "the fire", "a house fire": a blaze
            surface[canon("blaze")] = word
        elif word in DIRECTIONS or stemmed in DIRECTIONS or canon(word) in DIRECTIONS:
            # a synonym of a direction word is one too ("backed" as "approved")
            axis, sign = DIRECTIONS.get(word) or DIRECTIONS.get(stemmed) or DIRECTIONS[canon(word)]
            if stemmed in SURPASS and _aims_at_goal(tokens, i + length):
                # "beat its target" / "missed its target": whether a goal was reached
                axis, sign = "attainment", 1
            directions.setdefault(axis, []).append(sign)
            kinds[i] = ("word", "~" + axis, length)
            if stemmed in SENSES:
                senses.add(("~" + axis, canon(SENSES[stemmed])))
        elif word in STANDS_FOR_NAME and (
            i + 1 in name_at or any(name_at.get(k, (0,))[0] == i for k in range(max(0, i - 4), i))
        ):
            pass  # "the Japanese government approved" = "Japan approved"
        elif (
            length == 1
            and i + 1 in name_at
            and not tokens[i + 1].gap
            and (i == 0 or lows[i - 1] in DETERMINERS)
        ):
            pass  # a description before a name: "the sprinter Amy Cole" says "Amy Cole"
        elif (
            word == "single"
            and lows[i - 1] == "a"
            and any(w in NEGATIONS for w in lows[max(0, i - 5) : i - 1])
        ):
            pass  # "did not close a single library" is "closed no library"
        elif word not in STOP and len(word) > 1:
            kinds[i] = ("word", canon(word), length)
            surface[canon(word)] = word
            if stemmed in LIGHT_VERBS or word in TIME_NOUNS:
                light.add(canon(word))
            if stemmed in SENSES:
                senses.add((canon(word), canon(SENSES[stemmed])))
        i += length

    clauses: list[list[str]] = [[]]
    subject: tuple[str, ...] | None = None
    for k in _role_order(tokens, used):
        if tokens[k].gap and clauses[-1]:
            clauses.append([])
        if k in attribution or k not in kinds:
            continue
        kind = kinds[k]
        if kind[0] == "name":
            clauses[-1].append("@" + kind[1])
            continue
        if kind[1] == "~change" and lows[k] not in COMPARATIVES and subject is None:
            subject = tuple(w for w in clauses[-1] if w[0] not in "~@")
        clauses[-1].append(kind[1])
    speakers = tuple(
        kinds[k][1] for k in sorted(attribution) if k in kinds and kinds[k][0] == "name"
    ) + ((weak,) if weak is not None and 0 in attribution else ())
    sources = frozenset(kinds[k][1] for k in attribution if k in kinds and kinds[k][0] == "word")
    clauses_t = tuple(tuple(c) for c in clauses if c)
    words = tuple(w for c in clauses_t for w in c)
    names = tuple(dict.fromkeys(w[1:] for w in words if w.startswith("@")))
    if weak is not None and canon(weak) not in words:
        weak = None  # the first word was attribution
    word_weights = {}
    for w in words:
        if w[0] == "@":
            word_weights[w] = weights.weight(w[1:], language)
        elif w[0] == "~":
            word_weights[w] = weights.DIRECTION
        else:
            word_weights[w] = weights.weight(surface.get(w, w), language)
    return Reading(
        text=text.lower(),
        lows=frozenset(lows[k] for k in kinds if kinds[k][0] != "name"),
        quantities=tuple(found),
        periods=tuple(periods),
        clauses=clauses_t,
        names=names,
        weak=None if weak is None else canon(weak),
        negations=negations,
        directions={axis: tuple(signs) for axis, signs in directions.items()},
        words=words,
        speakers=speakers,
        sources=sources,
        bag=tuple(_bag(lows, name_at, attribution)),
        quantifiers=frozenset(
            QUANTIFIERS[lows[k]]
            for k in range(n)
            if lows[k] in QUANTIFIERS and k not in attribution
        ),
        weights=word_weights,
        subject=subject or (),
        route=_route(lows, name_at),
        senses=frozenset(senses),
        light=frozenset(light),
        first_person=any(lows[k] in FIRST_PERSON and k not in attribution for k in range(n)),
        periodic=frozenset(
            quantities.PERIODIC[lows[k]]
            for k in range(n)
            if lows[k] in quantities.PERIODIC and k not in used and k not in attribution
        ),
    )


def _bag(lows: list[str], name_at: dict[int, tuple[int, str]], attribution: set[int]):
    """The claim's words, lower case, a name as its key ("Serbian" as "serbia")."""
    k = 0
    while k < len(lows):
        if k in name_at:
            end, name = name_at[k]
            if k not in attribution:
                yield name
            k = end
            continue
        if k not in attribution:
            yield lows[k]
        k += 1


def _route(lows: list[str], name_at: dict[int, tuple[int, str]]) -> tuple[str, str] | None:
    """The names of "from X to Y" ("flights from Glasgow to Dublin")."""
    for k, low in enumerate(lows):
        if low == "from" and k + 1 in name_at:
            end, origin = name_at[k + 1]
            if end < len(lows) and lows[end] == "to" and end + 1 in name_at:
                return origin, name_at[end + 1][1]
    return None


def _equal(x: str, y: str) -> bool:
    if x == y:
        return True
    if x[0] == "@" and y[0] == "@":
        return entities.same(x[1:], y[1:])
    if x[0] == "@" and y[0] != "~":
        return canon(x[1:]) == y or entities.same(x[1:], y)
    if y[0] == "@" and x[0] != "~":
        return canon(y[1:]) == x or entities.same(y[1:], x)
    return False


def _align(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str], int]:
    """(a's words with no counterpart in b, b's words with none in a, pairs matched)."""
    common = set(a) & set(b)
    left = [x for x in dict.fromkeys(a) if x not in common]
    right = [y for y in dict.fromkeys(b) if y not in common]
    if not any(x[0] == "@" for x in left) and not any(y[0] == "@" for y in right):
        return left, right, len(common)  # only names match other than by spelling
    left, right, matched = _pair_off(left, right, _equal)
    return left, right, matched + len(common)


def _pair_off(left: list[str], right: list[str], *rules) -> tuple[list[str], list[str], int]:
    matched = 0
    for rule in rules:
        rest = []
        for x in left:
            for k, y in enumerate(right):
                if rule(x, y):
                    del right[k]
                    matched += 1
                    break
            else:
                rest.append(x)
        left = rest
    return left, right, matched


def _alike(x: str, y: str) -> bool:
    return (
        len(x) >= 5
        and len(y) >= 5
        and x[0] not in "@~"
        and y[0] not in "@~"
        and fuzz.ratio(x, y) >= FUZZY
    )


def _similarity(a: Reading, b: Reading, left: list[str], right: list[str]) -> float:
    """The weighted share of content words in common: the mean of the share of both sides'
    weight matched (Dice) and the share of the better covered side (a headline is covered by
    the longer sentence that says more)."""
    total_a, total_b = sum(a.weights.values()), sum(b.weights.values())
    if not total_a or not total_b:
        return 0.0
    matched_a = max(0.0, total_a - sum(a.weights.get(w, 1.0) for w in left))
    matched_b = max(0.0, total_b - sum(b.weights.get(w, 1.0) for w in right))
    dice = (matched_a + matched_b) / (total_a + total_b)
    containment = max(matched_a / total_a, matched_b / total_b)
    return (dice + containment) / 2


def _transposed(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether b is a with two groups of words swapped around a middle that stays:
    "the landlord owes the tenant" / "the tenant owes the landlord"."""
    mapped = []
    for y in b:  # b's words in a's spelling ("@biden" for "@joe biden"), the same first
        mapped.append(y if y in a else next((x for x in a if _equal(x, y)), y))
    shared = set(a) & set(mapped)
    x = [w for w in a if w in shared]
    y = [w for w in mapped if w in shared]
    if len(x) != len(y) or x == y or len(x) < 3:
        return False
    while x and y and x[0] == y[0]:
        x, y = x[1:], y[1:]
    while x and y and x[-1] == y[-1]:
        x, y = x[:-1], y[:-1]
    size = len(x)
    for first in range(1, size - 1):
        for last in range(1, size - first):
            head, middle, tail = x[:first], x[first : size - last], x[size - last :]
            if y == tail + middle + head and all(
                any(w[0] != "~" for w in group) for group in (head, tail)
            ):
                return True
    return False


def _swapped(a: Reading, b: Reading) -> bool:
    if abs(len(a.bag) - len(b.bag)) > 3:
        return False
    bag_a, bag_b = Counter(a.bag), Counter(b.bag)
    if sum(((bag_a - bag_b) + (bag_b - bag_a)).values()) > 3:
        return False
    for clause in a.clauses:
        if len(clause) < 3:
            continue
        best = max(b.clauses, key=lambda c: _align(clause, c)[2], default=())
        if _transposed(clause, best):
            return True
    return False


def _reversed(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """Whether the direction words of one axis say the reverse: "rose" / "fell"; "upheld the
    ban" / "overturned the ban" (as many words each side, and their signs' product differs)."""
    if not set(a) & set(b):
        return True
    return len(a) == len(b) and math.prod(a) != math.prod(b)


def _reversed_axes(a: Reading, b: Reading) -> list[str]:
    return [
        axis
        for axis, signs in a.directions.items()
        if axis in b.directions and _reversed(signs, b.directions[axis])
    ]


def _prefix_negations(left: list[str], right: list[str]) -> int:
    """Pairs like "illegal" / "legal", "unsafe" / "safe": taken out of `left` and `right`."""
    count = 0
    for x in list(left):
        for y in list(right):
            longer, shorter = (x, y) if len(x) > len(y) else (y, x)
            if any(longer == prefix + shorter for prefix in NEGATING_PREFIXES):
                left.remove(x)
                right.remove(y)
                count += 1
                break
    return count


def _qualifiers(a: Reading, b: Reading, unmatched: list[str]) -> list[str]:
    """The words of `a` that only it has (`unmatched`) and that narrow its claim: not a light
    word (a light verb, a unit of time as a noun), nor the one word more that is the referent
    of a quoted "we" in `b`."""
    words = [w for w in unmatched if w not in a.light]
    if b.first_person and not a.first_person:
        words = [w for w in words if w[0] != "@"][1:] + [w for w in words if w[0] == "@"]
    return words


def _names_contradict(
    a: Reading, b: Reading, left: list[str], right: list[str], similarity: float
) -> bool:
    """Whether each side names someone or something the other does not."""

    def own(reading: Reading, unmatched: list[str], other: Reading, weak: bool) -> bool:
        for word in unmatched:
            if word[0] == "@" and not set(word[1:].split()) <= other.lows:
                return True
            if weak and word == reading.weak:
                return True
        return False

    def rare(reading: Reading) -> bool:
        return reading.weak is not None and reading.weights.get(reading.weak, 0.0) >= RARE_NAME

    # a capital at the start of the sentence is a weaker sign of a name: against another
    # such word, only when the rest reads alike ("Amazon will open" / "Ocado will open") or
    # when both are rare words ("Heathrow" / "Istanbul", not "Teachers" / "Nurses")
    if (
        own(a, left, b, True)
        and own(b, right, a, True)
        and (
            similarity >= WEAK_NAMES
            or own(a, left, b, False)
            or own(b, right, a, False)
            or (rare(a) and rare(b))
        )
    ):
        return True
    # "Kamala Harris said ..." / "Gavin Newsom said ...": another source is another claim
    return bool(a.speakers and b.speakers) and not any(
        entities.same(x, y) for x in a.speakers for y in b.speakers
    )


# What examine() measures of a pair besides its contradictions (benchmarks/matching_fit.py
# fits a logistic regression on them, to compare with the gate).
FEATURES = (
    "content",  # the weighted share of content words in common (the gate's measure)
    "cover_min",  # the share of the less covered side's word weight matched
    "cover_max",  # the share of the better covered side's word weight matched
    "token_set",  # rapidfuzz token_set_ratio / 100
    "heavy_both",  # the lighter of the two sides' heaviest unmatched words / weights.CEILING
    "unmatched_both",  # the fewer of the two sides' unmatched words
    "shared_figure",  # both sides give figures and they agree
    "shared_name",  # a name in common
    "shared_direction",  # a direction word (rise / fall) on both sides
    "length_ratio",  # the shorter side's words / the longer side's
)


@dataclass(frozen=True, slots=True)
class Examination:
    """What the judge finds comparing two readings, before it decides."""

    similarity: float  # what `Judgement.similarity` says
    content: float  # the weighted share of content words in common
    cover: float  # the share of the less covered side's word weight matched by the other
    features: tuple[float, ...]  # FEATURES, in order
    reasons: tuple[str, ...]  # what contradicts: "number", "date", "entity", ...
    flipped: tuple[str, ...]  # "negation", "direction"


def _heaviest(reading: Reading, unmatched: list[str]) -> float:
    return max((reading.weights.get(w, 1.0) for w in unmatched), default=0.0)


def examine(a: Claim, b: Claim) -> Examination:
    """Compare two claims: their similarity, the model's features, contradictions, flips."""
    ra = read(a.text, a.language, a.published)
    rb = read(b.text, b.language, b.published)
    left, right, matched = _align(ra.words, rb.words)
    # a name that one side gives as the source and the other as the subject:
    # "Tesla said it had recalled ..." / "Tesla recalls ..."
    for unmatched, other in ((left, rb), (right, ra)):
        for word in list(unmatched):
            if word in other.sources or any(
                _equal("@" + speaker, word) for speaker in other.speakers
            ):
                unmatched.remove(word)
                matched += 1
    if ra.senses or rb.senses:
        # a word in its other sense: "axed the plan" / "scrapped the plan"; also
        # when the direction word was matched already ("won a contract that shrank")
        left, right, other_sense = _pair_off(
            left, right, lambda x, y: (x, y) in ra.senses or (y, x) in rb.senses
        )
        matched += other_sense
        for unmatched, reading, own in ((right, ra, left), (left, rb, right)):
            for word in list(unmatched):
                if any(y == word and x not in own for x, y in reading.senses):
                    unmatched.remove(word)
                    matched += 1
    prefixed = _prefix_negations(left, right)
    # then spelling variants and inflections the stemmer missed (after the prefixes, so that
    # "ineffective" does not pass for "effective")
    left, right, alike = _pair_off(left, right, _alike)
    matched += alike
    content = _similarity(ra, rb, left, right)
    token_set = fuzz.token_set_ratio(ra.text, rb.text) / 100
    similarity = round(0.8 * content + 0.2 * token_set, 4)
    reasons = []
    only_a, only_b = quantities.differences(list(ra.quantities), list(rb.quantities))
    if (only_a and only_b) or ((only_a or only_b) and content >= SCOPE):
        # a changed figure, or at a near-identical wording a figure added ("adults" /
        # "adults over 60")
        reasons.append("number")
    if "number" not in reasons and ra.periodic and rb.periodic and not ra.periodic & rb.periodic:
        reasons.append("number")  # "the annual budget" / "the monthly budget"
    shared_figure = bool(ra.quantities and rb.quantities and not only_a and not only_b)
    only_a, only_b = dates.differences(list(ra.periods), list(rb.periods))
    if only_a and only_b:
        reasons.append("date")
    if _names_contradict(ra, rb, left, right, content):
        reasons.append("entity")
    elif (
        content >= SCOPE
        and bool(left) != bool(right)
        and (_qualifiers(ra, rb, left) if left else _qualifiers(rb, ra, right))
    ) or (ra.quantifiers and rb.quantifiers and ra.quantifiers != rb.quantifiers):
        # a qualifier on one side only: "junior doctors" / "doctors", "most" / "all"
        reasons.append("scope")
    reversed_axes = _reversed_axes(ra, rb)
    if not reasons and _swapped(ra, rb):
        converse = [axis for axis in reversed_axes if axis in CONVERSE_AXES]
        if converse:
            # one fact from the other side: "Germany beat France" / "France lost to Germany"
            reversed_axes = [axis for axis in reversed_axes if axis not in converse]
        else:
            reasons.append("actor")
    if (
        not reasons
        and ra.route
        and rb.route
        and entities.same(ra.route[0], rb.route[1])
        and entities.same(ra.route[1], rb.route[0])
        and not entities.same(*ra.route)
    ):
        reasons.append("actor")  # "from Glasgow to Dublin" / "from Dublin to Glasgow"
    if not reasons and (
        any(w[0] == "~" for w in left)
        and right
        or any(w[0] == "~" for w in right)
        and left
        or any(w in left for w in ra.subject)
        and any(w in right for w in rb.subject)
    ):
        # a change on one side, something else done on the other: "the boat sank" / "the
        # coastguard rescued people from the boat"; or something else that changes: "egg
        # prices rose 30%" / "egg sales rose 30%"
        reasons.append("predicate")
    flipped = []
    if (ra.negations + prefixed) % 2 != rb.negations % 2:
        flipped.append("negation")
    if reversed_axes:
        flipped.append("direction")
    total_a, total_b = sum(ra.weights.values()), sum(rb.weights.values())
    cover_a = 1 - sum(ra.weights.get(w, 1.0) for w in left) / total_a if total_a else 0.0
    cover_b = 1 - sum(rb.weights.get(w, 1.0) for w in right) / total_b if total_b else 0.0
    size_a, size_b = len(set(ra.words)), len(set(rb.words))
    features = (
        content,
        min(cover_a, cover_b),
        max(cover_a, cover_b),
        token_set,
        min(_heaviest(ra, left), _heaviest(rb, right)) / weights.CEILING,
        min(len(left), len(right)),
        float(shared_figure),
        float(any(w[0] == "@" for w in set(ra.words) - set(left))),
        float(any(w[0] == "~" for w in set(ra.words) - set(left))),
        min(size_a, size_b) / max(size_a, size_b, 1),
    )
    cover = min(cover_a, cover_b)
    return Examination(similarity, content, cover, features, tuple(reasons), tuple(flipped))


def judge(a: Claim, b: Claim) -> Judgement:
    """Same claim, opposite claim, or neither."""
    found = examine(a, b)
    if found.content < GATE:
        return Judgement(None, found.similarity, ("unrelated",))
    if found.reasons:
        return Judgement(None, found.similarity, found.reasons)
    if found.cover < COVER:
        return Judgement(None, found.similarity, ("unrelated",))
    if found.flipped:
        return Judgement(OPPOSITE, found.similarity, found.flipped)
    return Judgement(SAME, found.similarity)
