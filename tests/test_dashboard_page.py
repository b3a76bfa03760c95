"""/dashboard/: sign-in, what a reviewer sees, links and charts, the articles table's order, the
cache and the query budget."""

from __future__ import annotations

import pytest
from django.test import Client

from annotations import selectors, services
from tests.factories import UserFactory, article_create
from tests.test_dashboard_figures import page_client, team_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(settings, reviewer, reviewer2, editor):
    return team_create(settings, reviewer=reviewer, reviewer2=reviewer2, editor=editor)


def test_anonymous_visitors_are_sent_to_sign_in():
    for url in ("/dashboard/", "/dashboard/articles.csv"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_reviewer_sees_only_their_own_figures(reviewer, team):
    response = page_client(reviewer).get("/dashboard/")
    stats = response.context["stats"]

    assert stats["scope"] == "reviewer"
    assert stats["filters"]["reviewer"] == "rita"
    assert {row["reviewer"] for row in stats["throughput"]} == {"rita"}
    assert all("rita" in pair["reviewers"] for pair in stats["agreement"]["pairs"])
    assert "disputed_sentences" not in stats
    html = response.content.decode()
    assert "Your agreement with the team" in html
    assert 'id="disputed"' not in html and 'id="backlog"' not in html


def test_the_page_links_to_the_workspace_and_draws_titled_charts(editor, team):
    html = page_client(editor).get("/dashboard/").content.decode()

    assert f'href="/articles/{team["a"].pk}/"' in html
    assert f'href="/articles/{team["b"].pk}/#s{team["t0"].pk}"' in html
    for chart in ("chart-status", "chart-labels", "chart-throughput", "chart-alpha", "chart-kappa"):
        assert f'<title id="{chart}-title">' in html
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert 'fill="#1a9850"' in html  # accurate's colour on the scale


def test_sorting_the_articles(editor, team):
    client = page_client(editor)
    page = client.get("/dashboard/?sort=-pending").context["articles_page"]
    assert [row["article"] for row in page["page"]] == [team["a"].pk, team["b"].pk]
    titles = client.get("/dashboard/?sort=title").context["articles_page"]
    assert [row["title"] for row in titles["page"]] == ["Bridge", "Budget"]
    ignored = client.get("/dashboard/?sort=drop+table").context["articles_page"]
    assert [row["article"] for row in ignored["page"]] == [team["b"].pk, team["a"].pk]


@pytest.mark.parametrize("query", ["", "reviewer=rob&"])
def test_every_order_of_the_articles_table_sorts_the_rows_it_names(editor, team, query):
    client = page_client(editor)
    key = {"imported": "created_at", "progress": None}
    for name in selectors.PROGRESS_ORDERS:
        for order in (name, f"-{name}"):
            response = client.get(f"/dashboard/?{query}sort={order}")
            assert response.status_code == 200, order
            rows = list(response.context["articles_page"]["page"])
            assert len(rows) == 2
            column = key.get(name, name)
            if column is None:
                values = [r["final"] / r["claims"] if r["claims"] else 1.0 for r in rows]
            else:
                values = [r[column] for r in rows]
            if name in ("title", "source"):
                values = [v.casefold() for v in values]
            present = [v for v in values if v is not None]
            descending = order.startswith("-")
            assert present == sorted(present, reverse=descending), order


def test_a_repeated_request_is_served_from_the_cache(editor, team, django_assert_max_num_queries):
    client = page_client(editor)
    client.get("/dashboard/")
    # session, user, role, filter menus (sources, tags, reviewers), labels, fingerprint, and
    # the fingerprint of the articles table's page
    with django_assert_max_num_queries(9):
        client.get("/dashboard/")


def fill(articles: int, sentences: int, reviewers: int) -> None:
    people = [UserFactory(username=f"q{i}", groups=["reviewer"]) for i in range(reviewers)]
    boss = UserFactory(username="boss", groups=["editor"])
    labels = ["accurate", "mixed", "mostly_accurate"]
    for number in range(articles):
        article = article_create(sentences=sentences, source=f"S{number % 2}", tags=["t"])
        for i, sentence in enumerate(article.sentences.order_by("index")):
            for j, who in enumerate(people[: 2 + i % 2]):
                label = labels[(i + j * (i % 3)) % 3]
                services.review_save(sentence=sentence, reviewer=who, label=label)
        services.assignment_create(
            article_ids=[article.pk], reviewers=[people[0].username], assigned_by=boss
        )


@pytest.mark.parametrize(("articles", "sentences", "reviewers"), [(1, 3, 2), (5, 30, 5)])
def test_the_dashboard_takes_the_same_queries_whatever_the_data(
    editor, settings, django_assert_max_num_queries, articles, sentences, reviewers
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    fill(articles, sentences, reviewers)
    client = page_client(editor)
    # session + user + role + filter menus (sources, tags, reviewers) + the source filter's
    # check + labels + fingerprint + totals and backlog + reviews by label + verdicts by label
    # + throughput + agreement in the window by day + agreement by codes + reviewer names
    # + disputed sentences + their reviews + reuse (claim matching) + the articles table's
    # page (fingerprint, count, rows)
    with django_assert_max_num_queries(22):
        response = client.get("/dashboard/?source=S0")
    assert response.status_code == 200


@pytest.mark.parametrize(("articles", "sentences", "reviewers"), [(1, 3, 2), (5, 30, 5)])
def test_the_reviewer_view_takes_the_same_queries_whatever_the_data(
    settings, django_assert_max_num_queries, articles, sentences, reviewers
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    fill(articles, sentences, reviewers)
    from django.contrib.auth import get_user_model

    client = page_client(get_user_model().objects.get(username="q0"))
    # session + user + role + filter menus (sources, tags) + labels + fingerprint + totals and
    # backlog + reviews by label + verdicts by label + throughput + agreement by codes + in the
    # window by day + per article + reviewer names + reuse (claim matching) + the articles
    # table's page (fingerprint, count, rows)
    with django_assert_max_num_queries(19):
        response = client.get("/dashboard/")
    assert response.status_code == 200
