"""The annotation workspace in a real Chromium, driven by the keyboard as a reviewer would."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Review, Sentence, Verdict
from tests.conftest import workspace_open
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
    workspace_open(page, article, username)


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
        sentence=sentence,
        reviewer=people["rob"],
        label="false",
        evidence=[{"url": "https://example.org/x", "title": "", "quote": "", "stance": "context"}],
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


# ---- offsets: the page counts UTF-16 code units, the server code points ----------------------

EMOJI_FIRST = (
    "Fans 👍🏽 cheered 🇺🇦 as the cafe\u0301 crowd 👨\u200d👩\u200d👧 sang loudly at the match."
)
EMOJI_BODY = EMOJI_FIRST + " The band played on.\nA second paragraph 🎉 follows here."


def utf16(text: str) -> int:
    """The length of `text` as the page counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def offsets_exact(article) -> None:
    body = article.body
    for sentence in article.sentences.all():
        assert body[sentence.start : sentence.end] == sentence.text, sentence.index


def place_cursor(page, units: int) -> None:
    page.locator("#split-text").evaluate(
        f"(el) => {{ el.focus(); el.setSelectionRange({units}, {units}); }}"
    )


@pytest.mark.parametrize(
    ("cursor", "first"),
    [
        # A cursor after every kind of character: skin tone, flag, combining mark, ZWJ family.
        (utf16("Fans 👍🏽 cheered 🇺🇦 as the cafe\u0301 crowd 👨\u200d👩\u200d👧"), None),
        # Inside the ZWJ family, two units after its start: to the nearer edge, before it.
        (utf16("Fans 👍🏽 cheered 🇺🇦 as the cafe\u0301 crowd 👨"), "crowd"),
        # Between a letter and its combining accent: the accent stays with its letter.
        (utf16("Fans 👍🏽 cheered 🇺🇦 as the cafe"), "cafe\u0301"),
        # Inside the flag (between its two regional indicators).
        (utf16("Fans 👍🏽 cheered 🇺"), "🇺🇦"),
    ],
    ids=["after-emoji", "inside-zwj-family", "inside-combining-mark", "inside-flag"],
)
def test_a_split_after_emoji_and_combining_marks_falls_at_the_cursor(page, people, cursor, first):
    article = article_create(title="Emoji", body=EMOJI_BODY)
    assert article.sentences.get(index=0).text == EMOJI_FIRST
    open_workspace(page, article, "ed")
    page.keyboard.press("j")
    expect(page.locator("#panel-text")).to_have_text(EMOJI_FIRST)
    place_cursor(page, cursor)
    page.click("#split-button")
    page.wait_for_load_state("load")

    end = first or "👨\u200d👩\u200d👧"
    left = EMOJI_FIRST[: EMOJI_FIRST.index(end) + len(end)]
    right = EMOJI_FIRST[len(left) :].strip()
    expect(page.locator("#panel-text")).to_have_text(left)
    texts = list(article.sentences.order_by("index").values_list("text", flat=True))
    assert texts[:3] == [left, right, "The band played on."]
    assert texts[3] == "A second paragraph 🎉 follows here."
    offsets_exact(article)
    # The page agrees with the server after the reload: each span holds its sentence's text.
    for sentence in article.sentences.all():
        expect(page.locator(f"#s{sentence.pk}")).to_contain_text(sentence.text)


def test_a_split_with_nothing_on_one_side_is_refused_on_the_page(page, people):
    article = article_create(title="Emoji", body=EMOJI_BODY)
    open_workspace(page, article, "ed")
    page.keyboard.press("j")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/split/" in r.url else None)
    for units in (0, utf16(EMOJI_FIRST)):
        place_cursor(page, units)
        page.click("#split-button")
        expect(page.locator("#panel-error")).to_contain_text("both parts need some text")
    assert requests == []
    assert article.sentences.count() == 3


def test_a_split_in_a_later_sentence_after_emoji_uses_code_point_offsets(page, people):
    article = article_create(title="Emoji", body=EMOJI_BODY)
    second = article.sentences.get(text="A second paragraph 🎉 follows here.")
    open_workspace(page, article, "ed")
    page.click(f"#s{second.pk}")
    expect(page.locator("#panel-text")).to_have_text(second.text)
    place_cursor(page, utf16("A second paragraph 🎉"))
    page.click("#split-button")
    page.wait_for_load_state("load")
    expect(page.locator("#panel-text")).to_have_text("A second paragraph 🎉")
    texts = list(article.sentences.order_by("index").values_list("text", flat=True))
    assert texts[2:] == ["A second paragraph 🎉", "follows here."]
    offsets_exact(article)


# ---- verdicts are never overwritten blindly ---------------------------------------------------


