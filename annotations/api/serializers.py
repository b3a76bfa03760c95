"""Output serializers. The input serializers live in annotations/inputs.py, shared with the
command line and the file readers; they are imported here so the schema names them too."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotations.inputs import (  # noqa: F401 - input serializers, named here for the views
    ArticleEditSerializer,
    ArticleInputSerializer,
    AssignmentInputSerializer,
    EvidenceSerializer,
    RestoreInputSerializer,
    ReviewInputSerializer,
    SplitInputSerializer,
    VerdictInputSerializer,
)
from annotations.models import (
    Article,
    Assignment,
    ClaimMatch,
    History,
    Label,
    Review,
    Sentence,
    Verdict,
)
from annotations.selectors.articles import review_data_of, verdict_data_of
from annotations.selectors.matching import matches_by_sentence, matches_of


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
    evidence = EvidenceSerializer(many=True, read_only=True)

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
            "evidence",
            "published",
            "published_at",
            "corrected_at",
            "version",
            "created_at",
            "updated_at",
        ]


class MatchVerdictSerializer(serializers.Serializer):
    """The matched sentence's verdict, as much as a match needs: what the workspace's
    "Checked before" box shows and its `m` key copies."""

    label = serializers.SlugField()
    label_name = serializers.CharField()
    published = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    evidence = EvidenceSerializer(many=True, help_text="The verdict's sources.")


class MatchSerializer(serializers.Serializer):
    """An earlier claim of another article that makes the same claim as this sentence
    (`same`) or its opposite (`opposite`), found by claim matching."""

    sentence = serializers.IntegerField(help_text="The matched sentence.")
    article = serializers.IntegerField(help_text="Its article.")
    article_title = serializers.CharField()
    article_published_at = serializers.DateTimeField(allow_null=True)
    text = serializers.CharField(help_text="The matched sentence's text.")
    similarity = serializers.FloatField(min_value=0, max_value=1)
    relation = serializers.ChoiceField(choices=ClaimMatch.Relation.values)
    verdict = MatchVerdictSerializer(
        allow_null=True,
        help_text="The matched sentence's verdict, or null: none, or hidden from you by blind "
        "review (as on that sentence).",
    )


class SentenceSerializer(serializers.ModelSerializer):
    """A sentence with its reviews, verdict and claim matches (as listed inside an article)."""

    reviews = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()
    matches = serializers.SerializerMethodField()

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
            "matches",
        ]

    @extend_schema_field(ReviewSerializer(many=True))
    def get_reviews(self, sentence: Sentence) -> list[dict]:
        # Blind review: the viewer (set by every view) decides whose reviews show.
        # Built as ReviewSerializer gives them (tests/test_api_payloads.py compares), without
        # setting up its fields again for every sentence of an article.
        reviews = self.context["viewer"].visible_reviews(sentence.reviews.all())
        return [review_data_of(review) for review in reviews]

    @extend_schema_field(VerdictSerializer(allow_null=True))
    def get_verdict(self, sentence: Sentence) -> dict | None:
        # The reverse one-to-one raises when missing; select_related has already fetched it.
        verdict = getattr(sentence, "verdict", None)
        if verdict is None:
            return None
        # Blind review: a reviewer sees the verdict once they have rated the sentence
        # (the reviews are prefetched with it, so this costs no query).
        viewer = self.context["viewer"]
        reviewed = any(r.reviewer_id == viewer.user.pk for r in sentence.reviews.all())
        if not viewer.sees_verdict(verdict, reviewed=reviewed):
            return None
        return verdict_data_of(verdict)

    @extend_schema_field(MatchSerializer(many=True))
    def get_matches(self, sentence: Sentence) -> list[dict]:
        # Best first: "same" before "opposite", then by similarity (selectors.matching.ORDER).
        # Prefetched with the sentence (selectors.sentence_list / article_detail, matches=True);
        # read here, one query per sentence, for a sentence loaded without them.
        viewer = self.context["viewer"]
        if "matches" not in getattr(sentence, "_prefetched_objects_cache", {}):
            return matches_by_sentence(viewer, sentence_ids=[sentence.pk]).get(sentence.pk, [])
        return matches_of(viewer, sentence.matches.all())


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


class BacklogAgeSerializer(serializers.Serializer):
    age = serializers.CharField(help_text="<1 day, 1-7 days, 7-30 days or >30 days since import.")
    articles = serializers.IntegerField(help_text="Articles with pending claims.")
    pending_claims = serializers.IntegerField()


class BacklogSerializer(serializers.Serializer):
    pending_claims = serializers.IntegerField()
    disputed = serializers.IntegerField()
    verdicts_needing_attention = serializers.IntegerField()
    by_age = BacklogAgeSerializer(many=True)


class ThroughputSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    day = serializers.DateField()
    reviews = serializers.IntegerField(help_text="Reviews last saved that day.")


class ArticleAgreementSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    alpha_nominal = serializers.FloatField()


class PairAgreementSerializer(serializers.Serializer):
    reviewers = serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2)
    units = serializers.IntegerField(help_text="Sentences both reviewed.")
    kappa = serializers.FloatField(allow_null=True, help_text="Cohen's kappa (nominal).")
    observed = serializers.FloatField(help_text="Share of those sentences they agree on.")


class AgreementOverTimeSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "week", "month"])
    start = serializers.DateField(help_text="First day of the period.")
    sentences = serializers.IntegerField(help_text="Sentences last reviewed in the period.")
    alpha_nominal = serializers.FloatField(allow_null=True)


class AgreementSerializer(serializers.Serializer):
    sentences = serializers.IntegerField(help_text="Sentences with at least two reviews.")
    reviews = serializers.IntegerField()
    alpha_nominal = serializers.FloatField(
        allow_null=True, help_text="Krippendorff's alpha over all labels."
    )
    alpha_ordinal = serializers.FloatField(
        allow_null=True, help_text="Krippendorff's alpha over the rated labels (1..5)."
    )
    per_article = ArticleAgreementSerializer(many=True)
    per_label = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Alpha of 'this label or not', by label slug.",
    )
    over_time = AgreementOverTimeSerializer(many=True, help_text="Over the charts' days.")
    pairs = PairAgreementSerializer(many=True, help_text="Reviewers see only their own pairs.")


class StatsFiltersSerializer(serializers.Serializer):
    """The filters applied; `from` and `to` are the days the charts over time cover."""

    source = serializers.CharField(required=False)
    tag = serializers.CharField(required=False)
    reviewer = serializers.CharField(required=False)
    days = serializers.IntegerField()

    def get_fields(self) -> dict:
        # "from" is a Python keyword, so it cannot be declared as an attribute.
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            **super().get_fields(),
        }


class StatsLabelSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    colour = serializers.CharField()
    rating_value = serializers.IntegerField(allow_null=True)
    active = serializers.BooleanField()


class ArticleProgressSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    title = serializers.CharField()
    source = serializers.CharField()
    created_at = serializers.DateTimeField(help_text="When it was imported.")
    sentences = serializers.IntegerField()
    claims = serializers.IntegerField()
    pending = serializers.IntegerField()
    in_review = serializers.IntegerField()
    disputed = serializers.IntegerField()
    final = serializers.IntegerField()
    rated = serializers.IntegerField(
        required=False, help_text="Claims the reviewer rated (reviewer scope only)."
    )


class DisputedReviewSerializer(serializers.Serializer):
    reviewer = serializers.CharField()
    label = serializers.SlugField()
    note = serializers.CharField()


class DisputedSentenceSerializer(serializers.Serializer):
    sentence = serializers.IntegerField()
    article = serializers.IntegerField()
    article_title = serializers.CharField()
    index = serializers.IntegerField()
    text = serializers.CharField()
    updated_at = serializers.DateTimeField()
    reviews = DisputedReviewSerializer(many=True)


class PublishingCountsSerializer(serializers.Serializer):
    drafts = serializers.IntegerField()
    published = serializers.IntegerField()
    flagged = serializers.IntegerField()


class ReuseSerializer(serializers.Serializer):
    """Earlier fact-checks reused through claim matching (docs/dashboard.md)."""

    matched = serializers.IntegerField(
        help_text="Claims with a same-claim match to a verdict set before theirs."
    )
    reused = serializers.IntegerField(
        help_text="Of those, claims whose own verdict has the earlier verdict's label."
    )
    reviews_needed = serializers.IntegerField(help_text="The reviews a claim needs.")
    reviews_avoided = serializers.IntegerField(help_text="reused x reviews_needed.")


class StatsSerializer(serializers.Serializer):
    filters = StatsFiltersSerializer()
    scope = serializers.ChoiceField(
        choices=["team", "reviewer"],
        help_text="reviewer: one reviewer's work (always so for "
        "reviewers, who see only their own figures).",
    )
    labels = StatsLabelSerializer(many=True, help_text="The rating scale, in order.")
    articles = serializers.IntegerField()
    sentences = serializers.IntegerField()
    claims = serializers.IntegerField()
    claims_by_status = serializers.DictField(child=serializers.IntegerField())
    reviews = serializers.IntegerField()
    reviews_by_label = serializers.DictField(child=serializers.IntegerField())
    verdicts = serializers.IntegerField()
    verdicts_by_label = serializers.DictField(child=serializers.IntegerField())
    publishing = PublishingCountsSerializer(
        help_text="The verdicts counted above: drafts, published, flagged for an editor."
    )
    reviewers = serializers.IntegerField()
    backlog = BacklogSerializer()
    progress = ArticleProgressSerializer(many=True, help_text="Every article in scope.")
    throughput = ThroughputSerializer(
        many=True, help_text="Per reviewer and day; reviewers see only their own."
    )
    agreement = AgreementSerializer()
    disputed_sentences = DisputedSentenceSerializer(
        many=True, required=False, help_text="Editors only: the 50 most recently changed."
    )
    reuse = ReuseSerializer()


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


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class PreconditionFailedSerializer(ErrorSerializer):
    current = serializers.DictField(allow_null=True, help_text="What is stored now.")


class DuplicateSerializer(ErrorSerializer):
    existing = serializers.DictField(help_text="{'id': the article that has this body}")


class AssignmentSerializer(serializers.ModelSerializer):
    reviewer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    article_title = serializers.CharField(source="article.title", read_only=True)
    rated = serializers.IntegerField(read_only=True, help_text="Claims the reviewer has rated.")
    claims = serializers.IntegerField(read_only=True, help_text="Claim sentences in the article.")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "article",
            "article_title",
            "reviewer",
            "assigned_by",
            "due_date",
            "created_at",
            "rated",
            "claims",
        ]
