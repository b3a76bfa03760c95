"""Without filters the queue page and the API's list of articles are built from plain rows
(selectors.articles.queue_page, article_list_data); they show exactly what the generic path
(QueueFilter, Paginator and the model instances; ArticleListSerializer) shows."""

from __future__ import annotations

import re

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from annotations import selectors, services
from annotations.api.serializers import ArticleListSerializer
from annotations.filters import QueueFilter
from annotations.models import Article, Assignment, Tag
from annotations.permissions import viewer_for
from annotations.selectors.articles import QUEUE_PAGE_SIZE, queue_page
from tests.factories import article_create

pytestmark = pytest.mark.django_db


def make_queue(count: int, reviewer, editor) -> list[Article]:
    tags = [Tag.objects.create(name=name) for name in ("zeta", "alpha", "mid")]
    articles = []
    for number in range(count):
        article = article_create(
            sentences=3,
            source="" if number % 4 == 0 else f"Source {number % 3}",
            published_at=None if number % 5 == 0 else f"2026-0{1 + number % 9}-0{1 + number % 8}",
        )
        article.tags.set(tags[: number % 4])
        if number % 3 == 0:
            Assignment.objects.create(article=article, reviewer=reviewer, assigned_by=editor)
        if number % 6 == 0:  # assigned, so the reviewer may rate it with open reviewing off
            first = article.sentences.order_by("index").first()
            services.review_save(sentence=first, reviewer=reviewer, label="accurate")
        articles.append(article)
    return articles


def rendered(page, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    context = {
        "page": page,
        "filters": QueueFilter({}, request=request),
        "query": "",
        "viewer": viewer_for(user),
    }
    return without_csrf(render_to_string("annotations/article_list.html", context, request=request))


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)  # masked anew each time


@pytest.mark.parametrize("count", [0, 3, QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE + 1, 60])
@pytest.mark.parametrize("open_reviewing", [True, False])
def test_the_queue_page_shows_what_the_generic_path_shows(
    settings, reviewer, editor, count, open_reviewing
):
    settings.FACTCHECK_OPEN_REVIEWING = open_reviewing
    make_queue(count, reviewer, editor)
    for user in (reviewer, editor):
        viewer = viewer_for(user)
        for number in (None, "", "1", "2", "3", "0", "-1", "abc", "2.0", "99"):
            expected = Paginator(selectors.article_queue(viewer), QUEUE_PAGE_SIZE).get_page(number)
            page = queue_page(viewer, number)
            assert (page.number, page.paginator.count, page.paginator.num_pages) == (
                expected.number,
                expected.paginator.count,
                expected.paginator.num_pages,
            )
            assert [a["id"] for a in page] == [a.pk for a in expected]
            assert rendered(page, user) == rendered(expected, user)


@pytest.mark.parametrize("page", ["", "?page=2", "?page=x"])
def test_the_queue_page_answers_alike_with_and_without_filters(client, reviewer, editor, page):
    make_queue(30, reviewer, editor)
    # The only difference is the "Clear" link and the pager's links, which keep the query.
    normalise = lambda html: (  # noqa: E731
        without_csrf(html)
        .replace('<a href="/">Clear</a>', "")
        .replace("?q=&amp;page=", "?page=")
        .replace("?q=&page=", "?page=")
    )
    for user in (reviewer, editor):  # editors have one more filter (publishing)
        client.force_login(user)
        plain = client.get(f"/{page}")
        filtered = client.get(f"/{page}{'&' if page else '?'}q=")  # an empty filter
        assert plain.status_code == filtered.status_code == 200
        assert normalise(plain.content.decode()) == normalise(filtered.content.decode())
        assert ('name="publishing"' in plain.content.decode()) == (user == editor)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
@pytest.mark.parametrize("params", ["", "?page_size=7", "?page_size=500"])
def test_the_api_list_of_articles_equals_its_serializer(settings, reviewer, editor, zone, params):
    settings.FACTCHECK_OPEN_REVIEWING = False
    make_queue(20, reviewer, editor)
    Article.objects.filter(pk__in=Article.objects.order_by("id")[:3]).update(imported_by=editor)
    for user in (reviewer, editor):
        client = APIClient()
        client.force_authenticate(user)
        viewer = viewer_for(user)
        with timezone.override(zone):
            url = f"/api/articles/{params}"
            pages, expected = [], []
            while url:
                answer = client.get(url)
                assert answer.status_code == 200
                pages.append(answer.json())
                url = pages[-1]["next"]
            for data in pages:
                ids = [row["id"] for row in data["results"]]
                rows = selectors.article_list(viewer).filter(pk__in=ids).order_by("-id")
                expected.append(JSONRenderer().render(ArticleListSerializer(rows, many=True).data))
            assert [JSONRenderer().render(data["results"]) for data in pages] == expected
        everything = selectors.article_list(viewer).order_by("-id").values_list("id", flat=True)
        assert [row["id"] for data in pages for row in data["results"]] == list(everything)
