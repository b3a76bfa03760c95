"""Pages. Until the annotation workspace exists these are a plain reading view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotations import selectors


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.article_list(), 50).get_page(request.GET.get("page"))
    return render(request, "annotations/article_list.html", {"page": page})


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(selectors.article_detail(), pk=pk)
    return render(request, "annotations/article_detail.html", {"article": article})
