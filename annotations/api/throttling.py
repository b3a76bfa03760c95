"""Throttling of API clients (DRF, configured in factcheck/settings.py)."""

from __future__ import annotations

from rest_framework.authtoken.models import Token
from rest_framework.throttling import UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
    """API_TOKEN_THROTTLE_RATE per user, for requests authenticated by an API token only."""

    scope = "token"

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.auth, Token):
            return True
        return super().allow_request(request, view)
