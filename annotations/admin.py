"""The Django admin: articles with sentences inline, the scale, reviews, read-only history.

Writes that carry business rules (reviews, verdicts) stay read-only here; they go through the
services from the API and the workspace so that history and status are always kept.
"""

from __future__ import annotations

import itertools

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from annotations import exports, permissions, readers, services
from annotations.errors import DomainError
from annotations.models import (
    Article,
    ArticleSummary,
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": ".txt,.json,.jsonl,.html,.htm"}
        ),
        help_text="Plain text (first line: the title), JSON, JSONL (also exports) or HTML.",
    )
    dry_run = forms.BooleanField(required=False, label="Check only (write nothing)")


class AssignForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(groups__name="reviewer", is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class VerdictForm(forms.Form):
    label = forms.ModelChoiceField(queryset=Label.objects.active(), to_field_name="slug")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


def _intermediate(modeladmin, request, queryset, form, title: str, action: str) -> HttpResponse:
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
        return super().get_queryset(request).select_related("summary")

    @admin.display(ordering="summary__claims")
    def claims(self, obj: Article) -> int | None:
        return _summary_figure(obj, "claims")

    @admin.display(ordering="summary__final")
    def final(self, obj: Article) -> int | None:
        return _summary_figure(obj, "final")

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Sentence:
            return super().save_formset(request, form, formset, change)
        # The only thing editable on a sentence is its kind; the service keeps counts right.
        for sentence_form in formset.forms:
            if "kind" in sentence_form.changed_data:
                _kind_set(request, sentence_form.instance)
        return None

    def has_add_permission(self, request) -> bool:
        return False  # articles are imported (API or import_articles), which segments them

    change_list_template = "admin/annotations/article/change_list.html"
    actions = ["assign_reviewers", "export_selected"]

    def get_urls(self):
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="annotations_article_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload files through the same import service as the API and the command line."""
        if not permissions.can_import_articles(request.user):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            files = request.FILES.getlist("files")
            records = itertools.chain.from_iterable(
                readers.read_file(upload.name, upload.read()) for upload in files
            )
            summary = services.records_import(
                records=records, imported_by=request.user, dry_run=form.cleaned_data["dry_run"]
            )
            verb = "Would create" if form.cleaned_data["dry_run"] else "Created"
            messages.info(
                request,
                f"{verb} {len(summary.created)}, skipped {len(summary.skipped)}, "
                f"failed {len(summary.failed)}.",
            )
            for line in summary.skipped:
                messages.warning(request, f"Skipped {line}")
            for line in summary.failed:
                messages.error(request, f"Failed {line}")
            return HttpResponseRedirect(reverse("admin:annotations_article_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import articles",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/annotations/article/import.html", context)

    @admin.action(description="Assign reviewers to the selected articles", permissions=["assign"])
    def assign_reviewers(self, request: HttpRequest, queryset):
        form = AssignForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                made = services.assignment_create(
                    article_ids=list(queryset.values_list("pk", flat=True)),
                    reviewers=list(form.cleaned_data["reviewers"]),
                    assigned_by=request.user,
                    due_date=form.cleaned_data["due_date"],
                )
            except DomainError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(request, f"{len(made)} assignments made or updated.")
            return None
        return _intermediate(self, request, queryset, form, "Assign reviewers", "assign_reviewers")

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return permissions.can_assign(request.user)

    @admin.action(description="Export the selected articles as JSONL")
    def export_selected(self, request: HttpRequest, queryset):
        ids = sorted(queryset.values_list("pk", flat=True))
        chunks = itertools.chain.from_iterable(
            exports.export_stream("jsonl", exports.ExportParams(article=pk)) for pk in ids
        )
        response = StreamingHttpResponse(chunks, content_type="application/x-ndjson")
        response["Content-Disposition"] = 'attachment; filename="factcheck-articles.jsonl"'
        return response


def _summary_figure(article: Article, name: str) -> int | None:
    """A kept figure of the article, or None (shown as "-") until its summary exists."""
    try:
        return getattr(article.summary, name)
    except ArticleSummary.DoesNotExist:
        return None


def _kind_set(request: HttpRequest, sentence: Sentence) -> None:
    try:
        services.sentence_kind_set(sentence=sentence.pk, kind=sentence.kind, editor=request.user)
    except DomainError as exc:
        raise PermissionDenied(str(exc)) from exc


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    actions = ["set_verdict"]
    list_display = ["__str__", "article", "index", "kind", "status", "updated_at"]
    list_filter = ["kind", "status"]
    search_fields = ["text"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["article", "index", "paragraph", "start", "end", "text", "status"]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if "kind" in form.changed_data:
            _kind_set(request, obj)

    @admin.action(description="Set the verdict of the selected sentences", permissions=["verdict"])
    def set_verdict(self, request: HttpRequest, queryset):
        form = VerdictForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                with transaction.atomic():  # all of them or none
                    # In article order, as every other bulk change takes articles' locks.
                    for sentence in queryset.order_by("article_id", "pk"):
                        services.verdict_set(
                            sentence=sentence,
                            editor=request.user,
                            label=form.cleaned_data["label"],
                            rationale=form.cleaned_data["rationale"],
                        )
            except DomainError as exc:
                self.message_user(request, f"No verdict was set: {exc}", messages.ERROR)
                return None
            self.message_user(request, f"Verdict set on {queryset.count()} sentences.")
            return None
        return _intermediate(self, request, queryset, form, "Set verdict", "set_verdict")

    def has_verdict_permission(self, request: HttpRequest) -> bool:
        return permissions.is_editor(request.user)


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
