from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from annotations.errors import MAX_ID
from annotations.fields import DateTimeFormField
from annotations.models import Article, Assignment, Label, Review, Sentence, Verdict
from annotations.permissions import viewer_for


class DateTimeFilter(django_filters.DateTimeFilter):
    """An ISO 8601 date-time that stays within the years 1..9999 once converted to UTC:
    "0001-01-01T00:00:00+14:00" answers 400 instead of failing in the database."""

    field_class = DateTimeFormField


class ArticleFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name="source")
    language = django_filters.CharFilter(field_name="language")
    tag = django_filters.CharFilter(field_name="tags__name", distinct=True)
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label="Title search")
    published_after = DateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="published_at", lookup_expr="lt")
    assigned_to = django_filters.CharFilter(
        method="filter_assigned_to", help_text="Articles assigned to this username ('me': you)."
    )

    class Meta:
        model = Article
        fields = [
            "source",
            "language",
            "tag",
            "q",
            "published_after",
            "published_before",
            "assigned_to",
        ]

    def filter_assigned_to(self, queryset, name: str, username: str) -> QuerySet:
        user = _user_named(username, self.request, "assigned_to")
        return queryset.filter(
            Exists(Assignment.objects.filter(article=OuterRef("pk"), reviewer=user))
        )


def _user_named(username: str, request, field: str):
    """The user a filter names; 'me' is the caller. Unknown names answer 400."""
    if username == "me":
        user = request.user if request else None
    else:
        user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_authenticated:
        raise ValidationError({field: [f"user {username!r} does not exist."]})
    return user


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """A model chosen by its slug: unknown slugs answer 400."""


class SentenceFilter(django_filters.FilterSet):
    article = django_filters.NumberFilter(field_name="article_id", min_value=1, max_value=MAX_ID)
    status = django_filters.ChoiceFilter(choices=Sentence.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Sentence.Kind.choices)
    label = SlugFilter(
        queryset=Label.objects.all(),
        to_field_name="slug",
        method="filter_label",
        help_text="Sentences with a review or verdict with this label (slug). Under blind "
        "review a reviewer's own review, or a verdict on a sentence they rated.",
    )
    reviewer = django_filters.CharFilter(
        method="filter_reviewer", help_text="Sentences reviewed by this username ('me': you)."
    )
    updated_since = DateTimeFilter(field_name="updated_at", lookup_expr="gte")
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", label="Text search")

    class Meta:
        model = Sentence
        fields = ["article", "status", "kind", "label", "reviewer", "updated_since", "q"]

    def filter_label(self, queryset, name: str, label: Label) -> QuerySet:
        """Sentences with a review or verdict with this label, of those the viewer may see:
        under blind review a reviewer's own review, and a verdict once they rated the
        sentence (permissions.Viewer.verdicts_q)."""
        viewer = viewer_for(self.request.user)
        reviews = Review.objects.filter(sentence=OuterRef("pk"), label=label)
        if not viewer.sees_all_reviews:
            reviews = reviews.filter(reviewer=viewer.user.pk)
        verdicts = Verdict.objects.filter(viewer.verdicts_q(), sentence=OuterRef("pk"), label=label)
        # EXISTS rather than a join: no duplicates and no DISTINCT over a large table.
        return queryset.filter(Exists(reviews) | Exists(verdicts))

    def filter_reviewer(self, queryset, name: str, username: str) -> QuerySet:
        viewer = viewer_for(self.request.user)
        if username != "me" and not viewer.may_filter_by_reviewer(username):
            # Checked first: the same answer for an unknown user as for another reviewer.
            raise ValidationError(
                {"reviewer": ["Under blind review you may filter by your own reviews only ('me')."]}
            )
        user = _user_named(username, self.request, "reviewer")
        return queryset.filter(
            Exists(Review.objects.filter(sentence=OuterRef("pk"), reviewer=user))
        )


class AssignmentFilter(django_filters.FilterSet):
    article = django_filters.NumberFilter(field_name="article_id", min_value=1, max_value=MAX_ID)
    reviewer = django_filters.CharFilter(field_name="reviewer__username")

    class Meta:
        model = Assignment
        fields = ["article", "reviewer"]


class QueueFilter(ArticleFilter):
    """The queue page's filters: the API's, plus status and "assigned to me"."""

    status = django_filters.ChoiceFilter(
        choices=Sentence.Status.choices,
        method="filter_status",
        empty_label="any status",
        label="Has claims that are",
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine", label="Assigned to me", widget=django_filters.widgets.BooleanWidget
    )

    class Meta(ArticleFilter.Meta):
        fields = ["q", "source", "tag", "status", "mine"]

    def filter_status(self, queryset, name: str, status: str) -> QuerySet:
        return queryset.filter(**{f"{status}_count__gt": 0})  # annotated by article_queue

    def filter_mine(self, queryset, name: str, value: bool | None) -> QuerySet:
        return queryset.filter(assigned_to_me=True) if value else queryset
