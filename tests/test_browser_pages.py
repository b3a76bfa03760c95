"""The pages in a real Chromium: sign in, list, read an article; no script runs from text."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser


def test_sign_in_and_read_an_article_with_hostile_text(page):
    UserFactory(username="rita", groups=["reviewer"])
    article = article_create(
        title="Hostile <b>title</b>",
        body='He wrote <script>window.pwned=1</script>. Then <img src=x onerror="window.pwned=2">.',
    )

    sign_in(page, "rita")
    page.wait_for_url("**/")
    page.get_by_role("link", name="Hostile <b>title</b>").click()
    page.wait_for_url(f"**/articles/{article.pk}/")

    assert page.get_by_role("heading", level=1).inner_text() == "Hostile <b>title</b>"
    assert page.locator(".ws-text .s").count() == article.sentences.count()
    assert "<script>window.pwned=1</script>" in page.locator(".ws-text").inner_text()
    assert page.evaluate("window.pwned") is None


def test_wrong_password_shows_an_error(page):
    UserFactory(username="rita", groups=["reviewer"])
    sign_in(page, "rita", "wrong")
    assert page.get_by_role("alert").inner_text().startswith("Your username and password")


def test_an_admin_uploads_articles_through_the_import_page(page, tmp_path):
    from annotations.models import Article

    UserFactory(username="root", is_superuser=True, is_staff=True)
    story = tmp_path / "harbour.txt"
    story.write_text("Harbour to reopen\n\nThe harbour reopens on Friday. Advert")
    sign_in(page, "root")
    page.wait_for_url("**/")
    page.goto("/admin/annotations/article/")
    page.get_by_role("link", name="Import articles").click()
    page.set_input_files("input[type=file]", str(story))
    page.get_by_role("button", name="Import").click()

    assert "Created 1, skipped 0, failed 0." in page.locator(".messagelist").inner_text()
    assert Article.objects.get().title == "Harbour to reopen"
