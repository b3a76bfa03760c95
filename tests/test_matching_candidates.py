"""Candidate search for claim matching (annotations/matching/candidates.py), on both databases:
PostgreSQL's full-text index and SQLite's FTS5 table (migration 0012), and the scan fallback."""

from __future__ import annotations

import pytest
from django.db import connection

from annotations import services
from annotations.matching import candidates as search
from annotations.matching.candidates import Candidate, candidates
from annotations.models import Sentence

pytestmark = pytest.mark.django_db

_stories = iter(range(1_000_000))


def story(*texts: str):
    """An article of `texts`, one paragraph each, imported the usual way; its sentences."""
    number = next(_stories)
    body = "\n".join(texts)
    article = services.article_import(data={"title": f"Matching {number}", "body": body}).article
    return article, list(article.sentences.order_by("index"))


@pytest.fixture(autouse=True)
def fresh_caches():
    """The search keeps statistics per database name; test databases reuse names."""
    search._stats.clear()
    search._fts_checked.clear()
    yield
    search._stats.clear()
    search._fts_checked.clear()


DISTRACTORS = [
    "Unemployment rose to 5.1% in May, the statistics office said.",
    "Youth unemployment in the region reached 14% last year.",
    "Inflation fell to 2.1% in March, the central bank said.",
    "The jobless rate in Spain is the highest in Europe.",
    "Wages rose by 4.2% in the year to March.",
    "Unemployment among graduates fell sharply after the crisis.",
    "House prices dropped 3% last month, a survey found.",
    "The minister said unemployment would fall next year.",
    "Retail sales fell 0.8% in December.",
    "Exports dropped to their lowest level in a decade last month.",
]


def test_a_paraphrase_with_few_shared_words_is_found_among_distractors():
    earlier, [claim] = story("Unemployment fell to 4.2% in March, the statistics office said.")
    for text in DISTRACTORS:
        story(text)
    article, [new] = story("Joblessness dropped to 4.2 percent last month.")

    found = candidates({new.pk: new.text}, exclude_article=article.pk, limit=3)

    assert claim.pk in [c.sentence for c in found[new.pk]]
    assert found[new.pk][0] == Candidate(claim.pk, earlier.pk, claim.text, found[new.pk][0].score)


@pytest.mark.summaries_unchecked  # a claim made boilerplate behind the services' back
def test_only_claims_of_other_articles_are_proposed():
    text = "Police arrested 41 people at the carnival in Notting Hill."
    other, [claim] = story(text)
    _, [demoted] = story(text.replace("41", "44"))
    Sentence.objects.filter(pk=demoted.pk).update(kind=Sentence.Kind.BOILERPLATE)
    article, [new, same_article] = story(text.replace("41", "forty-one"), text)

    found = candidates({new.pk: new.text}, exclude_article=article.pk)

    assert [(c.sentence, c.article) for c in found[new.pk]] == [(claim.pk, other.pk)]


@pytest.mark.summaries_unchecked  # changes sentences behind the services' back on purpose
def test_a_sentence_follows_its_kind_and_text():
    """The index follows later changes: a claim marked boilerplate leaves the search, and one
    whose text changes is found by its new words only."""
    _, [claim] = story("The bridge over the Tamar will close for repairs in April.")
    article, [new] = story("The Tamar bridge closes for repairs in April.")
    query = {new.pk: new.text}
    assert [c.sentence for c in candidates(query, article.pk)[new.pk]] == [claim.pk]

    Sentence.objects.filter(pk=claim.pk).update(kind=Sentence.Kind.BOILERPLATE)
    assert candidates(query, article.pk) == {new.pk: []}

    Sentence.objects.filter(pk=claim.pk).update(
        kind=Sentence.Kind.CLAIM, text="Orchards in Kent lost their blossom to frost."
    )
    assert candidates(query, article.pk) == {new.pk: []}
    assert [c.sentence for c in candidates({new.pk: "Frost hit orchards in Kent"}, 0)[new.pk]] == [
        claim.pk
    ]

    Sentence.objects.filter(pk=claim.pk).delete()
    assert candidates({new.pk: "Frost hit orchards in Kent"}, 0) == {new.pk: []}


