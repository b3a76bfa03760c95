"""Reviews: saving and withdrawing a reviewer's rating of a sentence."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from annotations import permissions
from annotations.errors import Forbidden, InvalidInput, NotFound
from annotations.models import History, Label, Review, Sentence
from annotations.prepared import PreparedQuery
from annotations.services.history import history_add, history_entry, review_snapshot
from annotations.services.status import (
    instance_from_row,
    instance_update,
    label_resolve,
    preconditions_check,
    rows_insert,
    sentence_lock,
    sentence_reviews,
    sentence_status_refresh,
    verdict_flag,
)


def _label_with_permission(slug: str, user: AbstractBaseUser) -> QuerySet[Label]:
    return (
        Label.objects.active()
        .filter(slug=slug)
        .annotate(may_review=permissions.can_review_expression(user))
        .values_list(*(field.attname for field in Label._meta.concrete_fields), "may_review")
    )


def _label_with_permission_of(slug: str, user_pk: int) -> QuerySet[Label]:
    # An active user who is not a superuser: the permission is asked in SQL.
    return _label_with_permission(slug, get_user_model()(pk=user_pk, is_active=True))


# Compiled once per database, with placeholders for the slug and the user's id.
_LABEL_WITH_PERMISSION = PreparedQuery(
    _label_with_permission_of, "\x00label placeholder", -7_340_000_017
)


def _review_label(reviewer: AbstractBaseUser, label: Label | str | None) -> Label:
    """The label chosen, once the reviewer is known to be allowed to review.

    Saving a review is the hot path (docs/performance.md): a slug is looked up in the query
    that asks the permission. Forbidden comes first whatever the label, as it always did.
    """
    found = None
    if isinstance(label, str) and label:
        if reviewer.is_authenticated and reviewer.is_active and not reviewer.is_superuser:
            rows = _LABEL_WITH_PERMISSION.rows(label, reviewer.pk)
        else:  # the permission is a constant (permissions.can_review_expression)
            rows = list(_label_with_permission(label, reviewer))
        if rows:
            found = instance_from_row(Label, rows[0])
            found.may_review = bool(rows[0][-1])
    allowed = found.may_review if found is not None else permissions.can_review(reviewer)
    if not allowed:
        raise Forbidden("You do not have permission to review sentences.")
    return found if found is not None else label_resolve(label)


def review_save(
    *,
    sentence: Sentence | int,
    reviewer: AbstractBaseUser,
    label: Label | str | None,
    note: str = "",
    evidence: Sequence[dict[str, str]] = (),
    expected_version: int | None = None,
    create_only: bool = False,
) -> tuple[Review, bool]:
    """Create or update `reviewer`'s review of `sentence`; the review, and whether it is new.

    Inputs come validated (inputs.ReviewInputSerializer). PreconditionFailed (412) if
    `expected_version` is stale, or if `create_only` (If-None-Match: *) and a review exists.
    """
    resolved = _review_label(reviewer, label)
    items = list(evidence)
    if resolved.requires_evidence and not items:
        raise InvalidInput(
            {"evidence": [f"The label {resolved.slug!r} requires at least one evidence link."]}
        )

    with transaction.atomic():
        locked = sentence_lock(sentence)
        if not permissions.can_work_on(reviewer, locked.article_id):
            raise Forbidden(
                "You are not assigned to this article; ask an editor to assign it to you."
            )
        # Every review of the sentence in one query: ours to change, the others' labels for
        # the status (the sentence lock keeps them from changing meanwhile).
        reviews = sentence_reviews(locked)
        review = next((r for r in reviews if r.reviewer_id == reviewer.pk), None)
        others = [r for r in reviews if r is not review]
        if review is not None:
            review.reviewer = reviewer
        current_version = review.version if review else None
        preconditions_check(
            review,
            review_snapshot,
            expected_version=expected_version,
            create_only=create_only,
            exists=f"You already have a review of this sentence (version {current_version}); "
            "send If-Match with that version to change it.",
            stale=f"The review changed since version {expected_version} "
            f"(now {current_version or 'withdrawn'}); reload it and try again.",
        )
        created = review is None
        if review is None:
            review = Review(
                sentence=locked,
                article_id=locked.article_id,
                reviewer=reviewer,
                label=resolved,
                note=note,
                evidence=items,
            )
            rows_insert([review])
            action, before = History.Action.CREATE, None
        else:
            unchanged = (
                review.label_id == resolved.pk and review.note == note and review.evidence == items
            )
            if unchanged:
                return review, False
            before = review_snapshot(review)
            review.label, review.note, review.evidence = resolved, note, items
            review.version += 1
            instance_update(review, ["label", "note", "evidence", "version", "updated_at"])
            action = History.Action.UPDATE
        entry = history_entry(
            sentence=locked,
            entity=History.Entity.REVIEW,
            entity_id=review.pk,
            action=action,
            actor=reviewer,
            before=before,
            after=review_snapshot(review),
        )
        # A sentence is final exactly when it has a verdict (kept so by every service).
        has_verdict = locked.status == Sentence.Status.FINAL
        if has_verdict:
            verdict_flag(locked)
        # The entry is written with the consensus verdict's, should this review complete one.
        sentence_status_refresh(
            locked, has_verdict=has_verdict, reviews=[*others, review], history=[entry]
        )
    return review, created


def review_delete(
    *, sentence: Sentence | int, reviewer: AbstractBaseUser, expected_version: int | None = None
) -> None:
    """Withdraw `reviewer`'s review of `sentence`; the history keeps what it said."""
    with transaction.atomic():
        locked = sentence_lock(sentence)
        review = (
            Review.objects.select_related("label", "reviewer")
            .filter(sentence=locked, reviewer=reviewer)
            .first()
        )
        if review is None:
            raise NotFound("You have no review of this sentence.")
        preconditions_check(
            review,
            review_snapshot,
            expected_version=expected_version,
            create_only=False,
            exists="",
            stale=f"The review changed since version {expected_version} (now {review.version}).",
        )
        before = review_snapshot(review)
        review.delete()
        history_add(
            sentence=locked,
            entity=History.Entity.REVIEW,
            entity_id=before["id"],
            action=History.Action.DELETE,
            actor=reviewer,
            before=before,
            after=None,
        )
        # A sentence is final exactly when it has a verdict (kept so by every service).
        has_verdict = locked.status == Sentence.Status.FINAL
        if has_verdict:
            verdict_flag(locked)
        sentence_status_refresh(locked, has_verdict=has_verdict)
