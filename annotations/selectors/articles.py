"""Reads of articles, sentences, assignments and the workspace, with their joins planned here."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from annotations.api.serializers import ReviewSerializer, VerdictSerializer
from annotations.models import Article, Assignment, History, Label, Review, Sentence
from annotations.permissions import Viewer


def _assigned(viewer: Viewer, article_field: str = "pk") -> Exists:
    return Exists(
        Assignment.objects.filter(article=OuterRef(article_field), reviewer=viewer.user.pk)
    )


def _visible(viewer: Viewer) -> QuerySet[Article]:
    """The articles the viewer may see: all, or with open reviewing off a reviewer's own."""
    articles = Article.objects.all()
    if not viewer.sees_all_articles:
        articles = articles.filter(_assigned(viewer))
    return articles


def _reviews_prefetch() -> Prefetch:
    return Prefetch(
        "reviews",
        queryset=Review.objects.select_related("label", "reviewer").order_by("created_at", "id"),
    )


def _sentences_with_work() -> QuerySet[Sentence]:
    """Sentences with their verdict (joined) and reviews (one prefetch query)."""
    return Sentence.objects.select_related(
        "verdict__label", "verdict__decided_by"
    ).prefetch_related(_reviews_prefetch())


def article_list(viewer: Viewer) -> QuerySet[Article]:
    """Articles the viewer may work on, with sentence counts, tags and importer.

    A fixed number of queries per page. With open reviewing off, reviewers see only the
    articles assigned to them.
    """
    return (
        _visible(viewer)
        .with_sentence_counts()
        .select_related("imported_by")
        .prefetch_related("tags")
        .defer("body")
        .order_by("-created_at", "-id")
    )


def article_queue(viewer: Viewer) -> QuerySet[Article]:
    """The reviewer's queue: articles with status counts and the viewer's own progress.

    One query per page (plus tags): counts by status from the article summaries, the viewer's
    rated claims in a subquery.
    """
    mine = (
        Review.objects.filter(
            article=OuterRef("pk"),
            sentence__kind=Sentence.Kind.CLAIM,
            reviewer=viewer.user.pk,
        )
        .order_by()
        .values("reviewer")
        .annotate(n=Count("id"))
        .values("n")
    )
    return article_list(viewer).annotate(
        mine_count=Coalesce(Subquery(mine), 0), assigned_to_me=_assigned(viewer)
    )


def article_detail(viewer: Viewer) -> QuerySet[Article]:
    """Articles with every sentence, review and verdict; 4 queries whatever the length."""
    return (
        _visible(viewer)
        .with_sentence_counts()
        .select_related("imported_by")
        .prefetch_related(
            "tags",
            Prefetch("sentences", queryset=_sentences_with_work().order_by("index")),
        )
    )


def sentence_list(viewer: Viewer) -> QuerySet[Sentence]:
    """Sentences with reviews and verdict, for lists and details; 2 queries per page."""
    sentences = _sentences_with_work()
    if not viewer.sees_all_articles:
        sentences = sentences.filter(_assigned(viewer, "article_id"))
    return sentences.order_by("id")


def sentence_history(sentence: Sentence, viewer: Viewer) -> QuerySet[History]:
    """A sentence's history, oldest first.

    Blind review hides others' reviews until the viewer has reviewed the sentence, and the
    verdict's entries while its label would be hidden (Viewer.sees_verdict). `sentence` comes
    from sentence_list, its reviews and verdict loaded: no query for the rule.
    """
    entries = History.objects.filter(sentence=sentence).select_related("actor")
    reviewed = any(r.reviewer_id == viewer.user.pk for r in sentence.reviews.all())
    shown = Q(entity=History.Entity.REVIEW)
    if not viewer.sees_all_reviews and not reviewed:
        shown &= Q(actor=viewer.user.pk)
    if viewer.sees_verdict(getattr(sentence, "verdict", None), reviewed=reviewed):
        shown |= Q(entity=History.Entity.VERDICT)
    return entries.filter(shown).order_by("created_at", "id")


