"""A user's workspace settings, with every default while they have changed none."""

from __future__ import annotations

from annotations.models import Preferences


def preferences_of(user) -> Preferences:
    """The user's settings; an unsaved row of defaults when they have none yet (one query)."""
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)
