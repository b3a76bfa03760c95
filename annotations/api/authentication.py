"""Token authentication that also learns, in the same query, whether the user is an editor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from annotations.permissions import is_editor_expression, is_editor_remember
from annotations.prepared import PreparedQuery

_USER_FIELDS = [field.attname for field in get_user_model()._meta.concrete_fields]


def _token_with_user(key: str):
    return (
        Token.objects.filter(key=key)
        .annotate(user_is_editor=is_editor_expression("user"))
        .values_list("created", *(f"user__{name}" for name in _USER_FIELDS), "user_is_editor")
    )


# Every API request of a script looks its token up: compiled once per database (the ORM spent
# more time compiling this query, with its join and permission subquery, than PostgreSQL
# spent running it), the key a placeholder.
_TOKEN = PreparedQuery(_token_with_user, "\x00token placeholder")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's TokenAuthentication, with the editor's permission asked in the query that loads
    the token and its user: every API read works out the viewer's role (viewer_for), which
    took a query of its own on each request."""

    def authenticate_credentials(self, key: str):
        rows = _TOKEN.rows(key)
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        created, *values, user_is_editor = rows[0]
        user = get_user_model().from_db(connection.alias, _USER_FIELDS, values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        is_editor_remember(user, user_is_editor)
        token = Token.from_db(
            connection.alias, ["key", "user_id", "created"], [key, user.pk, created]
        )
        token.user = user
        return (user, token)
