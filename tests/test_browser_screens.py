"""Every page type on a phone, a tablet, a laptop and a wide monitor, in a real Chromium.

No page scrolls sideways at 390, 768, 1366 or 1920 px; at phone width every page is axe-clean
and its controls are at least 44 px high; a phone labels from a sheet at the bottom of the
screen; a wide monitor gives the text a readable measure and the panel the rest.

With SCREENS_SCREENSHOTS=1 it also saves phone screenshots in docs/screenshots/
(workspace-phone.png, queue-phone.png).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Review
from tests.conftest import sign_in
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser

WIDTHS = [390, 768, 1366, 1920]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
LONG = "https://example.org/a/very/long/address/that/has/no/spaces/" + "x" * 60
BODY = "\n".join(
    [
        "The mayor said taxes fell by 4% last year. Crime rose in every ward.",
        f"The report is at {LONG} and nowhere else.",
        "Advert",
        "The council spent £3.5 million on roads. Critics said that was too little.",
        "Mr. Alder opened the bridge at 9 a.m. on Monday. " * 6,
    ]
)


@pytest.fixture
def site(seeded_transactional_db, settings):
    """Something on every page: reviews, a dispute, a published verdict, two articles."""
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    rita = UserFactory(username="rita", groups=["reviewer"])
    rob = UserFactory(username="rob", groups=["reviewer"])
    ed = UserFactory(username="ed", groups=["editor"])
    article = article_create(
        title="Council budget: what the mayor said about taxes, crime and the roads",
        body=BODY,
        source="The Harbour Town Evening Courier",
        tags=["politics", "local-government", "budget"],
    )
    article_create(sentences=4, source="Times", title="Bridge")
    first = article.sentences.get(index=0)
    for sentence, (mine, theirs) in zip(
        article.sentences.filter(kind="claim").order_by("index"),
        [("accurate", "accurate"), ("mixed", "unverifiable"), ("accurate", "accurate")],
        strict=False,
    ):
        services.review_save(sentence=sentence, reviewer=rita, label=mine, note="Checked")
        services.review_save(sentence=sentence, reviewer=rob, label=theirs)
    source = {"url": LONG, "title": "Minutes", "quote": "", "stance": "supports"}
    services.verdict_set(
        sentence=first,
        user=ed,
        label="accurate",
        rationale="The minutes bear it out.",
        evidence=[source],
        published=True,
    )
    return {"article": article, "claim": first}


def pages_of(site) -> dict[str, str]:
    article, claim = site["article"], site["claim"]
    return {
        "queue": "/",
        "workspace": f"/articles/{article.pk}/#s{claim.pk}",
        "dashboard": "/dashboard/",
        "claims": "/claims/",
        "claim": f"/claims/{claim.pk}/",
        "import": "/import/",
        "export": "/export/",
    }


def widest(page) -> list[str]:
    """The elements reaching past the window's right edge (to say what overflows)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('body *'))
            .filter((el) => el.getBoundingClientRect().right
              > document.documentElement.clientWidth + 1)
            .filter((el) => !el.closest('.table-scroll'))
            .slice(0, 5).map((el) => el.tagName + '.' + el.className + '#' + el.id)"""
    )


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def small_targets(page) -> list[str]:
    """Visible controls lower than 44 px (checkboxes count by their label)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
              'button, select, input:not([type=checkbox]):not([type=radio]):not([type=hidden]),'
              + ' textarea, .topbar a, label.check, .pager a'))
            .filter((el) => el.offsetParent !== null && !el.closest('[hidden], .visually-hidden'))
            .filter((el) => el.getBoundingClientRect().height < 43.5)
            .map((el) => el.tagName + '#' + el.id + ' '
              + (el.textContent || el.name || '').trim().slice(0, 30)
              + ' ' + Math.round(el.getBoundingClientRect().height) + 'px')"""
    )


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def visit(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("load")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    wide = {}
    visit(page, "/accounts/login/")
    wide["login"] = (overflow(page), widest(page))
    visit(page, "/claims/")
    wide["claims (signed out)"] = (overflow(page), widest(page))
    for who in ("rita", "ed"):
        sign_in(page, who)
        page.wait_for_url("**/")
        for name, path in pages_of(site).items():
            visit(page, path)
            if overflow(page):
                wide[f"{name} ({who})"] = (overflow(page), widest(page))
        page.context.clear_cookies()
    assert {name: found for name, found in wide.items() if found[0] > 0} == {}


def test_every_page_at_phone_width_is_accessible_with_large_targets(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    visit(page, "/accounts/login/")
    problems = {"login": serious_violations(page) + small_targets(page)}
    for who in ("rita", "ed"):
        sign_in(page, who)
        page.wait_for_url("**/")
        for name, path in pages_of(site).items():
            visit(page, path)
            problems[f"{name} ({who})"] = serious_violations(page) + small_targets(page)
        page.context.clear_cookies()
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_top_bar_wraps_and_keeps_sign_out_on_screen(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ed")
    page.wait_for_url("**/")
    for locator in (
        page.get_by_role("button", name="Sign out"),
        page.get_by_role("link", name="API"),
    ):
        box = locator.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_a_phone_labels_from_the_sheet_at_the_bottom(page, site):
    article = site["article"]
    crime = article.sentences.get(index=1)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "rob")
    page.wait_for_url("**/")
    visit(page, f"/articles/{article.pk}/")
    panel = page.locator("#panel")
    page.locator(f"#s{crime.pk}").click()  # a tap

    # The sheet sits at the bottom of the screen, its labels on screen without scrolling.
    box = panel.bounding_box()
    assert box["y"] > 844 * 0.4 and abs(box["y"] + box["height"] - 844) < 2
    expect(page.locator("#sheet-position")).to_have_text("Claim 2 of 11")
    button = page.locator(".label-button[data-slug=mixed]")
    target = button.bounding_box()
    assert target["height"] >= 44 and box["y"] <= target["y"] <= 844 - target["height"]
    # The tapped sentence is above the sheet, not under it.
    sentence = page.locator(f"#s{crime.pk}").bounding_box()
    assert sentence["y"] + sentence["height"] <= box["y"]
    button.click()
    expect(page.locator("#panel-save")).to_contain_text("Saved (version")
    review = Review.objects.get(sentence=crime, reviewer__username="rob")
    assert review.label.slug == "mixed"

    # More room for the note and evidence; Close gives the whole screen back to the text.
    page.click("#sheet-size")
    assert panel.bounding_box()["height"] > box["height"]
    page.click("#sheet-close")
    expect(panel).to_be_hidden()
    page.locator(f"#s{article.sentences.get(index=0).pk}").click()
    expect(panel).to_be_visible()
    if os.environ.get("SCREENS_SCREENSHOTS") == "1":
        page.click("#sheet-size")  # back to the usual height
        page.screenshot(path=str(SCREENSHOTS / "workspace-phone.png"))
        visit(page, "/")
        page.screenshot(path=str(SCREENSHOTS / "queue-phone.png"))


def test_a_wide_monitor_gives_the_text_a_measure_and_the_panel_the_rest(page, site):
    page.set_viewport_size({"width": 1920, "height": 1080})
    sign_in(page, "rita")
    page.wait_for_url("**/")
    visit(page, f"/articles/{site['article'].pk}/")
    text = page.locator("#text").bounding_box()
    panel = page.locator("#panel").bounding_box()
    assert 640 <= text["width"] <= 820  # about 70 characters a line
    assert panel["width"] >= 600
    assert panel["x"] + panel["width"] <= 1920
