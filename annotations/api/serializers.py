"""Output serializers, plus input serializers that document requests in the OpenAPI schema.

Input is validated by the services (so the command line gets the same messages); the input
serializers here describe it for clients and are not used to validate.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.models import Article, History, Label, Review, Sentence, Verdict


class EvidenceSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000, help_text="http(s) only")
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    quote = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    stance = serializers.ChoiceField(
        choices=["supports", "refutes", "context"], required=False, default="context"
    )


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    label = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "sentence",
            "reviewer",
            "label",
            "note",
            "evidence",
            "version",
            "created_at",
            "updated_at",
        ]


class VerdictSerializer(serializers.ModelSerializer):
    label = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "sentence",
            "label",
            "rationale",
            "decided_by",
            "is_consensus",
            "needs_attention",
            "version",
            "created_at",
            "updated_at",
        ]


class SentenceSerializer(serializers.ModelSerializer):
    """A sentence with its reviews and verdict (as listed inside an article)."""

    reviews = ReviewSerializer(many=True, read_only=True)
    verdict = serializers.SerializerMethodField()

    class Meta:
        model = Sentence
        fields = [
            "id",
            "index",
            "paragraph",
            "start",
            "end",
            "text",
            "kind",
            "status",
            "reviews",
            "verdict",
        ]

    @extend_schema_field(VerdictSerializer(allow_null=True))
    def get_verdict(self, sentence: Sentence) -> dict | None:
        # The reverse one-to-one raises when missing; select_related has already fetched it.
        verdict = getattr(sentence, "verdict", None)
        return VerdictSerializer(verdict).data if verdict else None


class SentenceDetailSerializer(SentenceSerializer):
    class Meta(SentenceSerializer.Meta):
        fields = [*SentenceSerializer.Meta.fields, "article", "updated_at"]


class HistorySerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = History
        fields = ["id", "entity", "entity_id", "action", "actor", "before", "after", "created_at"]


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = [
            "slug",
            "name",
            "description",
            "colour",
            "key",
            "order",
            "rating_value",
            "is_claim",
            "requires_evidence",
            "active",
        ]


class ReviewInputSerializer(serializers.Serializer):
    """Documentation of PUT /api/sentences/{id}/review/ (validation: services.review_save)."""

    label = serializers.SlugField(help_text="A label slug from /api/labels/, e.g. 'false'.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    evidence = EvidenceSerializer(many=True, required=False)


class VerdictInputSerializer(serializers.Serializer):
    """Documentation of PUT /api/sentences/{id}/verdict/ (validation: services.verdict_set)."""

    label = serializers.SlugField()
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class StatsSerializer(serializers.Serializer):
    articles = serializers.IntegerField()
    sentences = serializers.IntegerField()
    claims = serializers.IntegerField()
    claims_by_status = serializers.DictField(child=serializers.IntegerField())
    reviews = serializers.IntegerField()
    reviews_by_label = serializers.DictField(child=serializers.IntegerField())
    verdicts = serializers.IntegerField()
    verdicts_by_label = serializers.DictField(child=serializers.IntegerField())
    reviewers = serializers.IntegerField()


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


class PreconditionFailedSerializer(ErrorSerializer):
    current = serializers.DictField(allow_null=True, help_text="What is stored now.")


class DuplicateSerializer(ErrorSerializer):
    existing = serializers.DictField(help_text="{'id': the article that has this body}")
