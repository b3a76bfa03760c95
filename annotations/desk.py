"""Pages of the editors' desk: importing articles and exporting the work.

Both pages only read: the import page sends its files to POST /api/imports/ (and its preview)
from static/js/desk.js and follows the job; the export page is a plain GET form whose action is
GET /api/export/, which streams the download.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations import exports, selectors
from annotations.fields import MAX_INT
from annotations.models import Sentence
from annotations.permissions import can_import_articles, viewer_for

FORMAT_NAMES = {
    "json": "JSON (one array of records)",
    "jsonl": "JSONL (one record per line)",
    "csv": "CSV (one row per sentence)",
    "claimreview": "schema.org ClaimReview (published verdicts)",
}


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """The import form, its preview and progress (static/js/desk.js), and the last jobs."""
    if not can_import_articles(request.user):
        raise PermissionDenied("Only editors and admins import articles.")
    context = {"viewer": viewer_for(request.user), "jobs": selectors.import_job_list(limit=10)}
    return render(request, "desk/import.html", context)


class ExportForm(forms.Form):
    """The export's options, named as GET /api/export/ reads them; here only to fill the form
    from the query string (the queue and the workspace link with a filter)."""

    format = forms.ChoiceField(
        choices=[(name, FORMAT_NAMES[name]) for name in exports.FORMATS],
        initial="jsonl",
        widget=forms.RadioSelect,
    )
    article = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_INT,  # wider than an id column: the export would refuse it
        label="Article id",
        help_text="Empty: every article.",
    )
    label = forms.ChoiceField(required=False, label="Label")
    status = forms.ChoiceField(
        required=False,
        choices=[("", "any status"), *Sentence.Status.choices],
        label="Sentence status",
    )
    source = forms.CharField(
        required=False, max_length=200, label="Source", help_text="Exactly as the article gives it."
    )
    tag = forms.CharField(required=False, max_length=100, label="Tag")
    published_after = forms.DateField(
        required=False,
        label="Published on or after",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Articles published from the start of this day.",
    )
    published_before = forms.DateField(
        required=False,
        label="Published before",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Articles published before the start of this day.",
    )
    updated_since = forms.DateField(
        required=False,
        label="Updated since",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Sentences updated on or after the start of this day.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Retired labels too: the reviews that used them are still exported.
        labels = selectors.label_list(include_retired=True).values_list("slug", "name")
        self.fields["label"].choices = [("", "any label"), *labels]


@login_required
def export_page(request: HttpRequest) -> HttpResponse:
    """Choose the format and filters; the form's GET to /api/export/ downloads the file."""
    viewer = viewer_for(request.user)
    if not viewer.may_export:
        raise PermissionDenied("Exports show every reviewer's ratings; only editors may export.")
    given = {key: value for key, value in request.GET.items() if key in ExportForm.base_fields}
    form = ExportForm({"format": "jsonl", **given}) if given else ExportForm()
    if form.is_bound:
        form.is_valid()  # the reasons show beside the fields
    return render(request, "desk/export.html", {"viewer": viewer, "form": form})
