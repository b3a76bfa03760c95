"""Candidate claims for matching: the claim sentences of other articles most like a sentence.

At the bottom of the layers (models only), so that the services (which store matches) and the
selectors can both use it. Retrieval only: `judge` decides afterwards which candidates make the
same claim, so this errs on the side of proposing (recall), within a time budget.

PostgreSQL: full-text search over claim sentences (the partial GIN index of migration 0012 on
`to_tsvector('english', left(text, 2000)) WHERE kind = 'claim'`). A sentence becomes "concepts" (its
lexemes, with the synonyms and name variants below folded together: "joblessness dropped" and
"unemployment fell" share two). How rare each is comes from the index's own statistics
(`pg_stats`, 10,000 lexemes kept): the rarest few concepts are the anchors, and the database
returns the claims that share a very rare anchor or two of the others, so that a search reads
a few thousand index entries and some tens of rows at 1,000,000 sentences. What it returns is
ranked here by the weight of the concepts shared (the rarer, the heavier). All claims of a call
go in one statement (LATERAL over an array of tsqueries). Trigram similarity (pg_trgm `%` and
`<%`) was measured at 3 to 10 s per sentence at that size (docs/performance.md).

SQLite: the FTS5 table of migration 0012, with the same clauses, the words' shares read from
its vocabulary table (fts5vocab; porter stems guessed as the longest prefix of the word found
there), FTS5's best 300 by bm25 ranked here the same way, one statement for all claims; with
no FTS5, a bounded scan of the most recent claims scored with rapidfuzz.
"""

# Word lists read better as one string each than as a column of quoted words.
# ruff: noqa: SIM905

from __future__ import annotations

import json
import math
import re
import sqlite3
import time
from dataclasses import dataclass, field
from itertools import combinations

from django.db import connection
from rapidfuzz import fuzz

from annotations.models import Sentence

LIMIT = 50
# Other databases without FTS5: how many recent claim sentences one search reads at most.
SCAN_LIMIT = 20_000
# PostgreSQL: rows the database returns per sentence at most, to be ranked here.
FETCH_LIMIT = 300
# The rows a sentence's search is expected to bring (from the statistics) at most. The rarest
# `ANCHORS` concepts at most make the clauses; two words of a sentence appear together about
# CORRELATION times more often than chance would have it (a guess on the side of caution).
BUDGET_ROWS = 400
ANCHORS = 10
CORRELATION = 20
# Index entries (the anchors' posting lists) one sentence's search reads at most: every one is
# checked against the query, which is what a search costs (10,000 kept the recall@50 on the
# tuning pairs of 20,000 and 50,000, in two thirds of the time of 50,000).
POSTINGS = 10_000
# How long the statistics (pg_stats) are reused, in seconds.
STATS_SECONDS = 600

