"""The annotation workspace in a real Chromium, driven by the keyboard as a reviewer would."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Review, Sentence, Verdict
from tests.conftest import sign_in
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser

BODY = (
    "The mayor said taxes fell by 4% last year. Crime rose in every ward.\n"
    "Advert\n"
    "The council spent £3.5 million on roads. Critics said that was too little.\n"
    "Mr. Alder opened the bridge at 9 a.m. on Monday."
)


@pytest.fixture
def people(seeded_transactional_db):
    return {
        "rita": UserFactory(username="rita", groups=["reviewer"]),
        "rob": UserFactory(username="rob", groups=["reviewer"]),
        "ed": UserFactory(username="ed", groups=["editor"]),
    }


@pytest.fixture
def article(people):
    return article_create(title="Council budget", body=BODY)


def open_workspace(page, article, username="rita"):
    sign_in(page, username)
    page.wait_for_url("**/")
    page.goto(f"/articles/{article.pk}/")
    expect(page.locator("#workspace")).to_be_visible()


def sentence_at(article, index: int) -> Sentence:
    return article.sentences.get(index=index)


def saved(page):
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")


def test_rate_three_sentences_with_the_keyboard(page, article, people):
    open_workspace(page, article)

    page.keyboard.press("j")  # first sentence
    page.keyboard.press("1")
    saved(page)
    page.keyboard.press("j")
    page.keyboard.press("3")
    saved(page)
    page.keyboard.press("j")  # skips the "Advert" boilerplate
    expect(page.locator("#panel-text")).to_have_text("The council spent £3.5 million on roads.")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("k")  # back up to the roads sentence
    page.keyboard.press("6")
    saved(page)

    reviews = {
        r.sentence.index: r.label.slug
        for r in Review.objects.filter(reviewer=people["rita"]).select_related("sentence", "label")
    }
    assert reviews == {0: "accurate", 1: "mixed", 3: "unverifiable"}
    # The sentence colour and the progress bar follow at once, without a reload.
    rated = page.locator(f"#s{sentence_at(article, 3).pk}")
    expect(rated).to_have_class(re.compile(r"\blabelled\b"))
    expect(rated).to_have_class(re.compile(r"\bstatus-in_review\b"))
    expect(page.locator("#progress-text")).to_have_text("3 / 5 rated by you")
    # Through the API, as a client would see them.
    api = page.request.get(f"/api/sentences/{sentence_at(article, 0).pk}/").json()
    assert [(r["reviewer"], r["label"]) for r in api["reviews"]] == [("rita", "accurate")]


def test_keys_typed_into_a_note_never_trigger_shortcuts_and_ctrl_enter_saves(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("2")
    saved(page)

    page.keyboard.press("n")
    expect(page.locator("#note")).to_be_focused()
    page.keyboard.type("Checked 1 2 3 against the jk minutes?")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 2)")

    review = Review.objects.get()
    assert (review.label.slug, review.note) == (
        "mostly_accurate",
        "Checked 1 2 3 against the jk minutes?",
    )
    page.keyboard.press("Escape")
    expect(page.locator(f"#s{sentence_at(article, 0).pk}")).to_be_focused()


def test_a_label_that_needs_evidence_waits_for_it(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("5")  # False needs evidence

    expect(page.locator("#panel-save")).to_contain_text("needs evidence")
    expect(page.locator("#evidence-form input[name=url]")).to_be_focused()
    assert not Review.objects.exists()

    page.fill("#evidence-form input[name=url]", "https://example.org/budget")
    page.fill("#evidence-form input[name=title]", "Budget report")
    page.select_option("#evidence-form select[name=stance]", "refutes")
    page.click("#evidence-form button[type=submit]")
    saved(page)
    expect(page.locator("#evidence-list")).to_contain_text("Budget report")

    review = Review.objects.get()
    assert review.label.slug == "false"
    assert review.evidence == [
        {
            "url": "https://example.org/budget",
            "title": "Budget report",
            "quote": "",
            "stance": "refutes",
        }
    ]


def test_evidence_is_added_with_e_and_removed(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("1")
    saved(page)
    page.keyboard.press("e")
    page.keyboard.type("https://example.org/a")
    page.keyboard.press("Enter")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 2)")
    assert Review.objects.get().evidence[0]["url"] == "https://example.org/a"

    page.get_by_role("button", name="Remove evidence 1").click()
    expect(page.locator("#panel-save")).to_have_text("Saved (version 3)")
    assert Review.objects.get().evidence == []


def test_a_conflict_from_a_second_session_is_shown_and_resolved(
    page, browser, live_server, article, people
):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("1")
    saved(page)

    # The same reviewer changes the review in a second tab.
    other = browser.new_context(base_url=live_server.url)
    tab = other.new_page()
    open_workspace(tab, article)
    tab.keyboard.press("j")
    tab.keyboard.press("3")
    expect(tab.locator("#panel-save")).to_have_text("Saved (version 2)")
    other.close()

    page.keyboard.press("2")  # stale: the page still holds version 1
    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator("#conflict-mine")).to_contain_text("Mostly accurate")
    expect(page.locator("#conflict-theirs")).to_contain_text("Mixed")
    assert Review.objects.get().label.slug == "mixed"

    page.click("#conflict-keep-mine")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 3)")
    assert Review.objects.get().label.slug == "mostly_accurate"


def test_an_editor_sets_the_verdict(page, article, people):
    sentence = sentence_at(article, 0)
    services.review_save(
        sentence=sentence, reviewer=people["rob"], label="false", evidence=["https://example.org/x"]
    )
    open_workspace(page, article, "ed")
    page.keyboard.press("j")
    expect(page.locator("#reviews")).to_contain_text("rob")  # editors see every review

    page.select_option("#verdict-form select[name=label]", "misleading")
    page.fill("#verdict-form textarea[name=rationale]", "Taxes fell for some bands only.")
    page.click("#verdict-form button[type=submit]")

    expect(page.locator("#panel-save")).to_have_text("Verdict saved.")
    expect(page.locator("#panel-status")).to_have_text("final")
    verdict = Verdict.objects.get()
    assert (verdict.label.slug, verdict.decided_by, verdict.rationale) == (
        "misleading",
        people["ed"],
        "Taxes fell for some bands only.",
    )


def test_an_editor_splits_and_merges_a_sentence(page, article):
    open_workspace(page, article, "ed")
    page.keyboard.press("j")
    text = page.locator("#split-text")
    cut = len("The mayor said taxes fell")
    text.evaluate(f"(el) => {{ el.focus(); el.setSelectionRange({cut}, {cut}); }}")
    page.click("#split-button")
    page.wait_for_load_state("load")
    expect(page.locator("#panel-text")).to_have_text("The mayor said taxes fell")

    texts = list(article.sentences.order_by("index").values_list("text", flat=True))
    assert texts[:3] == [
        "The mayor said taxes fell",
        "by 4% last year.",
        "Crime rose in every ward.",
    ]

    page.click("#merge-button")
    page.wait_for_load_state("load")
    expect(page.locator("#panel-text")).to_have_text("The mayor said taxes fell by 4% last year.")
    assert article.sentences.get(index=0).text == "The mayor said taxes fell by 4% last year."
    assert article.sentences.count() == 6


def test_help_overlay_lists_every_key(page, article):
    open_workspace(page, article)
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keys")
    expect(dialog).to_be_visible()
    for text in [
        "next sentence",
        "previous sentence",
        "set the label and save",
        "write a note",
        "add evidence",
        "next sentence you have not rated",
    ]:
        expect(dialog).to_contain_text(text)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_u_jumps_to_the_next_unrated_claim(page, article, people):
    services.review_save(
        sentence=sentence_at(article, 0), reviewer=people["rita"], label="accurate"
    )
    services.review_save(
        sentence=sentence_at(article, 1), reviewer=people["rita"], label="accurate"
    )
    open_workspace(page, article)
    page.keyboard.press("u")
    expect(page.locator("#panel-text")).to_have_text("The council spent £3.5 million on roads.")


def test_hostile_article_text_is_shown_as_text_and_runs_nothing(page, people):
    article = article_create(
        title="<script>window.pwned=1</script>",
        body='He wrote <script>window.pwned=2</script>. See <img src=x onerror="window.pwned=3">.',
    )
    open_workspace(page, article)
    page.keyboard.press("j")
    expect(page.locator("#panel-text")).to_contain_text("<script>window.pwned=2</script>")
    assert page.evaluate("window.pwned") is None
    expect(page.get_by_role("heading", level=1)).to_have_text("<script>window.pwned=1</script>")


def test_blind_review_shows_others_only_after_saving(page, article, people):
    services.review_save(sentence=sentence_at(article, 0), reviewer=people["rob"], label="mixed")
    open_workspace(page, article)
    page.keyboard.press("j")
    expect(page.locator("#reviews")).to_contain_text("Others' reviews show once yours is saved.")
    page.keyboard.press("3")
    expect(page.locator("#reviews")).to_contain_text("rob")


@pytest.mark.parametrize("path", ["/", "/articles/{id}/"])
def test_no_serious_accessibility_violations(page, article, path):
    from axe_playwright_python.sync_playwright import Axe

    open_workspace(page, article)
    page.goto(path.format(id=article.pk))
    if "articles" in path:
        page.keyboard.press("j")  # with the panel open
    results = Axe().run(page)
    serious = [
        (v["id"], v["help"])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
