"""The rating scale: its labels, retired rather than deleted."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from annotations.admin.base import BaseAdmin
from annotations.models import (
    Label,
)


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
