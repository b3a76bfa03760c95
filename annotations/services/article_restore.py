"""Restoring articles from an export (annotations/exports/): export -> import round trips.

An exported article is recreated exactly, not re-imported: the same body and metadata, the same
sentences (offsets, paragraphs, kinds; never re-segmented), and the same reviews and verdicts
with their versions and timestamps, and the verdicts' correction logs. Only database ids, and
the article's own import time and importer, are new.

Nothing in the records is taken on trust:

* Reviews and verdicts are restored by a superuser only (`imported_by`); anyone else's restore
  of records that carry them fails whole, rather than creating the bare article, which would
  then make the superuser's later restore of the same export a duplicate.
* Users are looked up, never created: a reviewer must be an active account that may review, a
  verdict's `decided_by` an active editor or superuser (or null for a consensus of reviewers),
  and so is a correction's `editor` (or null).
* Indexes must number the sentences 0..n-1 in the order of the text, paragraphs may not
  decrease along it, and every sentence is exactly `body[start:end]`, with no overlap or hole.
* Derived values are recomputed: statuses (services.status.status_for), the consensus flag
  (a verdict nobody decided is a consensus), the attention flag (see `_needs_attention`) and
  the review and article summaries.

Every check runs before the transaction that writes, so a refused article leaves no row behind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from annotations import permissions, restore_input
from annotations.errors import Forbidden, InvalidInput
from annotations.models import Article, Correction, History, Label, Review, Sentence, Verdict
from annotations.services import summaries
from annotations.services.articles import (
    ArticleInput,
    ImportResult,
    article_duplicate_check,
    article_input_clean,
    article_new,
    duplicate_on_conflict,
    tags_attach,
)
from annotations.services.history import review_snapshot, verdict_snapshot
from annotations.services.status import status_for

# Characters that may lie between sentences: whitespace and the invisible ones the segmenter
# never puts in a sentence (see segmentation.py).
_BETWEEN_SENTENCES = "\u200b\u2060\ufeff"
_TIMES = ("created_at", "updated_at")


def _fail(where: str, message: str) -> InvalidInput:
    return InvalidInput({where: [message]})


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(where, "Must be an object.")
    return value


def _label(slug: str, labels: dict[str, Label], where: str) -> Label:
    # Retired labels are accepted: the reviews that used them are history worth keeping.
    if slug not in labels:
        raise _fail(
            where, f"label {slug!r} does not exist; choose one of {', '.join(sorted(labels))}."
        )
    return labels[slug]


def _may_restore_work(user: AbstractBaseUser | None) -> None:
    """Raise Forbidden unless `user` is an active superuser: the one who vouches for the work."""
    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        return
    if user is None or not user.is_authenticated:
        who = "no importer was named (on the command line: --user NAME)"
    else:
        who = f"{user.get_username()!r} is not one"
    raise Forbidden(
        f"restoring reviews and verdicts needs a superuser, and {who}; import the articles "
        "without them or ask an admin."
    )


# The accounts of one restore by username, and the (username, role) pairs already checked:
# a permission check is a query, made once per account rather than once per review.
_Users = tuple[dict[str, AbstractBaseUser], set[tuple[str, str]]]


def _user(username: str, users: _Users, where: str, *, role: str) -> AbstractBaseUser:
    """The account named in a review (role "reviewer"), a verdict (role "decided_by") or a
    verdict's correction (role "editor")."""
    found, checked = users
    user = found.get(username)
    if user is not None and (username, role) in checked:
        return user
    if user is None:
        raise _fail(
            where,
            f"{role} {username!r} does not exist; restoring never creates accounts: create "
            "it first, or remove its work from the file.",
        )
    if not user.is_active:
        raise _fail(
            where,
            f"{role} {username!r} is an inactive account; reactivate it to restore its work.",
        )
    if role == "reviewer" and not permissions.can_review(user):
        raise _fail(
            where, f"reviewer {username!r} may not review sentences, so the review is not theirs."
        )
    if role == "decided_by" and not permissions.is_editor(user):
        raise _fail(
            where,
            f"decided_by {username!r} is not an editor, so the verdict is not theirs; name an "
            "editor or a superuser, or null for a consensus of reviewers.",
        )
    if role == "editor" and not permissions.is_editor(user):
        raise _fail(
            where,
            f"editor {username!r} is not an editor, so the correction is not theirs; name an "
            "editor or a superuser, or null.",
        )
    checked.add((username, role))
    return user


def _sentence(data: Mapping[str, Any], body: str) -> Sentence:
    index, start, end, text = data["index"], data["start"], data["end"], data["text"]
    if body[start:end] != text:
        raise _fail(
            f"sentence {index}",
            f"body[{start}:{end}] is {body[start:end][:80]!r}, not the exported text "
            f"{text[:80]!r}; the body or the offsets were changed.",
        )
    sentence = Sentence(
        index=index,
        paragraph=data["paragraph"],
        start=start,
        end=end,
        text=text,
        kind=data["kind"],
    )
    sentence.updated_at = data["updated_at"]
    return sentence


