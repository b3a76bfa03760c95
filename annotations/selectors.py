"""Every non-trivial read: the querysets interfaces serve, with their joins planned here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from annotations import agreement
from annotations.api.serializers import ReviewSerializer, VerdictSerializer
from annotations.models import Article, Assignment, History, Label, Review, Sentence, Verdict
from annotations.permissions import Viewer


def _assigned(viewer: Viewer, article_field: str = "pk") -> Exists:
    return Exists(
        Assignment.objects.filter(article=OuterRef(article_field), reviewer=viewer.user.pk)
    )


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
    articles = Article.objects.all()
    if not viewer.sees_all_articles:
        articles = articles.filter(_assigned(viewer))
    return (
        articles.with_sentence_counts()
        .select_related("imported_by")
        .prefetch_related("tags")
        .defer("body")
        # Aggregation drops Meta.ordering; pages need a stable order.
        .order_by("-created_at", "-id")
    )


def article_queue(viewer: Viewer) -> QuerySet[Article]:
    """The reviewer's queue: articles with status counts and the viewer's own progress.

    One query per page (plus tags): counts by status over the join, the viewer's rated claims
    in a subquery (a second join would multiply the counts).
    """
    mine = (
        Review.objects.filter(
            sentence__article=OuterRef("pk"),
            sentence__kind=Sentence.Kind.CLAIM,
            reviewer=viewer.user.pk,
        )
        .order_by()
        .values("reviewer")
        .annotate(n=Count("id"))
        .values("n")
    )
    claims = Q(sentences__kind=Sentence.Kind.CLAIM)
    return article_list(viewer).annotate(
        mine_count=Coalesce(Subquery(mine), 0),
        **{
            f"{status}_count": Count("sentences", filter=claims & Q(sentences__status=status))
            for status in Sentence.Status.values
        },
        assigned_to_me=_assigned(viewer),
    )


def article_detail(viewer: Viewer) -> QuerySet[Article]:
    """Articles with every sentence, review and verdict; 4 queries whatever the length."""
    articles = Article.objects.all()
    if not viewer.sees_all_articles:
        articles = articles.filter(_assigned(viewer))
    return (
        articles.with_sentence_counts()
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

    Blind review hides others' reviews until the viewer has reviewed the sentence.
    """
    entries = History.objects.filter(sentence=sentence).select_related("actor")
    if not viewer.sees_all_reviews and not sentence.reviews.filter(reviewer=viewer.user).exists():
        entries = entries.filter(Q(entity=History.Entity.VERDICT) | Q(actor=viewer.user))
    return entries.order_by("created_at", "id")


def assignment_list(viewer: Viewer) -> QuerySet[Assignment]:
    """Assignments with each one's progress (claims rated by the reviewer / claims).

    Editors see every assignment, reviewers their own; one query with two subqueries.
    """
    rated = (
        Review.objects.filter(
            sentence__article=OuterRef("article_id"),
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


def stats(viewer: Viewer, *, days: int = 30) -> dict[str, Any]:
    """Counts, backlog, throughput and agreement: the one source of the figures.

    Aggregates run in the database; agreement is one pass over the reviews of sentences with
    at least two reviews. Reviewers get their own throughput and agreement with the team,
    editors every reviewer's.
    """
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
    labels = list(Label.objects.order_by("order", "id").values_list("slug", "rating_value"))
    slugs = [slug for slug, _ in labels]
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
        "backlog": {
            "pending_claims": sentences[Sentence.Status.PENDING],
            "disputed": sentences[Sentence.Status.DISPUTED],
            "verdicts_needing_attention": Verdict.objects.filter(needs_attention=True).count(),
        },
        "throughput": _throughput(viewer, days=days),
        "agreement": _agreement(viewer, dict(labels)),
    }


def _throughput(viewer: Viewer, *, days: int) -> list[dict[str, Any]]:
    """Reviews saved per reviewer per day over the last `days` days (by last change)."""
    since = timezone.now() - timedelta(days=days)
    reviews = Review.objects.filter(updated_at__gte=since)
    if not viewer.is_editor:
        reviews = reviews.filter(reviewer=viewer.user.pk)
    rows = (
        reviews.annotate(day=TruncDate("updated_at"))
        .values_list("reviewer__username", "day")
        .annotate(n=Count("id"))
        .order_by("day", "reviewer__username")
    )
    return [{"reviewer": name, "day": day.isoformat(), "reviews": n} for name, day, n in rows]


def _agreement(viewer: Viewer, rating_of: dict[str, int | None]) -> dict[str, Any]:
    """Krippendorff's alpha overall, per article and per label; Cohen's kappa per pair."""
    multi = (
        Review.objects.order_by()
        .values("sentence_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values("sentence_id")
    )
    rows = list(
        Review.objects.filter(sentence_id__in=Subquery(multi))
        .order_by()
        .values_list("sentence_id", "reviewer_id", "label__slug", "sentence__article_id")
        .iterator(chunk_size=5000)
    )
    triples = [(s, r, label) for s, r, label, _ in rows]
    ordinal = {slug: value for slug, value in rating_of.items() if value is not None}
    summary = agreement.agreement_summary(triples, ordinal_values=ordinal)

    by_article: dict[int, list] = {}
    for sentence_id, reviewer_id, label, article_id in rows:
        by_article.setdefault(article_id, []).append((sentence_id, reviewer_id, label))
    per_article = [
        {"article": article_id, "alpha_nominal": alpha}
        for article_id, article_rows in sorted(by_article.items())
        if (alpha := agreement.krippendorff_alpha(article_rows)) is not None
    ]
    per_label = {
        slug: agreement.krippendorff_alpha((s, r, label == slug) for s, r, label in triples)
        for slug in rating_of
    }

    names = dict(
        get_user_model()
        .objects.filter(reviews__isnull=False)
        .distinct()
        .values_list("pk", "username")
    )
    pairs = [
        {
            "reviewers": [names.get(a), names.get(b)],
            "units": pair["units"],
            "kappa": pair["kappa"],
            "observed": pair["observed"],
        }
        for pair in summary["pairs"]
        for a, b in [pair["coders"]]
        if viewer.is_editor or viewer.user.pk in (a, b)
    ]
    return {
        "sentences": summary["units"],
        "reviews": summary["reviews"],
        "alpha_nominal": summary["alpha_nominal"],
        "alpha_ordinal": summary["alpha_ordinal"],
        "per_article": per_article,
        "per_label": per_label,
        "pairs": pairs,
    }


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
    sentences: dict[int, dict[str, Any]] = {}
    previous = None
    for sentence in article.sentences.all():
        if previous is None or sentence.paragraph != previous.paragraph:
            paragraphs.append([])
        elif sentence.start > previous.end:
            paragraphs[-1].append({"gap": article.body[previous.end : sentence.start]})
        paragraphs[-1].append({"sentence": sentence})
        reviews = list(sentence.reviews.all())
        mine = next((r for r in reviews if r.reviewer_id == viewer.user.pk), None)
        verdict = getattr(sentence, "verdict", None)
        sentences[sentence.pk] = {
            "id": sentence.pk,
            "index": sentence.index,
            "start": sentence.start,
            "end": sentence.end,
            "kind": sentence.kind,
            "status": sentence.status,
            "mine": ReviewSerializer(mine).data if mine else None,
            "reviews": ReviewSerializer(viewer.visible_reviews(reviews), many=True).data,
            "verdict": VerdictSerializer(verdict).data if verdict else None,
        }
        sentence.mine = mine
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
