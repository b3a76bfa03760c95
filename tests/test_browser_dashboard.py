"""The dashboard in a real Chromium: charts drawn, no script errors, no serious axe violations.

With DASHBOARD_SCREENSHOTS=1 it also loads the demo data and saves the screenshots in
docs/screenshots/ (dashboard-editor.png, dashboard-reviewer.png):

    DASHBOARD_SCREENSHOTS=1 .venv/bin/pytest tests/test_browser_dashboard.py -k screenshots
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from annotations import services
from tests.conftest import sign_in
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHARTS = ["chart-status", "chart-labels", "chart-throughput", "chart-alpha", "chart-kappa"]


@pytest.fixture
def reviewed(settings):
    """Two reviewers who mostly agree on two articles, one dispute, one verdict."""
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    rita = UserFactory(username="rita", groups=["reviewer"])
    rob = UserFactory(username="rob", groups=["reviewer"])
    ed = UserFactory(username="ed", groups=["editor"])
    first = article_create(sentences=6, source="Courier", tags=["politics"], title="Bridge")
    article_create(sentences=3, source="Times", title='Budget <script>alert("x")</script>')
    labels = ["accurate", "accurate", "mixed", "mostly_accurate", "accurate"]
    for sentence, label in zip(first.sentences.order_by("index"), labels, strict=False):
        services.review_save(sentence=sentence, reviewer=rita, label=label)
        other = "mixed" if label == "mostly_accurate" else label
        services.review_save(sentence=sentence, reviewer=rob, label=other)
    services.verdict_set(sentence=first.sentences.get(index=0), user=ed, label="accurate")
    return first


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_charts_drawn(page, charts: list[str]) -> None:
    for chart in charts:
        svg = page.locator(f'svg[aria-labelledby="{chart}-title {chart}-desc"]')
        assert svg.count() == 1, chart
        assert svg.locator("title").first.text_content().strip() != ""
        assert page.locator(f"table#{chart}-data").count() == 1, chart


def test_editor_dashboard_draws_every_chart_accessibly(page, reviewed):
    sign_in(page, "ed")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard/")

    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert_charts_drawn(page, [*CHARTS, "chart-backlog"])
    assert page.locator("#disputed tbody tr").count() == 1
    assert page.evaluate("window.alert.toString()").startswith("function alert")
    assert serious_violations(page) == []


def test_reviewer_view_draws_their_charts_accessibly(page, reviewed):
    sign_in(page, "rita")
    page.wait_for_url("**/")
    page.goto("/dashboard/")

    assert page.get_by_role("heading", level=1).inner_text() == "Your dashboard"
    assert_charts_drawn(page, CHARTS)
    assert page.locator("#disputed").count() == 0
    assert page.locator("#f-reviewer").count() == 0
    assert serious_violations(page) == []


def test_filters_and_sorting_work_without_scripts(page, reviewed):
    sign_in(page, "ed")
    page.wait_for_url("**/")
    page.goto("/dashboard/")
    page.select_option("#f-source", "Courier")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/dashboard/?*source=Courier*")
    assert page.locator("#articles tbody tr").count() == 1

    page.locator("#articles th a", has_text="Pending").click()
    page.wait_for_url("**sort=-pending**")
    assert page.locator('#articles th[aria-sort="descending"]').inner_text().startswith("Pending")


def test_a_bad_date_shows_a_message_not_an_error(page, reviewed):
    sign_in(page, "ed")
    page.wait_for_url("**/")
    response = page.goto("/dashboard/?from=2026-02-30")
    assert response.status == 400
    assert "is not a date like" in page.get_by_role("alert").inner_text()
    assert serious_violations(page) == []


def test_a_csv_download_parses(page, reviewed):
    sign_in(page, "ed")
    page.wait_for_url("**/")
    page.goto("/dashboard/")
    with page.expect_download() as download:
        page.locator('a[href^="/dashboard/articles.csv"]').click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))

    assert [row["title"] for row in rows] == ['Budget <script>alert("x")</script>', "Bridge"]
    assert [int(row["claims"]) for row in rows] == [3, 6]


@pytest.mark.skipif(
    os.environ.get("DASHBOARD_SCREENSHOTS") != "1", reason="set DASHBOARD_SCREENSHOTS=1"
)
def test_screenshots_of_the_demo(page):
    from django.core.management import call_command

    call_command("demo", "--no-serve", stdout=io.StringIO())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    for username, name in [("editor", "dashboard-editor"), ("reviewer1", "dashboard-reviewer")]:
        page.context.clear_cookies()
        sign_in(page, username, username)
        page.wait_for_url("**/")
        page.goto("/dashboard/")
        assert serious_violations(page) == []
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
