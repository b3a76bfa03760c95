"""Publishing fact-checks in a real Chromium: an editor publishes from the workspace (the `p` key
or the form), a refused publish says why and keeps what was typed, a correction carries its note
to readers, a take-down makes the public page answer 410; the public pages are axe-clean.

With PUBLIC_SCREENSHOTS=1 it also saves docs/screenshots/public-claim.png:

    PUBLIC_SCREENSHOTS=1 .venv/bin/pytest tests/test_browser_publishing.py -k screenshot
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations import services
from annotations.models import Verdict
from tests.conftest import workspace_open
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

BODY = (
    "The mayor said taxes fell by 4% last year. Crime rose in every ward.\n"
    "The council spent £3.5 million on roads. Critics said that was too little."
)
OUTTURN = {
    "url": "https://example.org/budget-outturn-2025",
    "title": "Budget outturn 2025",
    "quote": "Council tax receipts rose by 2.1%.",
    "stance": "refutes",
}
BLOG = {
    "url": "https://example.org/a-blog-post",
    "title": "A blog post",
    "quote": "",
    "stance": "supports",
}


@pytest.fixture
def people(seeded_transactional_db):
    return {
        "rita": UserFactory(username="rita", groups=["reviewer"]),
        "rob": UserFactory(username="rob", groups=["reviewer"]),
        "ed": UserFactory(username="ed", groups=["editor"]),
    }


@pytest.fixture
def article(people):
    return article_create(
        title="Council budget",
        body=BODY,
        source="Harbour Courier",
        url="https://example.org/news/council-budget",
    )


def first_claim(article):
    return article.sentences.get(index=0)


def open_workspace(page, article, username="ed"):
    workspace_open(page, article, username)
    page.keyboard.press("j")


def published_verdict(article, people, **changes) -> Verdict:
    """The first claim fact-checked and published through the services, as an editor would."""
    sentence = first_claim(article)
    services.review_save(
        sentence=sentence, reviewer=people["rob"], label="false", evidence=[OUTTURN]
    )
    values = {
        "label": "false",
        "rationale": "Receipts rose: the outturn shows an increase of 2.1%.",
        "evidence": [OUTTURN],
        "published": True,
    }
    return services.verdict_set(sentence=sentence, user=people["ed"], **{**values, **changes})


def anonymous(browser, live_server):
    """A browser context that never signed in: what a reader sees."""
    return browser.new_context(base_url=live_server.url)


def test_an_editor_publishes_with_the_key_and_readers_see_the_source(
    page, browser, live_server, article, people
):
    sentence = first_claim(article)
    services.review_save(
        sentence=sentence, reviewer=people["rob"], label="false", evidence=[OUTTURN]
    )
    services.review_save(
        sentence=sentence, reviewer=people["rita"], label="accurate", evidence=[BLOG]
    )
    open_workspace(page, article)
    expect(page.locator("#verdict")).to_contain_text("No verdict yet.")

    # Both reviewers' sources are offered, ticked; the editor keeps the outturn only.
    sources = page.locator("#verdict-source-list li")
    expect(sources).to_have_count(2)
    expect(sources.nth(0)).to_contain_text("Budget outturn 2025")
    expect(sources.nth(0)).to_contain_text("from rob")
    expect(page.get_by_label("Keep source 1: Budget outturn 2025")).to_be_checked()
    page.get_by_label("Keep source 2: A blog post").uncheck()
    page.select_option("#verdict-label", "false")
    page.fill("#verdict-rationale", "Receipts rose: the outturn shows an increase of 2.1%.")
    page.keyboard.press("Escape")  # back to the sentence, where keys act
    expect(page.locator(f"#s{sentence.pk}")).to_be_focused()

    with page.expect_request("**/verdict/") as sent:
        page.keyboard.press("p")
    assert sent.value.headers.get("if-none-match") == "*"
    expect(page.locator("#panel-save")).to_have_text("Published: the fact-check is public.")
    state = page.locator("#verdict-state")
    expect(state).to_contain_text(re.compile(r"Published on \d{1,2} \w+ \d{4}"))
    expect(state.get_by_role("link", name="public page")).to_have_attribute(
        "href", f"/claims/{sentence.pk}/"
    )
    expect(page.locator("#verdict-published")).to_be_checked()
    expect(page.locator("#verdict-correction-box")).to_be_visible()  # a change is a correction

    verdict = Verdict.objects.get()
    assert verdict.published
    assert verdict.published_at is not None
    assert (verdict.label.slug, verdict.decided_by, verdict.evidence) == (
        "false",
        people["ed"],
        [OUTTURN],
    )

    reader = anonymous(browser, live_server)
    public = reader.new_page()
    response = public.goto(f"/claims/{sentence.pk}/")
    assert response.status == 200
    expect(public.get_by_role("heading", level=1)).to_have_text("Claim")
    expect(public.locator(".claim-text")).to_have_text(sentence.text)
    source = public.locator(".sources").get_by_role("link", name="Budget outturn 2025")
    expect(source).to_have_attribute("href", OUTTURN["url"])
    expect(public.locator(".sources")).to_contain_text("Council tax receipts rose by 2.1%.")
    expect(public.locator(".rationale")).to_contain_text("the outturn shows an increase")
    expect(public.locator("main")).not_to_contain_text("A blog post")
    expect(public.locator("main")).not_to_contain_text("rob")
    public.goto("/claims/")
    expect(public.locator(".claim-list")).to_contain_text(sentence.text)
    reader.close()


def test_a_publish_refused_for_a_missing_source_says_why_and_keeps_the_input(
    page, browser, live_server, article, people
):
    sentence = first_claim(article)
    services.review_save(sentence=sentence, reviewer=people["rob"], label="mixed")  # no evidence
    open_workspace(page, article)
    expect(page.locator("#verdict-source-list")).to_contain_text("No sources yet")

    page.select_option("#verdict-label", "mixed")
    page.fill("#verdict-rationale", "Taxes fell for two bands and rose for the rest.")
    page.check("#verdict-published")
    page.click("#verdict-form button[type=submit]")

    error = page.locator("#verdict-evidence-error")
    expect(error).to_have_text("A published fact-check needs at least one source link.")
    expect(page.locator("#panel-save")).to_have_text("Not published: see the messages in the form.")
    # Everything typed is still there, and the source form is open to add the missing link.
    expect(page.locator("#verdict-rationale")).to_have_value(
        "Taxes fell for two bands and rose for the rest."
    )
    expect(page.locator("#verdict-label")).to_have_value("mixed")
    expect(page.locator("#verdict-published")).to_be_checked()
    expect(page.locator("#verdict-source-url")).to_be_focused()
    expect(page.locator("#verdict-rationale-error")).to_be_hidden()
    assert not Verdict.objects.exists()

    # A link that is not one is refused on the page; Enter adds a source, never submits.
    page.keyboard.type("example.org/minutes")
    page.keyboard.press("Enter")
    expect(page.locator("#verdict-source-error")).to_contain_text("full link")
    page.fill("#verdict-source-url", "https://example.org/minutes")
    page.fill("#verdict-source-title", "Council minutes, 3 March")
    page.select_option("#verdict-source-stance", "context")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Keep source 1: Council minutes, 3 March")).to_be_checked()
    assert not Verdict.objects.exists()

    page.click("#verdict-form button[type=submit]")
    expect(page.locator("#panel-save")).to_have_text("Published: the fact-check is public.")
    expect(error).to_be_hidden()
    verdict = Verdict.objects.get()
    assert verdict.published
    assert verdict.rationale == "Taxes fell for two bands and rose for the rest."
    assert verdict.evidence == [
        {
            "url": "https://example.org/minutes",
            "title": "Council minutes, 3 March",
            "quote": "",
            "stance": "context",
        }
    ]
    reader = anonymous(browser, live_server)
    public = reader.new_page()
    assert public.goto(f"/claims/{sentence.pk}/").status == 200
    expect(public.locator(".sources")).to_contain_text("Council minutes, 3 March")
    reader.close()


def test_p_on_a_draft_without_a_rationale_opens_the_form_with_the_message(page, article, people):
    verdict = published_verdict(article, people, rationale="", published=False)
    open_workspace(page, article)
    expect(page.locator("#verdict-state")).to_contain_text("Draft")

    with page.expect_request("**/verdict/") as sent:
        page.keyboard.press("p")
    assert sent.value.headers.get("if-match") == f'"{verdict.version}"'
    expect(page.locator("#verdict-rationale-error")).to_contain_text("needs a rationale")
    expect(page.locator("#verdict-rationale")).to_be_focused()
    expect(page.locator("#verdict-rationale")).to_have_attribute("aria-invalid", "true")
    verdict.refresh_from_db()
    assert not verdict.published

    page.keyboard.type("The outturn shows receipts rose.")
    page.keyboard.press("Escape")
    page.keyboard.press("p")
    expect(page.locator("#panel-save")).to_have_text("Published: the fact-check is public.")
    expect(page.locator("#verdict-rationale-error")).to_be_hidden()
    verdict.refresh_from_db()
    assert (verdict.published, verdict.rationale) == (True, "The outturn shows receipts rose.")


def test_a_correction_carries_the_note_to_readers(page, browser, live_server, article, people):
    sentence = first_claim(article)
    published_verdict(article, people)
    open_workspace(page, article)
    expect(page.locator("#verdict-correction-box")).to_be_visible()

    page.select_option("#verdict-label", "misleading")
    page.fill("#verdict-correction", "The council revised its figures on 5 March.")
    page.click("#verdict-form button[type=submit]")
    expect(page.locator("#panel-save")).to_have_text("Correction published.")
    expect(page.locator("#verdict-state")).to_contain_text("corrected on")
    expect(page.locator("#verdict-correction")).to_have_value("")

    verdict = Verdict.objects.get()
    assert (verdict.published, verdict.label.slug) == (True, "misleading")
    assert verdict.corrections.get().note == "The council revised its figures on 5 March."
    reader = anonymous(browser, live_server)
    public = reader.new_page()
    public.goto(f"/claims/{sentence.pk}/")
    expect(public.locator(".corrections")).to_contain_text(
        "corrected to Misleading: The council revised its figures on 5 March."
    )
    reader.close()


def test_taking_a_fact_check_down_makes_its_page_answer_410(
    page, browser, live_server, article, people
):
    sentence = first_claim(article)
    published_verdict(article, people)
    reader = anonymous(browser, live_server)
    public = reader.new_page()
    assert public.goto(f"/claims/{sentence.pk}/").status == 200

    open_workspace(page, article)
    expect(page.locator("#verdict-state")).to_contain_text("Published on")
    # p on a published fact-check asks first; declined, nothing changes.
    asked: list[str] = []

    def decline(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    page.keyboard.press("p")
    expect(page.locator("#panel-save")).to_have_text("Still published: nothing was changed.")
    assert "410 Gone" in asked[0]
    assert Verdict.objects.get().published

    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("p")
    expect(page.locator("#panel-save")).to_have_text(
        "Taken down: its public page now answers 410 Gone."
    )
    expect(page.locator("#verdict-state")).to_contain_text("Draft")
    expect(page.locator("#verdict-published")).not_to_be_checked()
    verdict = Verdict.objects.get()
    assert (verdict.published, verdict.published_at) == (False, None)
    assert verdict.unpublished_at is not None

    response = public.goto(f"/claims/{sentence.pk}/")
    assert response.status == 410
    expect(public.get_by_role("heading", level=1)).to_have_text(
        "This fact-check has been withdrawn"
    )
    public.goto("/claims/")
    expect(public.locator(".claim-list")).not_to_contain_text(sentence.text)
    reader.close()


def test_unticking_publish_in_the_form_also_asks_before_taking_down(page, article, people):
    published_verdict(article, people)
    open_workspace(page, article)
    page.uncheck("#verdict-published")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#verdict-form button[type=submit]")
    expect(page.locator("#panel-save")).to_have_text("Still published: nothing was changed.")
    assert Verdict.objects.get().published


def test_the_key_is_listed_for_editors_and_does_nothing_for_reviewers(page, article, people):
    published_verdict(article, people, published=False)
    services.review_save(sentence=first_claim(article), reviewer=people["rita"], label="mixed")
    open_workspace(page, article, "rita")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keys")).not_to_contain_text("publish")
    page.keyboard.press("Escape")
    expect(page.locator("#verdict-state")).to_contain_text("Draft")
    expect(page.locator("#verdict-form")).to_be_hidden()
    page.keyboard.press("p")
    expect(page.locator("#verdict-state")).to_contain_text("Draft")
    assert not Verdict.objects.get().published

    page.context.clear_cookies()
    open_workspace(page, article, "ed")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keys")).to_contain_text("publish the verdict")


# ---- accessibility ---------------------------------------------------------------------------


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/claims/", "/claims/{id}/"], ids=["index", "claim"])
def test_public_pages_have_no_accessibility_violations(page, article, people, path, width):
    verdict = published_verdict(article, people)
    services.verdict_set(
        sentence=verdict.sentence_id,
        user=people["ed"],
        label="misleading",
        rationale=verdict.rationale,
        evidence=[OUTTURN, {**BLOG, "stance": "context"}],
        correction="The council revised its figures.",
        expected_version=verdict.version,
    )
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(path.format(id=verdict.sentence_id))
    assert response.status == 200
    assert violations(page) == []
    # Nothing is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_a_withdrawn_fact_check_page_has_no_accessibility_violations(page, article, people, width):
    verdict = published_verdict(article, people)
    services.verdict_set(
        sentence=verdict.sentence_id,
        user=people["ed"],
        label="false",
        rationale=verdict.rationale,
        published=False,
        expected_version=verdict.version,
    )
    page.set_viewport_size({"width": width, "height": 900})
    assert page.goto(f"/claims/{verdict.sentence_id}/").status == 410
    assert violations(page) == []


def test_the_editors_verdict_form_has_no_serious_accessibility_violations(page, article, people):
    published_verdict(article, people, rationale="", published=False)
    open_workspace(page, article)
    page.keyboard.press("p")  # refused: the messages show beside the fields
    expect(page.locator("#verdict-rationale-error")).to_be_visible()
    page.click("#verdict-source-add")
    serious = [v for v in violations(page) if "(serious)" in v or "(critical)" in v]
    assert serious == []


# ---- the screenshot in the README ----------------------------------------------------------


@pytest.mark.skipif(os.environ.get("PUBLIC_SCREENSHOTS") != "1", reason="set PUBLIC_SCREENSHOTS=1")
def test_screenshot_of_a_public_fact_check(page, people):
    article = article_create(
        title="Harbour wall to cost £40 million, council says",
        body=(
            "The new harbour wall will cost £40 million, the council said on Monday. "
            "Work starts in spring.\n"
            "The wall was last rebuilt in 1953."
        ),
        source="Harbour Courier",
        url="https://example.org/news/harbour-wall",
        published_at=timezone.make_aware(datetime(2026, 3, 2, 9, 30)),
    )
    sentence = article.sentences.get(index=0)
    minutes = {
        "url": "https://example.org/council/minutes-2026-03-02",
        "title": "Council minutes, 2 March 2026",
        "quote": "Phase one is costed at £40 million; phases two and three are not yet costed.",
        "stance": "context",
    }
    report = {
        "url": "https://example.org/council/harbour-wall-business-case.pdf",
        "title": "Harbour wall business case",
        "quote": "Estimated total cost across all three phases: £112 million.",
        "stance": "refutes",
    }
    services.review_save(
        sentence=sentence, reviewer=people["rob"], label="false", evidence=[report]
    )
    services.review_save(
        sentence=sentence, reviewer=people["rita"], label="mixed", evidence=[minutes]
    )
    verdict = services.verdict_set(
        sentence=sentence,
        user=people["ed"],
        label="false",
        rationale=(
            "£40 million is the cost of the first of three phases. The council's own business "
            "case puts the whole wall at £112 million."
        ),
        evidence=[report, minutes],
        published=True,
    )
    services.verdict_set(
        sentence=sentence,
        user=people["ed"],
        label="misleading",
        rationale=verdict.rationale,
        evidence=[report, minutes],
        correction="the council published the phase costs, and £40 million is right for phase one.",
        expected_version=verdict.version,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.goto(f"/claims/{sentence.pk}/").status == 200
    assert violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "public-claim.png"), full_page=True)