def fts5_intact() -> bool:
    """SQLite: FTS5's own check that its index agrees with the sentences (true elsewhere)."""
    if connection.vendor != "sqlite" or not search._fts5_present()[0]:
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO annotations_sentence_fts (annotations_sentence_fts, rank)"
            " VALUES ('integrity-check', 1)"
        )
    return True


@pytest.mark.summaries_unchecked  # changes sentences behind the services' back on purpose
def test_a_claim_whose_text_changes_is_found_by_its_new_words_only():
    """Regression: on SQLite the update triggers put the new text in before taking the old
    one out, which corrupted the FTS5 index (a DatabaseError on the next change)."""
    _, [claim] = story("The bridge over the Tamar will close for repairs in April.")
    for text in ("Orchards in Kent lost their blossom to frost.", "Frost spared Kent."):
        Sentence.objects.filter(pk=claim.pk).update(text=text)
        assert fts5_intact()
    Sentence.objects.get(pk=claim.pk).save()  # every column written again, text unchanged
    assert fts5_intact()

    assert candidates({1: "Tamar bridge closes for repairs in April"}, 0) == {1: []}
    assert [c.sentence for c in candidates({1: "Frost spared Kent"}, 0)[1]] == [claim.pk]
    Sentence.objects.filter(pk=claim.pk).delete()
    assert fts5_intact()
    assert candidates({1: "Frost spared Kent"}, 0) == {1: []}


def test_best_first_and_the_limit_is_kept():
    story("The council spent £3.5 million on potholes in Leeds.")
    story("The council spent £3.5 million on potholes in Leeds last year, officials said.")
    story("The council in Leeds spent money on roads.")
    story("Potholes in Leeds cost the council £3.5 million.")
    article, [new] = story("Leeds council spent £3.5 million on potholes.")

    found = candidates({new.pk: new.text}, exclude_article=article.pk)[new.pk]
    limited = candidates({new.pk: new.text}, exclude_article=article.pk, limit=2)[new.pk]

    assert len(found) == 4
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert found[-1].text == "The council in Leeds spent money on roads."
    assert limited == found[:2]


def test_an_empty_database_and_no_texts():
    assert candidates({}, exclude_article=1) == {}
    assert candidates({7: "Unemployment fell to 4.2% in March."}, exclude_article=1) == {7: []}


HOSTILE = [
    "It's \"50%\" of 'the' budget \\ said O'Brien; 100% sure\\\\",
    "a & b | !c <-> d:* (e) 'f' \"g\" NEAR(h i) AND OR NOT j* ^k -l +m {n} [o]",
    "Inflation hit 9% 🔥🔥 in Kyiv 🇺🇦, officials said 😬",
    "ارتفعت البطالة إلى 4.2% في مارس، حسب مكتب الإحصاء",
    "הממשלה הודיעה כי האבטלה ירדה ל-4.2% במרץ",
    "%s %(name)s {0} {} ?? ? :name $1 -- ; DROP TABLE annotations_sentence; --",
    "the a of to in",  # only stop words
    "...!!!???",
    "word " * 20_000,
    "Ünïcödé naïve café résumé — “curly” ‘quotes’ …",
]


def test_hostile_text_never_errors():
    for text in HOSTILE:
        story(text)
    article, _ = story("Unrelated sentence about a fire in Leeds.")
    texts = {number: text for number, text in enumerate(HOSTILE, start=1)}

    found = candidates(texts, exclude_article=article.pk)

    assert set(found) == set(texts)
    assert all(isinstance(c, Candidate) for listed in found.values() for c in listed)
    # Each hostile sentence finds itself (stored in another article) where it has words.
    for number in (1, 3, 4, 5):
        assert texts[number] in [c.text for c in found[number]], texts[number]


