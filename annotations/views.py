"""Pages. Until the annotation workspace exists these are a plain reading view."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from annotations import exports, selectors
from annotations.errors import NotFound
from annotations.models import Sentence
from annotations.permissions import viewer_for


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.article_list(viewer_for(request.user)), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "annotations/article_list.html", {"page": page})


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.article_detail(viewer_for(request.user)), pk=pk)
    return render(request, "annotations/article_detail.html", {"article": article})


# JSON inside <script> must not be able to close the element or open a comment: the same
# escapes Django's json_script uses, for the ld+json type it cannot emit.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of a claim with a published verdict, with its ClaimReview JSON-LD."""
    sentence = get_object_or_404(Sentence.objects.select_related("article"), pk=pk)
    try:
        claimreview = exports.claimreview_for_sentence(
            sentence, base_url=request.build_absolute_uri("/")
        )
    except NotFound:
        raise Http404("This claim has no published verdict.") from None
    verdict = sentence.verdict
    jsonld = mark_safe(json.dumps(claimreview, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped above
    return render(
        request,
        "annotations/claim_detail.html",
        {"sentence": sentence, "verdict": verdict, "claimreview": claimreview, "jsonld": jsonld},
    )
