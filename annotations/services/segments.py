"""Segmentation fixes by editors: split a sentence, or merge it with the next one.

Offsets stay exact (`body[start:end] == text`), indexes stay dense, the sentences touched return
to `pending`, and the reviews and verdicts they held are withdrawn into history, never dropped.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F

from annotations import permissions, segmentation
from annotations.errors import MAX_ID, Forbidden, InvalidInput, NotFound
from annotations.models import History, Review, Sentence, Verdict
from annotations.services import matching, summaries
from annotations.services.history import history_add, review_snapshot, verdict_snapshot
from annotations.services.status import sentence_lock

# Indexes are shifted in two steps through this offset: a single `index = index + 1` can trip
# the (article, index) unique constraint row by row halfway through the update.
_SHIFT = 1_000_000


def _editor_required(user: AbstractBaseUser) -> None:
    if not permissions.is_editor(user):
        raise Forbidden("Only editors may fix the segmentation.")


def _locked_sentences(sentence: Sentence | int) -> tuple[Sentence, list[Sentence]]:
    """The sentence and every sentence after it in its article, locked, in order."""
    pk = sentence.pk if isinstance(sentence, Sentence) else sentence
    target = Sentence.objects.select_related("article").filter(pk=pk).first()
    if target is None:
        raise NotFound(f"sentence {pk} does not exist.")
    # The article first, as every change to its sentences does (services/summaries.py).
    summaries.article_lock(target.article_id)
    rest = list(
        Sentence.objects.select_for_update()
        .filter(article_id=target.article_id, index__gte=target.index)
        .order_by("index")
    )
    if not rest or rest[0].pk != target.pk:  # changed under us; the caller may retry
        raise NotFound(f"sentence {pk} does not exist.")
    rest[0].article = target.article
    return rest[0], rest[1:]


def _withdraw_work(sentences: list[Sentence], actor: AbstractBaseUser) -> None:
    """Move the reviews and verdicts of `sentences` into history and delete them."""
    ids = [s.pk for s in sentences]
    by_id = {s.pk: s for s in sentences}
    kinds = [
        (
            Review.objects.select_related("label", "reviewer"),
            History.Entity.REVIEW,
            review_snapshot,
        ),
        (
            Verdict.objects.select_related("label", "decided_by"),
            History.Entity.VERDICT,
            verdict_snapshot,
        ),
    ]
    for rows, entity, snapshot in kinds:
        for row in rows.filter(sentence_id__in=ids):
            history_add(
                sentence=by_id[row.sentence_id],
                entity=entity,
                entity_id=row.pk,
                action=History.Action.DELETE,
                actor=actor,
                before=snapshot(row),
                after=None,
            )
        rows.filter(sentence_id__in=ids).delete()


def _shift(sentences: list[Sentence], by: int) -> None:
    ids = [s.pk for s in sentences]
    if not ids:
        return
    Sentence.objects.filter(pk__in=ids).update(index=F("index") + _SHIFT)
    Sentence.objects.filter(pk__in=ids).update(index=F("index") - _SHIFT + by)


def _pending_save(sentence: Sentence) -> None:
    """Save a reshaped sentence with no work left on it, then its article's summary."""
    sentence.kind = _kind(sentence.text)
    sentence.status = Sentence.Status.PENDING
    for key, value in summaries.review_fields(()).items():
        setattr(sentence, key, value)
    fields = ["end", "text", "kind", "status", *summaries.REVIEW_FIELDS, "updated_at"]
    sentence.save(update_fields=fields)
    summaries.article_summaries_refresh([sentence.article_id])


def _kind(text: str) -> str:
    return Sentence.Kind.BOILERPLATE if segmentation.is_boilerplate(text) else Sentence.Kind.CLAIM


