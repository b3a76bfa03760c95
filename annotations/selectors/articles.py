"""Reads of articles, sentences, assignments and the workspace, with their joins planned here."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection
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

from annotations.models import (
    Article,
    Assignment,
    History,
    Label,
    Review,
    Sentence,
    Tag,
    Verdict,
)
from annotations.permissions import Viewer
from annotations.prepared import PreparedQuery

# The modules import each other (matching reads the value helpers below): by module.
from annotations.selectors import matching as _matching


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


def _sentences_with_work(viewer: Viewer | None = None) -> QuerySet[Sentence]:
    """Sentences with their verdict (joined) and reviews (one prefetch query); with a viewer
    also the claim matches the API shows them (one more: selectors.matching.matches_for)."""
    sentences = Sentence.objects.select_related(
        "verdict__label", "verdict__decided_by"
    ).prefetch_related(_reviews_prefetch())
    if viewer is not None:
        sentences = sentences.prefetch_related(
            Prefetch("matches", queryset=_matching.matches_for(viewer))
        )
    return sentences


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


# --- The queue from plain rows ----------------------------------------------------------------
# The queue page and the API's list of articles are the busiest lists: compiling their annotated
# querysets and building model instances, a prefetch and DRF's fields cost more than the
# queries. Without filters they are built here from rows; tests/test_perf_queue.py holds them
# equal to the generic path (QueueFilter and Paginator, ArticleListSerializer).

QUEUE_PAGE_SIZE = 25
_QUEUE_VALUES = (
    *("id", "title", "source", "published_at", "claim_count", "final_count"),
    *("pending_count", "in_review_count", "disputed_count", "mine_count", "assigned_to_me"),
)


def _queue_values(user_pk: int, sees_all_articles: bool) -> QuerySet[Article]:
    # Only these two decide the query's SQL (article_queue): a placeholder viewer carries them.
    viewer = Viewer(
        user=get_user_model()(pk=user_pk),
        is_editor=sees_all_articles,
        open_reviewing=False,
        blind_review=True,
    )
    return article_queue(viewer).prefetch_related(None).values_list(*_QUEUE_VALUES)


# Compiled once per database and per kind of viewer, the user's id a placeholder.
_QUEUE = {
    sees_all: PreparedQuery(partial(_queue_values, sees_all_articles=sees_all), -7_340_000_019)
    for sees_all in (True, False)
}


class _Tags(list):
    """A row's tags, read by the template as `article.tags.all`, like a related manager."""

    def all(self) -> _Tags:
        return self


def tag_names(article_ids: list[int]) -> dict[int, list[str]]:
    """The names of each article's tags, in the order Tag sorts them (name): one query."""
    if not article_ids:
        return {}
    through = Article.tags.through._meta
    quote = connection.ops.quote_name
    links, tags = quote(through.db_table), quote(Tag._meta.db_table)
    article_column = quote(through.get_field("article").column)
    tag_column = quote(through.get_field("tag").column)
    sql = (
        f"SELECT l.{article_column}, t.{quote('name')} FROM {links} l"
        f" JOIN {tags} t ON t.{quote('id')} = l.{tag_column}"
        f" WHERE l.{article_column} IN ({', '.join(['%s'] * len(article_ids))})"
        f" ORDER BY t.{quote('name')}"
    )
    names: dict[int, list[str]] = {pk: [] for pk in article_ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, article_ids)
        for article_id, name in cursor.fetchall():
            names[article_id].append(name)
    return names


def queue_page(viewer: Viewer, number: Any) -> Page:
    """The queue without filters: page `number` as Paginator(article_queue(viewer), 25)
    .get_page(number) gives it, each article a dict of what the queue page shows (tags as
    `tags.all`, each with its `name`).

    Two queries (the page, its tags), and a count only when the first page is full or another
    page is asked for.
    """
    query, pk = _QUEUE[viewer.sees_all_articles], viewer.user.pk
    rows = None
    if number in (None, "", "1"):  # the first page always exists; a short one is the count
        rows = query.rows(pk, tail=" LIMIT %s", tail_params=(QUEUE_PAGE_SIZE,))
        count = len(rows) if len(rows) < QUEUE_PAGE_SIZE else query.count(pk)
        page = Paginator(range(count), QUEUE_PAGE_SIZE).get_page(1)
    else:
        page = Paginator(range(query.count(pk)), QUEUE_PAGE_SIZE).get_page(number)
        # An empty queue's only page starts at 0, not 1 (PostgreSQL refuses OFFSET -1).
        offset = max(page.start_index() - 1, 0)
        rows = query.rows(pk, tail=" LIMIT %s OFFSET %s", tail_params=(QUEUE_PAGE_SIZE, offset))
    names = tag_names([row[0] for row in rows])
    articles = []
    for row in rows:
        article = dict(zip(_QUEUE_VALUES, row, strict=True))
        article["pk"] = article["id"]
        article["tags"] = _Tags({"name": name} for name in names[article["id"]])
        articles.append(article)
    return Page(articles, page.number, page.paginator)


