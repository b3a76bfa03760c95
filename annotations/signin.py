"""Sign-in lockout (django-axes, configured in factcheck/settings.py): the backend and the
client address it keys on."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come with a request.

    Every sign-in over the web passes its request (Django's login views, the admin);
    `authenticate()` without one comes from code on the server (tests, shell), which has
    no address to lock and which axes would otherwise refuse with an error.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for sign-in lockouts: with TRUSTED_PROXY_COUNT proxies in front,
    the address the outermost of them saw; otherwise the peer's. Addresses further left in
    X-Forwarded-For are the client's own claims and are never trusted."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if proxies and len(hops) >= proxies:
        return hops[-proxies]
    return request.META.get("REMOTE_ADDR")
