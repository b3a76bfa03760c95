"""Under the Content-Security-Policy, in a real Chromium, every page still runs its script and
the browser reports no violation; a locked-out user sees why."""

from __future__ import annotations

import pytest
from django.conf import settings

from annotations import services
from tests.conftest import sign_in
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser

# Runs before any page script and outside the page's policy (Playwright injects it).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations")


def test_no_page_violates_the_policy(watched, editor):
    page = watched
    UserFactory(username="root", is_superuser=True, is_staff=True)
    article = article_create(sentences=4)
    claim = article.sentences.first()
    services.verdict_set(sentence=claim, user=editor, label="false", rationale="No.")

    sign_in(page, "root")
    page.wait_for_url("**/")
    assert violations(page) == []

    # The workspace's script runs: sentences become selectable and the help opens.
    page.goto(f"/articles/{article.pk}/")
    page.locator(".ws-text .s").first.wait_for()
    page.keyboard.press("j")
    page.wait_for_selector(".ws-text .s[aria-current=true]")
    assert violations(page) == []

    # Swagger UI starts from its script file and renders the operations from the schema.
    page.goto("/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10
    assert violations(page) == []

    for url in ["/dashboard/", f"/claims/{claim.pk}/", "/admin/", "/admin/auth/user/add/"]:
        page.goto(url)
        page.wait_for_load_state("load")
        assert violations(page) == [], url


def test_a_locked_out_user_reads_why_on_the_sign_in_page(watched):
    page = watched
    UserFactory(username="rita", groups=["reviewer"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, "rita", "wrong")

    sign_in(page, "rita", "pw")

    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("Too many failed sign-ins for rita from your address")
    )
    assert page.url.endswith("/accounts/login/")
    assert violations(page) == []
