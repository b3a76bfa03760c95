"""The dashboard's charts: axes that end on round numbers, and empty charts for no data."""

from __future__ import annotations

import pytest

from annotations.dashboard.charts import nice_max
from tests.test_dashboard_figures import page_client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (7, 10), (12, 20), (24, 25), (260, 500), (1000, 1000)]
)
def test_axes_end_on_round_numbers(value, expected):
    assert nice_max(value) == expected


def test_an_empty_database_draws_empty_charts_not_errors(editor):
    response = page_client(editor).get("/dashboard/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["agreement"]["alpha_nominal"] is None
    assert list(response.context["articles_page"]["page"]) == []
    assert "No two reviewers have reviewed the same sentence yet." in response.content.decode()