def sentence_split(
    *, sentence: Sentence | int, at: int, editor: AbstractBaseUser
) -> tuple[Sentence, Sentence]:
    """Split a sentence at body offset `at` into two; both return to pending."""
    _editor_required(editor)
    if not (isinstance(at, int) and not isinstance(at, bool) and 0 <= at <= MAX_ID):
        raise InvalidInput({"at": ["Must be a character offset into the article body."]})
    with transaction.atomic():
        first, after = _locked_sentences(sentence)
        body = first.article.body
        if not first.start < at < first.end:
            raise InvalidInput(
                {
                    "at": [
                        f"Split inside the sentence: an offset from {first.start + 1} to "
                        f"{first.end - 1}."
                    ]
                }
            )
        # Whitespace around the cut belongs to neither sentence.
        left_end = first.start + len(body[first.start : at].rstrip())
        right_start = first.end - len(body[at : first.end].lstrip())
        if left_end <= first.start or right_start >= first.end:
            raise InvalidInput({"at": ["Both parts of a split need some text."]})
        _withdraw_work([first], editor)
        _shift(after, +1)
        second = Sentence.objects.create(
            article_id=first.article_id,
            index=first.index + 1,
            paragraph=first.paragraph,
            start=right_start,
            end=first.end,
            text=body[right_start : first.end],
            kind=_kind(body[right_start : first.end]),
        )
        first.end, first.text = left_end, body[first.start : left_end]
        _pending_save(first)
        # Its text changed: the claims it matched no longer hold; both parts are matched anew.
        matching.sentence_matches_drop(sentence_ids=[first.pk])
        matching.sentences_match_on_commit([first.pk, second.pk])
    return first, second


def sentence_merge(*, sentence: Sentence | int, editor: AbstractBaseUser) -> Sentence:
    """Merge a sentence with the next one in its paragraph; the result returns to pending."""
    _editor_required(editor)
    with transaction.atomic():
        first, after = _locked_sentences(sentence)
        if not after:
            raise InvalidInput({"sentence": ["This is the last sentence; nothing follows it."]})
        second, rest = after[0], after[1:]
        if second.paragraph != first.paragraph:
            raise InvalidInput(
                {"sentence": ["The next sentence is in another paragraph; merge within one."]}
            )
        _withdraw_work([first, second], editor)
        body = first.article.body
        first.end, first.text = second.end, body[first.start : second.end]
        # History rows of the removed sentence move to the merged one, so nothing is orphaned.
        History.objects.filter(sentence=second).update(sentence=first)
        second.delete()
        _shift(rest, -1)
        _pending_save(first)
        # The second's pairs went with it (cascade); the first's text changed.
        matching.sentence_matches_drop(sentence_ids=[first.pk])
        matching.sentences_match_on_commit([first.pk])
    return first


def sentence_kind_set(*, sentence: Sentence | int, kind: str, editor: AbstractBaseUser) -> Sentence:
    """Mark a sentence as a claim or as boilerplate (segmentation got it wrong); in history."""
    _editor_required(editor)
    if kind not in Sentence.Kind.values:
        raise InvalidInput({"kind": [f"Must be one of {', '.join(Sentence.Kind.values)}."]})
    with transaction.atomic():
        # The article's lock, then the sentence's row: the kind read is the one replaced.
        target = sentence_lock(sentence)
        if target.kind == kind:
            return target  # nothing changes: no history, no new updated_at
        before = target.kind
        target.kind = kind
        target.save(update_fields=["kind", "updated_at"])
        summaries.article_summaries_refresh([target.article_id])
        history_add(
            sentence=target,
            entity=History.Entity.SENTENCE,
            entity_id=target.pk,
            action=History.Action.UPDATE,
            actor=editor,
            before={"kind": before},
            after={"kind": kind},
        )
        if kind == Sentence.Kind.CLAIM:
            matching.sentences_match_on_commit([target.pk])
        else:  # boilerplate never matches
            matching.sentence_matches_drop(sentence_ids=[target.pk])
    return target
