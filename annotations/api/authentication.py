"""Token authentication that also learns, in the same query, whether the user is an editor."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from annotations.permissions import is_editor_expression, is_editor_remember


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's TokenAuthentication, with the editor's permission asked in the query that loads
    the token and its user: every API read works out the viewer's role (viewer_for), which
    took a query of its own on each request."""

    def authenticate_credentials(self, key: str):
        model = self.get_model()
        try:
            token = (
                model.objects.select_related("user")
                .annotate(user_is_editor=is_editor_expression("user"))
                .get(key=key)
            )
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        is_editor_remember(token.user, token.user_is_editor)
        return (token.user, token)
