"""Every non-trivial read: the querysets interfaces serve, with their joins planned here."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from annotations.models import Article, Sentence


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
    """Articles with every sentence in order; 3 queries whatever the article's length."""
    return (
        Article.objects.with_sentence_counts()
        .select_related("imported_by")
        .prefetch_related(
            "tags", Prefetch("sentences", queryset=Sentence.objects.order_by("index"))
        )
    )
