"""What every admin class shares: forms built from the shared field types, lists whose query
string cannot break them, and what the signed-in staff member may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from annotations import fields, permissions, selectors
from annotations.models import (
    Article,
    Review,
)

# --- Shared field types -------------------------------------------------------------------
# Merged by ModelAdmin over the admin's own defaults (its widgets stay).
FIELD_TYPES: dict[type[models.Field], dict[str, Any]] = {
    models.CharField: {"form_class": fields.TextFormField},
    models.TextField: {"form_class": fields.TextFormField},
    # A URL typed without a scheme is https (Django 6's default, asked for explicitly).
    models.URLField: {"assume_scheme": "https", "validators": [fields.validate_text]},
    models.SlugField: {"validators": [fields.validate_text]},
    # One ISO 8601 input, so that an offset can be given (the split date and time widgets
    # cannot take one) and a date that leaves the year range in UTC is refused.
    models.DateTimeField: {
        "form_class": fields.DateTimeFormField,
        "widget": forms.DateTimeInput(
            attrs={"class": "vTextField", "placeholder": "2026-03-01T09:30:00+01:00"}
        ),
        "help_text": "ISO 8601 (2026-03-01T09:30:00+01:00); without an offset, in UTC.",
    },
    models.DateField: {"form_class": fields.DateFormField},
}


class SafeChangeList(ChangeList):
    """A list whose query string cannot break it: NUL in a filter or search (PostgreSQL refuses
    it), a year past 9999 in the date hierarchy; Django answers those with its `?e=1` page."""

    def get_filters(self, request):
        for key, values in request.GET.lists():
            if any(fields.text_error(value) for value in [key, *values]):
                raise IncorrectLookupParameters(f"{key}: {fields.NUL_MESSAGE}")
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class FieldTypes:
    """Form fields built from the shared types, for model admins and inlines alike."""

    formfield_overrides = FIELD_TYPES

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        return fields.capped_to_column(formfield, db_field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", fields.IdChoicesField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BaseAdmin(FieldTypes, admin.ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def response_action(self, request: HttpRequest, queryset):
        # Django filters pk__in=selected without checking: "abc" or 2**70 would be a 500.
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(fields.is_id(pk) for pk in selected):
            self.message_user(request, "The selection must be ids of rows.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


# --- What a staff member may see ----------------------------------------------------------
def viewer(request: HttpRequest) -> permissions.Viewer:
    """The request's Viewer, worked out once (lists ask several times per page)."""
    if not hasattr(request, "_factcheck_viewer"):
        request._factcheck_viewer = permissions.viewer_for(request.user)
    return request._factcheck_viewer


def visible_articles(seen: permissions.Viewer) -> QuerySet[Article]:
    """The ids of the articles the API lists for this viewer (selectors.article_list)."""
    return selectors.article_list(seen).order_by().values("pk")


def reviewed_by(seen: permissions.Viewer, sentence_field: str = "sentence_id") -> Exists:
    return Exists(Review.objects.filter(sentence=OuterRef(sentence_field), reviewer=seen.user.pk))


def in_sight(
    queryset: QuerySet, seen: permissions.Viewer, *, article_field: str = "article"
) -> QuerySet:
    if seen.sees_all_articles:
        return queryset
    return queryset.filter(**{f"{article_field}__in": visible_articles(seen)})


def intermediate(modeladmin, request, queryset, form, title: str, action: str) -> HttpResponse:
    """An action's second page: a form, posted back to the change list with the selection."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "action": action,
        "opts": modeladmin.model._meta,
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
    }
    return TemplateResponse(request, "admin/annotations/action_form.html", context)
