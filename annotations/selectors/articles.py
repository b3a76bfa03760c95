"""Reads of articles, sentences, assignments and the workspace, with their joins planned here."""

from __future__ import annotations

from datetime import datetime
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
from django.utils import timezone

from annotations.models import Article, Assignment, History, Label, Review, Sentence, Verdict
from annotations.permissions import Viewer


def rated_claims(reviewer_id: int) -> Coalesce:
    """The claims of each article (the outer query's row) this reviewer rated, as a subquery."""
    rated = (
        Review.objects.by(reviewer_id)
        .of_claims()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("reviewer")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rated), 0)


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
    return article_list(viewer).annotate(
        mine_count=rated_claims(viewer.user.pk), assigned_to_me=_assigned(viewer)
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
        Review.objects.of_claims()
        .filter(article=OuterRef("article_id"), reviewer=OuterRef("reviewer_id"))
        .order_by()
        .values("reviewer")
        .annotate(n=Count("id"))
        .values("n")
    )
    claims = (
        Sentence.objects.claims()
        .filter(article=OuterRef("article_id"))
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
    review_data = {r.pk: review_data_of(r) for s in rows for r in s.reviews.all()}
    verdict_data = {
        v.pk: verdict_data_of(v) for s in rows if (v := getattr(s, "verdict", None)) is not None
    }
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


# The workspace's JSON holds reviews and verdicts exactly as the API shows them
# (api.serializers.ReviewSerializer / VerdictSerializer; tests/test_workspace_data.py compares
# them), built here because reads do not import the API, and because DRF's per-instance field
# setup would dominate a 300-sentence page.


def _datetime_data(value: datetime | None) -> str | None:
    """A date-time as DRF renders it: ISO 8601 in the current time zone, UTC as "Z"."""
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(timezone.get_current_timezone())
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _evidence_data(items: list[dict[str, str]]) -> list[dict[str, str]]:
    """A review's evidence as EvidenceSerializer gives it, the defaults filled in."""
    return [
        {
            "url": item["url"],
            "title": item.get("title", ""),
            "quote": item.get("quote", ""),
            "stance": item.get("stance", "context"),
        }
        for item in items
    ]


def review_data_of(review: Review) -> dict[str, Any]:
    """A review as the API's ReviewSerializer gives it (its reviewer and label loaded)."""
    return {
        "id": review.pk,
        "sentence": review.sentence_id,
        "reviewer": review.reviewer.username,
        "label": review.label.slug,
        "note": review.note,
        "evidence": _evidence_data(review.evidence),
        "version": review.version,
        "created_at": _datetime_data(review.created_at),
        "updated_at": _datetime_data(review.updated_at),
    }


def verdict_data_of(verdict: Verdict) -> dict[str, Any]:
    """A verdict as the API's VerdictSerializer gives it (its label and decider loaded)."""
    return {
        "id": verdict.pk,
        "sentence": verdict.sentence_id,
        "label": verdict.label.slug,
        "rationale": verdict.rationale,
        "decided_by": verdict.decided_by.username if verdict.decided_by else None,
        "is_consensus": verdict.is_consensus,
        "needs_attention": verdict.needs_attention,
        "version": verdict.version,
        "created_at": _datetime_data(verdict.created_at),
        "updated_at": _datetime_data(verdict.updated_at),
    }


# GET /api/articles/{id}/ and GET /api/sentences/{id}/ are the API's busiest reads: built here
# from .values() rows, as ArticleDetailSerializer and SentenceDetailSerializer give them
# (tests/test_api_payloads.py compares the whole payloads), they skip a model instance per row,
# the prefetch machinery's queryset per sentence and DRF's fields.

_SENTENCE_FIELDS = ("id", "index", "paragraph", "start", "end", "text", "kind", "status")
_REVIEW_VALUES = (
    *("id", "sentence_id", "reviewer_id", "reviewer__username", "label__slug", "note"),
    *("evidence", "version", "created_at", "updated_at"),
)
# The verdict joined to its sentence's row (one-to-one): no query of its own.
_VERDICT_FIELDS = (
    *("id", "label__slug", "rationale", "decided_by__username"),
    *("is_consensus", "needs_attention", "version", "created_at", "updated_at"),
)
_SENTENCE_VALUES = (*_SENTENCE_FIELDS, *(f"verdict__{name}" for name in _VERDICT_FIELDS))


def _review_row_data(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "sentence": row["sentence_id"],
        "reviewer": row["reviewer__username"],
        "label": row["label__slug"],
        "note": row["note"],
        "evidence": _evidence_data(row["evidence"]),
        "version": row["version"],
        "created_at": _datetime_data(row["created_at"]),
        "updated_at": _datetime_data(row["updated_at"]),
    }


def _verdict_row_data(row: dict[str, Any]) -> dict[str, Any]:
    """The verdict in a sentence row (_SENTENCE_VALUES) as VerdictSerializer gives it."""
    return {
        "id": row["verdict__id"],
        "sentence": row["id"],
        "label": row["verdict__label__slug"],
        "rationale": row["verdict__rationale"],
        "decided_by": row["verdict__decided_by__username"],
        "is_consensus": row["verdict__is_consensus"],
        "needs_attention": row["verdict__needs_attention"],
        "version": row["verdict__version"],
        "created_at": _datetime_data(row["verdict__created_at"]),
        "updated_at": _datetime_data(row["verdict__updated_at"]),
    }


def _sentences_data(
    viewer: Viewer, rows: list[dict[str, Any]], reviews: QuerySet[Review]
) -> list[dict[str, Any]]:
    """Each sentence row (_SENTENCE_VALUES) with what the viewer may see of its reviews and
    verdict, as SentenceSerializer gives it."""
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for review in reviews.order_by("created_at", "id").values(*_REVIEW_VALUES):
        by_sentence.setdefault(review["sentence_id"], []).append(review)
    sentences = []
    for row in rows:
        own = by_sentence.get(row["id"], [])
        reviewer_ids = [review["reviewer_id"] for review in own]
        sentence = {name: row[name] for name in _SENTENCE_FIELDS}
        # Blind review: the same rules as SentenceSerializer (Viewer.visible_reviews).
        shown = own if viewer.sees_reviews_of(reviewer_ids) else []
        sentence["reviews"] = [_review_row_data(review) for review in shown]
        # Verdict has no `published` field yet (Viewer.sees_verdict): ask for it in
        # _VERDICT_FIELDS and pass it here once it has.
        reviewed = viewer.user.pk in reviewer_ids
        if row["verdict__id"] is not None and viewer.sees_verdict(None, reviewed=reviewed):
            sentence["verdict"] = _verdict_row_data(row)
        else:
            sentence["verdict"] = None
        sentences.append(sentence)
    return sentences


def article_detail_data(viewer: Viewer, pk: int) -> dict[str, Any] | None:
    """An article as ArticleDetailSerializer gives it, or None if the viewer may not see it.

    Four queries: the article with its counts, its tags, sentences with verdicts, reviews.
    """
    article = (
        _visible(viewer)
        .with_sentence_counts()
        .filter(pk=pk)
        .values(
            *("id", "title", "source", "url", "published_at", "language"),
            *("imported_by__username", "created_at"),
            *("sentence_count", "claim_count", "final_count", "body", "checksum"),
        )
        .first()
    )
    if article is None:
        return None
    sentences = Sentence.objects.filter(article=pk).order_by("index").values(*_SENTENCE_VALUES)
    data = {
        "id": article["id"],
        "title": article["title"],
        "source": article["source"],
        "url": article["url"],
        "published_at": _datetime_data(article["published_at"]),
        "language": article["language"],
        "tags": list(Article(pk=pk).tags.values_list("name", flat=True)),
        "imported_by": article["imported_by__username"],
        "created_at": _datetime_data(article["created_at"]),
        "sentence_count": article["sentence_count"],
        "claim_count": article["claim_count"],
        "final_count": article["final_count"],
        "body": article["body"],
        "checksum": article["checksum"],
        "sentences": _sentences_data(viewer, list(sentences), Review.objects.filter(article=pk)),
    }
    return data


def sentence_detail_data(viewer: Viewer, pk: int) -> dict[str, Any] | None:
    """A sentence as SentenceDetailSerializer gives it, or None if the viewer may not see it.

    Two queries: the sentence with its verdict, its reviews.
    """
    sentences = Sentence.objects.filter(pk=pk)
    if not viewer.sees_all_articles:
        sentences = sentences.filter(_assigned(viewer, "article_id"))
    row = sentences.values(*_SENTENCE_VALUES, "article_id", "updated_at").first()
    if row is None:
        return None
    (data,) = _sentences_data(viewer, [row], Review.objects.filter(sentence=pk))
    data["article"] = row["article_id"]
    data["updated_at"] = _datetime_data(row["updated_at"])
    return data
