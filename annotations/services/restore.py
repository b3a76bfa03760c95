"""Restoring articles from an export (annotations/exports.py): export -> import round trips.

An exported article is recreated exactly, not re-imported: the same body and metadata, the same
sentences (offsets, paragraphs, kinds, statuses; never re-segmented), and the same reviews and
verdicts with their versions and timestamps. Only database ids, and the article's own import
time and importer, are new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from annotations.errors import InvalidInput
from annotations.models import Article, History, Label, Review, Sentence, Verdict
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
from annotations.services.reviews import evidence_clean, review_snapshot, verdict_snapshot

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


def _integer(data: Mapping[str, Any], key: str, where: str, *, minimum: int = 0) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _fail(where, f"{key} must be a whole number of at least {minimum}, not {value!r}.")
    return value


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise _fail(where, f"{key} must be a string, not {type(value).__name__}.")
    return value


def _boolean(data: Mapping[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _fail(where, f"{key} must be true or false, not {value!r}.")
    return value


def _choice(data: Mapping[str, Any], key: str, where: str, choices: list[str]) -> str:
    value = data.get(key)
    if value not in choices:
        raise _fail(where, f"{key} {value!r} is not one of {', '.join(choices)}.")
    return value


def _timestamp(data: Mapping[str, Any], key: str, where: str) -> datetime:
    value = data.get(key)
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise _fail(where, f"{key} {value!r} is not an ISO 8601 date-time.")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def _label(slug: Any, labels: dict[str, Label], where: str) -> Label:
    # Retired labels are accepted: the reviews that used them are history worth keeping.
    if slug not in labels:
        raise _fail(
            where, f"label {slug!r} does not exist; choose one of {', '.join(sorted(labels))}."
        )
    return labels[slug]


def _username(value: Any, where: str, *, key: str) -> str:
    User = get_user_model()
    field = User._meta.get_field(User.USERNAME_FIELD)
    if not isinstance(value, str) or not value:
        raise _fail(where, f"{key} must be a username, not {value!r}.")
    try:
        field.run_validators(value)
        if field.max_length and len(value) > field.max_length:
            raise ValidationError(f"longer than {field.max_length} characters")
    except ValidationError as exc:
        raise _fail(where, f"{key} {value!r} is not a valid username: {' '.join(exc)}") from None
    return value


def _users(usernames: set[str]) -> dict[str, AbstractBaseUser]:
    """Users by username; a missing one is created inactive, without a password, as a reviewer.

    The work they did is kept and attributed; an admin activates them if they come back.
    """
    User = get_user_model()
    lookup = {f"{User.USERNAME_FIELD}__in": usernames}
    found = {user.get_username(): user for user in User.objects.filter(**lookup)}
    missing = sorted(usernames - found.keys())
    if missing:
        group = Group.objects.get(name="reviewer")
        for username in missing:
            user = User(**{User.USERNAME_FIELD: username}, is_active=False)
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            found[username] = user
    return found


def _sentence(data: Mapping[str, Any], body: str) -> Sentence:
    where = f"sentence {data.get('index')!r}"
    index = _integer(data, "index", where)
    where = f"sentence {index}"
    start, end = _integer(data, "start", where), _integer(data, "end", where, minimum=1)
    text = _text(data, "text", where)
    if not text or end <= start:
        raise _fail(where, f"is empty (start {start}, end {end}).")
    if body[start:end] != text:
        raise _fail(
            where,
            f"body[{start}:{end}] is {body[start:end][:80]!r}, not the exported text "
            f"{text[:80]!r}; the body or the offsets were changed.",
        )
    sentence = Sentence(
        index=index,
        paragraph=_integer(data, "paragraph", where),
        start=start,
        end=end,
        text=text,
        kind=_choice(data, "kind", where, Sentence.Kind.values),
        status=_choice(data, "status", where, Sentence.Status.values),
    )
    sentence.updated_at = _timestamp(data, "updated_at", where)
    return sentence


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
# (review or verdict, the attribute naming a user, the username)
_UserRef = tuple[Review | Verdict, str, str]


def _review(data: Mapping[str, Any], where: str, labels: dict[str, Label]) -> tuple[Review, str]:
    reviewer = _username(data.get("reviewer"), f"{where}: review", key="reviewer")
    here = f"{where}: review by {reviewer}"
    try:
        evidence = evidence_clean(data.get("evidence"))
    except InvalidInput as exc:
        raise _fail(here, str(exc)) from None
    review = Review(
        label=_label(data.get("label"), labels, here),
        note=_text(data, "note", here),
        evidence=evidence,
        version=_integer(data, "version", here, minimum=1),
    )
    review.created_at, review.updated_at = (_timestamp(data, k, here) for k in _TIMES)
    return review, reviewer


def _verdict(data: Mapping[str, Any], here: str, labels: dict[str, Label]) -> Verdict:
    verdict = Verdict(
        label=_label(data.get("label"), labels, here),
        rationale=_text(data, "rationale", here),
        is_consensus=_boolean(data, "is_consensus", here),
        needs_attention=_boolean(data, "needs_attention", here),
        version=_integer(data, "version", here, minimum=1),
    )
    verdict.created_at, verdict.updated_at = (_timestamp(data, k, here) for k in _TIMES)
    return verdict


def article_restore(
    *,
    records: Sequence[Mapping[str, Any]],
    imported_by: AbstractBaseUser | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Recreate one exported article from its records; raise Duplicate or InvalidInput."""
    if not records:
        raise _fail("records", "An article needs at least one record.")
    first = _mapping(records[0].get("article"), "article")
    if "body" not in first:
        raise _fail(
            "article",
            f"the first record of article {first.get('id')!r} has no body; an export carries it "
            "in the first record of each article, so the records start in the middle.",
        )
    fields = article_input_clean(first)  # the same rules as any import
    article_duplicate_check(fields.checksum)

    labels = {label.slug: label for label in Label.objects.all()}
    sentences: list[Sentence] = []
    reviews: list[_Pending] = []
    verdicts: list[_Pending] = []
    users: list[_UserRef] = []
    indexes: set[int] = set()
    for position, record in enumerate(records):
        sentence = _sentence(_mapping(record.get("sentence"), "sentence"), fields.body)
        where = f"sentence {sentence.index}"
        if sentence.index in indexes:
            raise _fail(where, "appears twice.")
        indexes.add(sentence.index)
        sentences.append(sentence)

        items = record.get("reviews") or []
        if not isinstance(items, list):
            raise _fail(where, "reviews must be a list.")
        reviewers: set[str] = set()
        for item in items:
            review, reviewer = _review(_mapping(item, f"{where}: review"), where, labels)
            if reviewer in reviewers:
                raise _fail(f"{where}: review by {reviewer}", "appears twice.")
            reviewers.add(reviewer)
            reviews.append((position, review))
            users.append((review, "reviewer", reviewer))

        if record.get("verdict") is not None:
            here = f"{where}: verdict"
            data = _mapping(record["verdict"], here)
            verdict = _verdict(data, here, labels)
            verdicts.append((position, verdict))
            if data.get("decided_by") is not None:
                users.append(
                    (verdict, "decided_by", _username(data["decided_by"], here, key="decided_by"))
                )
    _check_complete(sentences, fields.body)

    with duplicate_on_conflict(fields.checksum), transaction.atomic():
        article = _write(fields, imported_by, sentences, reviews, verdicts, users)
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(article=article, created=not dry_run, sentence_count=len(sentences))


