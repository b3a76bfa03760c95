"""A user's workspace settings (auto-advance after a label)."""

from __future__ import annotations

from django.db import transaction

from annotations.models import Preferences


@transaction.atomic
def preferences_set(*, user, auto_advance: bool) -> Preferences:
    """Store the user's settings, creating their row the first time."""
    preferences, _ = Preferences.objects.update_or_create(
        user=user, defaults={"auto_advance": auto_advance}
    )
    return preferences
