"""Who may do what, in one place; the API, pages, admin and commands all ask here."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

User = AbstractBaseUser | AnonymousUser


def can_import_articles(user: User) -> bool:
    """Editors and admins import; reviewers work on what is there."""
    return bool(user.is_authenticated and user.has_perm("annotations.add_article"))


def is_editor(user: User) -> bool:
    """Editors (the `editor` group) and superusers settle verdicts and fix segmentation."""
    return bool(user.is_authenticated and user.has_perm("annotations.change_verdict"))


def can_review(user: User) -> bool:
    return bool(user.is_authenticated and user.has_perm("annotations.add_review"))
