"""The editors' desk in a real Chromium: an import previewed, run and followed to the end, an
export downloaded, and both pages axe-clean on a wide and a narrow screen.

With DESK_SCREENSHOTS=1 it also saves docs/screenshots/import.png:

    DESK_SCREENSHOTS=1 .venv/bin/pytest tests/test_browser_desk.py -k screenshot
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotations import services, tasks
from annotations.models import Article, ImportJob
from tests.conftest import sign_in
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

NEWS = (
    json.dumps(
        {
            "title": "Tram fares rise",
            "body": "Tram fares rose 12% in May. The mayor said so.\nAdvert\nRead more",
            "source": "Gazette",
        }
    )
    + "\n{not json\n"
    + json.dumps({"title": "Tolls double", "body": "Bridge tolls doubled on Monday."})
    + "\n"
)
DUES = "Harbour dues rose\n\nHarbour dues rose 4% this year. The council said so.\n"


@pytest.fixture
def people(seeded_transactional_db):
    return {
        "rita": UserFactory(username="rita", groups=["reviewer"]),
        "ed": UserFactory(username="ed", groups=["editor"]),
    }


def files(*named: tuple[str, str]) -> list[dict]:
    return [
        {"name": name, "mimeType": "application/octet-stream", "buffer": text.encode()}
        for name, text in named
    ]


def open_page(page, path: str, username: str = "ed") -> None:
    sign_in(page, username)
    page.wait_for_url("**/")
    page.goto(path)


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def running(route) -> None:
    """The 202 as a broker would answer it: the job queued, nothing done yet (without a broker
    the job has run by then), so that the page has to poll for the rest."""
    response = route.fetch()
    job = response.json()
    if response.status != 202:
        route.fulfill(response=response)
        return
    job.update(state="running", processed=0, created=0, skipped=0, failed=0)
    job.update(errors=[], articles=[], finished_at=None)
    route.fulfill(response=response, json=job)


def import_two_files(page) -> None:
    page.set_input_files("#import-files", files(("news.jsonl", NEWS), ("dues.txt", DUES)))
    page.fill("#import-source", "Harbour Courier")
    page.fill("#import-tags", "harbour, money")


def test_preview_then_import_two_files_one_with_a_broken_line(page, people):
    open_page(page, "/import/")
    import_two_files(page)

    page.click("#preview-button")

    rows = page.locator("#preview-items tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("news.jsonl")
    expect(rows.nth(0)).to_contain_text("Tram fares rise")
    expect(rows.nth(0)).to_contain_text("created")
    expect(rows.nth(1)).to_contain_text("failed: malformed JSON")
    expect(rows.nth(3)).to_contain_text("dues.txt")
    sentences = page.locator("#preview-sentences li")
    expect(sentences).to_have_text(
        [
            "Tram fares rose 12% in May.",
            "The mayor said so.",
            "Advertboilerplate",
            "Read moreboilerplate",
        ]
    )
    expect(page.locator("#preview-sentences li.kind-boilerplate")).to_have_count(2)
    assert not Article.objects.exists() and not ImportJob.objects.exists()

    page.route("**/api/imports/", running)
    page.click("#import-button")

    expect(page.locator("#job-state")).to_contain_text("done: 4 of 4 records")
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("max", "4")
    expect(progress).to_have_js_property("value", 4)
    expect(page.locator("#job-counts")).to_contain_text("3 created, 0 skipped as duplicates, 1")
    job = ImportJob.objects.get()
    links = page.locator("#job-articles a")
    expect(links).to_have_text(["Tram fares rise", "Tolls double", "Harbour dues rose"])
    hrefs = [links.nth(i).get_attribute("href") for i in range(3)]
    assert hrefs == [f"/articles/{pk}/" for pk in job.articles]
    expect(page.locator("#job-errors tbody tr")).to_have_count(1)
    failure = page.locator("#job-errors tbody td")
    expect(failure.nth(0)).to_have_text("news.jsonl")
    expect(failure.nth(1)).to_have_text("2")
    expect(failure.nth(2)).to_contain_text("malformed JSON")
    tolls = Article.objects.get(title="Tolls double")
    assert tolls.source == "Harbour Courier"
    assert set(tolls.tags.values_list("name", flat=True)) == {"harbour", "money"}

    # The same files again: the preview says each would be skipped, naming the article.
    page.click("#preview-button")
    expect(page.locator("#preview-items tbody tr").nth(0)).to_contain_text(
        f"skipped: duplicate of #{job.articles[0]}"
    )
    expect(page.locator("#preview-items tbody tr a").first).to_have_attribute(
        "href", f"/articles/{job.articles[0]}/"
    )
    expect(page.locator("#preview-split-none")).to_be_visible()


def test_bad_fields_show_beside_them_and_nothing_is_imported(page, people):
    open_page(page, "/import/")

    page.click("#import-button")  # nothing given
    expect(page.locator("#import-files-error")).to_have_text(
        "Upload at least one file, or paste the text."
    )
    expect(page.locator("#import-files")).to_have_attribute("aria-invalid", "true")

    page.fill("#import-text", "Fares rose 12% in May.")
    page.fill("#import-language", "english please")
    page.click("#import-button")
    expect(page.locator("#import-language-error")).to_contain_text("language code")
    expect(page.locator("#import-files-error")).to_be_hidden()
    expect(page.locator("#import-error")).to_contain_text("see the messages beside them")
    assert not ImportJob.objects.exists()

    page.fill("#import-language", "en")
    page.click("#import-button")
    expect(page.locator("#job-state")).to_contain_text("done")
    expect(page.locator("#import-error")).to_be_hidden()
    expect(page.locator("#import-language-error")).to_be_hidden()
    assert Article.objects.get().language == "en"


def test_an_upload_over_the_limit_says_so_at_the_top(page, people, settings):
    settings.FACTCHECK_MAX_UPLOAD_BYTES = 100
    open_page(page, "/import/")
    page.set_input_files("#import-files", files(("big.txt", "Fares rose. " * 50)))

    page.click("#import-button")

    expect(page.locator("#import-error")).to_be_visible()
    expect(page.locator("#import-error")).to_contain_text("too large")
    assert not ImportJob.objects.exists()


def test_the_export_page_downloads_the_jsonl_of_one_article(page, people):
    article = article_create(title="Council budget", sentences=3)
    article_create(title="Another one", sentences=2)
    services.review_save(
        sentence=article.sentences.get(index=0), reviewer=people["rita"], label="accurate"
    )
    open_page(page, f"/articles/{article.pk}/")
    page.click("a.export-link")
    page.wait_for_url(f"**/export/?article={article.pk}")
    expect(page.locator("#id_article")).to_have_value(str(article.pk))
    page.check("#id_format_1")  # JSONL

    with page.expect_download() as download:
        page.click("#export-form button[type=submit]")

    assert download.value.suggested_filename == "factcheck-export.jsonl"
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["sentence"]["index"] for r in records] == [0, 1, 2]
    assert {r["article"]["id"] for r in records} == {article.pk}
    assert [r["reviewer"] for r in records[0]["reviews"]] == ["rita"]
    assert page.url.endswith(f"/export/?article={article.pk}")  # still on the page


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_import_page_after_an_import_has_no_accessibility_violations(page, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, "/import/")
    import_two_files(page)
    page.click("#preview-button")
    expect(page.locator("#preview")).to_be_visible()
    page.click("#import-button")
    expect(page.locator("#job-errors tbody tr")).to_have_count(1)
    expect(page.locator("#job-articles a").first).to_have_text("Tram fares rise")
    page.reload()  # the finished job in the list of recent imports
    page.click("#import-button")  # and a form error
    expect(page.locator("#import-files-error")).to_be_visible()

    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_export_page_has_no_accessibility_violations(page, people, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, "/export/?status=disputed&article=x")  # with a field error

    expect(page.locator("#id_article")).to_have_attribute("aria-invalid", "true")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# ---- the screenshot in the README ----------------------------------------------------------


@pytest.mark.skipif(os.environ.get("DESK_SCREENSHOTS") != "1", reason="set DESK_SCREENSHOTS=1")
def test_screenshot_of_the_import_page_after_an_import(page, people):
    weekend = "".join(
        json.dumps({"title": title, "body": body, "source": "Harbour Courier"}) + "\n"
        for title, body in [
            ("Ferry timetable cut", "Ferries will run hourly from June. The operator said so."),
            ("Pier reopens", "The pier reopened on Saturday after repairs costing £2 million."),
        ]
    )
    earlier = services.import_job_create(
        user=people["ed"], uploads=[services.Upload("weekend.jsonl", weekend.encode())], defaults={}
    )
    tasks.import_job_enqueue(earlier)  # runs at once: no broker in tests
    page.set_viewport_size({"width": 1280, "height": 900})
    open_page(page, "/import/")
    import_two_files(page)
    page.click("#preview-button")
    expect(page.locator("#preview")).to_be_visible()
    page.click("#import-button")
    expect(page.locator("#job-articles a").first).to_have_text("Tram fares rise")
    assert violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import.png"), full_page=True)
