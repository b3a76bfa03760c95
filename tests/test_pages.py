"""Server-rendered pages: sign-in required, article text always escaped."""

from __future__ import annotations

import pytest

from tests.factories import article_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/articles/1/"])
def test_pages_send_anonymous_users_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_login_page_renders_djangos_form(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'name="password"' in response.content


def test_sign_in_with_username_and_password(client, reviewer):
    response = client.post("/accounts/login/", {"username": "rita", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_article_list_and_detail_show_articles(client, reviewer):
    article = article_create(title="Harbour bridge", sentences=3)
    client.force_login(reviewer)

    listing = client.get("/")
    detail = client.get(f"/articles/{article.pk}/")

    assert b"Harbour bridge" in listing.content
    assert detail.status_code == 200
    for sentence in article.sentences.all():
        assert sentence.text.encode() in detail.content


def test_article_text_is_escaped(client, reviewer):
    article = article_create(
        title="<script>alert('t')</script>",
        body='He wrote <script>alert(1)</script> and <img src=x onerror="alert(2)">.',
    )
    client.force_login(reviewer)

    content = client.get(f"/articles/{article.pk}/").content.decode()

    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize(("articles", "queries"), [(3, 6), (30, 7), (60, 7)])
def test_article_list_query_count_does_not_grow(
    client, reviewer, django_assert_num_queries, articles, queries
):
    for _ in range(articles):
        article_create(sentences=2)
    client.force_login(reviewer)
    # session + user + viewer's role + articles page with counts + their tags + their claims
    # checked before, and a count for the paginator when the first page is full
    with django_assert_num_queries(queries):
        client.get("/")


@pytest.mark.parametrize("sentences", [10, 300])
def test_workspace_query_count_does_not_grow_with_sentences(
    client, reviewer, reviewer2, editor, django_assert_num_queries, sentences
):
    from annotations import services

    article = article_create(sentences=sentences)
    for sentence in article.sentences.all()[:5]:
        services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
        services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    services.verdict_set(sentence=article.sentences.first(), user=editor, label="mixed")
    client.force_login(reviewer)
    # session + user + viewer's role + article with counts + tags + sentences with verdicts
    # + their reviews + labels + their claim matches
    with django_assert_num_queries(9):
        response = client.get(f"/articles/{article.pk}/")
    assert response.content.count(b'class="s kind-') == sentences


def test_sign_out_with_a_post(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/sentences/?updated_since=0001-01-01T00:00:00%2B14:00", "updated_since"),
        ("/api/sentences/?updated_since=9999-12-31T23:59:59-01:00", "updated_since"),
        ("/api/articles/?published_after=0001-01-01T00:00:00%2B14:00", "published_after"),
        ("/api/articles/?published_before=9999-12-31T23:59:59-01:00", "published_before"),
    ],
)
def test_date_time_filters_out_of_range_in_utc_answer_400(reviewer_client, url, field):
    """On SQLite these failed with a 500 (the year 0 or 10000 once converted to UTC)."""
    article_create(sentences=1)
    response = reviewer_client.get(url)
    assert response.status_code == 400
    assert response.json() == {
        field: [
            f"{url.split('=')[1].replace('%2B', '+')} is out of range: a date-time must fall "
            "within the years 1 to 9999 in UTC."
        ]
    }


def test_the_queue_page_answers_400_with_the_reason_for_a_bad_filter(client, reviewer):
    article_create(sentences=1)
    client.force_login(reviewer)
    response = client.get("/?published_after=0001-01-01T00:00:00%2B14:00")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert "out of range" in response.content.decode()
