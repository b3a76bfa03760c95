"""Sentences: their kind, and the action that sets the verdict of several at once."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from annotations import fields, permissions, selectors, services
from annotations.admin.base import BaseAdmin, in_sight, intermediate, viewer
from annotations.errors import DomainError
from annotations.models import (
    Label,
    Sentence,
)


class VerdictForm(forms.Form):
    label = forms.ModelChoiceField(queryset=Label.objects.active(), to_field_name="slug")
    rationale = fields.TextFormField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


def kind_set(request: HttpRequest, sentence: Sentence) -> None:
    try:
        services.sentence_kind_set(sentence=sentence.pk, kind=sentence.kind, editor=request.user)
    except DomainError as exc:
        raise PermissionDenied(str(exc)) from exc


def _verdict_text(verdict: dict | None) -> str:
    if verdict is None:
        return "none (or hidden until you rate that sentence)"
    return f"{verdict['label_name']}{'' if verdict['published'] else ' (draft)'}"


# --- Sentences ----------------------------------------------------------------------------
@admin.register(Sentence)
class SentenceAdmin(BaseAdmin):
    actions = ["set_verdict"]
    list_display = ["__str__", "article", "index", "kind", "status", "updated_at"]
    list_filter = ["kind", "status"]
    search_fields = ["text"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
    readonly_fields = [
        *("article", "index", "paragraph", "start", "end", "text", "status", "matches"),
    ]

    def get_queryset(self, request):
        return in_sight(super().get_queryset(request), viewer(request))

    def get_object(self, request, object_id, from_field=None):
        sentence = super().get_object(request, object_id, from_field)
        if sentence is not None:
            sentence._viewer = viewer(request)  # for `matches`, which gets no request
        return sentence

    @admin.display(description="Claim matches")
    def matches(self, sentence: Sentence) -> str:
        """The claims of other articles found to say the same or the opposite, as the API
        gives them (blind review applies to their verdicts)."""
        seen = getattr(sentence, "_viewer", None)
        found = selectors.matches_by_sentence(seen, sentence_ids=[sentence.pk]) if seen else {}
        rows = found.get(sentence.pk, [])
        if not rows:
            return "none"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{} ({}): <a href="/articles/{}/#s{}">{}</a>, in {} — verdict: {}</li>',
                (
                    (
                        m["relation"],
                        f"{m['similarity']:.2f}",
                        m["article"],
                        m["sentence"],
                        m["text"],
                        m["article_title"],
                        _verdict_text(m["verdict"]),
                    )
                    for m in rows
                ),
            ),
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # offsets must cover the body: sentences are merged, never deleted

    def save_model(self, request, obj, form, change) -> None:
        if "kind" in form.changed_data:
            kind_set(request, obj)

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
                            user=request.user,
                            label=form.cleaned_data["label"],
                            rationale=form.cleaned_data["rationale"],
                        )
            except DomainError as exc:
                self.message_user(request, f"No verdict was set: {exc}", messages.ERROR)
                return None
            self.message_user(request, f"Verdict set on {queryset.count()} sentences.")
            return None
        return intermediate(self, request, queryset, form, "Set verdict", "set_verdict")

    def has_verdict_permission(self, request: HttpRequest) -> bool:
        return permissions.is_editor(request.user)
