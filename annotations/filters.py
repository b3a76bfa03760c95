"""Filter sets and filter forms shared by the API and the pages.

The lists' query parameters (django-filter: the API's articles, sentences and assignments, and the
queue page) and the filters of the dashboard's figures (/dashboard/, its CSV downloads and
/api/stats/).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any, ClassVar

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions as rest_exceptions

from annotations import selectors
from annotations.errors import MAX_ID, InvalidInput
from annotations.fields import (
    DateFormField,
    DateTimeFormField,
    date_in_range,
    datetime_in_range,
)
from annotations.models import Article, Assignment, Label, Review, Sentence, Verdict
from annotations.permissions import Viewer, viewer_for

MAX_SPAN_DAYS = 3660
DAYS_MESSAGE = "Must be a whole number of days from 1 to 3660."


# --- Lists: the API's and the queue page's --------------------------------------------------------
# Names these filters cannot resolve raise DRF's ValidationError, which the API answers with a
# 400 naming the parameter.
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
        raise rest_exceptions.ValidationError({field: [f"user {username!r} does not exist."]})
    return user


class StrictBooleanField(forms.NullBooleanField):
    """true or false (1 or 0); anything else is an error, not "no filter"."""

    widget = forms.TextInput  # NullBooleanSelect reads anything else as "unknown"

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if value in (True, "true", "True", "1"):
            return True
        if value in (False, "false", "False", "0"):
            return False
        raise ValidationError("Must be true or false.", code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


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
    has_match = BooleanFilter(
        method="filter_has_match",
        help_text="true: sentences that make the same claim as a sentence of another article "
        "(a `same` match); false: those that do not.",
    )
    matched_verdict = BooleanFilter(
        method="filter_matched_verdict",
        help_text="true: sentences with a `same` match whose sentence has a verdict you may see "
        "(editors: any verdict; under blind review a published one, or one on a sentence you "
        "rated); false: the others. With has_match=true: matched claims not checked before.",
    )

    class Meta:
        model = Sentence
        fields = [
            *("article", "status", "kind", "label", "reviewer", "updated_since", "q"),
            *("has_match", "matched_verdict"),
        ]

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

    def filter_has_match(self, queryset, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        matched, _ = selectors.matched_claims(viewer_for(self.request.user))
        return queryset.filter(matched if value else ~matched)

    def filter_matched_verdict(self, queryset, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        _, checked = selectors.matched_claims(viewer_for(self.request.user))
        return queryset.filter(checked if value else ~checked)

    def filter_reviewer(self, queryset, name: str, username: str) -> QuerySet:
        viewer = viewer_for(self.request.user)
        if username != "me" and not viewer.may_filter_by_reviewer(username):
            # Checked first: the same answer for an unknown user as for another reviewer.
            raise rest_exceptions.ValidationError(
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

    publishing = django_filters.ChoiceFilter(
        choices=[
            ("ready", "ready to publish"),
            ("published", "published"),
            ("flagged", "flagged for another look"),
        ],
        method="filter_publishing",
        empty_label="any",
        label="Fact-checks",
    )

    class Meta(ArticleFilter.Meta):
        fields = ["q", "source", "tag", "status", "mine", "publishing"]

    def filter_status(self, queryset, name: str, status: str) -> QuerySet:
        return queryset.filter(**{f"{status}_count__gt": 0})  # annotated by article_queue

    def filter_mine(self, queryset, name: str, value: bool | None) -> QuerySet:
        return queryset.filter(assigned_to_me=True) if value else queryset

    # The form's class depends only on which filters there are (django-filter makes a new
    # one, with new fields, for every request): made once per set of filters. The queue is
    # a busy page (docs/performance.md).
    _form_classes: ClassVar[dict[tuple[str, ...], type]] = {}

    def get_form_class(self) -> type:
        key = tuple(self.filters)
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = self._form_classes[key] = super().get_form_class()
        return form_class

    @classmethod
    def unfiltered(cls, request: Any, viewer: Viewer) -> SimpleNamespace:
        """What the queue page shows of its filters when none is asked: the form, bound to
        the query (empty, or a page number only), with no errors. The same form as
        QueueFilter(...).form, without copying every filter to filter nothing."""
        names = tuple(name for name in cls.base_filters if viewer.is_editor or name != "publishing")
        form_class = cls._form_classes.get(names)
        if form_class is None:
            form_class = cls(request.GET, request=request, viewer=viewer).get_form_class()
        form = form_class(request.GET)
        return SimpleNamespace(form=form, errors=form.errors)

    def __init__(self, *args: Any, viewer: Viewer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if viewer is None and self.request is not None:
            viewer = viewer_for(self.request.user)
        if viewer is None or not viewer.is_editor:
            # Drafts are the editors' business (and under blind review a verdict's existence
            # tells a reviewer something): reviewers have no such filter.
            del self.filters["publishing"]

    def filter_publishing(self, queryset, name: str, value: str) -> QuerySet:
        """Articles with a verdict in this publishing state."""
        verdicts = Verdict.objects.filter(article=OuterRef("pk"))
        if value == "ready":  # settled, on a claim, not yet public
            verdicts = verdicts.filter(published=False, label__is_claim=True)
        elif value == "published":
            verdicts = verdicts.filter(published=True)
        else:
            verdicts = verdicts.filter(needs_attention=True)
        return queryset.filter(Exists(verdicts))


class DayFilter(django_filters.DateFilter):
    """A day (YYYY-MM-DD) that can have a day added to it."""

    field_class = DateFormField


def _claim_labels(request) -> QuerySet[Label]:
    return Label.objects.filter(is_claim=True)


class PublicClaimFilter(django_filters.FilterSet):
    """The public index of fact-checks (/claims/): search, rating, source and dates."""

    q = django_filters.CharFilter(
        field_name="sentence__text", lookup_expr="icontains", label="Search the claims"
    )
    rating = django_filters.ModelChoiceFilter(
        queryset=_claim_labels,
        field_name="label",
        to_field_name="slug",
        empty_label="any rating",
        label="Rating",
    )
    source = django_filters.CharFilter(
        field_name="sentence__article__source", lookup_expr="iexact", label="Source"
    )
    published_from = DayFilter(field_name="published_at", lookup_expr="date__gte", label="From")
    published_to = DayFilter(field_name="published_at", lookup_expr="date__lte", label="To")

    class Meta:
        model = Verdict
        fields = ["q", "rating", "source", "published_from", "published_to"]


# --- The dashboard's figures ----------------------------------------------------------------------
class IsoDateField(forms.Field):
    """A day whose whole span, in the site's time zone and in UTC, is a valid date-time: the
    figures count from its first instant to the next day's (9999-12-31 has no next day)."""

    def to_python(self, value: str | None) -> date | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(f"{value[:40]!r} is not a date like 2026-11-30.", code="invalid")
        return day_in_range(parsed)


