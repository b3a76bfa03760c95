"""Reads of earlier fact-checks reused through claim matching (ClaimMatch): the workspace's
"Checked before" box, the queue's per-article counts and the dashboard's reuse figures.

A matched claim's verdict is shown under the rules of its own sentence (blind review): its
label only to those who may see it there (Viewer.sees_verdict_of). With closed reviewing a
reviewer sees matches in the articles assigned to them, and published fact-checks (public
anyway), so a match never shows the text of an article they may not open.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from annotations.models import Assignment, ClaimMatch, Review, Sentence
from annotations.permissions import Viewer
from annotations.selectors.articles import _datetime_data, _evidence_data
from annotations.selectors.scope import StatsFilters, article_q, articles_in_scope, in_dates

SAME = ClaimMatch.Relation.SAME


def _shown(viewer: Viewer) -> Q:
    """The matches the viewer may see at all (the matched article's visibility), on ClaimMatch."""
    if viewer.sees_all_articles:
        return Q()
    assigned = Assignment.objects.filter(
        article=OuterRef("matched_article_id"), reviewer=viewer.user.pk
    )
    return Q(Exists(assigned)) | Q(matched__verdict__published=True)


def _verdict_shown(viewer: Viewer) -> Q:
    """The matches whose matched verdict's label the viewer may see, on ClaimMatch (the rule
    of Viewer.verdicts_q, from the match's side)."""
    if viewer.sees_all_verdicts:
        return Q()
    rated = Review.objects.filter(sentence=OuterRef("matched_id"), reviewer=viewer.user.pk)
    return Q(matched__verdict__published=True) | Q(Exists(rated))


# --- The workspace -------------------------------------------------------------------------

_MATCH_VALUES = (
    *("sentence_id", "matched_id", "matched_article_id", "similarity", "relation"),
    *("matched__text", "matched_article__title", "matched_article__published_at"),
    *("matched__verdict__id", "matched__verdict__label__slug", "matched__verdict__published"),
    *("matched__verdict__published_at", "matched__verdict__evidence"),
)


def article_matches(viewer: Viewer, article_id: int) -> dict[int, list[dict[str, Any]]]:
    """The matches of an article's sentences, best first, as the API's `matches` gives them:
    {sentence id: [{sentence, article, article_title, article_published_at, text, similarity,
    relation, verdict}]}, `verdict` ({label, published, published_at, evidence}) null when
    there is none or the viewer may not see it. One query, however many matches.
    """
    rated = Review.objects.filter(sentence=OuterRef("matched_id"), reviewer=viewer.user.pk)
    rows = (
        ClaimMatch.objects.filter(_shown(viewer), article=article_id)
        .annotate(rated=Exists(rated))
        .order_by("sentence_id", "-similarity", "matched_id")
        .values(*_MATCH_VALUES, "rated")
    )
    matches: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        verdict = None
        published = row["matched__verdict__published"]
        if row["matched__verdict__id"] is not None and viewer.sees_verdict_of(
            published=published, reviewed=row["rated"]
        ):
            verdict = {
                "label": row["matched__verdict__label__slug"],
                "published": published,
                "published_at": _datetime_data(row["matched__verdict__published_at"]),
                "evidence": _evidence_data(row["matched__verdict__evidence"]),
            }
        matches.setdefault(row["sentence_id"], []).append(
            {
                "sentence": row["matched_id"],
                "article": row["matched_article_id"],
                "article_title": row["matched_article__title"],
                "article_published_at": _datetime_data(row["matched_article__published_at"]),
                "text": row["matched__text"],
                "similarity": row["similarity"],
                "relation": row["relation"],
                "verdict": verdict,
            }
        )
    return matches


# --- The queue -----------------------------------------------------------------------------


def checked_before_counts(viewer: Viewer, article_ids: list[int]) -> dict[int, int]:
    """How many claims of each article were checked before: claims with a "same" match whose
    matched sentence has a verdict the viewer may see. One query for the whole page."""
    if not article_ids:
        return {}
    rows = (
        ClaimMatch.objects.filter(
            _shown(viewer),
            _verdict_shown(viewer),
            article__in=article_ids,
            relation=SAME,
            sentence__kind=Sentence.Kind.CLAIM,
            matched__verdict__isnull=False,
        )
        .order_by()
        .values_list("article_id")
        .annotate(n=Count("sentence_id", distinct=True))
    )
    counts = dict.fromkeys(article_ids, 0)
    counts.update(rows)
    return counts


# --- The dashboard -------------------------------------------------------------------------


def reviews_needed() -> int:
    """The reviews a claim needs before its verdict: as many agreeing reviews as settle it by
    consensus (FACTCHECK_CONSENSUS_REVIEWERS), or one when consensus is off (an editor decides
    after at least one check)."""
    return max(settings.FACTCHECK_CONSENSUS_REVIEWERS, 1)


def _matches_in_scope(viewer: Viewer, filters: StatsFilters) -> QuerySet[ClaimMatch]:
    """The "same" matches of the claims in scope to a matched verdict the viewer may see."""
    matches = ClaimMatch.objects.filter(
        _shown(viewer),
        _verdict_shown(viewer),
        relation=SAME,
        sentence__kind=Sentence.Kind.CLAIM,
        matched__verdict__isnull=False,
    )
    if filters.reviewer_id is None:
        matches = matches.filter(article_q(filters, "article__"))
    else:
        matches = matches.filter(article__in=articles_in_scope(filters))
    return matches


def reuse_figures(viewer: Viewer, filters: StatsFilters) -> dict[str, int]:
    """Earlier fact-checks reused, for the dashboard (definitions in docs/dashboard.md):

    - `matched`: claims in scope with a "same" match to a verdict set before theirs (or while
      they have none), as of now;
    - `reused`: claims whose own verdict (last changed within the dates; with a reviewer, on a
      claim that reviewer rated) has the label of such an earlier verdict;
    - `reviews_needed` and `reviews_avoided`: reused x the reviews a claim needs.

    One query. `filters` as stats_scope gives them (a reviewer's are their own).
    """
    # The two verdicts, joined once (the matched sentence's and the claim's own).
    matches = _matches_in_scope(viewer, filters).annotate(
        earlier_at=F("matched__verdict__created_at"),
        earlier_label=F("matched__verdict__label_id"),
        own_id=F("sentence__verdict__id"),
        own_at=F("sentence__verdict__created_at"),
        own_label=F("sentence__verdict__label_id"),
        own_changed=F("sentence__verdict__updated_at"),
    )
    earlier = Q(own_id__isnull=True) | Q(own_at__gt=F("earlier_at"))
    reused = earlier & Q(own_label=F("earlier_label")) & in_dates(filters, "own_changed")
    if filters.reviewer_id is not None:
        rated = Review.objects.filter(
            sentence=OuterRef("sentence_id"), reviewer=filters.reviewer_id
        )
        reused &= Q(Exists(rated))
    figures = matches.aggregate(
        matched=Count("sentence_id", distinct=True, filter=earlier),
        reused=Count("sentence_id", distinct=True, filter=reused),
    )
    needed = reviews_needed()
    return {
        "matched": figures["matched"],
        "reused": figures["reused"],
        "reviews_needed": needed,
        "reviews_avoided": figures["reused"] * needed,
    }
