"""The workspace never loses what a reviewer typed, and every step can be taken back.

Drafts per sentence (note, evidence, a label waiting for evidence) survive Esc, moving to
another sentence and a reload, until saved or discarded on purpose; leaving with one asks first.
Backspace withdraws one's review with an undo; z (or the toast) undoes the last label; the
address fragment moves the current sentence; auto-advance is a setting kept per user.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import History, Preferences, Review
from tests.conftest import workspace_open
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser

BODY = (
    "The mayor said taxes fell by 4% last year. Crime rose in every ward.\n"
    "Advert\n"
    "The council spent £3.5 million on roads. Critics said that was too little."
)
# Claims by index: 0 taxes, 1 crime, 3 roads, 4 critics; 2 ("Advert") is boilerplate.


@pytest.fixture
def rita(seeded_transactional_db):
    return UserFactory(username="rita", groups=["reviewer"])


@pytest.fixture
def article(rita):
    return article_create(title="Council budget", body=BODY)


def at(article, index: int):
    return article.sentences.get(index=index)


def open_workspace(page, article, fragment: str = ""):
    workspace_open(page, article, "rita", fragment)


def test_esc_in_the_evidence_form_keeps_the_draft_and_the_waiting_label(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("5")  # False needs evidence: the form opens
    url = page.locator("#evidence-form input[name=url]")
    expect(url).to_be_focused()
    # False: the evidence most likely refutes the sentence.
    expect(page.locator("#evidence-form select[name=stance]")).to_have_value("refutes")
    url.fill("https://example.org/tax-tables")
    page.fill("#evidence-form input[name=title]", "Tax tables")
    page.keyboard.press("Escape")

    expect(page.locator("#evidence-form")).to_be_hidden()
    taxes = page.locator(f"#s{at(article, 0).pk}")
    expect(taxes).to_be_focused()
    expect(page.locator("#draft-note")).to_contain_text("the label False (waiting for evidence)")
    expect(page.locator("#draft-note")).to_contain_text("https://example.org/tax-tables")
    assert not Review.objects.exists()

    # Elsewhere and back: the draft is still there, the label still chosen.
    page.keyboard.press("j")
    expect(page.locator("#draft-note")).to_be_hidden()
    page.keyboard.press("k")
    expect(page.locator("#evidence-form input[name=url]")).to_have_value(
        "https://example.org/tax-tables"
    )
    expect(page.locator(".label-button[data-slug=false]")).to_have_attribute("aria-pressed", "true")
    # A reload of the tab keeps it too.
    page.reload()
    expect(page.locator("#evidence-form input[name=title]")).to_have_value("Tax tables")

    page.click("#evidence-form button[type=submit]")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    expect(taxes).to_be_focused()  # focus back on the sentence, not lost to the page
    expect(page.locator("#draft-note")).to_be_hidden()
    review = Review.objects.get()
    assert review.label.slug == "false"
    assert review.evidence == [
        {
            "url": "https://example.org/tax-tables",
            "title": "Tax tables",
            "quote": "",
            "stance": "refutes",
        }
    ]


def test_a_note_without_a_label_stays_a_draft_until_discarded(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("n")
    page.keyboard.type("Check the 2023 budget.")
    page.keyboard.press("Escape")  # leaving the field tries to save: no label yet
    expect(page.locator("#panel-save")).to_contain_text("choose a label first")
    page.keyboard.press("j")
    expect(page.locator("#note")).to_have_value("")
    page.keyboard.press("k")
    expect(page.locator("#note")).to_have_value("Check the 2023 budget.")

    page.click("#draft-discard")
    expect(page.locator("#note")).to_have_value("")
    expect(page.locator("#draft-note")).to_be_hidden()
    page.keyboard.press("1")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    assert Review.objects.get().note == ""


def test_leaving_the_page_with_a_draft_asks_first(page, article):
    open_workspace(page, article)
    page.click(f"#s{at(article, 0).pk}")
    page.keyboard.press("n")
    page.keyboard.type("Half a thought")
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    page.click("text=Articles")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert "/articles/" in page.url
    expect(page.locator("#note")).to_have_value("Half a thought")


def test_discarding_the_evidence_drops_the_waiting_label_and_leaving_is_quiet(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("4")  # Misleading needs evidence
    expect(page.locator("#evidence-form select[name=stance]")).to_have_value("refutes")
    page.fill("#evidence-form input[name=url]", "https://example.org/x")
    page.click("#evidence-discard")
    expect(page.locator("#draft-note")).to_be_hidden()
    expect(page.locator(".label-button[aria-pressed=true]")).to_have_count(0)
    page.click("text=Articles")  # no draft: no question
    page.wait_for_url(re.compile(r"/$"))


def test_changing_only_the_fragment_moves_the_current_sentence(page, article):
    taxes, roads = at(article, 0), at(article, 3)
    open_workspace(page, article, f"#s{taxes.pk}")
    expect(page.locator(f"#s{taxes.pk}")).to_have_class(re.compile(r"\bcurrent\b"))
    page.evaluate(f"window.location.hash = 's{roads.pk}'")
    expect(page.locator(f"#s{roads.pk}")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#panel-text")).to_have_text("The council spent £3.5 million on roads.")
    page.keyboard.press("1")  # rates the sentence in view, not the old one
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    assert Review.objects.get().sentence_id == roads.pk


def test_backspace_withdraws_my_review_and_undo_restores_it(page, article, rita):
    taxes = at(article, 0)
    services.review_save(sentence=taxes, reviewer=rita, label="mixed", note="Partly")
    open_workspace(page, article, f"#s{taxes.pk}")
    expect(page.locator("#progress-text")).to_have_text("1 / 4 rated by you")

    page.keyboard.press("Backspace")
    expect(page.locator("#toast")).to_contain_text("Review withdrawn.")
    expect(page.locator("#progress-text")).to_have_text("0 / 4 rated by you")
    assert not Review.objects.exists()
    assert History.objects.filter(entity="review", action="delete").count() == 1

    page.click("#toast-undo")
    expect(page.locator("#panel-save")).to_contain_text("Saved (version")
    expect(page.locator("#progress-text")).to_have_text("1 / 4 rated by you")
    review = Review.objects.get()
    assert (review.label.slug, review.note) == ("mixed", "Partly")


def test_backspace_without_a_review_says_so(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("Backspace")
    expect(page.locator("#panel-save")).to_have_text(
        "Nothing to withdraw: you have not rated this sentence."
    )


def test_z_undoes_the_last_label(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("1")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    page.keyboard.press("3")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 2)")
    expect(page.locator("#toast")).to_contain_text("Labelled Mixed.")
    # Through the undo's refresh of the sentence (no request left running at the end).
    with page.expect_response(lambda r: r.request.method == "GET" and "/api/sentences/" in r.url):
        page.keyboard.press("z")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 3)")
    assert Review.objects.get().label.slug == "accurate"
    page.keyboard.press("z")  # once only: the undo itself is not undone
    expect(page.locator("#panel-save")).to_have_text("Nothing to undo.")


def test_undoing_a_first_label_leaves_the_sentence_unrated(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")
    page.keyboard.press("2")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    page.click("#toast-undo")
    expect(page.locator("#panel-save")).to_have_text("Label undone: not rated.")
    assert not Review.objects.exists()


def test_auto_advance_is_off_by_default_and_kept_per_user(page, article, rita):
    services.review_save(sentence=at(article, 1), reviewer=rita, label="accurate")
    open_workspace(page, article)
    box = page.locator("#auto-advance")
    expect(box).not_to_be_checked()
    page.keyboard.press("j")
    page.keyboard.press("1")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    expect(page.locator("#panel-text")).to_have_text("The mayor said taxes fell by 4% last year.")

    box.check()
    expect(page.locator("#auto-advance-state")).to_have_text("Saved for your account.")
    assert Preferences.objects.get(user=rita).auto_advance is True
    page.reload()
    expect(page.locator("#auto-advance")).to_be_checked()
    page.locator(f"#s{at(article, 0).pk}").click()
    page.keyboard.press("2")
    # On to the next claim not rated yet: crime (rated) and the advert are passed over.
    expect(page.locator("#panel-text")).to_have_text("The council spent £3.5 million on roads.")
    assert Review.objects.get(sentence=at(article, 0)).label.slug == "mostly_accurate"
    # The undo takes the label back and returns to its sentence.
    page.keyboard.press("z")
    expect(page.locator("#panel-text")).to_have_text("The mayor said taxes fell by 4% last year.")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 3)")
    assert Review.objects.get(sentence=at(article, 0)).label.slug == "accurate"
