"""The README's screenshots of the queue and the workspace, taken from the demo's data.

Opt-in (README_SCREENSHOTS=1): it rewrites docs/screenshots/{queue,workspace,workspace-editor,
workspace-help}.png; run it after changing what those pages look like.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from annotations.models import Article
from tests.conftest import sign_in

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(
    os.environ.get("README_SCREENSHOTS") != "1", reason="set README_SCREENSHOTS=1"
)


@pytest.fixture
def demo(seeded_transactional_db):
    call_command("demo", "--no-serve", stdout=StringIO(), stderr=StringIO())
    # The article with the most settled claims shows the most of the workspace.
    return max(Article.objects.all(), key=lambda a: (a.verdicts.count(), -a.pk))


def workspace(page, article, username: str, *keys: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, username, username)
    page.wait_for_url("**/")
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#workspace")).to_be_visible()
    for key in keys:
        page.keyboard.press(key)


def test_screenshots_of_the_queue_and_the_workspace(page, demo):
    workspace(page, demo, "reviewer1", "j")
    page.screenshot(path=str(SCREENSHOTS / "workspace.png"))
    page.keyboard.press("?")
    page.screenshot(path=str(SCREENSHOTS / "workspace-help.png"))
    page.goto("/")
    page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)

    page.context.clear_cookies()
    workspace(page, demo, "editor", "d")  # the first disputed claim: reviews to settle
    page.screenshot(path=str(SCREENSHOTS / "workspace-editor.png"))
