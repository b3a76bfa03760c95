"""Input contracts: what each write accepts, validated once where the input enters.

The API's views, the command line and the file readers validate with these serializers and hand
the services typed values (`ArticleInput`, a cleaned evidence list, a date). They are built from
the shared field types in `fields.py`, so a NUL, a lone surrogate, a date outside the years
1..9999 in UTC or an integer too wide for its column is refused alike everywhere. The OpenAPI
schema documents these same classes, so it describes exactly what is accepted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from rest_framework import serializers

from annotations import fields
from annotations.errors import InvalidInput, TooLarge
from annotations.models import Article, Sentence, Tag

TITLE_MAX = Article._meta.get_field("title").max_length
SOURCE_MAX = Article._meta.get_field("source").max_length
URL_MAX = Article._meta.get_field("url").max_length
TAG_MAX = Tag._meta.get_field("name").max_length
TAGS_MAX_ITEMS = 50
NOTE_MAX = 10_000
EVIDENCE_MAX_ITEMS = 20
STANCES = ("supports", "refutes", "context")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_url_validator = URLValidator(schemes=["http", "https"])


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The validated data of `data`, or InvalidInput with DRF's {field: [messages]}."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"non_field_errors": ["Expected a JSON object."]})
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise InvalidInput(_flatten(serializer.errors))
    return serializer.validated_data


def _flatten(errors: Any) -> dict[str, list[str]]:
    """DRF's errors as {field: [messages]}; nested ones say where: "Item 2, url: message"."""
    if not isinstance(errors, Mapping):
        return {"non_field_errors": _messages(errors, [])}
    return {str(name): _messages(value, []) for name, value in errors.items()}


def _messages(errors: Any, where: list[str]) -> list[str]:
    if isinstance(errors, Mapping):
        found = []
        for key, value in errors.items():
            step = f"Item {key + 1}" if isinstance(key, int) else str(key)
            found += _messages(value, [*where, step])
        return found
    if isinstance(errors, list) and not all(isinstance(e, str) for e in errors):
        found = []
        for number, value in enumerate(errors, start=1):
            if value:
                found += _messages(value, [*where, f"Item {number}"])
        return found
    prefix = f"{', '.join(where)}: " if where else ""
    items = errors if isinstance(errors, list) else [errors]
    return [f"{prefix}{message}" for message in items]


# --- Evidence, reviews and verdicts -------------------------------------------------------
class EvidenceSerializer(serializers.Serializer):
    url = fields.TextField(max_length=2000, help_text="An http(s) link to the source.")
    title = fields.TextField(max_length=500, required=False, allow_blank=True, default="")
    quote = fields.TextField(max_length=5000, required=False, allow_blank=True, default="")
    stance = serializers.ChoiceField(choices=STANCES, required=False, default="context")

    def validate_url(self, value: str) -> str:
        return _http_url(value)


class EvidenceListField(serializers.ListField):
    child = EvidenceSerializer()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", list)
        kwargs.setdefault("max_length", EVIDENCE_MAX_ITEMS)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[dict[str, str]]:
        if data is None:
            return []
        return [dict(item) for item in super().to_internal_value(data)]


def evidence_clean(value: Any) -> list[dict[str, str]]:
    """A list of evidence items as stored: [{url, title, quote, stance}], or InvalidInput."""
    return validated(_EvidenceHolder, {"evidence": value})["evidence"]


class _EvidenceHolder(serializers.Serializer):
    evidence = EvidenceListField(allow_null=True)


def _label_field(help_text: str) -> fields.TextField:
    # Optional here: the service looks the label up and lists the choices when it is missing
    # or unknown, with the same message for every interface.
    return fields.TextField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        max_length=50,
        help_text=help_text,
    )


class _LongText(fields.TextField):
    """A note or a rationale: optional, null read as empty."""

    def __init__(self) -> None:
        super().__init__(
            required=False, allow_blank=True, allow_null=True, max_length=NOTE_MAX, default=""
        )

    def run_validation(self, data: Any = serializers.empty) -> str:
        return super().run_validation(data) or ""


class ReviewInputSerializer(serializers.Serializer):
    """PUT /api/sentences/{id}/review/."""

    label = _label_field("A label slug from /api/labels/, e.g. 'false'.")
    note = _LongText()
    evidence = EvidenceListField(allow_null=True)


class VerdictInputSerializer(serializers.Serializer):
    """PUT /api/sentences/{id}/verdict/."""

    label = _label_field("A label slug from /api/labels/.")
    rationale = _LongText()
    # Left out: they keep what is stored (a new verdict: no sources, a draft).
    evidence = EvidenceListField(
        allow_null=True,
        default=None,
        help_text="The fact-check's sources; left out, the stored ones stay.",
    )
    published = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true publishes the fact-check, false takes it down; left out, it stays as is.",
    )
    correction = _LongText()
    correction.help_text = (
        "For a published verdict whose rating, rationale or sources change: what changed and "
        "why, shown to readers in the correction log."
    )


