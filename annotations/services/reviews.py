"""Reviews and verdicts: saving, withdrawing, history and the sentence status they move."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from annotations import inputs, permissions
from annotations.errors import Forbidden, InvalidInput, NotFound, PreconditionFailed, is_id
from annotations.models import History, Label, Review, Sentence, Verdict
from annotations.services import summaries

# Input is validated where it enters (annotations/inputs.py); restore.py still imports this name.
evidence_clean = inputs.evidence_clean


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
    return {
        "id": verdict.pk,
        "sentence": verdict.sentence_id,
        "label": verdict.label.slug,
        "rationale": verdict.rationale,
        "decided_by": verdict.decided_by.get_username() if verdict.decided_by else None,
        "is_consensus": verdict.is_consensus,
        "version": verdict.version,
    }


def _label_resolve(label: Label | str | None) -> Label:
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
    return History.objects.create(
        article_id=sentence.article_id,
        sentence=sentence,
        entity=entity,
        entity_id=entity_id,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        before=before,
        after=after,
    )


def status_for(label_ids: Iterable[int], has_verdict: bool) -> str:
    """The derived status of a sentence from its reviews' labels and whether a verdict exists."""
    if has_verdict:
        return Sentence.Status.FINAL
    distinct = set(label_ids)
    if not distinct:
        return Sentence.Status.PENDING
    return Sentence.Status.IN_REVIEW if len(distinct) == 1 else Sentence.Status.DISPUTED


def sentence_status_refresh(
    sentence: Sentence, *, has_verdict: bool, reviews: Sequence[Review] | None = None
) -> str:
    """Recompute and store a sentence's status and review summary, then its article's summary.

    Call inside the transaction that moved it, with the article locked (`_sentence_lock`).
    `reviews` are the sentence's reviews as they now stand, if the caller already has them.
    It also bumps `updated_at`, which `?updated_since=` and incremental exports rely on.
    """
    if reviews is None:
        rows = list(
            Review.objects.filter(sentence=sentence).values_list(
                "reviewer_id", "label_id", "updated_at"
            )
        )
    else:
        rows = [(review.reviewer_id, review.label_id, review.updated_at) for review in reviews]
    label_ids = [label for _, label, _ in rows]
    status = status_for(label_ids, has_verdict)
    if status == Sentence.Status.IN_REVIEW and _consensus_reached(label_ids):
        _consensus_verdict(sentence, label_id=label_ids[0], reviews=len(label_ids))
        status = Sentence.Status.FINAL
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


def _consensus_verdict(sentence: Sentence, *, label_id: int, reviews: int) -> Verdict:
    """Enough reviewers agree and none disagrees: the verdict sets itself (editors may overrule)."""
    verdict = Verdict.objects.create(
        sentence=sentence,
        article_id=sentence.article_id,
        label=Label.objects.get(pk=label_id),
        rationale=f"Consensus of {reviews} reviewers.",
        is_consensus=True,
    )
    history_add(
        sentence=sentence,
        entity=History.Entity.VERDICT,
        entity_id=verdict.pk,
        action=History.Action.CREATE,
        actor=None,
        before=None,
        after=verdict_snapshot(verdict),
    )
    return verdict


def _sentence_lock(sentence: Sentence | int) -> Sentence:
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


def _flag_verdict(sentence: Sentence) -> None:
    # A review that changes after a verdict is shown to the editor instead of silently
    # changing the verdict.
    Verdict.objects.filter(sentence=sentence).update(needs_attention=True)


