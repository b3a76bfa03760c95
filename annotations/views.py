"""Pages: the queue and the annotation workspace (the public pages are in public.py).

The workspace saves through the JSON API (static/js/workspace.js); these views only read.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from annotations import selectors
from annotations.filters import QueueFilter
from annotations.permissions import viewer_for
from annotations.selectors.articles import QUEUE_PAGE_SIZE, queue_page


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    """The queue: articles the user may work on, with progress, filters and search."""
    viewer = viewer_for(request.user)
    if set(request.GET) <= {"page"}:
        # No filter asked (the usual visit): the queue from plain rows; the filter set only
        # shows its empty form.
        filters, valid = QueueFilter.unfiltered(request, viewer), True
        page = queue_page(viewer, request.GET.get("page"))
    else:
        queue = selectors.article_queue(viewer)
        filters = QueueFilter(request.GET, queryset=queue, request=request, viewer=viewer)
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