class SplitInputSerializer(serializers.Serializer):
    at = fields.WholeNumberField(
        min_value=0,
        max_value=fields.MAX_INT32,
        help_text="Offset into the article body (code points), strictly inside the sentence.",
        error_messages={
            key: "Must be a character offset into the article body."
            for key in ("invalid", "required", "null", "min_value", "max_value")
        },
    )


class RestoreInputSerializer(serializers.Serializer):
    history = fields.IdField(help_text="The id of one of this sentence's history entries.")


class AssignmentInputSerializer(serializers.Serializer):
    """POST /api/assignments/."""

    articles = serializers.ListField(
        child=fields.IdField(),
        min_length=1,
        max_length=1000,
        help_text="Article ids.",
        error_messages={
            "min_length": "Name at least one article.",
            "not_a_list": "Must be a list of article ids.",
            "empty": "Name at least one article.",
        },
    )
    reviewers = serializers.ListField(
        child=fields.TextField(max_length=150),
        min_length=1,
        max_length=200,
        help_text="Usernames.",
        error_messages={
            "min_length": "Name at least one reviewer.",
            "not_a_list": "Must be a list of usernames.",
            "empty": "Name at least one reviewer.",
        },
    )
    due_date = fields.DateField(required=False, allow_null=True, default=None)


# --- Articles -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ArticleInput:
    """Validated fields of one article to import."""

    title: str
    body: str
    source: str = ""
    url: str = ""
    published_at: datetime | None = None
    language: str = "en"
    tags: tuple[str, ...] = ()
    checksum: str = field(default="", compare=False)


def body_checksum(body: str) -> str:
    """sha256 of the body with Unicode and whitespace normalised.

    A story scraped twice often differs only in line endings or spacing; it is still a duplicate.
    """
    normalised = " ".join(unicodedata.normalize("NFC", body).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


REQUIRED = {
    key: "This field is required and may not be blank." for key in ("required", "blank", "null")
}


def _http_url(value: str) -> str:
    try:
        _url_validator(value)
    except DjangoValidationError:
        raise serializers.ValidationError(f"{value[:100]!r} is not an http(s) URL.") from None
    return value


class ArticleInputSerializer(serializers.Serializer):
    """POST /api/articles/, and every article record read from a file."""

    title = fields.TextField(max_length=TITLE_MAX, error_messages=REQUIRED)
    body = fields.TextField(
        error_messages=REQUIRED,
        trim_whitespace=False,
        help_text="Plain text, stored exactly as given; at most FACTCHECK_MAX_BODY_BYTES bytes.",
    )
    url = fields.TextField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=URL_MAX,
        default="",
        help_text="An http(s) URL.",
    )
    source = fields.TextField(
        required=False, allow_blank=True, allow_null=True, max_length=SOURCE_MAX, default=""
    )
    published_at = fields.DateTimeField(required=False, allow_null=True, default=None)
    language = fields.TextField(
        required=False, allow_blank=True, allow_null=True, max_length=16, default="en"
    )
    tags = serializers.ListField(
        child=fields.TextField(max_length=TAG_MAX, allow_blank=True),
        required=False,
        allow_null=True,
        max_length=TAGS_MAX_ITEMS,
        default=list,
        help_text="Tag names; stored in lower case.",
    )

    def validate_body(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(REQUIRED["blank"])
        size = len(value.encode("utf-8", "surrogatepass"))
        limit = settings.FACTCHECK_MAX_BODY_BYTES
        if size > limit:
            raise TooLarge(
                f"The body is {size:,} bytes; the limit is {limit:,} bytes.", field="body"
            )
        return value

    def validate_url(self, value: str | None) -> str:
        return _http_url(value) if value else ""

    def validate_source(self, value: str | None) -> str:
        return value or ""

    def validate_language(self, value: str | None) -> str:
        value = value or "en"
        if not LANGUAGE_RE.match(value):
            raise serializers.ValidationError(
                f"{value!r} is not a language code such as 'en' or 'pt-BR'."
            )
        return value

    def validate_tags(self, value: list[str] | None) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.strip().lower() for t in value or () if t.strip()))


# One instance for every article: validating through it reads its fields and never writes
# them (what is_valid keeps, it keeps on a serializer made for the data, not here), and setting
# up a serializer's fields again for each article of an import was a tenth of the import's time
# (docs/performance.md, "Import"). Its fields are set up on first use.
_ARTICLE_INPUT = ArticleInputSerializer()


