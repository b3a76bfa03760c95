"""Turns domain errors into API answers: {"field": ["message"]} or {"detail": "message"}."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotations.errors import DomainError


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.as_payload(), status=exc.status)
    return drf_exception_handler(exc, context)
