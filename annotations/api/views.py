from __future__ import annotations

import re
from functools import cached_property

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import inputs, selectors, services, tasks
from annotations.api import serializers
from annotations.api.pagination import IdCursorPagination, SentenceCursorPagination
from annotations.errors import DomainError
from annotations.filters import ArticleFilter, AssignmentFilter, SentenceFilter, stats_filters
from annotations.models import Sentence
from annotations.permissions import (
    Viewer,
    can_import_articles,
    is_editor,
    is_editor_remember,
    viewer_for,
)
from annotations.replica import replica_reads
from annotations.selectors.articles import (
    article_list_data,
    article_list_values,
    review_data_of,
)

# Ids in URLs: digits that fit a 64-bit integer column, so no lookup can overflow.
ID_PATTERN = r"[0-9]{1,18}"


class CanImportArticles(permissions.BasePermission):
    message = "You do not have permission to import articles (editors and admins may)."

    def has_permission(self, request: Request, view) -> bool:
        if request.method in permissions.SAFE_METHODS or view.action == "partial_update":
            return True  # an edit is EditorsEdit's to allow
        return can_import_articles(request.user)


class EditorsEdit(permissions.BasePermission):
    """PATCH (an article's metadata, a sentence's kind): editors and admins, before the
    input is read, so that others learn nothing from its validation."""

    message = "Only editors may edit articles and sentences."

    def has_permission(self, request: Request, view) -> bool:
        if request.method != "PATCH":
            return True
        allowed = is_editor(request.user)
        is_editor_remember(request.user, allowed)  # the service asks again: no second query
        return allowed


class ViewerMixin:
    """Works out once per request what the user may see (roles, blind review, assignments)."""

    @cached_property
    def viewer(self) -> Viewer:
        return viewer_for(self.request.user)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "viewer": self.viewer}

    def filter_queryset(self, queryset):
        # One row by id and no query parameters: the filter set would build and validate its
        # form to filter nothing (about a tenth of a sentence's request).
        if self.lookup_field in self.kwargs and not self.request.query_params:
            return queryset
        return super().filter_queryset(queryset)