# Words a paraphrase swaps for each other (news English), single words only: each group is one
# concept in the search. Directions (rose / fell) stay apart: they are different concepts, and
# a claim's opposite is still found through its other words.
SYNONYMS = (
    "unemployment joblessness jobless",
    "fell fall falls falling dropped drop drops declined decline decreased decrease slumped "
    "plunged shrank shrink lower",
    "rose rise rises rising increased increase climbed climb jumped grew grow surged soared higher",
    "company firm business businesses",
    "jobs posts roles positions",
    "cut cuts axe slash",
    "factories factory plants plant",
    "arrested detained",
    "police officers",
    "doctors physicians",
    "strike walkout",
    "sacked fired dismissed",
    "premier pm",
    "regulator watchdog",
    "refund repay",
    "bought buying buy purchased purchase acquired acquire",
    "sales purchases",
    "cars vehicles car vehicle",
    "killed dead died deaths death killing kills",
    "hurt injured injuries injuring",
    "raised secured",
    "exceeds exceeded topped surpassed",
    "law legislation bill",
    "lawmakers mps legislators",
    "homes houses dwellings",
    "billion bn",
    "quake earthquake",
    "tripled trebled",
    "u.s america american",
    "uk u.k britain british",
    "un u.n",
    "kyiv kiev",
    "mumbai bombay",
    "myanmar burma",
    "netherlands holland dutch",
    "germany german",
    "france french",
    "spain spanish",
    "japan japanese",
    "greece greek",
    "ireland irish",
    "china chinese",
    "russia russian",
    "ukraine ukrainian",
    "italy italian",
    "two 2",
    "three 3 third",
    "four 4 fourth",
    "five 5 fifth",
    "six 6 sixth",
    "seven 7 seventh",
    "eight 8 eighth",
    "nine 9 ninth",
    "ten 10 tenth",
    "twelve 12 dozen",
    "twenty 20",
    "hundred 100 century",
    "half 50 halved",
    "doubled twofold",
    "fortnight 14",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    sentence: int
    article: int
    text: str
    # 0..1, how much of the sentence's content the candidate shares: the weight of the shared
    # concepts, rarer ones weighing more (PostgreSQL) or numbers double (SQLite), with a tenth
    # from rapidfuzz's token_set_ratio; the scan without FTS5: token_set_ratio alone
    score: float


def candidates(
    texts: dict[int, str], exclude_article: int, limit: int = LIMIT
) -> dict[int, list[Candidate]]:
    """{sentence id: up to `limit` candidates, best first} for the claim sentences `texts`
    ({sentence id: text}) of article `exclude_article`: claim sentences of other articles."""
    if not texts:
        return {}
    if connection.vendor == "postgresql":
        return _postgresql(texts, exclude_article, limit)
    if connection.vendor == "sqlite" and _fts5_present()[0]:
        return _sqlite_fts5(texts, exclude_article, limit)
    return _scan(texts, exclude_article, limit)


# --- PostgreSQL ------------------------------------------------------------------------------

# The index of migration 0012, whose expression the queries repeat word for word.
_SEARCH_INDEX = "sentence_claim_search_idx"
_VECTOR = "to_tsvector('english'::regconfig, \"left\"(text, 2000))"

# {database name: (read at, {lexeme: share of claims}, share of a lexeme not listed, claims)}
_stats: dict[str, tuple[float, dict[str, float], float, float]] = {}
# {database name: {lexeme: the lexemes of its synonym group}} from SYNONYMS, stemmed by the
# database once per process
_groups: dict[str, dict[str, tuple[str, ...]]] = {}


def _statistics(cursor) -> tuple[dict[str, float], float, float]:
    """The share of claims each common lexeme is in (the index's most common elements), the
    share below which the others lie, and the number of claims, from ANALYZE's statistics."""
    name = connection.settings_dict["NAME"]
    cached = _stats.get(name)
    if cached and time.monotonic() - cached[0] < STATS_SECONDS:
        return cached[1:]
    cursor.execute(
        "SELECT (SELECT reltuples FROM pg_class WHERE relname = %s),"
        " (SELECT most_common_elems::text::text[] FROM pg_stats WHERE tablename = %s),"
        " (SELECT most_common_elem_freqs FROM pg_stats WHERE tablename = %s)",
        [_SEARCH_INDEX, _SEARCH_INDEX, _SEARCH_INDEX],
    )
    claims, elements, shares = cursor.fetchone()
    claims = max(float(claims or 0), 1.0)  # -1 before the first ANALYZE
    if elements and shares:
        # A lexeme not listed is rarer than the least common listed one (most_common_elem_freqs
        # then has the minimum and maximum again, and for some types the share of nulls).
        frequency = dict(zip(elements, shares, strict=False))
        floor = min(shares[: len(elements)])
    else:
        # Not analysed yet (a new or small database): every lexeme counts as rare.
        frequency, floor = {}, 0.0
    _stats[name] = (time.monotonic(), frequency, floor, claims)
    return frequency, floor, claims


def _lexemes(cursor, texts: list[str]) -> tuple[list[list[str]], dict[str, tuple[str, ...]]]:
    """Each text's lexemes, as the index stores them, and the synonym groups' lexemes."""
    name = connection.settings_dict["NAME"]
    groups = _groups.get(name)
    words = [] if groups is not None else list(SYNONYMS)
    cursor.execute(
        "SELECT tsvector_to_array(to_tsvector('english'::regconfig, \"left\"(t, 2000)))"
        " FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
        [texts + words],
    )
    rows = [row[0] for row in cursor.fetchall()]
    if groups is None:
        groups = {}
        for stems in rows[len(texts) :]:
            for stem in stems:
                groups.setdefault(stem, tuple(stems))
        _groups[name] = groups
    return rows[: len(texts)], groups


@dataclass(slots=True)
class _Query:
    """One sentence's search: its concepts (each a tuple of the lexemes that express it) with
    their weights, and the tsquery that selects rows."""

    text: str
    weights: dict[tuple[str, ...], float]
    tsquery: str
    # {lexeme: its concept} and the lexemes' lengths, made on first use (_concepts_in)
    lookup: dict[str, tuple[str, ...]] | None = None
    lengths: list[int] = field(default_factory=list)
    starts: set[str] = field(default_factory=set)


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _expression(concept: tuple[str, ...]) -> str:
    inner = " | ".join(_quoted(lexeme) for lexeme in concept)
    return f"( {inner} )" if len(concept) > 1 else inner


def _weights(share: dict[tuple[str, ...], float], known: bool) -> dict[tuple[str, ...], float]:
    """What each concept weighs when the rows found are ranked: the rarer, the heavier; with no
    statistics, all alike but numbers, which weigh double."""
    if known:
        return {c: math.log(1 / max(s, 1e-7)) + 0.1 for c, s in share.items()}
    return {c: 2.0 if any(x[:1].isdigit() for x in c) else 1.0 for c in share}


def _clauses(share: dict[tuple[str, ...], float], claims: float) -> list[tuple]:
    """The clauses that select rows, each one concept or two that must be found together.

    The anchors are the rarest concepts, as many as keep the index entries the search reads
    under POSTINGS (every entry of their posting lists is checked against the query: that,
    not the rows, is what a search costs), at least two. A rare anchor selects alone; the
    others in pairs, the most selective first, until the rows they are expected to bring reach
    BUDGET_ROWS. Two words of one sentence come together more often than chance (a phrase, a
    topic): CORRELATION allows for that.
    """
    anchors, postings = [], 0.0
    for concept in sorted(share, key=share.__getitem__):
        postings += share[concept] * claims
        if len(anchors) >= 2 and (postings > POSTINGS or len(anchors) >= ANCHORS):
            break
        anchors.append(concept)
    clauses: list[tuple] = []
    expected, paired = 0.0, []
    for concept in anchors:
        rows = share[concept] * claims
        if rows <= BUDGET_ROWS / 4 and expected + rows <= BUDGET_ROWS:
            clauses.append((concept,))
            expected += rows
        else:
            paired.append(concept)
    pairs = sorted(
        (min(share[a], share[b], share[a] * share[b] * CORRELATION) * claims, a, b)
        for a, b in combinations(paired, 2)
    )
    for rows, a, b in pairs:
        if clauses and expected + rows > BUDGET_ROWS:
            break
        clauses.append((a, b))
        expected += rows
    return clauses or [(anchors[0],)]  # a single concept, common


def _query(
    text: str,
    lexemes: list[str],
    groups: dict[str, tuple[str, ...]],
    statistics: tuple[dict[str, float], float, float],
) -> _Query | None:
    frequency, floor, claims = statistics
    concepts = list(dict.fromkeys(groups.get(lexeme, (lexeme,)) for lexeme in lexemes))
    if not concepts:
        return None
    share = {c: min(1.0, sum(frequency.get(lexeme, floor) for lexeme in c)) for c in concepts}
    tsquery = " | ".join(
        " & ".join(_expression(c) for c in clause).join(("( ", " )"))
        if len(clause) > 1
        else _expression(clause[0])
        for clause in _clauses(share, claims)
    )
    return _Query(text, _weights(share, bool(frequency)), tsquery)


_TOKEN = re.compile(r"\w+(?:[.,']\w+)*")


def _concepts_in(query: _Query, text: str) -> set[tuple[str, ...]]:
    """The query's concepts found in `text`: where a word starts with one of a concept's
    lexemes (PostgreSQL's English stems are word prefixes: "unemploy" of "unemployment")."""
    if query.lookup is None:
        query.lookup = {lexeme: concept for concept in query.weights for lexeme in concept}
        query.lengths = sorted({len(lexeme) for lexeme in query.lookup})
        query.starts = {lexeme[:1] for lexeme in query.lookup}
    lookup, lengths, starts = query.lookup, query.lengths, query.starts
    found = set()
    for token in _TOKEN.findall(text.lower()):
        if token[:1] not in starts:
            continue
        for length in lengths:
            if length > len(token):
                break
            concept = lookup.get(token[:length])
            if concept is not None:
                found.add(concept)
    return found


def _score(query: _Query, text: str) -> float:
    """0..1: the weight of the sentence's concepts found in `text`, and a little for the
    shape of the sentence, so that equal weights are told apart."""
    found = _concepts_in(query, text)
    total = sum(query.weights.values())
    shared = sum(query.weights[c] for c in found)
    return 0.9 * shared / total + 0.1 * fuzz.token_set_ratio(text, query.text) / 100


def _postgresql(texts: dict[int, str], exclude_article: int, limit: int) -> dict[int, list]:
    ids = list(texts)
    rows = []
    with connection.cursor() as cursor:
        statistics = _statistics(cursor)
        lexemes, groups = _lexemes(cursor, [texts[sid] for sid in ids])
        queries = {
            sid: _query(texts[sid], found, groups, statistics)
            for sid, found in zip(ids, lexemes, strict=True)
        }
        searched = [sid for sid in ids if queries[sid] is not None]
        if searched:
            # `id + 0`: sorting the few matches, never walking the primary key backwards.
            cursor.execute(
                "SELECT q.n, s.id, s.article_id, s.text"
                " FROM unnest(%s::tsquery[]) WITH ORDINALITY AS q(query, n)"
                " CROSS JOIN LATERAL ("
                "  SELECT id, article_id, text FROM annotations_sentence"
                f"  WHERE kind = 'claim' AND {_VECTOR} @@ q.query AND article_id <> %s"
                "  ORDER BY id + 0 DESC LIMIT %s) AS s",
                [[queries[sid].tsquery for sid in searched], exclude_article, FETCH_LIMIT],
            )
            rows = cursor.fetchall()
    found: dict[int, list[Candidate]] = {sid: [] for sid in ids}
    for number, oid, aid, other in rows:
        sid = searched[number - 1]
        found[sid].append(Candidate(oid, aid, other, _score(queries[sid], other)))
    for listed in found.values():
        listed.sort(key=lambda c: (-c.score, -c.sentence))
        del listed[limit:]
    return found


# --- SQLite ----------------------------------------------------------------------------------

_FTS_TABLE = "annotations_sentence_fts"
_TERMS_TABLE = "annotations_sentence_fts_terms"
# unicode61's tokens: letters and digits; anything else separates ("4.2" is "4", "2").
_FTS_TOKEN = re.compile(r"[^\W_]+")
_fts_checked: dict[str, tuple[bool, bool]] = {}
_WORD = re.compile(r"\w+(?:[.,']\w+)*")
# Words too common to say anything (FTS5 keeps every word); the judge reads them anyway.
_STOPWORDS = frozenset(
    (
        "a an the of to in on at for by with from and or but as is are was were be been has have "
        "had it its this that these those which who will would said says than"
    ).split()
)
_SYNONYM_WORDS: dict[str, tuple[str, ...]] = {}
for _group in SYNONYMS:
    _members = tuple(w for w in _group.split() if "." not in w)
    for _word in _members:
        _SYNONYM_WORDS.setdefault(_word, _members)


def _fts5_present() -> tuple[bool, bool]:
    """Whether the FTS5 table is there, and its vocabulary table (how many claims hold a word)."""
    name = str(connection.settings_dict["NAME"])
    if name not in _fts_checked:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (%s, %s)",
                [_FTS_TABLE, _TERMS_TABLE],
            )
            present = {row[0] for row in cursor.fetchall()}
        # The vocabulary is read with json_each, built into SQLite from 3.38.
        vocabulary = _TERMS_TABLE in present and sqlite3.sqlite_version_info >= (3, 38)
        _fts_checked[name] = (_FTS_TABLE in present, vocabulary)
    return _fts_checked[name]


