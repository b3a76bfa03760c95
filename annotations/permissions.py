"""Who may do what, in one place; the API, pages, admin and commands all ask here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Permission
from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from annotations.models import Assignment, Review, Verdict

User = AbstractBaseUser | AnonymousUser


def _permissions(user: User) -> QuerySet[Permission]:
    """The user's permissions in this app, given directly or through a group."""
    return Permission.objects.filter(
        Q(user=user.pk) | Q(group__user=user.pk), content_type__app_label="annotations"
    )


def _has_perm(user: User, codename: str) -> bool:
    """One query, where Django's has_perm takes two (and keeps them in a private cache)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return _permissions(user).filter(codename=codename).exists()


def can_review_expression(user: User) -> Exists | Value:
    """`can_review` as an SQL expression, so that review_save asks it in the query that looks
    up the label (one query fewer on the hot path)."""
    if not user.is_authenticated or not user.is_active:
        return Value(False)
    if user.is_superuser:
        return Value(True)
    return Exists(_permissions(user).filter(codename="add_review"))


def can_import_articles(user: User) -> bool:
    """Editors and admins import; reviewers work on what is there."""
    return _has_perm(user, "add_article")


def is_editor(user: User) -> bool:
    """Editors (the `editor` group) and superusers settle verdicts and fix segmentation."""
    known = getattr(user, "_is_editor", None)  # set by is_editor_remember
    if known is not None:
        return known
    return _has_perm(user, "change_verdict")


def is_editor_expression(user_field: str) -> Exists:
    """Whether the user in `user_field` holds the editor's permission, as an SQL expression
    (not counting superusers and inactive users: see is_editor_remember)."""
    user = OuterRef(user_field)
    return Exists(
        Permission.objects.filter(
            Q(user=user) | Q(group__user=user),
            content_type__app_label="annotations",
            codename="change_verdict",
        )
    )


def is_editor_remember(user: User, has_permission: bool) -> None:
    """Keep on this user object, for this request, what is_editor_expression answered: the
    API's token authentication asks it in the query that loads the user."""
    user._is_editor = bool(user.is_active) and (user.is_superuser or has_permission)


def can_review(user: User) -> bool:
    return _has_perm(user, "add_review")


def can_assign(user: User) -> bool:
    return _has_perm(user, "add_assignment")


def is_reviewer(user: User) -> bool:
    """Whether work may be assigned to this user (the `reviewer` group or the permission)."""
    return bool(user.is_active) and _has_perm(user, "add_review")


@dataclass(frozen=True)
class Viewer:
    """What one signed-in user may see, worked out once per request."""

    user: User
    is_editor: bool
    open_reviewing: bool
    blind_review: bool

    @property
    def sees_all_reviews(self) -> bool:
        return self.is_editor or not self.blind_review

    @property
    def sees_all_articles(self) -> bool:
        return self.is_editor or self.open_reviewing

    def visible_reviews(self, reviews: Iterable[Review]) -> list[Review]:
        """Blind review: others' reviews of a sentence show once the viewer's own is saved."""
        reviews = list(reviews)
        if self.sees_all_reviews or any(r.reviewer_id == self.user.pk for r in reviews):
            return reviews
        return []

    def sees_reviews_of(self, reviewer_ids: Iterable[int]) -> bool:
        return self.sees_all_reviews or self.user.pk in set(reviewer_ids)

    def may_filter_by_reviewer(self, username: str) -> bool:
        """Under blind review a reviewer may filter by their own reviews only: sentences
        "reviewed by rob" would tell what rob rated before the viewer has."""
        return self.sees_all_reviews or username == self.user.get_username()

    # --- Verdicts -----------------------------------------------------------------------
    # Blind review covers the verdict's label too: a reviewer who has not rated a sentence
    # must not be steered by the editor's decision. The rule is written once for a loaded
    # verdict (sees_verdict) and once as SQL (verdicts_q); keep the two alike.

    @property
    def sees_all_verdicts(self) -> bool:
        """Whether every verdict's label shows, whatever the viewer has rated."""
        return self.is_editor or not self.blind_review

    @property
    def may_export(self) -> bool:
        """An export holds every article, every reviewer's ratings and every verdict, and is
        never filtered per viewer: only those who may see them all export (the API and the
        admin alike), so nobody gets a partial one."""
        return self.sees_all_reviews and self.sees_all_verdicts and self.sees_all_articles

    def sees_verdict(self, verdict: Verdict | None, *, reviewed: bool) -> bool:
        """Whether the label of this verdict shows; `reviewed`: the viewer has a review of
        its sentence. A published verdict is public anyway."""
        published = verdict is not None and verdict.published
        return self.sees_verdict_of(published=published, reviewed=reviewed)

    def sees_verdict_of(self, *, published: bool, reviewed: bool) -> bool:
        """`sees_verdict` for a verdict read as values (whether it is published)."""
        return self.sees_all_verdicts or reviewed or published

    def verdicts_q(self) -> Q:
        """The verdicts whose label shows, as a filter on Verdict rows."""
        if self.sees_all_verdicts:
            return Q()
        return Q(published=True) | Q(
            Exists(Review.objects.filter(sentence=OuterRef("sentence_id"), reviewer=self.user.pk))
        )


def viewer_for(user: User) -> Viewer:
    return Viewer(
        user=user,
        is_editor=is_editor(user),
        open_reviewing=settings.FACTCHECK_OPEN_REVIEWING,
        blind_review=settings.FACTCHECK_BLIND_REVIEW,
    )


def can_work_on(user: User, article_id: int) -> bool:
    """Reviewers rate any article while open reviewing is on, else only assigned ones."""
    if settings.FACTCHECK_OPEN_REVIEWING or is_editor(user):
        return True
    return Assignment.objects.filter(article_id=article_id, reviewer=user).exists()
