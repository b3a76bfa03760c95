"""The editor's flow in the workspace, in a real Chromium: fixing an article's details and a
sentence's kind, and settling verdicts from the keyboard (Shift + a label's key, `d` to the next
disputed sentence), the verdict starting at the reviewers' majority and the progress line
counting verdicts. Reviewers get none of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Article, History, Review, Sentence, Verdict
from tests.conftest import workspace_open
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser

BODY = (
    "The mayor said taxes fell by 4% last year. Crime rose in every ward.\n"
    "Advert\n"
    "The council spent £3.5 million on roads. Critics said that was too little.\n"
    "Mr. Alder opened the bridge at 9 a.m. on Monday."
)
# Claims by index: 0 taxes, 1 crime, 3 roads, 4 critics, 5 bridge; 2 ("Advert") is boilerplate.


@pytest.fixture
def people(seeded_transactional_db):
    return {
        "rita": UserFactory(username="rita", groups=["reviewer"]),
        "rob": UserFactory(username="rob", groups=["reviewer"]),
        "rhea": UserFactory(username="rhea", groups=["reviewer"]),
        "ed": UserFactory(username="ed", groups=["editor"]),
    }


@pytest.fixture
def article(people):
    return article_create(
        title="Council budget",
        body=BODY,
        source="Marlow Bay Courier",
        url="https://example.org/budget",
        published_at="2026-02-27T08:00:00Z",
        tags=["council"],
    )


def open_workspace(page, article, username="ed"):
    workspace_open(page, article, username)


def at(article, index: int) -> Sentence:
    return article.sentences.get(index=index)


def disputed(article, index: int, people, first="mixed", second="accurate") -> Sentence:
    sentence = at(article, index)
    services.review_save(sentence=sentence, reviewer=people["rita"], label=first)
    services.review_save(sentence=sentence, reviewer=people["rob"], label=second)
    return sentence


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# ---- an article's details -------------------------------------------------------------------


def test_an_editor_edits_the_details_and_the_header_follows_without_a_reload(page, article):
    open_workspace(page, article)
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Edit details").click()
    expect(page.locator("#article-title-input")).to_be_focused()
    expect(page.locator("#article-tags-input")).to_have_value("council")

    page.fill("#article-title-input", "Council budget: the roads")
    page.fill("#article-source-input", "The Gazette")
    page.fill("#article-url-input", "https://example.org/roads")
    page.fill("#article-published-input", "2026-03-02")
    page.fill("#article-language-input", "en-GB")
    page.fill("#article-tags-input", "Council, roads , ")
    page.get_by_role("button", name="Save details").click()

    expect(page.locator("#article-save")).to_have_text("Details saved.")
    expect(page.locator("#article-form")).to_be_hidden()
    expect(page.locator("#article-edit")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council budget: the roads")
    meta = page.locator("#article-meta")
    expect(meta).to_have_text("The Gazette · 2 Mar 2026 · original · 5 claims council roads")
    expect(meta.get_by_role("link", name="original")).to_have_attribute(
        "href", "https://example.org/roads"
    )
    assert page.title().startswith("Council budget: the roads · ")
    assert page.evaluate("window.notReloaded") is True

    article = Article.objects.get(pk=article.pk)
    assert (article.title, article.source, article.url, article.language) == (
        "Council budget: the roads",
        "The Gazette",
        "https://example.org/roads",
        "en-GB",
    )
    assert article.published_at == datetime(2026, 3, 2, tzinfo=UTC)
    assert sorted(article.tags.values_list("name", flat=True)) == ["council", "roads"]
    assert History.objects.filter(entity="article").count() == 1

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Council budget: the roads")
    expect(page.locator("#article-meta")).to_contain_text("The Gazette · 2 Mar 2026")
    page.get_by_role("button", name="Edit details").click()
    expect(page.locator("#article-published-input")).to_have_value("2026-03-02")
    expect(page.locator("#article-tags-input")).to_have_value("council, roads")


def test_only_what_changed_is_sent(page, article):
    open_workspace(page, article)
    sent = []
    page.on(
        "request",
        lambda request: sent.append(request.post_data_json) if request.method == "PATCH" else None,
    )
    page.get_by_role("button", name="Edit details").click()
    page.fill("#article-source-input", "The Gazette")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#article-save")).to_have_text("Details saved.")

    # The stored time of day (08:00) is kept: the date was not touched.
    assert sent == [{"source": "The Gazette"}]
    assert Article.objects.get(pk=article.pk).published_at == datetime(2026, 2, 27, 8, tzinfo=UTC)


def test_refused_details_show_beside_their_fields_and_keep_the_input(page, article):
    open_workspace(page, article)
    page.get_by_role("button", name="Edit details").click()
    page.fill("#article-title-input", "A better title")
    page.fill("#article-url-input", "ftp://example.org/budget")
    page.fill("#article-language-input", "english!")
    page.get_by_role("button", name="Save details").click()

    expect(page.locator("#article-save")).to_have_text("Not saved: see the messages in the form.")
    expect(page.locator("#article-url-error")).to_have_text(
        "'ftp://example.org/budget' is not an http(s) URL."
    )
    expect(page.locator("#article-language-error")).to_contain_text("is not a language code")
    expect(page.locator("#article-language-input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#article-url-input")).to_be_focused()
    expect(page.locator("#article-title-input")).to_have_value("A better title")
    expect(page.locator("#article-language-input")).to_have_value("english!")
    expect(page.get_by_role("heading", level=1)).to_have_text("Council budget")
    assert Article.objects.get(pk=article.pk).title == "Council budget"

    # Fixed, it saves; Escape in a field closes the form.
    page.fill("#article-url-input", "https://example.org/budget-2")
    page.fill("#article-language-input", "en")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#article-save")).to_have_text("Details saved.")
    expect(page.locator("#article-url-error")).to_be_hidden()
    assert Article.objects.get(pk=article.pk).title == "A better title"
    page.get_by_role("button", name="Edit details").click()
    page.keyboard.press("Escape")
    expect(page.locator("#article-form")).to_be_hidden()


def test_the_workspace_with_the_details_form_open_is_accessible(page, article):
    open_workspace(page, article)
    page.keyboard.press("j")  # with the panel open
    page.get_by_role("button", name="Edit details").click()
    page.fill("#article-language-input", "english!")
    page.get_by_role("button", name="Save details").click()  # with a message beside a field
    expect(page.locator("#article-language-error")).to_be_visible()
    assert serious_violations(page) == []


# ---- a sentence's kind ----------------------------------------------------------------------


def test_b_marks_a_sentence_as_boilerplate_and_back_and_it_persists(page, article):
    open_workspace(page, article)
    taxes = at(article, 0)
    page.keyboard.press("j")
    page.keyboard.press("b")

    expect(page.locator("#panel-save")).to_have_text("Marked as boilerplate.")
    span = page.locator(f"#s{taxes.pk}")
    expect(span).to_have_class(re.compile(r"\bkind-boilerplate\b"))
    expect(page.locator(f"#s{taxes.pk}-state")).to_have_text(", boilerplate")
    expect(page.locator("#panel-position")).to_have_text("Boilerplate, not among the 4 claims")
    expect(page.locator("#progress-text")).to_have_text("0 / 4 verdicts set")
    expect(page.locator("#claim-count")).to_have_text("4 claims")
    assert Sentence.objects.get(pk=taxes.pk).kind == "boilerplate"
    # j goes on from there, skipping boilerplate.
    page.keyboard.press("j")
    expect(page.locator("#panel-text")).to_have_text("Crime rose in every ward.")

    page.goto(f"/articles/{article.pk}/#s{taxes.pk}")
    page.reload()  # a new hash alone does not load the page again
    expect(page.locator(f"#s{taxes.pk}")).to_have_class(re.compile(r"\bkind-boilerplate\b"))
    expect(page.locator("#claim-count")).to_have_text("4 claims")
    page.keyboard.press("b")
    expect(page.locator("#panel-save")).to_have_text("Marked as a claim.")
    expect(page.locator(f"#s{taxes.pk}")).to_have_class(re.compile(r"\bkind-claim\b"))
    expect(page.locator("#progress-text")).to_have_text("0 / 5 verdicts set")
    assert Sentence.objects.get(pk=taxes.pk).kind == "claim"
    assert History.objects.filter(entity="sentence").count() == 2


# ---- verdicts from the keyboard -------------------------------------------------------------


def test_shift_and_a_number_sets_a_draft_verdict_keeping_the_form(page, article, people):
    sentence = disputed(article, 0, people)
    open_workspace(page, article)
    page.keyboard.press("j")
    page.fill("#verdict-rationale", "Taxes fell for some bands only.")
    page.keyboard.press("Escape")  # back to the sentence
    page.keyboard.press("Shift+Digit3")

    expect(page.locator("#panel-save")).to_have_text("Verdict saved.")
    expect(page.locator("#verdict-state")).to_contain_text("Draft")
    expect(page.locator("#panel-status")).to_have_text("final")
    verdict = Verdict.objects.get(sentence=sentence)
    assert (verdict.label.slug, verdict.rationale, verdict.published, verdict.decided_by) == (
        "mixed",
        "Taxes fell for some bands only.",
        False,
        people["ed"],
    )
    assert not Review.objects.filter(reviewer=people["ed"]).exists()

    # Again with another label: the verdict changes (If-Match), the rationale stays.
    page.keyboard.press("Shift+Digit6")
    expect(page.locator("#verdict")).to_contain_text("Unverifiable")
    verdict.refresh_from_db()
    assert (verdict.label.slug, verdict.rationale) == (
        "unverifiable",
        "Taxes fell for some bands only.",
    )
    # A plain number is still the editor's own review.
    page.keyboard.press("1")
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    assert Review.objects.get(reviewer=people["ed"]).label.slug == "accurate"
    assert Verdict.objects.get(sentence=sentence).label.slug == "unverifiable"


def test_the_verdict_starts_at_the_majority_and_sits_at_the_top_for_editors(page, article, people):
    taxes = at(article, 0)
    services.review_save(sentence=taxes, reviewer=people["rita"], label="mixed")
    services.review_save(sentence=taxes, reviewer=people["rhea"], label="accurate")
    services.review_save(sentence=taxes, reviewer=people["rob"], label="mixed")
    services.verdict_set(sentence=at(article, 1), user=people["ed"], label="unverifiable")
    open_workspace(page, article)

    page.keyboard.press("j")
    expect(page.locator("#verdict-label")).to_have_value("mixed")
    expect(page.locator("#verdict-label-hint")).to_have_text(
        "Starts at the reviewers' majority, Mixed (2 of 3 reviews)."
    )
    # Before the editor's own labels in the panel.
    order = page.evaluate(
        "document.getElementById('verdict-form')"
        ".compareDocumentPosition(document.getElementById('labels'))"
    )
    assert order & 4  # Node.DOCUMENT_POSITION_FOLLOWING
    page.keyboard.press("j")  # a verdict exists: the form starts at it
    expect(page.locator("#verdict-label")).to_have_value("unverifiable")
    expect(page.locator("#verdict-label-hint")).to_have_text("")
    page.keyboard.press("j")  # the boilerplate is skipped; no review at all
    expect(page.locator("#verdict-label")).to_have_value("accurate")
    expect(page.locator("#verdict-label-hint")).to_have_text("No reviews yet.")


def test_d_moves_to_the_next_disputed_sentence(page, article, people):
    crime = disputed(article, 1, people)
    critics = disputed(article, 4, people, "unverifiable", "accurate")
    open_workspace(page, article)

    page.keyboard.press("d")
    expect(page.locator(f"#s{crime.pk}")).to_be_focused()
    page.keyboard.press("d")
    expect(page.locator(f"#s{critics.pk}")).to_be_focused()
    expect(page.locator("#panel-status")).to_have_text("disputed")
    page.keyboard.press("d")  # round again
    expect(page.locator(f"#s{crime.pk}")).to_be_focused()

    page.keyboard.press("Shift+Digit3")  # settled: no longer disputed
    expect(page.locator("#panel-status")).to_have_text("final")
    page.keyboard.press("d")
    expect(page.locator(f"#s{critics.pk}")).to_be_focused()
    page.keyboard.press("d")
    expect(page.locator("#panel-save")).to_have_text("No other disputed sentence.")


def test_the_editors_progress_line_counts_verdicts(page, article, people):
    services.verdict_set(sentence=at(article, 0), user=people["ed"], label="accurate")
    services.review_save(sentence=at(article, 1), reviewer=people["ed"], label="accurate")
    open_workspace(page, article)

    expect(page.locator("#progress-text")).to_have_text("1 / 5 verdicts set")
    expect(page.locator("#progress")).to_have_attribute("aria-label", "Claims with a verdict")
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Shift+Digit1")
    expect(page.locator("#progress-text")).to_have_text("2 / 5 verdicts set")
    expect(page.locator("#progress")).to_have_attribute("aria-valuenow", "2")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keys")
    for text in ("set the verdict to that label", "next disputed sentence", "boilerplate"):
        expect(dialog).to_contain_text(text)


def test_reviewers_get_none_of_the_editors_keys_or_forms(page, article, people):
    crime = disputed(article, 1, people)
    open_workspace(page, article, "rita")
    patches = []
    page.on("request", lambda request: request.method == "PATCH" and patches.append(request.url))

    expect(page.get_by_role("button", name="Edit details")).to_have_count(0)
    expect(page.locator("#article-form")).to_have_count(0)
    expect(page.locator("#progress-text")).to_have_text("1 / 5 rated by you")
    page.keyboard.press("j")
    for key in ("b", "Shift+Digit3", "d"):
        page.keyboard.press(key)
    expect(page.locator("#panel-text")).to_have_text("The mayor said taxes fell by 4% last year.")
    expect(page.locator("#verdict-form")).to_be_hidden()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keys")
    expect(dialog).not_to_contain_text("disputed")
    expect(dialog).not_to_contain_text("boilerplate")
    expect(dialog).not_to_contain_text("verdict")

    assert patches == []
    assert Sentence.objects.get(index=0, article=article).kind == "claim"
    assert not Verdict.objects.exists()
    assert Review.objects.filter(reviewer=people["rita"]).count() == 1  # the one on crime
    assert Sentence.objects.get(pk=crime.pk).status == "disputed"