@pytest.mark.summaries_unchecked  # a sentence's text changed behind the services' back
def test_a_sentence_too_long_for_a_tsvector_is_stored_and_searched():
    """Regression: PostgreSQL refuses a tsvector of more than 1 MB of lexemes ("string is too
    long for tsvector"), so a long enough sentence could not be stored at all once indexed
    (the body limit is a setting): the index reads a sentence's first 2,000 characters."""
    _, [claim] = story("The bridge over the Tamar will close for repairs in April.")
    huge = " ".join(f"distinctword{n:08d}" for n in range(60_000))  # 1.3 MB
    Sentence.objects.filter(pk=claim.pk).update(text=huge)

    found = candidates({1: huge}, exclude_article=0)

    assert [c.sentence for c in found[1]] == [claim.pk]


def test_thirty_claims_take_a_few_queries_not_thirty(django_assert_max_num_queries):
    for text in DISTRACTORS:
        story(text)
    article, sentences = story(
        *(f"{text[:-1]} (case {n})." for n, text in enumerate(DISTRACTORS * 3))
    )
    texts = {s.pk: s.text for s in sentences if s.kind == Sentence.Kind.CLAIM}
    assert len(texts) >= 30
    # PostgreSQL: the statistics (then kept for ten minutes), the sentences' lexemes (with the
    # synonyms' the first time), the search. SQLite: whether FTS5 is there (once), how many
    # claims hold each word (its vocabulary), the search.
    with django_assert_max_num_queries(3):
        found = candidates(texts, exclude_article=article.pk)
    assert all(found[sid] for sid in texts)


def test_without_fts5_a_bounded_scan_stands_in(monkeypatch):
    monkeypatch.setattr(search, "_fts5_present", lambda: (False, False))
    monkeypatch.setattr(connection, "vendor", "other")
    monkeypatch.setattr(search, "SCAN_LIMIT", 3)
    _, [old] = story("Unemployment fell to 4.2% in March.")
    _, recent = story(*DISTRACTORS[:3])
    article, [new] = story("Unemployment fell to 4.2% in March, officials said.")

    found = candidates({new.pk: new.text}, exclude_article=article.pk)[new.pk]

    # only the three most recent claims are read
    assert {c.sentence for c in found} == {s.pk for s in recent}


@pytest.mark.postgres
def test_the_search_index_is_partial_with_more_statistics():
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid), attstattarget FROM pg_index"
            " JOIN pg_attribute ON attrelid = indexrelid"
            " WHERE indexrelid = 'sentence_claim_search_idx'::regclass"
        )
        [(definition, target)] = cursor.fetchall()
    # The expression the search repeats, so that the planner can use the index.
    assert search._VECTOR in definition
    assert definition.endswith("WHERE ((kind)::text = 'claim'::text)")
    assert target == 1000


@pytest.mark.postgres
def test_rare_words_select_alone_and_common_ones_in_pairs():
    """The statistics decide: a word in few claims is a clause by itself, rarer words in
    pairs, and common ones are left out, so that the index entries and the rows read stay
    within their budgets."""
    frequency = {"said": 0.3, "offici": 0.1, "fell": 0.05, "march": 0.004, "unemploy": 0.0004}
    query = search._query(
        "Unemployment fell to 4.2% in March, officials said.",
        ["unemploy", "fell", "4.2", "march", "offici", "said"],
        {},
        (frequency, 0.00005, 1_000_000),
    )
    # "4.2": in no statistics, so rarer than every word listed (50 rows at most): alone.
    # "unemploy" (400 rows) and "march" (4,000) together; "fell" (50,000) would take the
    # index entries read over 10,000, so it and the commoner words select nothing.
    assert query.tsquery == "'4.2' | ( 'unemploy' & 'march' )"
    # What they weigh when the rows found are ranked: the rarer, the heavier.
    weights = sorted(query.weights.items(), key=lambda item: -item[1])
    assert [concept for concept, _ in weights] == [
        ("4.2",),
        ("unemploy",),
        ("march",),
        ("fell",),
        ("offici",),
        ("said",),
    ]