_LIST_VALUES = (
    *("id", "title", "source", "url", "published_at", "language", "imported_by__username"),
    *("created_at", "sentence_count", "claim_count", "final_count"),
)


def article_list_values(viewer: Viewer) -> QuerySet[Article]:
    """article_list's rows as plain values (for article_list_data), not yet ordered."""
    return _visible(viewer).with_sentence_counts().values(*_LIST_VALUES)


def article_list_data(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of article_list_values as ArticleListSerializer gives them; one query (tags)."""
    names = tag_names([row["id"] for row in rows])
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "source": row["source"],
            "url": row["url"],
            "published_at": _datetime_data(row["published_at"]),
            "language": row["language"],
            "tags": names[row["id"]],
            "imported_by": row["imported_by__username"],
            "created_at": _datetime_data(row["created_at"]),
            "sentence_count": row["sentence_count"],
            "claim_count": row["claim_count"],
            "final_count": row["final_count"],
        }
        for row in rows
    ]


def article_detail(viewer: Viewer, *, matches: bool = False) -> QuerySet[Article]:
    """Articles with every sentence, review and verdict; 4 queries whatever the length (5 with
    the sentences' claim `matches`, as the API shows them)."""
    return (
        _visible(viewer)
        .with_sentence_counts()
        .select_related("imported_by")
        .prefetch_related(
            "tags",
            Prefetch(
                "sentences",
                queryset=_sentences_with_work(viewer if matches else None).order_by("index"),
            ),
        )
    )


def sentence_list(viewer: Viewer, *, matches: bool = False) -> QuerySet[Sentence]:
    """Sentences with reviews and verdict, for lists and details; 2 queries per page (3 with
    their claim `matches`, as the API shows them)."""
    sentences = _sentences_with_work(viewer if matches else None)
    if not viewer.sees_all_articles:
        sentences = sentences.filter(_assigned(viewer, "article_id"))
    return sentences.order_by("id")


def sentence_history(sentence: Sentence, viewer: Viewer) -> QuerySet[History]:
    """A sentence's history (its reviews, verdict and kind), oldest first.

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
    shown |= Q(entity=History.Entity.SENTENCE)  # its kind changed: anyone may know
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
        "evidence": _evidence_data(verdict.evidence),
        "published": verdict.published,
        "published_at": _datetime_data(verdict.published_at),
        "corrected_at": _datetime_data(verdict.corrected_at),
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
    *("is_consensus", "needs_attention", "evidence", "published", "published_at"),
    *("corrected_at", "version", "created_at", "updated_at"),
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
        "evidence": _evidence_data(row["verdict__evidence"]),
        "published": row["verdict__published"],
        "published_at": _datetime_data(row["verdict__published_at"]),
        "corrected_at": _datetime_data(row["verdict__corrected_at"]),
        "version": row["verdict__version"],
        "created_at": _datetime_data(row["verdict__created_at"]),
        "updated_at": _datetime_data(row["verdict__updated_at"]),
    }


def _sentences_data(
    viewer: Viewer,
    rows: list[dict[str, Any]],
    reviews: QuerySet[Review],
    matches: dict[int, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Each sentence row (_SENTENCE_VALUES) with what the viewer may see of its reviews and
    verdict, and its claim matches ({sentence id: matches}), as SentenceSerializer gives it."""
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
        reviewed = viewer.user.pk in reviewer_ids
        if row["verdict__id"] is not None and viewer.sees_verdict_of(
            published=row["verdict__published"], reviewed=reviewed
        ):
            sentence["verdict"] = _verdict_row_data(row)
        else:
            sentence["verdict"] = None
        sentence["matches"] = matches.get(row["id"], [])
        sentences.append(sentence)
    return sentences


def article_detail_data(viewer: Viewer, pk: int) -> dict[str, Any] | None:
    """An article as ArticleDetailSerializer gives it, or None if the viewer may not see it.

    Five queries: the article with its counts, its tags, sentences with verdicts, reviews,
    claim matches.
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
        "sentences": _sentences_data(
            viewer,
            list(sentences),
            Review.objects.filter(article=pk),
            _matching.matches_by_sentence(viewer, article_id=pk),
        ),
    }
    return data


def sentence_detail_data(viewer: Viewer, pk: int) -> dict[str, Any] | None:
    """A sentence as SentenceDetailSerializer gives it, or None if the viewer may not see it.

    Three queries: the sentence with its verdict, its reviews, its claim matches.
    """
    sentences = Sentence.objects.filter(pk=pk)
    if not viewer.sees_all_articles:
        sentences = sentences.filter(_assigned(viewer, "article_id"))
    row = sentences.values(*_SENTENCE_VALUES, "article_id", "updated_at").first()
    if row is None:
        return None
    (data,) = _sentences_data(
        viewer,
        [row],
        Review.objects.filter(sentence=pk),
        _matching.matches_by_sentence(viewer, sentence_ids=[pk]),
    )
    data["article"] = row["article_id"]
    data["updated_at"] = _datetime_data(row["updated_at"])
    return data
