"""Claim matching in the workspace, in a real Chromium: the "Checked before" box shows the
earlier fact-checks of the same claim (and of its opposite, the differing words highlighted),
and `m` takes the earlier verdict into a reviewer's review or an editor's verdict, to be checked
before it is saved. Matches are made here directly (ClaimMatch rows), not by the judge."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import services
from annotations.models import Review, Verdict
from tests.conftest import workspace_open
from tests.factories import UserFactory, article_create, claim_match_create

pytestmark = pytest.mark.browser

SOURCE = {
    "url": "https://stats.example.org/labour",
    "title": "Labour market bulletin",
    "quote": "The rate was 4.2%.",
    "stance": "supports",
}


@pytest.fixture
def people(seeded_transactional_db):
    return {
        "rita": UserFactory(username="rita", groups=["reviewer"]),
        "ed": UserFactory(username="ed", groups=["editor"]),
    }


@pytest.fixture
def checked(people, settings):
    """An earlier article whose claim has a published verdict with a source, another whose
    claim says the opposite (published as false), and a new article: its first claim matches
    both, its second nothing."""
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    earlier = article_create(
        title="Jobs report <b>March</b>",
        body="Joblessness fell to 4.2 percent in March, officials said. Rents went up.",
        published_at="2026-04-02T08:00:00Z",
    )
    opposite = article_create(
        title="Rival claim",
        body="Joblessness rose to 4.2 percent in <i>March</i>. Prices were flat.",
        published_at="2026-04-03T08:00:00Z",
    )
    new = article_create(
        title="Weekly column",
        body="Joblessness fell to 4.2 percent in March. Bus fares will rise in May.",
    )
    same_claim, opposite_claim = earlier.sentences.get(index=0), opposite.sentences.get(index=0)
    services.verdict_set(
        sentence=same_claim,
        user=people["ed"],
        label="accurate",
        rationale="As the bulletin says.",
        evidence=[SOURCE],
        published=True,
    )
    services.verdict_set(
        sentence=opposite_claim,
        user=people["ed"],
        label="false",
        rationale="It fell.",
        evidence=[
            {"url": "https://stats.example.org/rates", "title": "Rates", "stance": "refutes"}
        ],
        published=True,
    )
    claim = new.sentences.get(index=0)
    claim_match_create(claim, same_claim, "same", 0.93)
    claim_match_create(claim, opposite_claim, "opposite", 0.91)
    return {"new": new, "claim": claim, "same": same_claim, "opposite": opposite_claim}


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def box(page):
    return page.get_by_role("region", name="Checked before")


def test_a_reviewer_sees_the_earlier_verdict_takes_it_with_m_and_saves(page, checked):
    claim, same = checked["claim"], checked["same"]
    workspace_open(page, checked["new"], "rita", f"#s{claim.pk}")

    checked_before = box(page)
    expect(checked_before).to_be_visible()
    first = checked_before.locator(".match").first
    expect(first.locator(".match-text")).to_have_text(same.text)
    link = first.get_by_role("link", name="Jobs report <b>March</b>")  # escaped, as text
    expect(link).to_have_attribute("href", f"/articles/{same.article_id}/#s{same.pk}")
    expect(first).to_contain_text("2 April 2026")
    expect(first.locator(".label-chip")).to_have_text("Accurate")
    expect(first.locator(".state-published")).to_have_text(re.compile(r"^Published on "))
    expect(first.get_by_role("link", name="Labour market bulletin")).to_have_attribute(
        "href", SOURCE["url"]
    )
    expect(page.locator("#take-match")).to_be_visible()
    assert serious_violations(page) == []

    page.locator(f"#s{claim.pk}").focus()
    page.keyboard.press("m")
    # Taken, not saved: the label chosen and the source listed, waiting for my save.
    expect(page.locator(".label-button[data-slug=accurate]")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#evidence-list")).to_contain_text("Labour market bulletin")
    expect(page.locator("#evidence-list")).to_contain_text("not saved yet")
    expect(page.locator("#draft-text")).to_contain_text("the earlier verdict's label Accurate")
    expect(page.locator("#draft-save")).to_be_focused()
    assert not Review.objects.exists()

    page.keyboard.press("Enter")  # Save review
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    expect(page.locator("#draft-note")).to_be_hidden()
    review = Review.objects.get()
    assert (review.sentence_id, review.reviewer.username, review.label.slug) == (
        claim.pk,
        "rita",
        "accurate",
    )
    assert review.evidence == [SOURCE]


def test_a_taken_verdict_is_edited_before_it_saves(page, checked):
    """A label key after m saves the taken sources with the label chosen instead."""
    claim = checked["claim"]
    workspace_open(page, checked["new"], "rita", f"#s{claim.pk}")
    page.locator(f"#s{claim.pk}").focus()
    page.keyboard.press("m")
    page.get_by_role("button", name="Remove evidence 1").click()
    expect(page.locator("#evidence-list")).to_have_text("None yet.")
    page.keyboard.press("m")  # taken again
    page.locator(f"#s{claim.pk}").focus()
    page.keyboard.press("2")  # mostly accurate, with the taken source
    expect(page.locator("#panel-save")).to_have_text(re.compile(r"Saved \(version 1\)"))
    review = Review.objects.get()
    assert (review.label.slug, review.evidence) == ("mostly_accurate", [SOURCE])


def test_an_editor_takes_the_earlier_verdict_into_the_verdict_form(page, checked):
    claim = checked["claim"]
    workspace_open(page, checked["new"], "ed", f"#s{claim.pk}")
    expect(page.locator("#take-match")).to_contain_text("for the verdict")
    page.locator(f"#s{claim.pk}").focus()
    page.keyboard.press("m")

    expect(page.locator("#verdict-label")).to_have_value("accurate")
    source = page.locator(f'#verdict-source-list li[data-url="{SOURCE["url"]}"]')
    expect(source.locator("input.source-keep")).to_be_checked()
    expect(source).to_contain_text("from the earlier verdict")
    expect(page.locator("#verdict-label-hint")).to_contain_text("Jobs report <b>March</b>")
    expect(page.locator("#verdict-form button[type=submit]")).to_be_focused()
    assert not Verdict.objects.filter(sentence=claim).exists()  # checked before it saves

    page.keyboard.press("Enter")  # Set verdict
    expect(page.locator("#panel-save")).to_have_text("Verdict saved.")
    verdict = Verdict.objects.get(sentence=claim)
    assert (verdict.label.slug, verdict.evidence, verdict.published) == (
        "accurate",
        [SOURCE],
        False,
    )
    assert not Review.objects.exists()


def test_the_opposite_claim_is_labelled_and_its_differing_words_highlighted(page, checked):
    claim = checked["claim"]
    workspace_open(page, checked["new"], "rita", f"#s{claim.pk}")
    opposite = box(page).locator(".match-opposite")
    expect(opposite.locator(".opposite-chip")).to_have_text("Opposite claim")
    expect(opposite.locator(".match-text")).to_have_text(checked["opposite"].text)
    # Article text is text: the markup in it shows as typed, never as HTML.
    expect(opposite.locator("mark")).to_have_text(["rose", "<i>March</i>."])
    expect(opposite.locator("i")).to_have_count(0)
    expect(opposite.locator(".label-chip")).to_have_text("False")
    # m takes the same claim's verdict, never the opposite one's.
    page.locator(f"#s{claim.pk}").focus()
    page.keyboard.press("m")
    expect(page.locator(".label-button[data-slug=accurate]")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_sentence_without_matches_shows_no_box_and_m_says_so(page, checked):
    fares = checked["new"].sentences.get(index=1)
    workspace_open(page, checked["new"], "rita", f"#s{fares.pk}")
    expect(page.locator("#panel-text")).to_have_text(fares.text)
    expect(page.locator("#checked-before")).to_be_hidden()
    page.locator(f"#s{fares.pk}").focus()
    page.keyboard.press("m")
    expect(page.locator("#panel-save")).to_have_text(
        "Nothing to take: this claim was not checked before."
    )
    expect(page.locator("#draft-note")).to_be_hidden()
    # The help lists the key.
    page.keyboard.press("?")
    expect(page.locator("#help")).to_contain_text("take the earlier fact-check of the same claim")


def test_blind_review_hides_an_unpublished_earlier_verdict_from_a_reviewer(page, checked, people):
    claim, same = checked["claim"], checked["same"]
    verdict = Verdict.objects.get(sentence=same)
    services.verdict_set(
        sentence=same,
        user=people["ed"],
        label="accurate",
        published=False,
        expected_version=verdict.version,
    )
    workspace_open(page, checked["new"], "rita", f"#s{claim.pk}")

    first = box(page).locator(".match").first
    expect(first.locator(".match-text")).to_have_text(same.text)
    expect(first.locator(".match-verdict")).to_have_text("No verdict yet")
    expect(first.locator(".label-chip")).to_have_count(0)
    data = page.evaluate("JSON.parse(document.getElementById('workspace-data').textContent)")
    assert data["sentences"][str(claim.pk)]["matches"][0]["verdict"] is None
    assert "Labour market bulletin" not in page.content()
    page.locator(f"#s{claim.pk}").focus()
    page.keyboard.press("m")
    expect(page.locator("#panel-save")).to_have_text(
        "Nothing to take: the same claim has no verdict yet."
    )
    assert not Review.objects.exists()


def test_the_box_on_a_phone_sheet(page, checked):
    page.set_viewport_size({"width": 390, "height": 844})
    claim = checked["claim"]
    workspace_open(page, checked["new"], "rita")
    page.locator(f"#s{claim.pk}").click()
    expect(box(page)).to_be_visible()
    page.get_by_role("button", name=re.compile("Use in my review")).click()
    expect(page.locator("#draft-save")).to_be_visible()
    page.locator("#draft-save").click()
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    assert Review.objects.get().evidence == [SOURCE]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []


def test_a_taken_verdict_is_a_draft_that_survives_a_reload(page, checked):
    claim = checked["claim"]
    workspace_open(page, checked["new"], "rita", f"#s{claim.pk}")
    page.locator(f"#s{claim.pk}").focus()
    page.keyboard.press("m")
    expect(page.locator(f"#s{claim.pk}")).to_have_class(re.compile(r"\bhas-draft\b"))
    page.once("dialog", lambda dialog: dialog.accept())  # leaving with a draft asks first
    page.reload()
    expect(page.locator("#draft-text")).to_contain_text("the earlier verdict's label Accurate")
    expect(page.locator("#evidence-list")).to_contain_text("Labour market bulletin")
    page.locator("#draft-save").click()
    expect(page.locator("#panel-save")).to_have_text("Saved (version 1)")
    assert Review.objects.get().evidence == [SOURCE]
