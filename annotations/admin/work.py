"""Reviewers' work: reviews, verdicts and history read-only and blind as in the API;
assignments through the service."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from annotations import services
from annotations.admin.articles import AssignForm
from annotations.admin.base import BaseAdmin, in_sight, reviewed_by, viewer
from annotations.errors import DomainError
from annotations.models import (
    Assignment,
    History,
    Review,
    Verdict,
)


# --- Reviewers' work: read-only, and blind as in the API -----------------------------------
class ReadOnlyAdmin(BaseAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["sentence", "reviewer", "label", "version", "updated_at"]
    list_filter = ["label", "reviewer"]
    search_fields = ["sentence__text", "note", "reviewer__username"]
    list_select_related = ["sentence", "reviewer", "label"]

    def get_queryset(self, request):
        # Blind review: others' reviews of a sentence show once the viewer has rated it.
        seen = viewer(request)
        reviews = in_sight(super().get_queryset(request), seen)
        return reviews if seen.sees_all_reviews else reviews.filter(reviewed_by(seen))


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = [
        "sentence",
        "label",
        "decided_by",
        "is_consensus",
        "needs_attention",
        "published",
        "published_at",
        "updated_at",
    ]
    list_filter = ["label", "is_consensus", "needs_attention", "published"]
    search_fields = ["sentence__text", "rationale"]
    list_select_related = ["sentence", "label", "decided_by"]

    def get_queryset(self, request):
        # Blind review covers verdicts too (permissions.Viewer.verdicts_q).
        seen = viewer(request)
        return in_sight(super().get_queryset(request), seen).filter(seen.verdicts_q())


@admin.register(History)
class HistoryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "entity", "entity_id", "action", "actor", "sentence"]
    list_filter = ["entity", "action"]
    search_fields = ["actor__username"]
    list_select_related = ["actor", "sentence"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Entries carry the ratings they record: the viewer's own, and others' reviews and the
        # verdicts once the viewer has rated the sentence (as Viewer.verdicts_q; an entry whose
        # sentence was merged away stays hidden).
        seen = viewer(request)
        entries = in_sight(super().get_queryset(request), seen)
        if seen.sees_all_reviews and seen.sees_all_verdicts:
            return entries
        return entries.filter(Q(actor=seen.user.pk) | Q(reviewed_by(seen)))


# --- Assignments, through the service ------------------------------------------------------
class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ["article", "reviewer", "due_date"]

    def clean_due_date(self) -> dt.date | None:
        due_date = self.cleaned_data["due_date"]
        if self.instance.pk and self.instance.due_date and due_date is None:
            # services.assignment_create keeps a due date it is not given.
            raise ValidationError("A due date can be changed here but not removed.")
        return due_date


@admin.register(Assignment)
class AssignmentAdmin(BaseAdmin):
    form = AssignmentForm
    list_display = ["article", "reviewer", "due_date", "assigned_by", "created_at"]
    list_filter = ["reviewer", "due_date"]
    list_select_related = ["article", "reviewer", "assigned_by"]
    raw_id_fields = ["article"]

    def get_queryset(self, request):
        assignments = super().get_queryset(request)
        if viewer(request).is_editor:
            return assignments
        return assignments.filter(reviewer=request.user.pk)  # as GET /api/assignments/

    def get_readonly_fields(self, request, obj=None):
        return ["article", "reviewer", "assigned_by"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewer":
            kwargs["queryset"] = AssignForm.base_fields["reviewers"].queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        try:
            (made,) = services.assignment_create(
                article_ids=[obj.article_id],
                reviewers=[obj.reviewer],
                assigned_by=request.user,
                due_date=obj.due_date,
            )
        except DomainError as exc:
            raise PermissionDenied(str(exc)) from exc
        obj.pk = made.pk  # for the change message and the redirect

    def delete_model(self, request, obj) -> None:
        services.assignment_delete(assignment=obj, deleted_by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for assignment in queryset:
                services.assignment_delete(assignment=assignment, deleted_by=request.user)
