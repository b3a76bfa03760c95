"""Output serializers, plus input serializers that document requests in the OpenAPI schema.

Input is validated by the services (so the command line gets the same messages); the input
serializers here describe it for clients and are not used to validate.
"""

from __future__ import annotations

from rest_framework import serializers

from annotations.models import Article, Sentence


class SentenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sentence
        fields = ["id", "index", "paragraph", "start", "end", "text", "kind", "status"]


class ArticleListSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    imported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sentence_count = serializers.IntegerField(read_only=True)
    claim_count = serializers.IntegerField(read_only=True)
    final_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "source",
            "url",
            "published_at",
            "language",
            "tags",
            "imported_by",
            "created_at",
            "sentence_count",
            "claim_count",
            "final_count",
        ]


class ArticleDetailSerializer(ArticleListSerializer):
    sentences = SentenceSerializer(many=True, read_only=True)

    class Meta(ArticleListSerializer.Meta):
        fields = [*ArticleListSerializer.Meta.fields, "body", "checksum", "sentences"]


class ArticleInputSerializer(serializers.Serializer):
    """Documentation of POST /api/articles/ (validation: services.article_input_clean)."""

    title = serializers.CharField(max_length=500)
    body = serializers.CharField(help_text="Plain text; at most FACTCHECK_MAX_BODY_BYTES bytes.")
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    source = serializers.CharField(required=False, allow_blank=True, max_length=200)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.CharField(required=False, default="en", max_length=16)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class DuplicateSerializer(ErrorSerializer):
    existing = serializers.DictField(help_text="{'id': the article that has this body}")
