"""Reads of claim matches: the `matches` of every sentence payload, the sentence filters
`has_match` / `matched_verdict`, and the articles `manage.py match_claims` works through.

A match shows what the viewer may see of the matched sentence: its verdict under the same
blind-review rule as on that sentence (Viewer.sees_verdict_of, with whether the viewer rated
it), and, with open reviewing off, only matches into an article assigned to the viewer or
whose verdict is published (public anyway). The verdict is read live: a verdict set or changed
after matching shows at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from annotations.models import Article, Assignment, ClaimMatch, Review, Verdict
from annotations.permissions import Viewer

# articles.py imports this module for the sentence payloads; its value helpers are read from
# it at call time (the module, not its names, so that neither import waits for the other).
from annotations.selectors import articles as _articles

# What a match carries besides its own columns, read with it in one statement: the matched
# sentence, its article and its verdict (one-to-one, joined), and whether the viewer rated
# the matched sentence (blind review).
_JOINED = {
    "matched_text": F("matched__text"),
    "matched_article_title": F("matched_article__title"),
    "matched_article_published_at": F("matched_article__published_at"),
    "verdict_id": F("matched__verdict__id"),
    "verdict_label": F("matched__verdict__label__slug"),
    "verdict_label_name": F("matched__verdict__label__name"),
    "verdict_published": F("matched__verdict__published"),
    "verdict_published_at": F("matched__verdict__published_at"),
    "verdict_evidence": F("matched__verdict__evidence"),
}
_COLUMNS = ("sentence_id", "matched_id", "matched_article_id", "similarity", "relation")
# Best first: the same claim before its opposite, then the most alike, then the oldest.
ORDER = (
    Case(
        When(relation=ClaimMatch.Relation.SAME, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    ),
    "-similarity",
    "matched_id",
)


def _visible_q(viewer: Viewer) -> Q:
    """The matches the viewer may see (as ClaimMatch rows): all of them, or with open
    reviewing off those into an assigned article or with a published verdict."""
    if viewer.sees_all_articles:
        return Q()
    assigned = Assignment.objects.filter(
        article=OuterRef("matched_article_id"), reviewer=viewer.user.pk
    )
    return Q(Exists(assigned)) | Q(matched__verdict__published=True)


def _reviewed(viewer: Viewer) -> Exists | Value:
    """Whether the viewer rated the matched sentence: asked only when it decides anything."""
    if viewer.sees_all_verdicts:
        return Value(True, output_field=BooleanField())
    return Exists(Review.objects.filter(sentence=OuterRef("matched_id"), reviewer=viewer.user.pk))


def matches_visible(viewer: Viewer) -> QuerySet[ClaimMatch]:
    """Every match the viewer may see, unordered (the sentence filters' subqueries)."""
    return ClaimMatch.objects.filter(_visible_q(viewer)).order_by()


def matches_for(viewer: Viewer) -> QuerySet[ClaimMatch]:
    """The matches the viewer may see, best first, with what their payload shows joined in:
    the prefetch of the sentence querysets (selectors.articles) and match_data's rows."""
    return (
        matches_visible(viewer)
        .annotate(**_JOINED, viewer_reviewed=_reviewed(viewer))
        .order_by(*ORDER)
    )


def match_data(value: Callable[[str], Any], viewer: Viewer) -> dict[str, Any]:
    """One match as the API gives it; `value(name)` reads a column of matches_for (from a
    values() row or a prefetched instance alike)."""
    verdict = None
    if value("verdict_id") is not None and viewer.sees_verdict_of(
        published=value("verdict_published"), reviewed=value("viewer_reviewed")
    ):
        verdict = {
            "label": value("verdict_label"),
            "label_name": value("verdict_label_name"),
            "published": value("verdict_published"),
            "published_at": _articles._datetime_data(value("verdict_published_at")),
            "evidence": _articles._evidence_data(value("verdict_evidence") or []),
        }
    return {
        "sentence": value("matched_id"),
        "article": value("matched_article_id"),
        "article_title": value("matched_article_title"),
        "article_published_at": _articles._datetime_data(value("matched_article_published_at")),
        "text": value("matched_text"),
        "similarity": value("similarity"),
        "relation": value("relation"),
        "verdict": verdict,
    }


def matches_of(viewer: Viewer, matches: Iterable[ClaimMatch]) -> list[dict[str, Any]]:
    """Prefetched matches (matches_for) of one sentence as the API gives them."""
    return [match_data(lambda name, m=m: getattr(m, name), viewer) for m in matches]


def matches_by_sentence(
    viewer: Viewer, *, sentence_ids: Iterable[int] | None = None, article_id: int | None = None
) -> dict[int, list[dict[str, Any]]]:
    """{sentence id: its matches as the API gives them, best first} for these sentences, or
    every sentence of one article; one query."""
    matches = matches_for(viewer)
    if article_id is not None:
        matches = matches.filter(article_id=article_id)  # claim_match_article_idx
    else:
        matches = matches.filter(sentence_id__in=list(sentence_ids or ()))
    found: dict[int, list[dict[str, Any]]] = {}
    for row in matches.values(*_COLUMNS, *_JOINED, "viewer_reviewed"):
        found.setdefault(row["sentence_id"], []).append(match_data(row.__getitem__, viewer))
    return found


def matches_checked(viewer: Viewer) -> QuerySet[ClaimMatch]:
    """The viewer's "same" matches whose matched sentence has a verdict the viewer may see
    (Viewer.verdicts_q): claims checked before, for the filters, the queue and the dashboard."""
    shown = Verdict.objects.filter(viewer.verdicts_q(), sentence=OuterRef("matched_id"))
    return matches_visible(viewer).filter(Exists(shown), relation=ClaimMatch.Relation.SAME)


def matched_claims(viewer: Viewer) -> tuple[Exists, Exists]:
    """(has a same-claim match, has a same-claim match whose verdict the viewer sees), as
    conditions on Sentence rows: the filters `has_match` and `matched_verdict`."""
    same = matches_visible(viewer).filter(
        sentence=OuterRef("pk"), relation=ClaimMatch.Relation.SAME
    )
    return Exists(same), Exists(matches_checked(viewer).filter(sentence=OuterRef("pk")))


def articles_to_match(*, everything: bool = False) -> list[int]:
    """The ids of the articles `manage.py match_claims` works through, oldest first: those
    never matched (or whose matching failed), or with `everything` all of them."""
    articles = Article.objects.all() if everything else Article.objects.filter(matched_at=None)
    return list(articles.order_by("pk").values_list("pk", flat=True))