def _check_order(sentences: list[Sentence]) -> None:
    """Indexes are 0..n-1 in the order of the text, and paragraphs never go back.

    The workspace shows sentences by index: swapped indexes would show the text out of order.
    Call after _check_complete (no overlaps), so the order by start is the order of the text.
    """
    ordered = sorted(sentences, key=lambda s: s.start)
    previous = None
    for position, sentence in enumerate(ordered):
        if sentence.index != position:
            raise _fail(
                f"sentence {sentence.index}",
                f"is sentence {position} of the text (it starts at {sentence.start}); indexes "
                f"must number the sentences 0 to {len(ordered) - 1} in the order of the text.",
            )
        if previous is not None and sentence.paragraph < previous.paragraph:
            raise _fail(
                f"sentence {sentence.index}",
                f"is in paragraph {sentence.paragraph}, after sentence {previous.index} in "
                f"paragraph {previous.paragraph}; paragraph numbers may not decrease along "
                "the text.",
            )
        previous = sentence


def _check_complete(sentences: list[Sentence], body: str) -> None:
    """Every visible character of the body belongs to one sentence, as segmentation makes it.

    A filtered export holds only some sentences of an article; restoring it would create an
    article with holes, which a later full restore could not fill (its body is a duplicate).
    """
    position, gaps = 0, []
    for sentence in sorted(sentences, key=lambda s: s.start):
        if sentence.start < position:
            raise _fail(f"sentence {sentence.index}", "overlaps the sentence before it.")
        gaps.append(body[position : sentence.start])
        position = sentence.end
    gaps.append(body[position:])
    for gap in gaps:
        if gap.strip().strip(_BETWEEN_SENTENCES):
            raise _fail(
                "sentences",
                f"the text {gap.strip()[:60]!r} is in no sentence: the records do not hold "
                "every sentence of the article (was the export filtered?).",
            )


def _bulk_create_keeping_times(model: type, items: list[Any], fields: tuple[str, ...]) -> None:
    """bulk_create, keeping the timestamps set on the items (auto_now would overwrite them)."""
    times = [[getattr(item, name) for name in fields] for item in items]
    model.objects.bulk_create(items, batch_size=1000)
    for item, values in zip(items, times, strict=True):
        for name, value in zip(fields, values, strict=True):
            setattr(item, name, value)
    if items:
        model.objects.bulk_update(items, fields, batch_size=500)


# (position of its sentence in the records, an unsaved review or verdict)
_Pending = tuple[int, Review | Verdict]


def _needs_attention(verdict: Verdict, reviews: list[Review], *, flagged: bool) -> bool:
    """Whether an editor should look at the verdict again, as the services would have it.

    Kept when the export says so (a review withdrawn after the verdict leaves no other trace);
    set when a review changed after the verdict's last change, or when a consensus verdict is
    not what FACTCHECK_CONSENSUS_REVIEWERS agreeing reviews make (nobody decided it otherwise).
    """
    if flagged or any(review.updated_at > verdict.updated_at for review in reviews):
        return True
    if verdict.decided_by is None:
        needed = settings.FACTCHECK_CONSENSUS_REVIEWERS
        agreed = (
            bool(needed)
            and len(reviews) >= needed
            and all(review.label_id == verdict.label_id for review in reviews)
        )
        return not agreed
    return False


def _reviews(
    items: list[dict[str, Any]],
    where: str,
    labels: dict[str, Label],
    users: _Users,
) -> list[Review]:
    reviews, reviewers = [], set()
    for item in items:
        here = f"{where}: review by {item['reviewer']}"
        if item["reviewer"] in reviewers:
            raise _fail(here, "appears twice; a reviewer has one review of a sentence.")
        reviewers.add(item["reviewer"])
        review = Review(
            reviewer=_user(item["reviewer"], users, here, role="reviewer"),
            label=_label(item["label"], labels, here),
            note=item["note"],
            evidence=item["evidence"],
            version=item["version"],
        )
        review.created_at, review.updated_at = item["created_at"], item["updated_at"]
        reviews.append(review)
    return reviews


def _verdict(
    data: dict[str, Any],
    where: str,
    labels: dict[str, Label],
    users: _Users,
    reviews: list[Review],
) -> Verdict:
    here = f"{where}: verdict"
    decided_by = data["decided_by"]
    verdict = Verdict(
        label=_label(data["label"], labels, here),
        rationale=data["rationale"],
        decided_by=_user(decided_by, users, here, role="decided_by") if decided_by else None,
        evidence=data["evidence"],
        published=data["published"],
        published_at=data["published_at"],
        corrected_at=data["corrected_at"],
        version=data["version"],
    )
    # A verdict nobody decided was set by the reviewers' consensus; one an editor decided is not.
    verdict.is_consensus = verdict.decided_by is None
    verdict.created_at, verdict.updated_at = data["created_at"], data["updated_at"]
    verdict.needs_attention = _needs_attention(verdict, reviews, flagged=data["needs_attention"])
    return verdict


