"""Pages: the queue, the annotation workspace and the public claim pages.

The workspace saves through the JSON API (static/js/workspace.js); these views only read.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from annotations import exports, selectors
from annotations.errors import NotFound
from annotations.filters import QueueFilter
from annotations.models import Sentence
from annotations.permissions import viewer_for
from annotations.selectors.articles import QUEUE_PAGE_SIZE, queue_page


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    """The queue: articles the user may work on, with progress, filters and search."""
    viewer = viewer_for(request.user)
    if set(request.GET) <= {"page"}:
        # No filter asked (the usual visit): the queue from plain rows; the filter set only
        # shows its empty form.
        filters, valid = QueueFilter(request.GET, request=request), True
        page = queue_page(viewer, request.GET.get("page"))
    else:
        queue = selectors.article_queue(viewer)
        filters = QueueFilter(request.GET, queryset=queue, request=request)
        valid = filters.is_valid()  # else the reasons show next to the filters, with status 400
        articles = filters.qs if valid else queue.none()
        page = Paginator(articles, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "annotations/article_list.html",
        {"page": page, "filters": filters, "query": query.urlencode(), "viewer": viewer},
        status=200 if valid else 400,
    )


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The annotation workspace of one article."""
    context = selectors.workspace(viewer_for(request.user), pk)
    if context is None:
        raise Http404("No such article, or it is not assigned to you.")
    return render(request, "annotations/article_detail.html", context)


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
