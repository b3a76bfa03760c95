"""The admin lists render for a superuser, with query counts that do not grow with rows."""

from __future__ import annotations

import pytest

from annotations import services
from tests.factories import article_create

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/annotations/article/",
    "/admin/annotations/sentence/",
    "/admin/annotations/label/",
    "/admin/annotations/review/",
    "/admin/annotations/verdict/",
    "/admin/annotations/history/",
    "/admin/annotations/assignment/",
]


def fill(count: int, reviewer, editor) -> None:
    for _ in range(count):
        sentence = article_create(sentences=2).sentences.first()
        services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
        services.verdict_set(sentence=sentence, editor=editor, label="accurate")


@pytest.mark.parametrize("url", PAGES)
def test_admin_lists_render_with_constant_queries(
    client, superuser, reviewer, editor, django_assert_max_num_queries, url
):
    client.force_login(superuser)
    fill(2, reviewer, editor)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    fill(20, reviewer, editor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_article_change_page_shows_sentences_inline(client, superuser):
    article = article_create(sentences=3)
    client.force_login(superuser)
    response = client.get(f"/admin/annotations/article/{article.pk}/change/")
    assert response.status_code == 200
    for sentence in article.sentences.all():
        assert sentence.text.encode() in response.content


def test_labels_cannot_be_deleted_in_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/annotations/label/1/delete/")
    assert response.status_code == 403


def test_reviewers_are_kept_out_of_the_admin(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/admin/")
    assert response.status_code == 302