def article_input(data: Any) -> ArticleInput:
    """Validate raw article fields (JSON, a file record); raise InvalidInput or TooLarge."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"non_field_errors": ["Expected an object with title and body."]})
    try:
        valid = _ARTICLE_INPUT.run_validation(data)
    except serializers.ValidationError as exc:
        raise InvalidInput(_flatten(exc.detail)) from None
    return ArticleInput(**valid, checksum=body_checksum(valid["body"]))


# --- Editing an article and a sentence ----------------------------------------------------
ARTICLE_EDITABLE = ("title", "source", "url", "published_at", "language", "tags")
_NOT_EDITABLE = {
    "body": "The body never changes; fixing the text is a new import.",
    "checksum": "The checksum is computed from the body, which never changes.",
}


def _refuse_other_fields(data: Any, editable: tuple[str, ...]) -> None:
    """InvalidInput naming each field of `data` outside `editable`, which DRF would ignore."""
    if not isinstance(data, Mapping):
        raise InvalidInput({"non_field_errors": ["Expected a JSON object."]})
    others = [name for name in data if name not in editable]
    if others:
        allowed = ", ".join(editable)
        raise InvalidInput(
            {
                _printable(name): [_NOT_EDITABLE.get(name, f"Unknown field; send only {allowed}.")]
                for name in others
            }
        )


def _printable(name: Any) -> str:
    """A field name as an error may name it: short, and a lone surrogate escaped (it could
    not be encoded in the answer)."""
    return str(name)[:100].encode("utf-8", "backslashreplace").decode("utf-8")


class ArticleEditSerializer(ArticleInputSerializer):
    """PATCH /api/articles/{id}/: any of title, source, url, published_at, language and tags,
    with the rules of an import; the fields left out stay as they are. Never the body."""

    body = None  # removes the field

    def get_fields(self) -> dict[str, serializers.Field]:
        # A field left out stays as it is: none is required and none takes the import's default
        # (which the schema would otherwise document).
        declared = super().get_fields()
        for one in declared.values():
            one.required, one.default = False, serializers.empty
        return declared

    def to_input(self) -> ArticleInput:  # pragma: no cover - an edit is not an import
        raise TypeError("An edit has no body: use article_edit_input.")


def article_edit_input(data: Any) -> dict[str, Any]:
    """The metadata fields given in `data`, validated as an import's, as the keyword
    arguments of services.article_update (only those sent); or InvalidInput."""
    _refuse_other_fields(data, ARTICLE_EDITABLE)
    # partial: the fields left out take no default and none is required.
    serializer = ArticleEditSerializer(data=data, partial=True)
    if not serializer.is_valid():
        raise InvalidInput(_flatten(serializer.errors))
    return dict(serializer.validated_data)


class SentenceEditSerializer(serializers.Serializer):
    """PATCH /api/sentences/{id}/: a sentence's kind, claim or boilerplate."""

    kind = serializers.ChoiceField(
        choices=Sentence.Kind.choices,
        help_text="claim, or boilerplate (ads, calls to subscribe, credits: not rated).",
        error_messages={
            "invalid_choice": f"{{input!r:.60}} is not a kind; choose "
            f"{' or '.join(Sentence.Kind.values)}.",
        },
    )


def sentence_edit_input(data: Any) -> dict[str, Any]:
    """{"kind": ...} validated, or InvalidInput (any other field too)."""
    _refuse_other_fields(data, ("kind",))
    return validated(SentenceEditSerializer, data)


# --- Imports ------------------------------------------------------------------------------
class ImportOptionsSerializer(ArticleInputSerializer):
    """The metadata given with an upload (the import page, POST /api/imports/): applied to the
    records that have none. Every field optional; tags a list or one "a, b" string."""

    body = None
    title = fields.TextField(max_length=TITLE_MAX, required=False, allow_blank=True, default="")
    language = fields.TextField(
        required=False, allow_blank=True, allow_null=True, max_length=16, default=""
    )
    text = fields.TextField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text="Pasted text: one article (a .txt file's rules: a first line followed by a "
        "blank line is its title).",
    )

    def validate_language(self, value: str | None) -> str:
        return super().validate_language(value) if value else ""

    def validate_text(self, value: str) -> str:
        size = len(value.encode("utf-8", "surrogatepass"))
        if size > settings.FACTCHECK_MAX_BODY_BYTES:
            raise TooLarge(
                f"The text is {size:,} bytes; the limit is "
                f"{settings.FACTCHECK_MAX_BODY_BYTES:,} bytes.",
                field="text",
            )
        return value if value.strip() else ""


def import_options(data: Any) -> tuple[dict[str, Any], str]:
    """The defaults an upload gives (only those it gives, as records carry them: dates as ISO
    8601 text) and its pasted text, from a form or a multipart body; InvalidInput if bad."""
    getlist = getattr(data, "getlist", None)
    plain = {key: data.get(key) for key in data if key not in ("files", "tags")}
    tags = getlist("tags") if getlist else data.get("tags")
    if isinstance(tags, str):
        tags = [tags]
    if tags:
        plain["tags"] = [part for tag in tags for part in str(tag).split(",")]
    options = validated(ImportOptionsSerializer, plain)
    defaults: dict[str, Any] = {}
    for key in ("title", "source", "url", "language"):
        if options.get(key):
            defaults[key] = options[key]
    if options.get("published_at"):
        defaults["published_at"] = options["published_at"].isoformat()
    if options.get("tags"):
        defaults["tags"] = list(options["tags"])
    return defaults, options.get("text", "")
