"""Claim matching, stored: which claims of other articles make the same claim as each claim of
an article (or its opposite), found by annotations/matching and kept as ClaimMatch rows.

A pair is stored both ways round (the earlier article's sentence shows the later one too) and
replaced as a whole whenever one of its articles is matched again, so that matching is
idempotent. The matched sentence's verdict is never copied: the selectors read it live.

When this runs (annotations/tasks.py): after each import commits, on the worker when a broker is
configured; `manage.py match_claims` for what is left (articles whose `matched_at` is null).
Segmentation fixes (services/segments.py) drop the pairs of the sentences they change in their
own transaction and re-match those sentences once it commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotations.matching.candidates import Candidate, candidates
from annotations.matching.judge import Claim, judge
from annotations.models import Article, ClaimMatch, Sentence

logger = logging.getLogger(__name__)

# The relations stored; anything else the judge says ("not the same claim") is dropped.
STORED = frozenset(ClaimMatch.Relation.values)


@dataclass(frozen=True, slots=True)
class Pair:
    """One judged pair: `sentence` (of the article matched) and `matched` (of another)."""

    sentence: int
    article: int
    matched: int
    matched_article: int
    similarity: float
    relation: str


@dataclass
class MatchSummary:
    """What a matching pass did: articles matched, their claims, the pairs stored by relation
    (counted once per pair, from the side of the article matched), and the articles that
    failed (logged; they stay unmatched)."""

    articles: int = 0
    claims: int = 0
    same: int = 0
    opposite: int = 0
    failed: list[int] = field(default_factory=list)

    def add(self, other: MatchSummary) -> None:
        self.articles += other.articles
        self.claims += other.claims
        self.same += other.same
        self.opposite += other.opposite
        self.failed += other.failed


def _day(value: datetime | None) -> date | None:
    """The publication day the judge resolves "last month" against (the site's time zone)."""
    if value is None:
        return None
    if not timezone.is_aware(value):
        return value.date()
    try:
        return timezone.localtime(value).date()
    except OverflowError:  # 0001-01-01 00:00 UTC is in year 0 west of Greenwich
        return value.date()


def _judged(article_id: int, texts: dict[int, str]) -> list[Pair]:
    """The pairs the judge keeps between the claims `texts` ({sentence id: text}) of article
    `article_id` and the claims of other articles the candidate search proposes, or that are
    stored as their matches already."""
    if not texts:
        return []
    found = candidates(texts, exclude_article=article_id)
    # The search keeps the best 50 for each claim, and may not propose from this side a pair
    # found from the other (matched when the other article was): judged again, not dropped.
    known = ClaimMatch.objects.filter(sentence_id__in=list(texts)).values_list(
        "sentence_id", "matched_id", "matched_article_id", "matched__text"
    )
    for sentence_id, matched_id, matched_article, text in known:
        proposed = found.setdefault(sentence_id, [])
        if all(c.sentence != matched_id for c in proposed):
            proposed.append(Candidate(matched_id, matched_article, text, 0.0))
    articles = {article_id} | {c.article for cands in found.values() for c in cands}
    claims_of = {
        pk: (language or "en", _day(published))
        for pk, language, published in Article.objects.filter(pk__in=articles).values_list(
            "pk", "language", "published_at"
        )
    }
    language, published = claims_of[article_id]
    pairs: list[Pair] = []
    for sentence_id, text in texts.items():
        claim = Claim(text, language, published)
        for candidate in found.get(sentence_id, []):
            if candidate.article == article_id or candidate.article not in claims_of:
                continue
            other_language, other_published = claims_of[candidate.article]
            verdict = judge(claim, Claim(candidate.text, other_language, other_published))
            if verdict.relation not in STORED:
                continue
            pairs.append(
                Pair(
                    sentence=sentence_id,
                    article=article_id,
                    matched=candidate.sentence,
                    matched_article=candidate.article,
                    similarity=round(min(max(float(verdict.similarity), 0.0), 1.0), 4),
                    relation=verdict.relation,
                )
            )
    return pairs


def _pairs_store(pairs: list[Pair]) -> None:
    """Insert each pair both ways round. A pair stored meanwhile by the matching of the other
    article (two imports matched at once) is left as it is."""
    now = timezone.now()
    rows = [
        ClaimMatch(
            sentence_id=sentence,
            article_id=article,
            matched_id=matched,
            matched_article_id=matched_article,
            similarity=p.similarity,
            relation=p.relation,
            computed_at=now,
        )
        for p in pairs
        for sentence, article, matched, matched_article in (
            (p.sentence, p.article, p.matched, p.matched_article),
            (p.matched, p.matched_article, p.sentence, p.article),
        )
    ]
    ClaimMatch.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def _summary_of(claims: int, pairs: list[Pair]) -> MatchSummary:
    same = sum(1 for p in pairs if p.relation == ClaimMatch.Relation.SAME)
    return MatchSummary(articles=1, claims=claims, same=same, opposite=len(pairs) - same)


def article_match(*, article_id: int) -> MatchSummary:
    """Match an article's claims against every other article's and store the pairs, replacing
    what was stored for the article before (both ways round); sets `matched_at`.

    Idempotent. The search and the judge run before the transaction (they only read); the
    replacement is one transaction. Boilerplate never matches.
    """
    article = Article.objects.filter(pk=article_id).values_list("pk", flat=True).first()
    if article is None:
        return MatchSummary()
    texts = dict(Sentence.objects.claims().filter(article_id=article_id).values_list("id", "text"))
    pairs = _judged(article_id, texts)
    with transaction.atomic():
        ClaimMatch.objects.filter(
            Q(article_id=article_id) | Q(matched_article_id=article_id)
        ).delete()
        # Sentences may have changed since they were read (a fix, a kind changed): only pairs
        # whose two sentences are still claims are stored.
        pairs = _still_claims(pairs)
        _pairs_store(pairs)
        Article.objects.filter(pk=article_id).update(matched_at=timezone.now())
    return _summary_of(len(texts), pairs)


def _still_claims(pairs: list[Pair]) -> list[Pair]:
    ids = {p.sentence for p in pairs} | {p.matched for p in pairs}
    if not ids:
        return pairs
    claims = set(Sentence.objects.claims().filter(pk__in=ids).values_list("id", flat=True))
    return [p for p in pairs if p.sentence in claims and p.matched in claims]


def articles_match(
    *,
    article_ids: Iterable[int],
    wrap: Callable[[Iterable[int]], Iterable[int]] = lambda it: it,
) -> MatchSummary:
    """article_match for each article, each in its own transaction: one that fails is logged,
    counted in `failed` and left unmatched (`matched_at` null) for `match_claims`.
    `wrap` may decorate the iteration (a progress bar)."""
    summary = MatchSummary()
    for article_id in wrap(article_ids):
        try:
            summary.add(article_match(article_id=article_id))
        except Exception:
            logger.exception("matching the claims of article %s failed", article_id)
            summary.failed.append(article_id)
    return summary


def sentence_matches_drop(*, sentence_ids: Iterable[int]) -> int:
    """Delete the pairs of these sentences (both ways round), in the caller's transaction:
    their text or kind changed, so what was matched no longer holds. Returns rows deleted."""
    ids = list(sentence_ids)
    if not ids:
        return 0
    deleted, _ = ClaimMatch.objects.filter(Q(sentence_id__in=ids) | Q(matched_id__in=ids)).delete()
    return deleted


def sentences_match(*, sentence_ids: Iterable[int]) -> MatchSummary:
    """Match these sentences again, replacing their pairs (those no longer claims keep none):
    after a segmentation fix or a change of kind, cheaper than matching their articles again."""
    ids = list(sentence_ids)
    rows = Sentence.objects.claims().filter(pk__in=ids).values_list("article_id", "id", "text")
    by_article: dict[int, dict[int, str]] = {}
    for article_id, sentence_id, text in rows:
        by_article.setdefault(article_id, {})[sentence_id] = text
    pairs = [p for a, texts in by_article.items() for p in _judged(a, texts)]
    with transaction.atomic():
        sentence_matches_drop(sentence_ids=ids)
        pairs = _still_claims(pairs)
        _pairs_store(pairs)
    summary = _summary_of(sum(len(texts) for texts in by_article.values()), pairs)
    summary.articles = 0  # sentences, not whole articles
    return summary


def sentences_match_on_commit(sentence_ids: Iterable[int]) -> None:
    """Re-match these sentences once the caller's transaction commits (a segmentation fix);
    a failure is logged and never undoes the fix."""
    ids = list(sentence_ids)

    def run() -> None:
        try:
            sentences_match(sentence_ids=ids)
        except Exception:
            logger.exception("matching sentences %s again failed", ids)

    transaction.on_commit(run)
