"""Pages: the queue and the annotation workspace (the public pages are in public.py).

The workspace saves through the JSON API (static/js/workspace.js); these views only read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from annotations import selectors
from annotations.filters import QueueFilter
from annotations.permissions import Viewer, viewer_for
from annotations.selectors.articles import QUEUE_PAGE_SIZE, queue_page
from annotations.selectors.reuse import checked_before_counts


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
    page.object_list = _with_checked_before(viewer, page.object_list)
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
    viewer = viewer_for(request.user)
    context = selectors.workspace(viewer, pk)
    if context is None:
        raise Http404("No such article, or it is not assigned to you.")
    # The "Checked before" box: each sentence's matches as the API's `matches` gives them, so
    # the page needs no request of its own for them.
    matches = selectors.matches_by_sentence(viewer, article_id=pk)
    for sentence_id, sentence in context["data"]["sentences"].items():
        sentence["matches"] = matches.get(sentence_id, [])
    return render(request, "annotations/article_detail.html", context)


def _with_checked_before(viewer: Viewer, articles: Iterable) -> list:
    """Each article of a queue page (a row's dict, or an Article) gets `checked_before`: its
    claims checked before (selectors/reuse.py), one query for the page."""
    articles = list(articles)
    ids = [a["pk"] if isinstance(a, dict) else a.pk for a in articles]
    counts = checked_before_counts(viewer, ids)
    for article, pk in zip(articles, ids, strict=True):
        if isinstance(article, dict):
            article["checked_before"] = counts[pk]
        else:
            article.checked_before = counts[pk]
    return articles