def test_two_editors_set_a_first_verdict_and_the_second_is_told(
    page, browser, live_server, article, people
):
    UserFactory(username="eve", groups=["editor"])
    sentence = sentence_at(article, 0)
    open_workspace(page, article, "ed")
    page.keyboard.press("j")
    expect(page.locator("#verdict")).to_contain_text("No verdict yet.")

    other = browser.new_context(base_url=live_server.url)
    tab = other.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    open_workspace(tab, article, "eve")
    tab.keyboard.press("j")
    expect(tab.locator("#verdict")).to_contain_text("No verdict yet.")

    # Eve is first.
    tab.select_option("#verdict-form select[name=label]", "misleading")
    tab.fill("#verdict-form textarea[name=rationale]", "Only some bands.")
    tab.click("#verdict-form button[type=submit]")
    expect(tab.locator("#panel-save")).to_have_text("Verdict saved.")

    # Ed's page still knows no verdict: it asks for a first one only, and is refused.
    page.select_option("#verdict-form select[name=label]", "false")
    page.fill("#verdict-form textarea[name=rationale]", "Taxes rose.")
    with page.expect_request("**/verdict/") as sent:
        page.click("#verdict-form button[type=submit]")
    assert sent.value.headers.get("if-none-match") == "*"
    conflict = page.locator("#verdict-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("eve set the verdict to Misleading")
    expect(conflict).to_contain_text("Yours (False) was not saved")
    expect(page.locator("#panel-save")).to_have_text("Verdict not saved: it changed elsewhere.")
    # The page shows the stored verdict; Ed's choice is still in the form.
    expect(page.locator("#verdict")).to_contain_text("Misleading")
    expect(page.locator("#verdict")).to_contain_text("set by eve")
    expect(page.locator("#verdict-form select[name=label]")).to_have_value("false")
    expect(page.locator("#verdict-form textarea[name=rationale]")).to_have_value("Taxes rose.")
    verdict = Verdict.objects.get(sentence=sentence)
    assert (verdict.label.slug, verdict.decided_by.username, verdict.version) == (
        "misleading",
        "eve",
        1,
    )

    # Ed applies his on purpose: now against the version he was shown.
    with page.expect_request("**/verdict/") as sent:
        page.click("#verdict-conflict-mine")
    assert sent.value.headers.get("if-match") == '"1"'
    expect(page.locator("#panel-save")).to_have_text("Verdict saved.")
    expect(conflict).to_be_hidden()
    verdict.refresh_from_db()
    assert (verdict.label.slug, verdict.decided_by.username, verdict.version) == (
        "false",
        "ed",
        2,
    )

    # Eve's page now holds a stale version: her change is refused the same way, not applied.
    tab.select_option("#verdict-form select[name=label]", "mixed")
    with tab.expect_request("**/verdict/") as sent:
        tab.click("#verdict-form button[type=submit]")
    assert sent.value.headers.get("if-match") == '"1"'
    expect(tab.locator("#verdict-conflict")).to_contain_text("ed set the verdict to False")
    tab.click("#verdict-conflict-theirs")
    expect(tab.locator("#verdict-conflict")).to_be_hidden()
    expect(tab.locator("#verdict-form select[name=label]")).to_have_value("false")
    verdict.refresh_from_db()
    assert (verdict.label.slug, verdict.version) == ("false", 2)
    other.close()
    assert errors == []


def test_a_first_review_saved_in_two_tabs_is_never_overwritten_blindly(
    page, browser, live_server, article, people
):
    open_workspace(page, article)
    page.keyboard.press("j")
    expect(page.locator("#panel-save")).to_have_text("Not rated yet")

    other = browser.new_context(base_url=live_server.url)
    tab = other.new_page()
    open_workspace(tab, article)
    tab.keyboard.press("j")
    tab.keyboard.press("3")
    expect(tab.locator("#panel-save")).to_have_text("Saved (version 1)")
    other.close()

    # This tab knows no review yet: it asks to create one only, and is refused.
    with page.expect_request("**/review/") as sent:
        page.keyboard.press("1")
    assert sent.value.headers.get("if-none-match") == "*"
    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator("#conflict-mine")).to_contain_text("Accurate")
    expect(page.locator("#conflict-theirs")).to_contain_text("Mixed")
    assert Review.objects.get().label.slug == "mixed"
    # The page's copy follows what is stored: colour, pressed label, progress.
    expect(page.locator(f"#s{sentence_at(article, 0).pk}")).to_have_class(
        re.compile(r"\blabelled\b")
    )
    expect(page.locator('.label-button[data-slug="mixed"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#progress-text")).to_have_text("1 / 5 rated by you")

    with page.expect_request("**/review/") as sent:
        page.click("#conflict-keep-mine")
    assert sent.value.headers.get("if-match") == '"1"'
    expect(page.locator("#panel-save")).to_have_text("Saved (version 2)")
    assert Review.objects.get().label.slug == "accurate"
