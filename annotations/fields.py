"""Shared field types: what every input contract accepts as text, a date-time or a whole number.

The API's input serializers, the pages' and the admin's forms, the query-parameter filters and
the file readers all build on these, so one hostile value (a NUL, a lone surrogate, a date that
leaves the year range once converted to UTC, an integer wider than a 64-bit column) is refused
the same way wherever it enters, with the same message. PostgreSQL rejects the first two and
both databases the rest, so without this a value accepted by SQLite breaks pages on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from rest_framework import serializers

# Largest value of a 64-bit signed integer column (ids, versions, offsets).
MAX_INT = 2**63 - 1
# Largest value of a 32-bit signed integer column (PositiveIntegerField on PostgreSQL).
MAX_INT32 = 2**31 - 1

_SURROGATE = re.compile("[\ud800-\udfff]")

NUL_MESSAGE = "Contains a NUL character (\\u0000); text may not hold one."
SURROGATE_MESSAGE = "Contains an unpaired surrogate ({code}); send valid Unicode (UTF-8) text."
DATETIME_RANGE_MESSAGE = (
    "{value} is out of range: a date-time must fall within the years 1 to 9999 in UTC."
)


def text_error(value: str) -> str | None:
    """Why this text cannot be stored, or None: NUL characters and lone surrogates."""
    if "\x00" in value:
        return NUL_MESSAGE
    match = _SURROGATE.search(value)
    if match:
        return SURROGATE_MESSAGE.format(code=f"\\u{ord(match.group()):04x}")
    return None


def validate_text(value: Any) -> None:
    """A validator for Django model and form fields and for DRF fields."""
    if isinstance(value, str) and (message := text_error(value)):
        raise ValidationError(message, code="invalid_text")


def datetime_in_range(value: dt.datetime) -> dt.datetime:
    """`value` made aware (default time zone) and checked to stay within years 1..9999 in UTC.

    Raises ValueError with a readable message: "0001-01-01T00:00:00+14:00" is the year 0 in UTC,
    which PostgreSQL stores but Python cannot read back, breaking every page that shows it.
    """
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise ValueError(DATETIME_RANGE_MESSAGE.format(value=value.isoformat())) from None
    return value


def date_in_range(value: dt.date, *, days_after: int = 0) -> dt.date:
    """`value`, checked so that code may add up to `days_after` days (a period's end) to it."""
    try:
        value + dt.timedelta(days=days_after)
        # A whole day ending at midnight UTC must stay in range in every time zone too.
        dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=days_after + 1)
    except OverflowError:
        raise ValueError(
            f"{value.isoformat()} is out of range: choose a day before {dt.date.max.year}."
        ) from None
    return value


# --- Django forms -------------------------------------------------------------------------
class TextFormField(forms.CharField):
    """forms.CharField refuses NUL already; this refuses lone surrogates too."""

    default_validators = [validate_text]


class DateTimeFormField(forms.DateTimeField):
    """A date-time that stays within the years 1..9999 once converted to UTC."""

    def to_python(self, value: Any) -> dt.datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return datetime_in_range(parsed)
        except ValueError as exc:
            raise ValidationError(str(exc), code="out_of_range") from None


def _date_leaves_a_day(value: dt.date | None) -> None:
    if value is not None:
        try:
            date_in_range(value, days_after=1)
        except ValueError as exc:
            raise ValidationError(str(exc), code="out_of_range") from None


class DateFormField(forms.DateField):
    """A day that pages can still add a day to (the due date shown as "due tomorrow")."""

    default_validators = [_date_leaves_a_day]


def is_id(text: str) -> bool:
    """Whether `text` is a whole number that can be a row's id (positive, fits 64 bits)."""
    try:
        return 0 < int(text) <= MAX_INT
    except ValueError:
        return False


class IdChoicesField(forms.ModelMultipleChoiceField):
    """Rows chosen by id; a value that cannot be an id is an invalid choice, where Django would
    pass 2**70 to the database (OverflowError on SQLite, "bigint out of range" on PostgreSQL)."""

    def _check_values(self, value):
        for pk in value:
            if not is_id(str(pk)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


# The largest value of each integer column on every database: SQLite would store 40,000 in a
# PositiveSmallIntegerField that PostgreSQL refuses, so forms refuse it on both.
INTEGER_LIMITS = {
    "SmallIntegerField": 32767,
    "PositiveSmallIntegerField": 32767,
    "IntegerField": MAX_INT32,
    "PositiveIntegerField": MAX_INT32,
    "BigIntegerField": MAX_INT,
    "PositiveBigIntegerField": MAX_INT,
}


def capped_to_column(formfield: forms.Field | None, db_field: models.Field) -> forms.Field | None:
    """`formfield`, an integer one capped at the largest value its column holds."""
    limit = INTEGER_LIMITS.get(db_field.get_internal_type())
    if not isinstance(formfield, forms.IntegerField) or limit is None:
        return formfield
    if formfield.max_value is None or formfield.max_value > limit:
        formfield.max_value = limit
        formfield.validators.append(MaxValueValidator(limit))
        formfield.widget.attrs["max"] = limit
    return formfield


# --- Django REST Framework ----------------------------------------------------------------
class TextField(serializers.CharField):
    """Text, and only text: a number or a list is refused rather than turned into a string;
    NUL and lone surrogates are refused with the same message as in forms and files."""

    default_error_messages = {"invalid": "Must be text, not {type}."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # DRF's own NUL and surrogate validators say less than validate_text.
        self.validators = [
            v
            for v in self.validators
            if type(v).__name__
            not in ("ProhibitNullCharactersValidator", "ProhibitSurrogateCharactersValidator")
        ]
        self.validators.append(validate_text)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid", type=type(data).__name__)
        return super().to_internal_value(data)


class DateTimeField(serializers.DateTimeField):
    """ISO 8601 date-time within the years 1..9999 in UTC; a naive one is in the default zone."""

    default_error_messages = {
        "overflow": "Out of range: a date-time must fall within the years 1 to 9999 in UTC.",
        "unparsed": "{value} is not an ISO 8601 date; use e.g. 2026-03-01 or 2026-03-01T09:30:00Z.",
    }

    def to_internal_value(self, value: Any) -> dt.datetime:
        try:
            parsed = super().to_internal_value(value)
        except serializers.ValidationError as exc:
            if "overflow" in exc.get_codes():
                raise
            self.fail("unparsed", value=repr(value)[:60])
        try:
            return datetime_in_range(parsed)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc), code="out_of_range") from None


class DateField(serializers.DateField):
    """An ISO 8601 day, far enough from the end of the calendar to add a day to it."""

    default_error_messages = {"unparsed": "{value} is not a date like 2026-12-01."}

    def to_internal_value(self, value: Any) -> dt.date:
        try:
            parsed = super().to_internal_value(value)
        except serializers.ValidationError:
            self.fail("unparsed", value=repr(value)[:60])
        try:
            return date_in_range(parsed, days_after=1)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc), code="out_of_range") from None


class WholeNumberField(serializers.IntegerField):
    """A JSON whole number, never a string, a boolean or a float: "5" is refused, not read."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdField(WholeNumberField):
    """A database id: a positive whole number that fits a 64-bit column."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(**kwargs)