def _corrections(
    data: dict[str, Any], verdict: Verdict, where: str, labels: dict[str, Label], users: _Users
) -> list[Correction]:
    """The correction log of a restored verdict (an editor made each correction)."""
    here = f"{where}: verdict correction"
    return [
        Correction(
            verdict=verdict,
            label_before=_label(item["label_before"], labels, here),
            label_after=_label(item["label_after"], labels, here),
            note=item["note"],
            editor=(_user(item["editor"], users, here, role="editor") if item["editor"] else None),
            created_at=item["created_at"],
        )
        for item in data["corrections"]
    ]


def article_restore(
    *,
    records: Sequence[Mapping[str, Any]],
    imported_by: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Recreate one exported article from its records; raise Duplicate, Forbidden or InvalidInput.

    Records that carry reviews or verdicts need `imported_by` to be an active superuser.
    """
    if not records:
        raise _fail("records", "An article needs at least one record.")
    first = _mapping(records[0].get("article"), "article")
    if "body" not in first:
        raise _fail(
            "article",
            f"the first record of article {first.get('id')!r} has no body; an export carries it "
            "in the first record of each article, so the records start in the middle.",
        )
    if any(isinstance(r, Mapping) and restore_input.carries_work(r) for r in records):
        _may_restore_work(imported_by)
    fields = article_input_clean(first)  # the same rules as any import
    article_duplicate_check(fields.checksum)
    cleaned = [
        restore_input.record_clean(record, position=position)
        for position, record in enumerate(records)
    ]

    sentences: list[Sentence] = []
    indexes: set[int] = set()
    for data in cleaned:
        sentence = _sentence(data["sentence"], fields.body)
        if sentence.index in indexes:
            raise _fail(f"sentence {sentence.index}", "appears twice.")
        indexes.add(sentence.index)
        sentences.append(sentence)
    _check_complete(sentences, fields.body)
    _check_order(sentences)

    labels = {label.slug: label for label in Label.objects.all()}
    User = get_user_model()
    usernames = {item["reviewer"] for data in cleaned for item in data["reviews"]} | {
        data["verdict"]["decided_by"]
        for data in cleaned
        if data["verdict"] and data["verdict"]["decided_by"]
    }
    usernames |= {
        item["editor"]
        for data in cleaned
        if data["verdict"]
        for item in data["verdict"]["corrections"]
        if item["editor"]
    }
    found = User.objects.filter(**{f"{User.USERNAME_FIELD}__in": usernames})
    users: _Users = ({user.get_username(): user for user in found}, set())
    reviews: list[_Pending] = []
    verdicts: list[_Pending] = []
    corrections: list[Correction] = []
    for position, (data, sentence) in enumerate(zip(cleaned, sentences, strict=True)):
        where = f"sentence {sentence.index}"
        mine = _reviews(data["reviews"], where, labels, users)
        verdict = None
        if data["verdict"]:
            verdict = _verdict(data["verdict"], where, labels, users, mine)
            verdicts.append((position, verdict))
            corrections += _corrections(data["verdict"], verdict, where, labels, users)
        reviews += [(position, review) for review in mine]
        # Derived, never read from the file: a stored "pending" beside a verdict would make
        # the next agreeing review create a second verdict.
        sentence.status = status_for([r.label_id for r in mine], verdict is not None)
        rows = [(r.reviewer.pk, r.label_id, r.updated_at) for r in mine]
        for key, value in summaries.review_fields(rows).items():
            setattr(sentence, key, value)

    with duplicate_on_conflict(fields.checksum), transaction.atomic():
        article = _write(fields, imported_by, sentences, reviews, verdicts, corrections)
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(article=article, created=not dry_run, sentence_count=len(sentences))


def _write(
    fields: ArticleInput,
    imported_by: AbstractBaseUser | None,
    sentences: list[Sentence],
    reviews: list[_Pending],
    verdicts: list[_Pending],
    corrections: list[Correction],
) -> Article:
    article = article_new(fields, imported_by)
    article.save(force_insert=True)
    tags_attach([(article.pk, fields.tags)])

    for sentence in sentences:
        sentence.article = article
    _bulk_create_keeping_times(Sentence, sentences, ("updated_at",))
    for position, item in [*reviews, *verdicts]:
        item.sentence = sentences[position]
        item.article = article
    history = []
    for model, rows, entity, snapshot in (
        (Review, reviews, History.Entity.REVIEW, review_snapshot),
        (Verdict, verdicts, History.Entity.VERDICT, verdict_snapshot),
    ):
        items = [item for _, item in rows]
        _bulk_create_keeping_times(model, items, _TIMES)
        history += [
            History(
                article=article,
                sentence=item.sentence,
                entity=entity,
                entity_id=item.pk,
                action=History.Action.CREATE,
                # The superuser who restored it vouches for it; the snapshot names its author.
                actor=imported_by,
                before=None,
                after={**snapshot(item), "restored_from_export": True},
            )
            for item in items
        ]
    History.objects.bulk_create(history, batch_size=1000)
    # Each correction's verdict has its id now (bulk_create above); Django reads it from there.
    Correction.objects.bulk_create(corrections, batch_size=1000)
    summaries.article_summaries_refresh([article.pk])
    return article