def _write(
    fields: ArticleInput,
    imported_by: AbstractBaseUser | None,
    sentences: list[Sentence],
    reviews: list[_Pending],
    verdicts: list[_Pending],
    users: list[_UserRef],
) -> Article:
    article = article_new(fields, imported_by)
    article.save(force_insert=True)
    tags_attach(article, fields.tags)

    by_name = _users({username for _, _, username in users})
    for item, attribute, username in users:
        setattr(item, attribute, by_name[username])
    rows: defaultdict[int, list[summaries.ReviewRow]] = defaultdict(list)
    for position, review in reviews:
        rows[position].append((review.reviewer.pk, review.label_id, review.updated_at))
    for position, sentence in enumerate(sentences):
        sentence.article = article
        for key, value in summaries.review_fields(rows[position]).items():
            setattr(sentence, key, value)
    _bulk_create_keeping_times(Sentence, sentences, ("updated_at",))
    for position, item in [*reviews, *verdicts]:
        item.sentence = sentences[position]
    for _, item in [*reviews, *verdicts]:
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
                actor=None,  # nobody made it here: it came from an export
                before=None,
                after={**snapshot(item), "restored_from_export": True},
            )
            for item in items
        ]
    History.objects.bulk_create(history, batch_size=1000)
    summaries.article_summaries_refresh([article.pk])
    return article
