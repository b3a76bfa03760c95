"""Verdicts: an editor settles a sentence (a consensus of reviewers sets one by itself, see
services/status.py), and publishes it.

A verdict is a draft until an editor publishes it; publishing needs a rationale and at least
one source, and only a rating of a claim is published. A change to a published verdict's
rating, rationale or sources keeps it published and adds a Correction, which its public page
lists; unpublishing takes the page down (410 Gone). Every change is also in the history.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations import permissions
from annotations.errors import Forbidden, InvalidInput
from annotations.models import Correction, History, Label, Sentence, Verdict
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
    evidence: list[dict[str, Any]] | None = None,
    published: bool | None = None,
    correction: str = "",
    expected_version: int | None = None,
    create_only: bool = False,
) -> Verdict:
    """Set or change the final verdict of a sentence (editors and admins only).

    `evidence` and `published` left as None keep what is stored (a new verdict: no sources, a
    draft). `correction` is the note to readers when a published verdict changes.
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
            verdict = Verdict(sentence=locked, article_id=locked.article_id)
            action, before = History.Action.CREATE, None
        else:
            action, before = History.Action.UPDATE, verdict_snapshot(verdict)
        verdict_apply(
            verdict,
            label=resolved,
            rationale=rationale,
            evidence=verdict.evidence if evidence is None else evidence,
            published=verdict.published if published is None else published,
            correction=correction,
            editor=user,
        )
        verdict.decided_by, verdict.is_consensus = user, False
        verdict.save()
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


def publication_errors(
    *, label: Label, rationale: str, evidence: list[dict[str, Any]]
) -> dict[str, list[str]]:
    """Why a verdict with these values may not be published, by field (empty: it may)."""
    errors: dict[str, list[str]] = {}
    if not label.is_claim:
        errors["label"] = [
            f"{label.name!r} does not rate a claim, so there is no fact-check to publish."
        ]
    if not rationale.strip():
        errors["rationale"] = ["A published fact-check needs a rationale: say why it is rated so."]
    if not any(str(item.get("url") or "").strip() for item in evidence):
        errors["evidence"] = ["A published fact-check needs at least one source link."]
    return errors


def verdict_apply(
    verdict: Verdict,
    *,
    label: Label,
    rationale: str,
    evidence: list[dict[str, Any]],
    published: bool,
    correction: str,
    editor: AbstractBaseUser | None,
) -> None:
    """Give `verdict` (locked, or new) these values and publication state, unsaved; a change
    to what a published verdict says is recorded as a Correction (saved once the verdict is).

    InvalidInput when it would be published without what publishing needs.
    """
    if published:
        errors = publication_errors(label=label, rationale=rationale, evidence=evidence)
        if errors:
            raise InvalidInput(errors)
    was_published = verdict.pk is not None and verdict.published
    changed = verdict.pk is not None and (
        verdict.label_id != label.pk
        or verdict.rationale != rationale
        or verdict.evidence != evidence
    )
    now = timezone.now()
    if was_published and published and changed:
        verdict.corrected_at = now
        Correction.objects.create(
            verdict=verdict,
            label_before_id=verdict.label_id,
            label_after=label,
            note=correction,
            editor=editor if editor is not None and editor.is_authenticated else None,
            created_at=now,
        )
    if published and not was_published:
        verdict.published_at, verdict.corrected_at, verdict.unpublished_at = now, None, None
    elif was_published and not published:
        verdict.published_at, verdict.corrected_at, verdict.unpublished_at = None, None, now
    verdict.published = published
    verdict.label, verdict.rationale, verdict.evidence = label, rationale, evidence
    verdict.needs_attention = False
    if verdict.pk is not None:
        verdict.version += 1
