"""The dashboard's filters (annotations.filters.StatsFilterForm): a bad value answers 400 with
the same message on the page, in /api/stats/ and in the CSV downloads."""

from __future__ import annotations

import pytest

from tests.test_dashboard_figures import page_client, team_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(settings, reviewer, reviewer2, editor):
    return team_create(settings, reviewer=reviewer, reviewer2=reviewer2, editor=editor)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-01", "from", "'2026-13-01' is not a date like 2026-11-30."),
        ("to=yesterday", "to", "'yesterday' is not a date like 2026-11-30."),
        ("reviewer=nobody", "reviewer", "No reviewer is called 'nobody'."),
        ("tag=nope", "tag", "No tag is called 'nope'."),
        ("source=Nowhere", "source", "No article comes from the source 'Nowhere'."),
        (
            "from=2026-03-20&to=2026-03-01",
            "from",
            "The start, 2026-03-20, is after the end, 2026-03-01.",
        ),
        ("days=0", "days", "Must be a whole number of days from 1 to 3660."),
        # Days whose end (or a chart's next day) leaves the calendar: were 500s.
        (
            "to=9999-12-31",
            "to",
            "9999-12-31 is out of range: choose a day from 0001-01-02 to 9999-12-29.",
        ),
        (
            "from=9999-12-31",
            "from",
            "9999-12-31 is out of range: choose a day from 0001-01-02 to 9999-12-29.",
        ),
        (
            "to=0001-01-10",
            "to",
            "The 30 days up to 0001-01-10 start too early; choose a later day.",
        ),
    ],
)
def test_bad_filters_answer_400_with_a_message_on_the_page_and_in_the_api(
    editor, editor_client, query, field, message
):
    page = page_client(editor).get(f"/dashboard/?{query}")
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    assert message.replace("'", "&#x27;") in page.content.decode()

    api = editor_client.get(f"/api/stats/?{query}")
    assert api.status_code == 400
    assert api.json() == {field: [message]}

    download = page_client(editor).get(f"/dashboard/articles.csv?{query}")
    assert download.status_code == 400


def test_a_reviewer_may_not_ask_for_someone_elses_figures(reviewer, team):
    response = page_client(reviewer).get("/dashboard/?reviewer=rob")
    assert response.status_code == 400
    assert "Reviewers see only their own figures" in response.content.decode()


def test_the_latest_and_earliest_days_accepted_give_figures(editor, editor_client):
    for query in ("to=9999-12-29", "from=0001-01-02&to=0001-12-31", "to=0001-01-31&days=30"):
        assert editor_client.get(f"/api/stats/?{query}").status_code == 200, query
        assert page_client(editor).get(f"/dashboard/?{query}").status_code == 200, query
