"""The article text of the workspace, rendered in Python: 300 sentences through the template
engine cost more than the rest of the page; format_html escapes every value all the same."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from annotations.models import Sentence

register = template.Library()

_STATUS = dict(Sentence.Status.choices)


def _piece(piece: dict[str, Any]) -> SafeString:
    sentence = piece.get("sentence")
    if sentence is None:
        return format_html("{}", piece["gap"])
    state = (
        "boilerplate" if sentence.kind == Sentence.Kind.BOILERPLATE else _STATUS[sentence.status]
    )
    return format_html(
        '<span class="s kind-{kind} status-{status}" id="s{id}" data-id="{id}" role="button" '
        'tabindex="-1" aria-describedby="s{id}-state">{text}'
        '<span class="sr-only" id="s{id}-state">{state}</span></span>',
        kind=sentence.kind,
        status=sentence.status,
        id=sentence.pk,
        text=sentence.text,
        state=state,
    )


@register.simple_tag
def article_text(paragraphs: list[list[dict[str, Any]]]) -> SafeString:
    """Each paragraph a <p> of sentence spans and the original text between them; each takes
    its direction from its own text (dir="auto": Arabic or Hebrew reads right to left)."""
    return format_html_join(
        "\n",
        '<p dir="auto">{}</p>',
        ((SafeString("".join(_piece(p) for p in para)),) for para in paragraphs),
    )
