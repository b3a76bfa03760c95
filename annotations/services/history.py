"""What the history records of a review or verdict, and recording it.

Every change to a review or verdict adds an entry with its state before and after (a snapshot),
so an editor can see who said what and put it back (services/history_restore.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from annotations.models import History, Review, Sentence, Verdict


def review_snapshot(review: Review) -> dict[str, Any]:
    """What history stores of a review; enough to restore it."""
    return {
        "id": review.pk,
        "sentence": review.sentence_id,
        "reviewer": review.reviewer.get_username(),
        "label": review.label.slug,
        "note": review.note,
        "evidence": review.evidence,
        "version": review.version,
    }


def verdict_snapshot(verdict: Verdict) -> dict[str, Any]:
    """What history stores of a verdict; enough to restore it."""
    return {
        "id": verdict.pk,
        "sentence": verdict.sentence_id,
        "label": verdict.label.slug,
        "rationale": verdict.rationale,
        "decided_by": verdict.decided_by.get_username() if verdict.decided_by else None,
        "is_consensus": verdict.is_consensus,
        "evidence": verdict.evidence,
        "published": verdict.published,
        "published_at": verdict.published_at.isoformat() if verdict.published_at else None,
        "version": verdict.version,
    }


def history_entry(
    *,
    sentence: Sentence,
    entity: str,
    entity_id: int,
    action: str,
    actor: AbstractBaseUser | None,
    before: dict | None,
    after: dict | None,
) -> History:
    """A history entry, not yet saved (see `history_write`)."""
    return History(
        article_id=sentence.article_id,
        sentence=sentence,
        entity=entity,
        entity_id=entity_id,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        before=before,
        after=after,
    )


def history_add(
    *,
    sentence: Sentence,
    entity: str,
    entity_id: int,
    action: str,
    actor: AbstractBaseUser | None,
    before: dict | None,
    after: dict | None,
) -> History:
    """Record one change to a review or verdict of `sentence`."""
    entry = history_entry(
        sentence=sentence,
        entity=entity,
        entity_id=entity_id,
        action=action,
        actor=actor,
        before=before,
        after=after,
    )
    entry.save()
    return entry


def history_write(entries: Sequence[History]) -> None:
    """Save the entries of one change in one INSERT, in order (a review and the consensus
    verdict it completes: saving a review is the hot path, see docs/performance.md)."""
    if len(entries) == 1:
        entries[0].save()
    elif entries:
        History.objects.bulk_create(entries)