def _stem(word: str) -> str:
    """A rough English stem, a prefix of the word ("unemploy" of "unemployment"): what ranks
    the rows found (_concepts_in)."""
    for suffix in ("ness", "ment", "ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _guesses(token: str) -> list[str]:
    """The terms the porter tokenizer may have stored for `token` (one unicode61 token),
    likeliest first: the word itself, a final y made i, then shorter prefixes; the longest one
    in the vocabulary is taken for its stem."""
    guesses = [token[:k] for k in range(len(token), max(1, len(token) - 5), -1)]
    if token.endswith("y"):
        guesses.insert(1, token[:-1] + "i")
    return guesses


def _word_concepts(text: str) -> dict[tuple[str, ...], tuple[str, ...]]:
    """{concept (the stems that rank): its words (what the FTS5 query asks for)}, a synonym
    group being one concept."""
    concepts: dict[tuple[str, ...], tuple[str, ...]] = {}
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS:
            continue
        group = _SYNONYM_WORDS.get(word, (word,))
        concepts.setdefault(tuple(dict.fromkeys(_stem(w) for w in group)), group)
    return concepts


def _sqlite_shares(cursor, words: set[str]) -> tuple[dict[str, float], float]:
    """The share of claims each word is in, from the FTS5 vocabulary (a word of several
    tokens, "4.2", counts as its rarest token; a word whose stem is not guessed as 0), and the
    number of claims (estimated by the largest sentence id)."""
    tokens = {w: _FTS_TOKEN.findall(w) for w in words}
    guesses = {g for parts in tokens.values() for t in parts for g in _guesses(t)}
    cursor.execute(
        f"SELECT term, doc FROM {_TERMS_TABLE} WHERE term IN (SELECT value FROM json_each(%s))"
        " UNION ALL SELECT NULL, MAX(id) FROM annotations_sentence",
        [json.dumps(sorted(guesses))],
    )
    docs, claims = {}, 1.0
    for term, doc in cursor.fetchall():
        if term is None:
            claims = max(float(doc or 0), 1.0)
        else:
            docs[term] = doc
    shares = {}
    for word, parts in tokens.items():
        counts = [next((docs[g] for g in _guesses(t) if g in docs), 0) for t in parts]
        shares[word] = min(counts, default=0) / claims
    return shares, claims


def _fts5_expression(words: tuple[str, ...]) -> str:
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def _sqlite_fts5(texts: dict[int, str], exclude_article: int, limit: int) -> dict[int, list]:
    """FTS5 finds, with the clauses PostgreSQL's search uses when the vocabulary table tells
    how common each word is (else any of the words); the concepts rank."""
    found: dict[int, list[Candidate]] = {sid: [] for sid in texts}
    concepts = {sid: _word_concepts(text) for sid, text in texts.items()}
    concepts = {sid: c for sid, c in concepts.items() if c}
    if not concepts:
        return found
    queries, parts, params = {}, [], []
    with connection.cursor() as cursor:
        shares, claims = {}, 1.0
        if _fts5_present()[1]:
            words = {w for c in concepts.values() for group in c.values() for w in group}
            shares, claims = _sqlite_shares(cursor, words)
        for sid, groups in concepts.items():
            if shares:
                share = {c: min(1.0, sum(shares[w] for w in words)) for c, words in groups.items()}
                clauses = _clauses(share, claims)
            else:  # any of the words
                share, clauses = dict.fromkeys(groups, 0.0), [(c,) for c in groups]
            match = " OR ".join(
                "(" + " AND ".join(_fts5_expression(groups[c]) for c in clause) + ")"
                if len(clause) > 1
                else _fts5_expression(groups[clause[0]])
                for clause in clauses
            )
            queries[sid] = _Query(texts[sid], _weights(share, bool(shares)), match)
            parts.append(
                "SELECT * FROM (SELECT %s, s.id, s.article_id, s.text"
                f" FROM {_FTS_TABLE} JOIN annotations_sentence AS s ON s.id = {_FTS_TABLE}.rowid"
                f" WHERE {_FTS_TABLE} MATCH %s AND s.kind = 'claim' AND s.article_id <> %s"
                f" ORDER BY bm25({_FTS_TABLE}), s.id DESC LIMIT %s)"
            )
            params += [sid, match, exclude_article, FETCH_LIMIT]
        # A statement holds at most 500 compound parts (SQLITE_MAX_COMPOUND_SELECT).
        for start in range(0, len(parts), 400):
            cursor.execute(
                " UNION ALL ".join(parts[start : start + 400]),
                params[start * 4 : (start + 400) * 4],
            )
            for sid, oid, aid, other in cursor.fetchall():
                found[sid].append(Candidate(oid, aid, other, _score(queries[sid], other)))
    for listed in found.values():
        listed.sort(key=lambda c: (-c.score, -c.sentence))
        del listed[limit:]
    return found


def _scan(texts: dict[int, str], exclude_article: int, limit: int) -> dict[int, list]:
    rows = list(
        Sentence.objects.filter(kind=Sentence.Kind.CLAIM)
        .exclude(article_id=exclude_article)
        .order_by("-id")
        .values_list("id", "article_id", "text")[:SCAN_LIMIT]
    )
    found: dict[int, list[Candidate]] = {}
    for sid, text in texts.items():
        lowered = text.lower()
        scored = [
            (fuzz.token_set_ratio(lowered, other.lower()) / 100, oid, aid, other)
            for oid, aid, other in rows
        ]
        scored.sort(key=lambda item: (-item[0], item[1]))
        found[sid] = [
            Candidate(oid, aid, other, score) for score, oid, aid, other in scored[:limit]
        ]
    return found
