"""Reads of earlier fact-checks reused through claim matching (ClaimMatch): the queue's
per-article "checked before" counts and the dashboard's reuse figures. (The workspace's
"Checked before" box shows the sentences' `matches` from selectors.matching.)

The matches counted are selectors.matching.matches_checked: "same" matches the viewer may see
to a verdict whose label shows to the viewer on its own sentence (blind review,
Viewer.verdicts_q).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from annotations.models import ClaimMatch, Review, Sentence
from annotations.permissions import Viewer
from annotations.selectors.matching import matches_checked
from annotations.selectors.scope import StatsFilters, article_q, articles_in_scope, in_dates

# --- The queue -----------------------------------------------------------------------------


def checked_before_counts(viewer: Viewer, article_ids: list[int]) -> dict[int, int]:
    """How many claims of each article were checked before: claims with a "same" match whose
    matched sentence has a verdict the viewer may see. One query for the whole page."""
    if not article_ids:
        return {}
    rows = (
        matches_checked(viewer)
        .filter(article__in=article_ids, sentence__kind=Sentence.Kind.CLAIM)
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
    matches = matches_checked(viewer).filter(sentence__kind=Sentence.Kind.CLAIM)
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
