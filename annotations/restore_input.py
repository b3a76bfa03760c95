"""The input contract of an exported record when it is restored (services/article_restore.py).

One record per sentence, as annotations/exports/ writes it; the article's own fields are
validated by the article import contract. Built from the shared field types (fields.py), so a
NUL, a lone surrogate, a date-time outside the years 1..9999 in UTC or an integer wider than
its column is refused here, with a message naming the sentence and the field, before anything
is written. Derived values (`status`, `is_consensus`, the review summaries) are not part of the
contract: the restore recomputes them; `needs_attention` may only add a flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from rest_framework import serializers

from annotations import fields
from annotations.errors import InvalidInput
from annotations.models import Sentence

NOTE_MAX = 10_000
EVIDENCE_MAX_ITEMS = 20
# A verdict's correction log, as a file may give it: a bound for what a file may ask us to write.
CORRECTIONS_MAX = 1_000
STANCES = ("supports", "refutes", "context")
LABEL_MAX = 50  # Label.slug


class WholeNumberField(serializers.IntegerField):
    """A whole number within [min_value, max_value]; true and false are not numbers."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool | float):
            self.fail("invalid")
        return super().to_internal_value(data)


def _column(*, minimum: int) -> WholeNumberField:
    # Offsets, indexes, paragraphs and versions are PositiveIntegerField: 32 bits on PostgreSQL.
    return WholeNumberField(min_value=minimum, max_value=fields.MAX_INT32)


class UsernameField(fields.TextField):
    """An account's username, checked as the user model checks it (never looked up if bad)."""

    def __init__(self, **kwargs: Any) -> None:
        model_field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
        kwargs.setdefault("max_length", model_field.max_length)
        kwargs.setdefault("validators", list(model_field.validators))
        super().__init__(**kwargs)


class EvidenceItemInput(serializers.Serializer):
    url = fields.TextField(max_length=2000, validators=[URLValidator(schemes=["http", "https"])])
    title = fields.TextField(max_length=500, required=False, allow_blank=True, default="")
    quote = fields.TextField(max_length=5000, required=False, allow_blank=True, default="")
    stance = serializers.ChoiceField(choices=STANCES, required=False, default="context")

    def to_internal_value(self, data: Any) -> dict[str, str]:
        validated = super().to_internal_value(data)
        # An item keeps the keys it was exported with: the stored shape is reproduced as is.
        return {key: value for key, value in validated.items() if key in data}


class ReviewRecordInput(serializers.Serializer):
    reviewer = UsernameField()
    label = fields.TextField(max_length=LABEL_MAX)
    note = fields.TextField(
        max_length=NOTE_MAX, required=False, allow_blank=True, trim_whitespace=False, default=""
    )
    evidence = EvidenceItemInput(many=True, required=False, max_length=EVIDENCE_MAX_ITEMS)
    version = _column(minimum=1)
    created_at = fields.DateTimeField()
    updated_at = fields.DateTimeField()

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["updated_at"] < data["created_at"]:
            raise serializers.ValidationError(
                {"updated_at": ["Is earlier than created_at; a change comes after creation."]}
            )
        data["evidence"] = [dict(item) for item in data.get("evidence", [])]
        return data


class CorrectionRecordInput(serializers.Serializer):
    """One entry of a published verdict's correction log."""

    label_before = fields.TextField(max_length=LABEL_MAX)
    label_after = fields.TextField(max_length=LABEL_MAX)
    note = fields.TextField(
        max_length=NOTE_MAX, required=False, allow_blank=True, trim_whitespace=False, default=""
    )
    # None: the editor's account is gone (the log keeps the correction).
    editor = UsernameField(required=False, allow_null=True, default=None)
    created_at = fields.DateTimeField()


