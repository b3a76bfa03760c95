"""Request plumbing: refuse oversized and chunked requests before anything reads them, send the
Permissions-Policy header, and the hooks that throttle sign-ins (django-axes) and token
clients (DRF) (configured in factcheck/settings.py)."""

from __future__ import annotations

from collections.abc import Callable

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.authtoken.models import Token
from rest_framework.throttling import UserRateThrottle


class RequestSizeLimitMiddleware:
    """Answer 413 when Content-Length is over DATA_UPLOAD_MAX_MEMORY_SIZE.

    Django enforces that limit only when request.body is read; DRF's parsers read the stream,
    which bypasses it, so an API client could otherwise send any amount.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _chunked(request) and not request.META.get("CONTENT_LENGTH"):
            # Django reads a request body by its Content-Length; a chunked one would arrive
            # empty and be answered as if nothing had been sent ("body is required").
            message = "Send the request with a Content-Length header (chunked bodies are not read)."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=411)
            return HttpResponse(message, status=411, content_type="text/plain")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            message = f"The request is {length:,} bytes; the limit is {limit:,} bytes."
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain")
        return self.get_response(request)


def _chunked(request: HttpRequest) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


# Powerful browser features nothing in factcheck uses; denied so that injected or third-party
# code cannot ask for them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """Add the Permissions-Policy header to every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


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


class TokenRateThrottle(UserRateThrottle):
    """API_TOKEN_THROTTLE_RATE per user, for requests authenticated by an API token only."""

    scope = "token"

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.auth, Token):
            return True
        return super().allow_request(request, view)
