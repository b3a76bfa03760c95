"""GET /api/export/: every sentence with its article, reviews and verdict, streamed."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from annotations import exports
from annotations.permissions import viewer_for


class ExportContentNegotiation(BaseContentNegotiation):
    """Ignore `?format=` and `Accept`: the format is the view's own query parameter.

    DRF would read `?format=csv` as a renderer override and answer 404 (no such renderer), and
    `Accept: text/csv` as 406. The export chooses its own content type; error answers are JSON.
    """

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CanExport(permissions.BasePermission):
    # An export holds every article, every reviewer's ratings and every verdict: only for those
    # who may see them all (editors and admins; reviewers too when blind review is off and
    # reviewing open). No export is filtered per viewer, so nobody gets a partial one.
    message = "Exports show every reviewer's ratings; only editors and admins may export."

    def has_permission(self, request: Request, view) -> bool:
        return viewer_for(request.user).may_export


# Documentation of a json / jsonl record (the export is written by annotations.exports).
class _ExportArticle(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    source = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    checksum = serializers.CharField()
    body = serializers.CharField(
        required=False, help_text="Only in the first record of each article in the stream."
    )


class _ExportSentence(serializers.Serializer):
    id = serializers.IntegerField()
    index = serializers.IntegerField()
    paragraph = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    updated_at = serializers.DateTimeField()


class _ExportReview(serializers.Serializer):
    reviewer = serializers.CharField(help_text="Username.")
    label = serializers.CharField(help_text="Label slug.")
    note = serializers.CharField()
    evidence = serializers.ListField(child=serializers.DictField())
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class _ExportVerdict(serializers.Serializer):
    label = serializers.CharField(help_text="Label slug.")
    rationale = serializers.CharField()
    decided_by = serializers.CharField(allow_null=True, help_text="Username; null for consensus.")
    is_consensus = serializers.BooleanField()
    needs_attention = serializers.BooleanField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ExportRecordSerializer(serializers.Serializer):
    article = _ExportArticle()
    sentence = _ExportSentence()
    reviews = _ExportReview(many=True)
    verdict = _ExportVerdict(allow_null=True)


class ExportView(APIView):
    permission_classes = [permissions.IsAuthenticated, CanExport]
    renderer_classes = [JSONRenderer]  # for error answers; the export itself is streamed
    content_negotiation_class = ExportContentNegotiation

    @extend_schema(
        operation_id="export",
        parameters=[exports.ExportQuery],
        responses={
            (200, "application/json"): OpenApiResponse(
                ExportRecordSerializer(many=True),
                description="format=json: one array of records, in (article, index) order.",
            ),
            (200, "application/x-ndjson"): OpenApiResponse(
                ExportRecordSerializer, description="format=jsonl: one record per line."
            ),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="format=csv: one row per sentence."
            ),
            (200, "application/ld+json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="format=claimreview: an array of schema.org ClaimReview objects.",
            ),
            400: OpenApiResponse(description="A parameter is invalid: {field: [message]}"),
            401: OpenApiResponse(description="Not signed in"),
            403: OpenApiResponse(description="Not an editor"),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        query = exports.ExportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        name = query.validated_data["format"]
        chunks = exports.export_stream(
            name, query.params(), base_url=request.build_absolute_uri("/").rstrip("/")
        )
        response = StreamingHttpResponse(chunks, content_type=exports.FORMATS[name].content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="factcheck-export.{exports.FORMATS[name].extension}"'
        )
        return response
