"""/api/imports/: upload files to import as a job on the worker, and follow it."""

from __future__ import annotations

import dataclasses

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import inputs, services, tasks
from annotations.api.pagination import IdCursorPagination
from annotations.errors import InvalidInput
from annotations.models import ImportFile, ImportJob
from annotations.permissions import can_import_articles


class CanImport(permissions.BasePermission):
    message = "Only editors and admins import articles."

    def has_permission(self, request: Request, view) -> bool:
        return can_import_articles(request.user)


class ImportErrorSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True, help_text="Line (.jsonl) or item (.json).")
    message = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    files = serializers.SerializerMethodField()
    errors = ImportErrorSerializer(many=True, read_only=True)
    articles = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="importjob-detail")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "url",
            "state",
            "created_by",
            "files",
            "defaults",
            "total",
            "processed",
            "created",
            "skipped",
            "failed",
            "errors",
            "articles",
            "message",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_files(self, job: ImportJob) -> list[str]:
        return [file.name for file in job.files.all()]


class PreviewItemSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    outcome = serializers.ChoiceField(choices=["created", "skipped", "failed"])
    title = serializers.CharField()
    message = serializers.CharField()
    duplicate_of = serializers.IntegerField(allow_null=True)


class PreviewSentenceSerializer(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=["claim", "boilerplate"])


class PreviewSerializer(serializers.Serializer):
    items = PreviewItemSerializer(many=True, help_text="The first 50 records.")
    sentences = PreviewSentenceSerializer(
        many=True, help_text="How the first new article would be split."
    )
    more = serializers.BooleanField(help_text="Whether there are records beyond those listed.")


class ImportUploadSerializer(inputs.ImportOptionsSerializer):
    """Documentation of the multipart upload (read by inputs.import_options)."""

    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=".txt, .json, .jsonl, .html files or .zip archives of them; repeat the field.",
    )


class ImportJobViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Editors and admins: import jobs, newest first."""

    serializer_class = ImportJobSerializer
    permission_classes = [permissions.IsAuthenticated, CanImport]
    pagination_class = IdCursorPagination
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        # The files' names only: their content can be large.
        names = ImportFile.objects.only("id", "job_id", "position", "name")
        return ImportJob.objects.select_related("created_by").prefetch_related(
            Prefetch("files", queryset=names)
        )

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobSerializer},
    )
    def create(self, request: Request, *args, **kwargs) -> Response:
        """Upload files (`files`, repeated) and/or paste text (`text`), with metadata for the
        records that have none; answers 202 with the job, which a worker runs."""
        uploads, defaults = _uploads(request)
        job = services.import_job_create(user=request.user, uploads=uploads, defaults=defaults)
        try:
            tasks.import_job_enqueue(job)
        except tasks.QueueUnavailable:
            job.refresh_from_db()
            return Response(
                self.get_serializer(job).data, status=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={200: PreviewSerializer},
    )
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        """What importing these files would do (nothing is stored): each of the first 50
        records created, skipped as a duplicate or failed, and the first new article's split."""
        uploads, defaults = _uploads(request)
        if not uploads:
            raise InvalidInput({"files": ["Upload at least one file, or paste the text."]})
        preview = services.import_preview(uploads, defaults)
        return Response(
            {
                "items": [dataclasses.asdict(item) for item in preview.items],
                "sentences": [{"text": text, "kind": kind} for text, kind in preview.sentences],
                "more": preview.more,
            }
        )


def _uploads(request: Request) -> tuple[list[services.Upload], dict]:
    """The files of an upload request (pasted text as one more .txt) and its metadata."""
    defaults, text = inputs.import_options(request.data)
    uploads = [
        services.Upload(upload.name, upload.read()) for upload in request.FILES.getlist("files")
    ]
    if text:
        uploads.append(services.Upload("pasted text.txt", text.encode("utf-8")))
    return uploads, defaults
