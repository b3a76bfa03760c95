"""Articles with their sentences inline, the import page, and the assign and export actions;
tags."""

from __future__ import annotations

import itertools
import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from annotations import exports, fields, permissions, readers, services, tasks
from annotations.admin.base import (
    BaseAdmin,
    FieldTypes,
    in_sight,
    intermediate,
    viewer,
)
from annotations.admin.sentences import kind_set
from annotations.errors import DomainError
from annotations.models import (
    Article,
    ArticleSummary,
    Sentence,
    Tag,
)

logger = logging.getLogger(__name__)


# --- Articles -----------------------------------------------------------------------------
class SentenceInline(FieldTypes, admin.TabularInline):
    model = Sentence
    fields = ["index", "paragraph", "start", "end", "kind", "status", "text"]
    readonly_fields = ["index", "paragraph", "start", "end", "status", "text"]
    extra = 0
    can_delete = False  # sentences go away only by a segmentation fix (merge), never here
    ordering = ["index"]
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # sentences come from segmentation, never typed in


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:  # FileField's own check sees a list, never empty
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ImportForm(forms.Form):
    files = MultipleFileField(
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": ".txt,.json,.jsonl,.html,.htm"}
        ),
        help_text="Plain text (first line: the title), JSON, JSONL (also exports) or HTML.",
    )
    dry_run = forms.BooleanField(required=False, label="Check only (write nothing)")


class AssignForm(forms.Form):
    reviewers = fields.IdChoicesField(
        queryset=get_user_model().objects.filter(groups__name="reviewer", is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = fields.DateFormField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _import_uploads(uploads, *, imported_by, dry_run: bool) -> services.ImportSummary:
    """Each file, and each record (an exported article's records together) on its own.

    records_import never stops for a bad record it knows of (a DomainError); anything else that
    goes wrong in one record is reported for that record, and the others go on.
    """
    summary = services.ImportSummary()
    for upload in uploads:
        try:
            records = list(readers.group_exported(readers.read_file(upload.name, upload.read())))
        except Exception as exc:
            logger.exception("Admin import: reading %s failed", upload.name)
            summary.failed.append(f"{upload.name}: {_reason(exc)}")
            continue
        for record in records:
            try:
                part = services.records_import(
                    records=[record], imported_by=imported_by, dry_run=dry_run
                )
            except Exception as exc:
                logger.exception("Admin import: %s failed", record.origin)
                summary.failed.append(f"{record.origin}: {_reason(exc)}")
                continue
            summary.created += part.created
            summary.skipped += part.skipped
            summary.failed += part.failed
            summary.article_ids += part.article_ids
    return summary


def _reason(exc: Exception) -> str:
    first_line = (str(exc).strip().splitlines() or [""])[0]
    return f"could not be stored ({type(exc).__name__}: {first_line[:200]})"


@admin.register(Article)
class ArticleAdmin(BaseAdmin):
    list_display = ["title", "source", "language", "published_at", "claims", "final", "created_at"]
    list_filter = ["source", "language", "tags", "created_at"]
    search_fields = ["title", "source", "url"]
    date_hierarchy = "published_at"
    list_select_related = ["imported_by"]
    readonly_fields = ["body", "checksum", "imported_by", "created_at", "updated_at"]
    filter_horizontal = ["tags"]
    inlines = [SentenceInline]

    def get_queryset(self, request):
        # The articles the API lists for this user: all, or a reviewer's assigned ones.
        return in_sight(
            super().get_queryset(request).select_related("summary"),
            viewer(request),
            article_field="pk",
        )

    @admin.display(ordering="summary__claims")
    def claims(self, obj: Article) -> int | None:
        return _summary_figure(obj, "claims")

    @admin.display(ordering="summary__final")
    def final(self, obj: Article) -> int | None:
        return _summary_figure(obj, "final")

    def save_model(self, request, obj, form, change) -> None:
        # Through the service, as PATCH /api/articles/{id}/: only what changed, so that
        # nothing is written back from a stale copy; kept in history.
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in ARTICLE_METADATA
        }
        if "tags" in changes:
            changes["tags"] = [tag.name for tag in changes["tags"]]
        if not changes:
            return
        try:
            services.article_update(article=obj.pk, editor=request.user, **changes)
        except DomainError as exc:
            raise PermissionDenied(str(exc)) from exc

    def save_related(self, request, form, formsets, change) -> None:
        # The tags were saved by the service with the rest (save_model); only the sentences'
        # kinds are left, each through its own service (save_formset).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Sentence:
            return super().save_formset(request, form, formset, change)
        # The only thing editable on a sentence is its kind, set by the service (which keeps the
        # article's figures right). save(commit=False) writes nothing; it records what changed
        # for the change message.
        for sentence in formset.save(commit=False):
            kind_set(request, sentence)
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
            dry_run = form.cleaned_data["dry_run"]
            summary = _import_uploads(
                request.FILES.getlist("files"), imported_by=request.user, dry_run=dry_run
            )
            if not dry_run:
                # As after any import: here without a broker, else on the workers.
                tasks.articles_match_enqueue(summary.article_ids)
            verb = "Would create" if dry_run else "Created"
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
        return intermediate(self, request, queryset, form, "Assign reviewers", "assign_reviewers")

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return permissions.can_assign(request.user)

    @admin.action(description="Export the selected articles as JSONL", permissions=["export"])
    def export_selected(self, request: HttpRequest, queryset):
        ids = sorted(queryset.values_list("pk", flat=True))
        chunks = itertools.chain.from_iterable(
            exports.export_stream("jsonl", exports.ExportParams(article=pk)) for pk in ids
        )
        response = StreamingHttpResponse(chunks, content_type="application/x-ndjson")
        response["Content-Disposition"] = 'attachment; filename="factcheck-articles.jsonl"'
        return response

    def has_export_permission(self, request: HttpRequest) -> bool:
        return viewer(request).may_export


# What the change form edits of an article, all saved by services.article_update.
ARTICLE_METADATA = {"title", "source", "url", "published_at", "language", "tags"}


def _summary_figure(article: Article, name: str) -> int | None:
    """A kept figure of the article, or None (shown as "-") until its summary exists."""
    try:
        return getattr(article.summary, name)
    except ArticleSummary.DoesNotExist:
        return None


@admin.register(Tag)
class TagAdmin(BaseAdmin):
    search_fields = ["name"]
