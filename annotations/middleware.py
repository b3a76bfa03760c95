"""Request plumbing: refuse oversized and chunked requests before anything reads them, and send
the Permissions-Policy header (configured in factcheck/settings.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

# Where files are uploaded for import: the larger FACTCHECK_MAX_UPLOAD_BYTES applies.
UPLOAD_PATHS = frozenset({"/api/imports/", "/import/"})


class RequestSizeLimitMiddleware:
    """Answer 413 when Content-Length is over DATA_UPLOAD_MAX_MEMORY_SIZE (for an import's
    upload, FACTCHECK_MAX_UPLOAD_BYTES).

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
        if request.path in UPLOAD_PATHS and request.method == "POST":
            limit = settings.FACTCHECK_MAX_UPLOAD_BYTES
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