def review_save(
    *,
    sentence: Sentence | int,
    reviewer: AbstractBaseUser,
    label: Label | str | None,
    note: str = "",
    evidence: Sequence[dict[str, str]] = (),
    expected_version: int | None = None,
    create_only: bool = False,
) -> Review:
    """Create or update `reviewer`'s review of `sentence`.

    Inputs come validated (inputs.ReviewInputSerializer). PreconditionFailed (412) if
    `expected_version` is stale, or if `create_only` (If-None-Match: *) and a review exists.
    """
    if not permissions.can_review(reviewer):
        raise Forbidden("You do not have permission to review sentences.")
    resolved = _label_resolve(label)
    items = list(evidence)
    if resolved.requires_evidence and not items:
        raise InvalidInput(
            {"evidence": [f"The label {resolved.slug!r} requires at least one evidence link."]}
        )

    with transaction.atomic():
        locked = _sentence_lock(sentence)
        if not permissions.can_work_on(reviewer, locked.article_id):
            raise Forbidden(
                "You are not assigned to this article; ask an editor to assign it to you."
            )
        # Every review of the sentence in one query: ours to change, the others' labels for
        # the status (the sentence lock keeps them from changing meanwhile).
        reviews = list(Review.objects.select_related("label", "reviewer").filter(sentence=locked))
        review = next((r for r in reviews if r.reviewer_id == reviewer.pk), None)
        others = [r for r in reviews if r is not review]
        current_version = review.version if review else None
        if create_only and review is not None:
            raise PreconditionFailed(
                f"You already have a review of this sentence (version {current_version}); "
                "send If-Match with that version to change it.",
                current=review_snapshot(review),
            )
        if expected_version is not None and expected_version != current_version:
            raise PreconditionFailed(
                f"The review changed since version {expected_version} "
                f"(now {current_version or 'withdrawn'}); reload it and try again.",
                current=review_snapshot(review) if review else None,
            )
        if review is None:
            review = Review.objects.create(
                sentence=locked,
                article_id=locked.article_id,
                reviewer=reviewer,
                label=resolved,
                note=note,
                evidence=items,
            )
            review.was_created = True
            action, before = History.Action.CREATE, None
        else:
            unchanged = (
                review.label_id == resolved.pk and review.note == note and review.evidence == items
            )
            if unchanged:
                return review
            before = review_snapshot(review)
            review.label, review.note, review.evidence = resolved, note, items
            review.version += 1
            review.save(update_fields=["label", "note", "evidence", "version", "updated_at"])
            action = History.Action.UPDATE
        history_add(
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
            _flag_verdict(locked)
        sentence_status_refresh(locked, has_verdict=has_verdict, reviews=[*others, review])
    return review


def review_delete(
    *, sentence: Sentence | int, reviewer: AbstractBaseUser, expected_version: int | None = None
) -> None:
    """Withdraw `reviewer`'s review of `sentence`; the history keeps what it said."""
    with transaction.atomic():
        locked = _sentence_lock(sentence)
        review = (
            Review.objects.select_related("label", "reviewer")
            .filter(sentence=locked, reviewer=reviewer)
            .first()
        )
        if review is None:
            raise NotFound("You have no review of this sentence.")
        if expected_version is not None and expected_version != review.version:
            raise PreconditionFailed(
                f"The review changed since version {expected_version} (now {review.version}).",
                current=review_snapshot(review),
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
            _flag_verdict(locked)
        sentence_status_refresh(locked, has_verdict=has_verdict)


def verdict_set(
    *,
    sentence: Sentence | int,
    editor: AbstractBaseUser,
    label: Label | str | None,
    rationale: str = "",
    expected_version: int | None = None,
    create_only: bool = False,
) -> Verdict:
    """Set or change the final verdict of a sentence (editors and admins only).

    PreconditionFailed (412) if `expected_version` is stale, or if `create_only`
    (If-None-Match: *) and a verdict exists: two editors never silently overwrite each other.
    """
    if not permissions.is_editor(editor):
        raise Forbidden("Only editors may set verdicts.")
    resolved = _label_resolve(label)
    with transaction.atomic():
        locked = _sentence_lock(sentence)
        verdict = (
            Verdict.objects.select_related("label", "decided_by").filter(sentence=locked).first()
        )
        current_version = verdict.version if verdict else None
        if create_only and verdict is not None:
            by = verdict.decided_by.get_username() if verdict.decided_by else "consensus"
            raise PreconditionFailed(
                f"This sentence already has a verdict ({verdict.label.slug!r}, by {by}); "
                "reload it and try again.",
                current=verdict_snapshot(verdict),
            )
        if expected_version is not None and expected_version != current_version:
            raise PreconditionFailed(
                f"The verdict changed since version {expected_version}; reload it.",
                current=verdict_snapshot(verdict) if verdict else None,
            )
        if verdict is None:
            verdict = Verdict.objects.create(
                sentence=locked,
                article_id=locked.article_id,
                label=resolved,
                rationale=rationale,
                decided_by=editor,
            )
            action, before = History.Action.CREATE, None
        else:
            before = verdict_snapshot(verdict)
            verdict.label, verdict.rationale, verdict.decided_by = resolved, rationale, editor
            verdict.is_consensus = verdict.needs_attention = False
            verdict.version += 1
            verdict.save()
            action = History.Action.UPDATE
        history_add(
            sentence=locked,
            entity=History.Entity.VERDICT,
            entity_id=verdict.pk,
            action=action,
            actor=editor,
            before=before,
            after=verdict_snapshot(verdict),
        )
        sentence_status_refresh(locked, has_verdict=True)
    return verdict


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
        locked = _sentence_lock(sentence)
        found = History.objects.filter(pk=entry_id).first() if is_id(entry_id) else None
        if found is None:
            raise InvalidInput({"history": [f"History entry {entry_id!r} does not exist."]})
        if found.sentence_id != locked.pk:
            raise InvalidInput(
                {"history": [f"History entry {entry_id} belongs to another sentence."]}
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
            _flag_verdict(locked)
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
    verdict.label, verdict.rationale = label, state["rationale"]
    verdict.decided_by, verdict.is_consensus = decided_by, state["is_consensus"]
    verdict.needs_attention = False
    verdict.version += 1
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
