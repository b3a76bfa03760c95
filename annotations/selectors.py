"""Every non-trivial read: the querysets interfaces serve, with their joins planned here."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from annotations.models import Article, History, Label, Review, Sentence, Verdict


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


def article_list() -> QuerySet[Article]:
    """Articles with sentence counts, tags and importer; a fixed number of queries per page."""
    return (
        Article.objects.with_sentence_counts()
        .select_related("imported_by")
        .prefetch_related("tags")
        .defer("body")
        # Aggregation drops Meta.ordering; pages need a stable order.
        .order_by("-created_at", "-id")
    )


def article_detail() -> QuerySet[Article]:
    """Articles with every sentence, review and verdict; 4 queries whatever the length."""
    return (
        Article.objects.with_sentence_counts()
        .select_related("imported_by")
        .prefetch_related(
            "tags",
            Prefetch("sentences", queryset=_sentences_with_work().order_by("index")),
        )
    )


def sentence_list() -> QuerySet[Sentence]:
    """Sentences with reviews and verdict, for lists and details; 2 queries per page."""
    return _sentences_with_work().order_by("id")


def sentence_history(sentence: Sentence) -> QuerySet[History]:
    return (
        History.objects.filter(sentence=sentence)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def label_list(*, include_retired: bool = False) -> QuerySet[Label]:
    labels = Label.objects.all() if include_retired else Label.objects.active()
    return labels.order_by("order", "id")


def stats() -> dict[str, Any]:
    """Counts by status, kind and label; a handful of aggregate queries, no rows loaded."""
    sentences = Sentence.objects.aggregate(
        total=Count("id"),
        claims=Count("id", filter=Q(kind=Sentence.Kind.CLAIM)),
        **{
            status: Count("id", filter=Q(status=status, kind=Sentence.Kind.CLAIM))
            for status in Sentence.Status.values
        },
    )
    reviews_by_label = dict(
        Review.objects.values_list("label__slug").annotate(n=Count("id")).order_by()
    )
    verdicts_by_label = dict(
        Verdict.objects.values_list("label__slug").annotate(n=Count("id")).order_by()
    )
    slugs = list(Label.objects.order_by("order", "id").values_list("slug", flat=True))
    return {
        "articles": Article.objects.count(),
        "sentences": sentences["total"],
        "claims": sentences["claims"],
        "claims_by_status": {status: sentences[status] for status in Sentence.Status.values},
        "reviews": sum(reviews_by_label.values()),
        "reviews_by_label": {slug: reviews_by_label.get(slug, 0) for slug in slugs},
        "verdicts": sum(verdicts_by_label.values()),
        "verdicts_by_label": {slug: verdicts_by_label.get(slug, 0) for slug in slugs},
        "reviewers": Review.objects.values("reviewer").distinct().count(),
    }
