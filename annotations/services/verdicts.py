"""Verdicts: an editor settles a sentence (a consensus of reviewers sets one by itself, see
services/status.py)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from annotations import permissions
from annotations.errors import Forbidden
from annotations.models import History, Label, Sentence, Verdict
from annotations.services.history import history_add, verdict_snapshot
from annotations.services.status import (
    label_resolve,
    preconditions_check,
    sentence_lock,
    sentence_status_refresh,
)


def verdict_set(
    *,
    sentence: Sentence | int,
    user: AbstractBaseUser,
    label: Label | str | None,
    rationale: str = "",
    expected_version: int | None = None,
    create_only: bool = False,
) -> Verdict:
    """Set or change the final verdict of a sentence (editors and admins only).

    PreconditionFailed (412) if `expected_version` is stale, or if `create_only`
    (If-None-Match: *) and a verdict exists: two editors never silently overwrite each other.
    """
    if not permissions.is_editor(user):
        raise Forbidden("Only editors may set verdicts.")
    resolved = label_resolve(label)
    with transaction.atomic():
        locked = sentence_lock(sentence)
        verdict = (
            Verdict.objects.select_related("label", "decided_by").filter(sentence=locked).first()
        )
        exists = ""
        if verdict is not None:
            by = verdict.decided_by.get_username() if verdict.decided_by else "consensus"
            exists = (
                f"This sentence already has a verdict ({verdict.label.slug!r}, by {by}); "
                "reload it and try again."
            )
        preconditions_check(
            verdict,
            verdict_snapshot,
            expected_version=expected_version,
            create_only=create_only,
            exists=exists,
            stale=f"The verdict changed since version {expected_version}; reload it.",
        )
        if verdict is None:
            verdict = Verdict.objects.create(
                sentence=locked,
                article_id=locked.article_id,
                label=resolved,
                rationale=rationale,
                decided_by=user,
            )
            action, before = History.Action.CREATE, None
        else:
            before = verdict_snapshot(verdict)
            verdict.label, verdict.rationale, verdict.decided_by = resolved, rationale, user
            verdict.is_consensus = verdict.needs_attention = False
            verdict.version += 1
            verdict.save()
            action = History.Action.UPDATE
        history_add(
            sentence=locked,
            entity=History.Entity.VERDICT,
            entity_id=verdict.pk,
            action=action,
            actor=user,
            before=before,
            after=verdict_snapshot(verdict),
        )
        sentence_status_refresh(locked, has_verdict=True)
    return verdict
