"""The Django admin: articles with sentences inline, the scale, reviews, read-only history.

The admin obeys the same rules as the API: every write with business rules goes through a
service (sentence kinds, verdicts, assignments, imports), every list shows a staff member only
what the API would show them (permissions.viewer_for: assigned articles, blind review), and
every form is built from the shared field types (annotations/fields.py), so a NUL, a lone
surrogate, a date out of range or an integer wider than its column is a form error, not a 500.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from annotations import exports, fields, permissions, readers, selectors, services
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

logger = logging.getLogger(__name__)


# --- Shared field types -------------------------------------------------------------------
def _date_in_range(value: dt.date | None) -> None:
    if value is not None:
        try:
            fields.date_in_range(value, days_after=1)
        except ValueError as exc:
            raise ValidationError(str(exc), code="out_of_range") from None


class DateFormField(forms.DateField):
    """A day that pages can still add a day to (the due date shown as "due tomorrow")."""

    default_validators = [_date_in_range]


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
    models.DateField: {"form_class": DateFormField},
}

# The largest value of each integer column on every database: SQLite would store 40,000 in a
# PositiveSmallIntegerField that PostgreSQL refuses, so the admin refuses it on both.
INTEGER_LIMITS = {
    "SmallIntegerField": 32767,
    "PositiveSmallIntegerField": 32767,
    "IntegerField": fields.MAX_INT32,
    "PositiveIntegerField": fields.MAX_INT32,
    "BigIntegerField": fields.MAX_INT,
    "PositiveBigIntegerField": fields.MAX_INT,
}


def _bounded(formfield: forms.Field | None, db_field: models.Field) -> forms.Field | None:
    limit = INTEGER_LIMITS.get(db_field.get_internal_type())
    if not isinstance(formfield, forms.IntegerField) or limit is None:
        return formfield
    if formfield.max_value is None or formfield.max_value > limit:
        formfield.max_value = limit
        formfield.validators.append(MaxValueValidator(limit))
        formfield.widget.attrs["max"] = limit
    return formfield


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


def _is_id(text: str) -> bool:
    try:
        return 0 < int(text) <= fields.MAX_INT
    except ValueError:
        return False


class FieldTypes:
    """Form fields built from the shared types, for model admins and inlines alike."""

    formfield_overrides = FIELD_TYPES

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _bounded(super().formfield_for_dbfield(db_field, request, **kwargs), db_field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", IdChoicesField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class BaseAdmin(FieldTypes, admin.ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def response_action(self, request: HttpRequest, queryset):
        # Django filters pk__in=selected without checking: "abc" or 2**70 would be a 500.
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        if not all(_is_id(pk) for pk in selected):
            self.message_user(request, "The selection must be ids of rows.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


# --- What a staff member may see ----------------------------------------------------------
def viewer(request: HttpRequest) -> permissions.Viewer:
    """The request's Viewer, worked out once (lists ask several times per page)."""
    if not hasattr(request, "_factcheck_viewer"):
        request._factcheck_viewer = permissions.viewer_for(request.user)
    return request._factcheck_viewer


def _visible_articles(seen: permissions.Viewer) -> QuerySet[Article]:
    """The ids of the articles the API lists for this viewer (selectors.article_list)."""
    return selectors.article_list(seen).order_by().values("pk")


def _reviewed_by(seen: permissions.Viewer, sentence_field: str = "sentence_id") -> Exists:
    return Exists(Review.objects.filter(sentence=OuterRef(sentence_field), reviewer=seen.user.pk))


def _in_sight(
    queryset: QuerySet, seen: permissions.Viewer, *, article_field: str = "article"
) -> QuerySet:
    if seen.sees_all_articles:
        return queryset
    return queryset.filter(**{f"{article_field}__in": _visible_articles(seen)})


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


class IdChoicesField(forms.ModelMultipleChoiceField):
    """Rows chosen by id; a value that cannot be an id is an invalid choice, where Django would
    pass 2**70 to the database (OverflowError on SQLite, "bigint out of range" on PostgreSQL)."""

    def _check_values(self, value):
        for pk in value:
            if not _is_id(str(pk)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class ImportForm(forms.Form):
    files = MultipleFileField(
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": ".txt,.json,.jsonl,.html,.htm"}
        ),
        help_text="Plain text (first line: the title), JSON, JSONL (also exports) or HTML.",
    )
    dry_run = forms.BooleanField(required=False, label="Check only (write nothing)")


class AssignForm(forms.Form):
    reviewers = IdChoicesField(
        queryset=get_user_model().objects.filter(groups__name="reviewer", is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = DateFormField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class VerdictForm(forms.Form):
    label = forms.ModelChoiceField(queryset=Label.objects.active(), to_field_name="slug")
    rationale = fields.TextFormField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


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
        return _in_sight(
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
        # Only the metadata columns changed, so that nothing else is written back from a
        # stale copy (the body and checksum are never edited; tags are saved with the form).
        columns = [name for name in form.changed_data if name in ARTICLE_METADATA]
        if columns:
            obj.save(update_fields=[*columns, "updated_at"])

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Sentence:
            return super().save_formset(request, form, formset, change)
        # The only thing editable on a sentence is its kind, set by the service (which keeps the
        # article's figures right). save(commit=False) writes nothing; it records what changed
        # for the change message.
        for sentence in formset.save(commit=False):
            _kind_set(request, sentence)
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
        return _intermediate(self, request, queryset, form, "Assign reviewers", "assign_reviewers")

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


# The article's columns the change form edits (tags are a relation, saved with the form).
ARTICLE_METADATA = {"title", "source", "url", "published_at", "language"}


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


# --- Sentences ----------------------------------------------------------------------------
@admin.register(Sentence)
class SentenceAdmin(BaseAdmin):
    actions = ["set_verdict"]
    list_display = ["__str__", "article", "index", "kind", "status", "updated_at"]
    list_filter = ["kind", "status"]
    search_fields = ["text"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = ["article", "index", "paragraph", "start", "end", "text", "status"]

    def get_queryset(self, request):
        return _in_sight(super().get_queryset(request), viewer(request))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # offsets must cover the body: sentences are merged, never deleted

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


# --- The scale ----------------------------------------------------------------------------
@admin.register(Label)
class LabelAdmin(BaseAdmin):
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
        reviews = _in_sight(super().get_queryset(request), seen)
        return reviews if seen.sees_all_reviews else reviews.filter(_reviewed_by(seen))


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

    def get_queryset(self, request):
        # Blind review covers verdicts too (permissions.Viewer.verdicts_q).
        seen = viewer(request)
        return _in_sight(super().get_queryset(request), seen).filter(seen.verdicts_q())


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
        entries = _in_sight(super().get_queryset(request), seen)
        if seen.sees_all_reviews and seen.sees_all_verdicts:
            return entries
        return entries.filter(Q(actor=seen.user.pk) | Q(_reviewed_by(seen)))


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


@admin.register(Tag)
class TagAdmin(BaseAdmin):
    search_fields = ["name"]
