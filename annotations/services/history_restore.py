"""Restoring a review or verdict from its history (not an article from an export: that is
services/article_restore.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from annotations import permissions
from annotations.errors import Forbidden, InvalidInput, is_id
from annotations.models import History, Label, Review, Sentence, Verdict
from annotations.services.history import history_add, review_snapshot, verdict_snapshot
from annotations.services.status import sentence_lock, sentence_status_refresh, verdict_flag
from annotations.services.verdicts import verdict_apply


def history_restore(
    *, sentence: Sentence | int, entry: History | int, editor: AbstractBaseUser
) -> History:
    """Put a review or verdict back as a history entry left it; the restore is a new entry.

    The state restored is the entry's `after`, or its `before` for a deletion (undoing it).
    """
    if not permissions.is_editor(editor):
        raise Forbidden("Only editors may restore history.")
    entry_id = entry.pk if isinstance(entry, History) else entry
    with transaction.atomic():
        locked = sentence_lock(sentence)
        found = History.objects.filter(pk=entry_id).first() if is_id(entry_id) else None
        if found is None:
            raise InvalidInput({"history": [f"History entry {entry_id!r} does not exist."]})
        if found.sentence_id != locked.pk:
            raise InvalidInput(
                {"history": [f"History entry {entry_id} belongs to another sentence."]}
            )
        if found.entity not in (History.Entity.REVIEW, History.Entity.VERDICT):
            raise InvalidInput(
                {
                    "history": [
                        f"History entry {entry_id} is a {found.entity} edit; only reviews "
                        "and verdicts are restored."
                    ]
                }
            )
        state = found.after if found.after is not None else found.before
        if found.entity == History.Entity.REVIEW:
            restored = _review_restore(locked, state, editor)
        else:
            restored = _verdict_restore(locked, state, editor)
        has_verdict = found.entity == History.Entity.VERDICT or (
            locked.status == Sentence.Status.FINAL
        )
        if has_verdict and found.entity == History.Entity.REVIEW:
            verdict_flag(locked)
        sentence_status_refresh(locked, has_verdict=has_verdict)
    return restored


def _restored_label(slug: str) -> Label:
    label = Label.objects.filter(slug=slug).first()
    if label is None or not label.active:
        raise InvalidInput({"history": [f"Cannot restore: label {slug!r} is retired or gone."]})
    return label


def _review_restore(sentence: Sentence, state: dict, editor: AbstractBaseUser) -> History:
    user_model = get_user_model()
    reviewer = user_model.objects.filter(username=state["reviewer"]).first()
    if reviewer is None:
        raise InvalidInput({"history": [f"Cannot restore: user {state['reviewer']!r} is gone."]})
    label = _restored_label(state["label"])
    review = (
        Review.objects.select_related("label", "reviewer")
        .filter(sentence=sentence, reviewer=reviewer)
        .first()
    )
    before = review_snapshot(review) if review else None
    if review is None:
        review = Review.objects.create(
            sentence=sentence,
            article_id=sentence.article_id,
            reviewer=reviewer,
            label=label,
            note=state["note"],
            evidence=state["evidence"],
            version=state["version"] + 1,
        )
    else:
        review.label, review.note, review.evidence = label, state["note"], state["evidence"]
        review.version += 1
        review.save(update_fields=["label", "note", "evidence", "version", "updated_at"])
    return history_add(
        sentence=sentence,
        entity=History.Entity.REVIEW,
        entity_id=review.pk,
        action=History.Action.RESTORE,
        actor=editor,
        before=before,
        after=review_snapshot(review),
    )


def _verdict_restore(sentence: Sentence, state: dict, editor: AbstractBaseUser) -> History:
    label = _restored_label(state["label"])
    decided_by = None
    if state.get("decided_by"):
        decided_by = get_user_model().objects.filter(username=state["decided_by"]).first()
    verdict = (
        Verdict.objects.select_related("label", "decided_by").filter(sentence=sentence).first()
    )
    before = verdict_snapshot(verdict) if verdict else None
    if verdict is None:
        verdict = Verdict(
            sentence=sentence, article_id=sentence.article_id, version=state["version"]
        )
    # What it said comes back; whether it is public stays as it is now (publishing is an
    # editor's deliberate step), and a change to a published verdict is a correction.
    verdict_apply(
        verdict,
        label=label,
        rationale=state["rationale"],
        evidence=state.get("evidence") or [],
        published=verdict.published,
        correction="Restored from an earlier version.",
        editor=editor,
    )
    if verdict.pk is None:
        verdict.version += 1
    verdict.decided_by, verdict.is_consensus = decided_by, state["is_consensus"]
    verdict.save()
    return history_add(
        sentence=sentence,
        entity=History.Entity.VERDICT,
        entity_id=verdict.pk,
        action=History.Action.RESTORE,
        actor=editor,
        before=before,
        after=verdict_snapshot(verdict),
    )
