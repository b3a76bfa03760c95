"""The Django admin: articles with sentences inline, the scale, reviews, read-only history.

Writes that carry business rules (reviews, verdicts) stay read-only here; they go through the
services from the API and the workspace so that history and status are always kept.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.utils.html import format_html

from annotations.models import (
    Article,
    Assignment,
    History,
    Label,
    Review,
    Sentence,
    Tag,
    Verdict,
)


class SentenceInline(admin.TabularInline):
    model = Sentence
    fields = ["index", "paragraph", "start", "end", "kind", "status", "text"]
    readonly_fields = ["index", "paragraph", "start", "end", "status", "text"]
    extra = 0
    can_delete = False
    ordering = ["index"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # sentences come from segmentation, never typed in


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "language", "published_at", "claims", "final", "created_at"]
    list_filter = ["source", "language", "tags", "created_at"]
    search_fields = ["title", "source", "url"]
    date_hierarchy = "published_at"
    list_select_related = ["imported_by"]
    readonly_fields = ["body", "checksum", "imported_by", "created_at", "updated_at"]
    filter_horizontal = ["tags"]
    inlines = [SentenceInline]
    # A URL typed without a scheme is https (Django 6's default, asked for explicitly).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                claim_count=Count("sentences", filter=Q(sentences__kind=Sentence.Kind.CLAIM)),
                final_count=Count("sentences", filter=Q(sentences__status=Sentence.Status.FINAL)),
            )
        )

    @admin.display(ordering="claim_count")
    def claims(self, obj: Article) -> int:
        return obj.claim_count

    @admin.display(ordering="final_count")
    def final(self, obj: Article) -> int:
        return obj.final_count

    def has_add_permission(self, request) -> bool:
        return False  # articles are imported (API or import_articles), which segments them


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "index", "kind", "status", "updated_at"]
    list_filter = ["kind", "status"]
    search_fields = ["text"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["article", "index", "paragraph", "start", "end", "text", "status"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = [
        "swatch",
        "name",
        "slug",
        "key",
        "order",
        "rating_value",
        "is_claim",
        "requires_evidence",
        "active",
    ]
    list_display_links = ["name"]
    list_editable = ["key", "order", "active"]
    list_filter = ["active", "is_claim", "requires_evidence"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="colour")
    def swatch(self, obj: Label) -> str:
        return format_html(
            '<span style="display:inline-block;width:1.2em;height:1.2em;border-radius:3px;'
            'background:{}" title="{}"></span>',
            obj.colour,
            obj.colour,
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # retire labels instead: reviews keep pointing at them


class ReadOnlyAdmin(admin.ModelAdmin):
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


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = [
        "sentence",
        "label",
        "decided_by",
        "is_consensus",
        "needs_attention",
        "updated_at",
    ]
    list_filter = ["label", "is_consensus", "needs_attention"]
    search_fields = ["sentence__text", "rationale"]
    list_select_related = ["sentence", "label", "decided_by"]


@admin.register(History)
class HistoryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "entity", "entity_id", "action", "actor", "sentence"]
    list_filter = ["entity", "action"]
    search_fields = ["actor__username"]
    list_select_related = ["actor", "sentence"]
    date_hierarchy = "created_at"


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["article", "reviewer", "due_date", "assigned_by", "created_at"]
    list_filter = ["reviewer", "due_date"]
    list_select_related = ["article", "reviewer", "assigned_by"]
    raw_id_fields = ["article"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
