"""Domain errors raised by services; each interface turns them into its own answer.

The API answers with `status` and `as_payload()`; commands print `str(error)` on one line.
"""

from __future__ import annotations

from typing import Any

MAX_ID = 2**63 - 1


def is_id(value: Any) -> bool:
    """A value usable as a primary key: a positive int that fits a 64-bit column."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_payload(self) -> dict[str, Any]:
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class InvalidInput(DomainError):
    """One or more fields are wrong; `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        message = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        super().__init__(message)

    def as_payload(self) -> dict[str, Any]:
        return dict(self.errors)


class TooLarge(DomainError):
    status = 413


class Duplicate(DomainError):
    status = 409

    def __init__(self, message: str, *, existing_id: int) -> None:
        super().__init__(message)
        self.existing_id = existing_id

    def as_payload(self) -> dict[str, Any]:
        return {"detail": self.message, "existing": {"id": self.existing_id}}


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class PreconditionFailed(DomainError):
    """The client's If-Match version is stale; `current` is what is stored now."""

    status = 412

    def __init__(self, message: str, *, current: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.current = current

    def as_payload(self) -> dict[str, Any]:
        return {"detail": self.message, "current": self.current}