class ArticleViewSet(
    ViewerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [permissions.IsAuthenticated, CanImportArticles, EditorsEdit]
    pagination_class = IdCursorPagination
    filterset_class = ArticleFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.article_detail(self.viewer, matches=True)
        return selectors.article_list(self.viewer)

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ArticleListSerializer
        return serializers.ArticleDetailSerializer

    def list(self, request: Request, *args, **kwargs) -> Response:
        # Without filters (a page's size and cursor only) the rows are plain values
        # (selectors.articles.article_list_data; tests/test_perf_queue.py compares).
        if set(request.query_params) <= {"page_size", "cursor"}:
            page = self.paginate_queryset(article_list_values(self.viewer))
            return self.get_paginated_response(article_list_data(page))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        # The busiest read, built from plain rows (selectors.article_detail_data); with query
        # parameters, or for an article the viewer may not see, the generic path answers.
        if not request.query_params:
            data = selectors.article_detail_data(self.viewer, int(kwargs["pk"]))
            if data is not None:
                return Response(data)
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=serializers.ArticleInputSerializer,
        responses={
            201: serializers.ArticleDetailSerializer,
            400: OpenApiResponse(description="A field is invalid: {field: [message]}"),
            409: OpenApiResponse(serializers.DuplicateSerializer, description="Duplicate body"),
            413: OpenApiResponse(description="The body is over the size limit"),
        },
    )
    def create(self, request: Request) -> Response:
        result = services.article_import(
            data=inputs.article_input(request.data), imported_by=request.user
        )
        # Its claims are matched now without a broker (the answer shows their matches), on
        # the worker with one; a failure is logged and never fails the import.
        tasks.articles_match_enqueue([result.article.pk])
        article = selectors.article_detail(self.viewer, matches=True).get(pk=result.article.pk)
        return Response(self.get_serializer(article).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ArticleEditSerializer,
        responses={
            200: serializers.ArticleDetailSerializer,
            400: OpenApiResponse(
                description="A field is invalid, or may not change (body): {field: [message]}"
            ),
            403: OpenApiResponse(serializers.ErrorSerializer, description="Not an editor"),
            404: OpenApiResponse(serializers.ErrorSerializer),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Editors: change the title, source, url, published_at, language or tags (any of
        them; those left out stay). The body never changes: fixing the text is a new import."""
        changes = inputs.article_edit_input(request.data)
        services.article_update(article=int(pk), editor=request.user, **changes)
        # As GET /api/articles/{id}/ gives it (editors see every article).
        return Response(selectors.article_detail_data(self.viewer, int(pk)))


# An entity tag as RFC 9110 writes it: "3" or W/"3"; a bare 3 is accepted from lax clients.
ETAG_RE = re.compile(r'\s*(?:W/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*|\s*(\d{1,9})\s*')
# Versions start at 1, so a tag that names no version (e.g. "stale-0") matches nothing.
NO_VERSION = 0


def if_match_version(request: Request) -> int | None:
    """The version a client expects from its If-Match header, or None when it sets none.

    A well-formed tag that is not a version (e.g. "stale-0") can match no version, so it
    answers 412 like a stale one (RFC 9110, 13.1.1); only a malformed header answers 400.
    """
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    match = ETAG_RE.fullmatch(raw)
    if match is None:
        raise DomainError(f'If-Match {raw[:40]!r} is not an entity tag such as "3".')
    tag = match.group(1) if match.group(1) is not None else match.group(2)
    return int(tag) if tag.isdigit() and len(tag) <= 9 else NO_VERSION


def if_none_match_any(request: Request) -> bool:
    """Whether the client sent If-None-Match: * (create only: 412 if one exists already)."""
    raw = request.headers.get("If-None-Match")
    if raw is None:
        return False
    if raw.strip() != "*":
        raise DomainError(
            f"If-None-Match {raw[:40]!r}: only * is supported (create, never replace)."
        )
    return True


def versioned(data: dict, version: int, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(data, status=status_code, headers={"ETag": f'"{version}"'})


CONFLICT = {
    400: OpenApiResponse(description="Invalid field: {field: [message]}"),
    403: OpenApiResponse(serializers.ErrorSerializer),
    404: OpenApiResponse(serializers.ErrorSerializer),
    412: OpenApiResponse(serializers.PreconditionFailedSerializer, description="Stale If-Match"),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The version last seen, e.g. "3"; a stale one answers 412 and changes nothing.',
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    enum=["*"],
    description="*: create only; 412 (with what is stored) if one exists already.",
)


class SentenceViewSet(
    ViewerMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [permissions.IsAuthenticated, EditorsEdit]
    pagination_class = SentenceCursorPagination
    filterset_class = SentenceFilter
    serializer_class = serializers.SentenceDetailSerializer
    lookup_value_regex = ID_PATTERN

    # The answers that are sentences carry their claim matches (one more query).
    SENTENCE_ACTIONS = frozenset({"list", "retrieve", "split", "merge"})

    def get_queryset(self):
        return selectors.sentence_list(self.viewer, matches=self.action in self.SENTENCE_ACTIONS)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        # As ArticleViewSet.retrieve: plain rows (selectors.sentence_detail_data) when it can.
        if not request.query_params:
            data = selectors.sentence_detail_data(self.viewer, int(kwargs["pk"]))
            if data is not None:
                return Response(data)
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        # Written out: the schema's PATCH components make every field optional, and `kind` is
        # required (inputs.SentenceEditSerializer).
        request={
            "application/json": {
                "type": "object",
                "properties": {"kind": {"type": "string", "enum": Sentence.Kind.values}},
                "required": ["kind"],
                "additionalProperties": False,
            }
        },
        responses={200: serializers.SentenceDetailSerializer, **CONFLICT},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        """Editors: mark the sentence as a claim or as boilerplate (`kind`, nothing else)."""
        data = inputs.sentence_edit_input(request.data)
        services.sentence_kind_set(sentence=int(pk), kind=data["kind"], editor=request.user)
        # As GET /api/sentences/{id}/ gives it (editors see every sentence).
        return Response(selectors.sentence_detail_data(self.viewer, int(pk)))

    @extend_schema(
        methods=["GET"], responses={200: serializers.ReviewSerializer, 404: CONFLICT[404]}
    )
    @extend_schema(
        methods=["PUT"],
        request=serializers.ReviewInputSerializer,
        parameters=[IF_MATCH, IF_NONE_MATCH],
        responses={
            200: serializers.ReviewSerializer,
            201: serializers.ReviewSerializer,
            **CONFLICT,
        },
    )
    @extend_schema(methods=["DELETE"], parameters=[IF_MATCH], responses={204: None, **CONFLICT})
    @action(detail=True, methods=["get", "put", "delete"], url_path="review")
    def review(self, request: Request, pk: str) -> Response:
        """The caller's own review of this sentence: read, create or update, withdraw."""
        # The services lock the sentence by id (404 if it is missing): no fetch here.
        if request.method == "DELETE":
            services.review_delete(
                sentence=int(pk), reviewer=request.user, expected_version=if_match_version(request)
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        if request.method == "GET":
            sentence = self.get_object()
            review = (
                sentence.reviews.select_related("label", "reviewer")
                .filter(reviewer=request.user)
                .first()
            )
            if review is None:
                raise NotFound("You have no review of this sentence.")
            return versioned(serializers.ReviewSerializer(review).data, review.version)
        data = inputs.validated(inputs.ReviewInputSerializer, request.data)
        review, created = services.review_save(
            sentence=int(pk),
            reviewer=request.user,
            label=data["label"],
            note=data["note"],
            evidence=data["evidence"],
            expected_version=if_match_version(request),
            create_only=if_none_match_any(request),
        )
        # As ReviewSerializer gives it (tests/test_perf_review_save.py compares), without
        # building its fields on every save.
        return versioned(
            review_data_of(review),
            review.version,
            status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        methods=["GET"], responses={200: serializers.VerdictSerializer, 404: CONFLICT[404]}
    )
    @extend_schema(
        methods=["PUT"],
        request=serializers.VerdictInputSerializer,
        parameters=[IF_MATCH, IF_NONE_MATCH],
        responses={200: serializers.VerdictSerializer, **CONFLICT},
    )
    @action(detail=True, methods=["get", "put"], url_path="verdict")
    def verdict(self, request: Request, pk: str) -> Response:
        """The final verdict: anyone signed in reads it, editors and admins set it."""
        sentence = self.get_object()
        if request.method == "GET":
            # Joined and prefetched with the sentence (selectors.sentence_list): no query.
            verdict = getattr(sentence, "verdict", None)
            reviewed = any(r.reviewer_id == request.user.pk for r in sentence.reviews.all())
            if not self.viewer.sees_verdict(verdict, reviewed=reviewed):
                # Blind review; the same answer whether or not there is a verdict.
                raise NotFound(
                    "Under blind review the verdict shows once you have rated this sentence."
                )
            if verdict is None:
                raise NotFound("This sentence has no verdict yet.")
            return versioned(serializers.VerdictSerializer(verdict).data, verdict.version)
        data = inputs.validated(inputs.VerdictInputSerializer, request.data)
        verdict = services.verdict_set(
            sentence=sentence,
            user=request.user,
            label=data["label"],
            rationale=data["rationale"],
            evidence=data["evidence"],
            published=data["published"],
            correction=data["correction"],
            expected_version=if_match_version(request),
            create_only=if_none_match_any(request),
        )
        return versioned(serializers.VerdictSerializer(verdict).data, verdict.version)

    @extend_schema(responses={200: serializers.HistorySerializer(many=True), 404: CONFLICT[404]})
    @action(detail=True, methods=["get"], url_path="history", pagination_class=None)
    def history(self, request: Request, pk: str) -> Response:
        """Every change to this sentence's reviews and verdict, oldest first."""
        sentence = self.get_object()
        entries = selectors.sentence_history(sentence, self.viewer)
        return Response(serializers.HistorySerializer(entries, many=True).data)

    @extend_schema(
        request=serializers.RestoreInputSerializer,
        responses={200: serializers.HistorySerializer, **CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="restore")
    def restore(self, request: Request, pk: str) -> Response:
        """Editors: put a review or verdict back as a history entry of this sentence left it."""
        data = inputs.validated(inputs.RestoreInputSerializer, request.data)
        entry = services.history_restore(
            sentence=int(pk), entry=data["history"], editor=request.user
        )
        return Response(serializers.HistorySerializer(entry).data)

    @extend_schema(
        request=serializers.SplitInputSerializer,
        responses={200: serializers.SentenceDetailSerializer(many=True), **CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="split")
    def split(self, request: Request, pk: str) -> Response:
        """Editors: split this sentence at a body offset; both parts return to pending."""
        data = inputs.validated(inputs.SplitInputSerializer, request.data)
        parts = services.sentence_split(sentence=int(pk), at=data["at"], editor=request.user)
        return self._sentences([part.pk for part in parts])

    @extend_schema(
        request=None, responses={200: serializers.SentenceDetailSerializer(many=True), **CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="merge")
    def merge(self, request: Request, pk: str) -> Response:
        """Editors: merge this sentence with the next one in its paragraph."""
        merged = services.sentence_merge(sentence=int(pk), editor=request.user)
        return self._sentences([merged.pk])

    def _sentences(self, ids: list[int]) -> Response:
        rows = self.get_queryset().filter(pk__in=ids)
        return Response(self.get_serializer(rows, many=True).data)


class LabelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The rating scale, in order; `?include_retired=1` adds retired labels."""

    serializer_class = serializers.LabelSerializer
    pagination_class = None

    def get_queryset(self):
        include = self.request.query_params.get("include_retired", "") in ("1", "true")
        return selectors.label_list(include_retired=include)

    @extend_schema(
        parameters=[OpenApiParameter("include_retired", bool, required=False)],
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)


class StatsView(APIView):
    """The dashboard's figures: counts, progress, backlog, throughput, agreement, disputes.

    Takes the dashboard's filters and answers exactly what /dashboard/ shows for them.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (activity)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (activity)."),
            OpenApiParameter("source", str, description="Only articles from this source."),
            OpenApiParameter("tag", str, description="Only articles with this tag."),
            OpenApiParameter("reviewer", str, description="Only this reviewer's work (editors)."),
            OpenApiParameter(
                "days", int, description="Days the charts over time cover without from (30)."
            ),
        ],
        responses={200: serializers.StatsSerializer, 400: CONFLICT[400]},
    )
    def get(self, request: Request) -> Response:
        viewer = viewer_for(request.user)
        filters = stats_filters(request.query_params, viewer)
        with replica_reads():  # figures that may lag a moment: the replica if there is one
            return Response(selectors.stats(viewer, filters))


class AssignmentViewSet(
    ViewerMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who works on which article, with progress; editors assign, reviewers see their own."""

    serializer_class = serializers.AssignmentSerializer
    pagination_class = IdCursorPagination
    filterset_class = AssignmentFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self):
        return selectors.assignment_list(self.viewer)

    @extend_schema(
        request=serializers.AssignmentInputSerializer,
        responses={201: serializers.AssignmentSerializer(many=True), **CONFLICT},
    )
    def create(self, request: Request) -> Response:
        data = inputs.validated(inputs.AssignmentInputSerializer, request.data)
        created = services.assignment_create(
            article_ids=data["articles"],
            reviewers=data["reviewers"],
            assigned_by=request.user,
            due_date=data["due_date"],
        )
        rows = self.get_queryset().filter(pk__in=[a.pk for a in created])
        return Response(self.get_serializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance) -> None:
        services.assignment_delete(assignment=instance, deleted_by=self.request.user)