def day_in_range(value: date) -> date:
    """`value` if the instants the figures read around it exist; else a ValidationError."""
    try:
        date_in_range(value, days_after=1)  # the end of the day, and a chart's next period
        datetime_in_range(datetime.combine(value, time.min))  # its start, in UTC
    except ValueError:
        raise ValidationError(
            f"{value.isoformat()} is out of range: choose a day from 0001-01-02 to 9999-12-29.",
            code="out_of_range",
        ) from None
    return value


class StatsFilterForm(forms.Form):
    """The filters of /dashboard/, its CSV downloads and /api/stats/, validated alike."""

    source = forms.CharField(required=False, max_length=200)
    tag = forms.CharField(required=False, max_length=50)
    reviewer = forms.CharField(required=False, max_length=150)
    days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_SPAN_DAYS,
        error_messages={key: DAYS_MESSAGE for key in ("invalid", "min_value", "max_value")},
    )

    def __init__(self, data: Any, *, viewer: Viewer) -> None:
        super().__init__(data)
        self.viewer = viewer
        # "from" is a Python keyword, so these two cannot be declared above.
        dates = {"from": IsoDateField(required=False), "to": IsoDateField(required=False)}
        self.fields = {**dates, **self.fields}
        self.reviewer_id: int | None = None

    # With closed reviewing a reviewer may name only the sources and tags of their own
    # articles; any other answers as if it did not exist (selectors.filter_articles).
    def clean_tag(self) -> str:
        tag = self.cleaned_data["tag"].strip()
        if tag and not selectors.filter_tags(self.viewer).filter(name=tag).exists():
            raise ValidationError(f"No tag is called {tag!r}.")
        return tag

    def clean_source(self) -> str:
        source = self.cleaned_data["source"].strip()
        if source and not selectors.filter_articles(self.viewer).filter(source=source).exists():
            raise ValidationError(f"No article comes from the source {source!r}.")
        return source

    def clean_reviewer(self) -> str:
        username = self.cleaned_data["reviewer"].strip()
        if not username:
            return ""
        if not self.viewer.is_editor and username != self.viewer.user.get_username():
            raise ValidationError("Reviewers see only their own figures; leave reviewer empty.")
        found = get_user_model().objects.filter(username=username).values_list("pk", flat=True)
        if not found:
            raise ValidationError(f"No reviewer is called {username!r}.")
        self.reviewer_id = found[0]
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        today = timezone.localdate()
        if start and start > (end or today):
            self.add_error(
                "from", f"The start, {start}, is after the end, {end or f'today ({today})'}."
            )
        elif start and ((end or today) - start).days >= MAX_SPAN_DAYS:
            self.add_error(
                "from",
                f"The dates may span at most {MAX_SPAN_DAYS} days; leave From empty "
                "to count all time.",
            )
        elif end and not start and "days" not in self.errors:
            # Without From, the charts show the `days` days up to To: they too must exist.
            days = data.get("days") or 30
            try:
                day_in_range(end - timedelta(days=days - 1))
            except (OverflowError, ValidationError):
                self.add_error(
                    "to", f"The {days} days up to {end} start too early; choose a later day."
                )
        return data

    def filters(self) -> selectors.StatsFilters:
        data = self.cleaned_data
        return selectors.StatsFilters(
            date_from=data["from"],
            date_to=data["to"],
            source=data["source"],
            tag=data["tag"],
            reviewer=data["reviewer"],
            reviewer_id=self.reviewer_id,
            days=data["days"] or 30,
        )

    def error_dict(self) -> dict[str, list[str]]:
        return {field: list(messages) for field, messages in self.errors.items()}


def stats_filters(data: Any, viewer: Viewer) -> selectors.StatsFilters:
    """Validated filters from query parameters; InvalidInput ({field: [message]}) if bad."""
    form = StatsFilterForm(data, viewer=viewer)
    if not form.is_valid():
        raise InvalidInput(form.error_dict())
    return form.filters()
