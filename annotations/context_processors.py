"""What every page's template may ask of the signed-in user, computed only when asked."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from annotations.permissions import is_editor, is_editor_remember


def _editor(request: HttpRequest) -> bool:
    user = request.user
    editor = is_editor(user)  # one query, unless already known for this request
    # Kept on the user: a second template rendered in this request asks nothing again.
    is_editor_remember(user, editor)
    return editor


def roles(request: HttpRequest) -> dict[str, object]:
    """`user_is_editor` for the top bar's editors' links (templates/base.html). Lazy: a page
    that never renders the bar, or whose view already knows the viewer, pays no query."""
    return {"user_is_editor": SimpleLazyObject(lambda: _editor(request))}