class VerdictRecordInput(serializers.Serializer):
    label = fields.TextField(max_length=LABEL_MAX)
    rationale = fields.TextField(
        max_length=NOTE_MAX, required=False, allow_blank=True, trim_whitespace=False, default=""
    )
    # None: the verdict was reached by reviewers' consensus.
    decided_by = UsernameField(required=False, allow_null=True, default=None)
    # Recomputed from decided_by; read only to refuse what is not true or false.
    is_consensus = serializers.BooleanField(required=False, default=False)
    needs_attention = serializers.BooleanField(required=False, default=False)
    evidence = EvidenceItemInput(many=True, required=False, max_length=EVIDENCE_MAX_ITEMS)
    # Exports from before publishing existed carry none of these: drafts.
    published = serializers.BooleanField(required=False, default=False)
    published_at = fields.DateTimeField(required=False, allow_null=True, default=None)
    corrected_at = fields.DateTimeField(required=False, allow_null=True, default=None)
    version = _column(minimum=1)
    created_at = fields.DateTimeField()
    updated_at = fields.DateTimeField()
    # Exports from before corrections were exported carry none.
    corrections = CorrectionRecordInput(
        many=True, required=False, default=list, max_length=CORRECTIONS_MAX
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["updated_at"] < data["created_at"]:
            raise serializers.ValidationError(
                {"updated_at": ["Is earlier than created_at; a change comes after creation."]}
            )
        if data["published"] and data["published_at"] is None:
            raise serializers.ValidationError(
                {"published_at": ["A published verdict needs its publication date."]}
            )
        if not data["published"] and (data["published_at"] or data["corrected_at"]):
            field = "published_at" if data["published_at"] else "corrected_at"
            raise serializers.ValidationError(
                {field: ["Is set, but the verdict is not published."]}
            )
        data["evidence"] = [dict(item) for item in data.get("evidence", [])]
        return data


class SentenceRecordInput(serializers.Serializer):
    index = _column(minimum=0)
    paragraph = _column(minimum=0)
    start = _column(minimum=0)
    end = _column(minimum=1)
    text = fields.TextField(trim_whitespace=False)
    kind = serializers.ChoiceField(choices=Sentence.Kind.values)
    # `status` is derived from the reviews and the verdict: recomputed, never read.
    updated_at = fields.DateTimeField()

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["end"] <= data["start"]:
            raise serializers.ValidationError(
                {"end": [f"Must be after start ({data['start']}); a sentence is never empty."]}
            )
        return data


class RecordInput(serializers.Serializer):
    sentence = SentenceRecordInput()
    reviews = ReviewRecordInput(many=True, required=False, allow_null=True, default=list)
    verdict = VerdictRecordInput(required=False, allow_null=True, default=None)


def printable(text: str) -> str:
    """`text` safe to print, log and store: NUL and lone surrogates shown as escapes.

    Messages quote what was refused (DRF's '"\\ud800" is not a valid choice.'), and a file
    name read from disk may hold surrogates (undecodable bytes); printing either would fail.
    """
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def carries_work(record: Mapping[str, Any]) -> bool:
    """Whether a raw record holds reviews or a verdict (only a superuser may restore those)."""
    return bool(record.get("reviews")) or record.get("verdict") is not None


def record_clean(record: Any, *, position: int) -> dict[str, Any]:
    """One validated record, or InvalidInput naming the sentence and the field at fault."""
    if not isinstance(record, Mapping):
        raise InvalidInput({f"record {position + 1}": ["Must be an object."]})
    serializer = RecordInput(data=record)
    if serializer.is_valid():
        data = serializer.validated_data
        data["reviews"] = data["reviews"] or []
        return data
    raise InvalidInput(_readable(serializer.errors, record, position))


def _where(record: Mapping[str, Any], position: int) -> str:
    sentence = record.get("sentence")
    index = sentence.get("index") if isinstance(sentence, Mapping) else None
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index <= fields.MAX_INT32:
        return f"sentence {index}"
    return f"record {position + 1}"


def _review_name(reviews: Any, number: int) -> str:
    """ "review by rita" when the username is one that can be shown, else "review 2"."""
    item = reviews[number] if isinstance(reviews, list) and number < len(reviews) else None
    name = item.get("reviewer") if isinstance(item, Mapping) else None
    if isinstance(name, str) and 0 < len(name) <= 150 and name.isprintable():
        return f"review by {name}"
    return f"review {number + 1}"


def _flatten(errors: Any, prefix: str = "") -> list[str]:
    """DRF's nested errors as "field: message" lines ("evidence[2].url: Enter a valid URL.")."""
    if isinstance(errors, Mapping):
        lines = []
        for key, value in errors.items():
            if key == "non_field_errors":
                lines += _flatten(value, prefix)
            elif isinstance(key, int):
                lines += _flatten(value, f"{prefix}[{key + 1}]")
            else:
                lines += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return lines
    if isinstance(errors, list) and errors and not all(isinstance(e, str) for e in errors):
        lines = []
        for number, value in enumerate(errors, start=1):
            if value:
                lines += _flatten(value, f"{prefix}[{number}]")
        return lines
    return [printable(f"{prefix}: {message}" if prefix else str(message)) for message in errors]


def _readable(errors: Mapping[str, Any], record: Mapping[str, Any], position: int) -> dict:
    """{"sentence 3: review by rita": ["note: Contains a NUL character ..."]}."""
    where = _where(record, position)
    readable: dict[str, list[str]] = {}
    for key, value in errors.items():
        if (
            key == "reviews"
            and isinstance(value, list)
            and not all(isinstance(e, str) for e in value)
        ):
            for number, item in enumerate(value):
                if item:
                    name = _review_name(record.get("reviews"), number)
                    readable[f"{where}: {name}"] = _flatten(item)
        elif key == "reviews" and isinstance(value, Mapping):  # {index: errors}
            for number, item in value.items():
                name = _review_name(record.get("reviews"), number)
                readable[f"{where}: {name}"] = _flatten(item)
        elif key == "sentence":
            readable[where] = _flatten(value)
        else:
            readable[f"{where}: {key}"] = _flatten(value)
    return readable
