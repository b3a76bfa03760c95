"""Right-to-left text: an Arabic article reads right to left in the workspace (each paragraph
takes its direction from its own text) while its offsets stay exact."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import sign_in
from tests.factories import UserFactory, article_create

BODY = "ارتفعت الأسعار بنسبة 12% في مايو. قال الوزير ذلك.\nThe minister denied it.\n"


@pytest.fixture
def arabic(seeded_transactional_db):
    UserFactory(username="rita", groups=["reviewer"])
    return article_create(title="الأسعار", body=BODY, language="ar")


def test_arabic_paragraphs_read_right_to_left_and_english_left_to_right(page, arabic):
    sentences = list(arabic.sentences.order_by("index"))
    assert all(BODY[s.start : s.end] == s.text for s in sentences)

    sign_in(page, "rita")
    page.wait_for_url("**/")
    page.goto(f"/articles/{arabic.pk}/")
    expect(page.locator("#workspace")).to_be_visible()

    def direction(sentence) -> str:
        return page.locator(f"#s{sentence.pk}").evaluate("el => getComputedStyle(el).direction")

    def paragraph_direction(sentence) -> str:
        return page.locator(f"#s{sentence.pk}").evaluate(
            "el => getComputedStyle(el.closest('p')).direction"
        )

    arabic_sentence = next(s for s in sentences if s.text.startswith("ارتفعت"))
    english_sentence = next(s for s in sentences if s.text.startswith("The minister"))
    assert (direction(arabic_sentence), paragraph_direction(arabic_sentence)) == ("rtl", "rtl")
    assert (direction(english_sentence), paragraph_direction(english_sentence)) == ("ltr", "ltr")
