"""What the review, verdict and history services share: the sentence lock, the label chosen,
and the status a change moves a sentence to (with the verdict a consensus sets by itself).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from annotations.errors import InvalidInput, NotFound, PreconditionFailed
from annotations.models import History, Label, Review, Sentence, Verdict
from annotations.services import summaries
from annotations.services.history import history_entry, history_write, verdict_snapshot


def label_resolve(label: Label | str | None) -> Label:
    """The active label a review or verdict chose, or an error that lists the choices."""
    if label in (None, ""):
        choices = ", ".join(Label.objects.active().values_list("slug", flat=True))
        raise InvalidInput({"label": [f"This field is required; choose one of {choices}."]})
    if isinstance(label, Label):
        if not label.active:
            raise InvalidInput({"label": [f"label {label.slug!r} is retired."]})
        return label
    found = Label.objects.active().filter(slug=label).first() if isinstance(label, str) else None
    if found is None:
        choices = ", ".join(Label.objects.active().values_list("slug", flat=True))
        raise InvalidInput({"label": [f"label {label!r} does not exist; choose one of {choices}."]})
    return found


def status_for(label_ids: Iterable[int], has_verdict: bool) -> str:
    """The derived status of a sentence from its reviews' labels and whether a verdict exists."""
    if has_verdict:
        return Sentence.Status.FINAL
    distinct = set(label_ids)
    if not distinct:
        return Sentence.Status.PENDING
    return Sentence.Status.IN_REVIEW if len(distinct) == 1 else Sentence.Status.DISPUTED


def sentence_lock(sentence: Sentence | int) -> Sentence:
    """The sentence, locked, with its article's lock taken first (services/summaries.py).

    One statement: evaluating the row takes the article's lock (waiting for whoever changes
    that article), then the sentence's row is locked, which re-reads it if the one we waited
    for changed it. Every change to an article's sentences, reviews or verdicts takes the
    article's lock first, so the status computed here from the sentence's reviews and the
    article's summary recomputed at the end are never based on a stale read.
    """
    pk = sentence.pk if isinstance(sentence, Sentence) else sentence
    sentences = Sentence.objects.select_for_update(no_key=True).filter(pk=pk)
    if connection.vendor == "postgresql":
        sentences = sentences.annotate(_article_lock=summaries.article_lock_expression())
    locked = sentences.first()
    if locked is None:
        raise NotFound(f"sentence {pk} does not exist.")
    return locked


def verdict_flag(sentence: Sentence) -> None:
    """Mark the sentence's verdict for the editor's attention: a review changed after it."""
    # Shown to the editor instead of silently changing the verdict.
    Verdict.objects.filter(sentence=sentence).update(needs_attention=True)


def sentence_status_refresh(
    sentence: Sentence,
    *,
    has_verdict: bool,
    reviews: Sequence[Review] | None = None,
    history: Sequence[History] = (),
) -> str:
    """Recompute and store a sentence's status and review summary, then its article's summary.

    Call inside the transaction that moved it, with the article locked (`sentence_lock`).
    `reviews` are the sentence's reviews as they now stand, with their labels, if the caller
    already has them. `history` are the change's unsaved entries: they are written here, with
    the consensus verdict's if this change completes one, in one INSERT.
    It also bumps `updated_at`, which `?updated_since=` and incremental exports rely on.
    """
    if reviews is None:
        reviews = list(
            Review.objects.select_related("label")
            .defer("note", "evidence")
            .filter(sentence=sentence)
        )
    rows = [(review.reviewer_id, review.label_id, review.updated_at) for review in reviews]
    label_ids = [label for _, label, _ in rows]
    status = status_for(label_ids, has_verdict)
    entries = list(history)
    if status == Sentence.Status.IN_REVIEW and _consensus_reached(label_ids):
        # They all agree: any review's label is the verdict's, already loaded.
        entries.append(_consensus_verdict(sentence, label=reviews[0].label, reviews=len(rows)))
        status = Sentence.Status.FINAL
    history_write(entries)
    now = timezone.now()
    Sentence.objects.filter(pk=sentence.pk).update(
        status=status, updated_at=now, **summaries.review_fields(rows)
    )
    sentence.status, sentence.updated_at = status, now
    summaries.article_summaries_refresh([sentence.article_id])
    return status


def _consensus_reached(label_ids: list[int]) -> bool:
    needed = settings.FACTCHECK_CONSENSUS_REVIEWERS
    return bool(needed) and len(label_ids) >= needed and len(set(label_ids)) == 1


def _consensus_verdict(sentence: Sentence, *, label: Label, reviews: int) -> History:
    """Enough reviewers agree and none disagrees: the verdict sets itself (editors may overrule).

    Returns its history entry, unsaved.
    """
    verdict = Verdict.objects.create(
        sentence=sentence,
        article_id=sentence.article_id,
        label=label,
        rationale=f"Consensus of {reviews} reviewers.",
        is_consensus=True,
    )
    return history_entry(
        sentence=sentence,
        entity=History.Entity.VERDICT,
        entity_id=verdict.pk,
        action=History.Action.CREATE,
        actor=None,
        before=None,
        after=verdict_snapshot(verdict),
    )


def preconditions_check(
    current: Review | Verdict | None,
    snapshot: Callable[[Any], dict],
    *,
    expected_version: int | None,
    create_only: bool,
    exists: str,
    stale: str,
) -> None:
    """The conditional-request rule of reviews and verdicts, with the stored state in the 412:
    `create_only` (If-None-Match: *) fails when one exists; `expected_version` (If-Match)
    fails when it is not the stored version (None: nothing stored)."""
    if create_only and current is not None:
        raise PreconditionFailed(exists, current=snapshot(current))
    version = current.version if current is not None else None
    if expected_version is not None and expected_version != version:
        raise PreconditionFailed(stale, current=snapshot(current) if current else None)
