"""Who may do what, in one place; the API, pages, admin and commands all ask here."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Permission
from django.db.models import Q

User = AbstractBaseUser | AnonymousUser


def _has_perm(user: User, codename: str) -> bool:
    """One query, where Django's has_perm takes two; saving a review is the hot path."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_perm_cache", None)  # filled if has_perm was used on this request
    if cached is not None:
        return f"annotations.{codename}" in cached
    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user),
        content_type__app_label="annotations",
        codename=codename,
    ).exists()


def can_import_articles(user: User) -> bool:
    """Editors and admins import; reviewers work on what is there."""
    return _has_perm(user, "add_article")


def is_editor(user: User) -> bool:
    """Editors (the `editor` group) and superusers settle verdicts and fix segmentation."""
    return _has_perm(user, "change_verdict")


def can_review(user: User) -> bool:
    return _has_perm(user, "add_review")
