from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from annotations import selectors, services
from annotations.api import serializers
from annotations.api.filters import ArticleFilter
from annotations.api.pagination import IdCursorPagination
from annotations.permissions import can_import_articles


class CanImportArticles(permissions.BasePermission):
    message = "You do not have permission to import articles (editors and admins may)."

    def has_permission(self, request: Request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or can_import_articles(request.user)


class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, CanImportArticles]
    pagination_class = IdCursorPagination
    filterset_class = ArticleFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.article_detail()
        return selectors.article_list()

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ArticleListSerializer
        return serializers.ArticleDetailSerializer

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
        result = services.article_import(data=request.data, imported_by=request.user)
        article = selectors.article_detail().get(pk=result.article.pk)
        return Response(
            serializers.ArticleDetailSerializer(article).data, status=status.HTTP_201_CREATED
        )