def assignment_list(viewer: Viewer) -> QuerySet[Assignment]:
    """Assignments with each one's progress (claims rated by the reviewer / claims).

    Editors see every assignment, reviewers their own; one query with two subqueries.
    """
    rated = (
        Review.objects.filter(
            article=OuterRef("article_id"),
            sentence__kind=Sentence.Kind.CLAIM,
            reviewer=OuterRef("reviewer_id"),
        )
        .order_by()
        .values("reviewer")
        .annotate(n=Count("id"))
        .values("n")
    )
    claims = (
        Sentence.objects.filter(article=OuterRef("article_id"), kind=Sentence.Kind.CLAIM)
        .order_by()
        .values("article")
        .annotate(n=Count("id"))
        .values("n")
    )
    assignments = Assignment.objects.select_related("article", "reviewer", "assigned_by").defer(
        "article__body"
    )
    if not viewer.is_editor:
        assignments = assignments.filter(reviewer=viewer.user.pk)
    return assignments.annotate(
        rated=Coalesce(Subquery(rated), 0), claims=Coalesce(Subquery(claims), 0)
    ).order_by("id")


def label_list(*, include_retired: bool = False) -> QuerySet[Label]:
    labels = Label.objects.all() if include_retired else Label.objects.active()
    return labels.order_by("order", "id")


def workspace(viewer: Viewer, pk: int) -> dict[str, Any] | None:
    """Everything the annotation workspace shows for one article, in a fixed number of queries.

    `paragraphs` lays the text out as written: each paragraph a list of pieces, either a
    sentence or the original text between two sentences. `sentences` holds, per sentence, what
    the viewer may see of its reviews (blind review) and their own review.
    """
    article = article_detail(viewer).filter(pk=pk).first()
    if article is None:
        return None
    paragraphs: list[list[dict[str, Any]]] = []
    rows = list(article.sentences.all())
    # One serializer per kind for the whole article: DRF's per-instance field setup would
    # otherwise dominate a 300-sentence page.
    reviews = [r for s in rows for r in s.reviews.all()]
    review_data = dict(
        zip((r.pk for r in reviews), ReviewSerializer(reviews, many=True).data, strict=True)
    )
    verdicts = [v for s in rows if (v := getattr(s, "verdict", None)) is not None]
    verdict_data = dict(
        zip((v.pk for v in verdicts), VerdictSerializer(verdicts, many=True).data, strict=True)
    )
    sentences: dict[int, dict[str, Any]] = {}
    previous = None
    for sentence in rows:
        if previous is None or sentence.paragraph != previous.paragraph:
            paragraphs.append([])
        elif sentence.start > previous.end:
            paragraphs[-1].append({"gap": article.body[previous.end : sentence.start]})
        paragraphs[-1].append({"sentence": sentence})
        own = list(sentence.reviews.all())
        mine = next((r for r in own if r.reviewer_id == viewer.user.pk), None)
        verdict = getattr(sentence, "verdict", None)
        if not viewer.sees_verdict(verdict, reviewed=mine is not None):
            verdict = None  # blind review: not before the viewer has rated the sentence
        sentences[sentence.pk] = {
            "id": sentence.pk,
            "index": sentence.index,
            "start": sentence.start,
            "end": sentence.end,
            "kind": sentence.kind,
            "status": sentence.status,
            "mine": review_data[mine.pk] if mine else None,
            "reviews": [review_data[r.pk] for r in viewer.visible_reviews(own)],
            "verdict": verdict_data[verdict.pk] if verdict else None,
        }
        previous = sentence
    labels = list(label_list())
    return {
        "article": article,
        "paragraphs": paragraphs,
        "labels": labels,
        "data": {
            "article": article.pk,
            "me": viewer.user.get_username(),
            "isEditor": viewer.is_editor,
            "labels": [
                {
                    "slug": label.slug,
                    "name": label.name,
                    "key": label.key,
                    "colour": label.colour,
                    "description": label.description,
                    "requiresEvidence": label.requires_evidence,
                }
                for label in labels
            ],
            "sentences": sentences,
        },
    }
