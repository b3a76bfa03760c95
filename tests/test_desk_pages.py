"""The editors' desk pages, /import/ and /export/: who may open them, the recent import jobs,
and the links to them from the top bar, the queue and the workspace."""

from __future__ import annotations

import json
from datetime import date

import pytest

from annotations import services
from annotations.context_processors import roles
from annotations.desk import ExportForm
from annotations.models import ImportJob
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(reviewer, editor, superuser):
    return {"reviewer": reviewer, "editor": editor, "superuser": superuser}


@pytest.mark.parametrize(
    ("url", "role", "status"),
    [
        ("/import/", None, 302),
        ("/import/", "reviewer", 403),
        ("/import/", "editor", 200),
        ("/import/", "superuser", 200),
        ("/export/", None, 302),
        ("/export/", "reviewer", 403),
        ("/export/", "editor", 200),
        ("/export/", "superuser", 200),
    ],
)
def test_who_may_open_the_desk_pages(client, people, url, role, status):
    if role:
        client.force_login(people[role])

    response = client.get(url)

    assert response.status_code == status
    if role is None:
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_reviewers_may_open_the_export_page_when_they_may_export(client, reviewer, settings):
    # The rule of GET /api/export/: with blind review off and reviewing open, a reviewer sees
    # every rating anyway.
    settings.FACTCHECK_BLIND_REVIEW = False
    settings.FACTCHECK_OPEN_REVIEWING = True
    client.force_login(reviewer)

    assert client.get("/export/").status_code == 200
    assert client.get("/import/").status_code == 403


def test_the_import_page_has_the_upload_form(client, editor):
    client.force_login(editor)

    content = client.get("/import/").content.decode()

    assert 'name="files" multiple accept=".txt,.json,.jsonl,.html,.htm,.zip"' in content
    assert 'name="text"' in content
    for name in ("title", "source", "url", "published_at", "language", "tags"):
        assert f'name="{name}"' in content
    assert '<progress id="job-progress"' in content
    assert content.index("/static/js/api.js") < content.index("/static/js/desk.js")
    assert "needs JavaScript" in content  # in <noscript>


def test_the_import_page_lists_the_last_ten_jobs(client, editor, superuser):
    for number in range(12):
        services.import_job_create(
            user=superuser if number % 2 else editor,
            uploads=[services.Upload(f"batch-{number}.txt", b"Fares rose.")],
            defaults={},
        )
    done = ImportJob.objects.order_by("-id").first()
    ImportJob.objects.filter(pk=done.pk).update(
        state="done", total=7, processed=7, created=4, skipped=2, failed=1
    )
    client.force_login(editor)

    response = client.get("/import/")

    jobs = response.context["jobs"]
    assert [job.pk for job in jobs] == list(
        ImportJob.objects.order_by("-id").values_list("pk", flat=True)[:10]
    )
    content = response.content.decode()
    assert content.count("<td>#") == 10
    row = content.split(f"<td>#{done.pk}</td>")[1].split("</tr>")[0]
    assert '<span class="job-state job-done">done</span>' in row
    assert [cell for cell in ("7 / 7", ">4<", ">2<", ">1<", "root") if cell not in row] == []


@pytest.mark.parametrize("jobs", [1, 10])
def test_the_import_page_reads_the_jobs_in_one_query(
    client, editor, django_assert_num_queries, jobs
):
    for _ in range(jobs):
        services.import_job_create(
            user=editor, uploads=[services.Upload("a.txt", b"Fares rose.")], defaults={}
        )
    client.force_login(editor)
    # session + user + may import + is an editor (the top bar) + jobs with users and files
    with django_assert_num_queries(5):
        client.get("/import/")


def test_the_export_form_sends_the_apis_parameters_to_the_api(client, editor):
    client.force_login(editor)

    content = client.get("/export/").content.decode()

    assert '<form id="export-form" class="desk-form" method="get" action="/api/export/">' in content
    for value in ("json", "jsonl", "csv", "claimreview"):
        assert f'name="format" value="{value}"' in content
    for name in ("article", "label", "status", "updated_since"):
        assert f'name="{name}"' in content
    assert 'value="false"' in content  # a label to choose


def test_the_export_form_starts_with_the_filter_it_was_linked_with(client, editor):
    client.force_login(editor)

    response = client.get("/export/?article=12&status=disputed")

    form = response.context["form"]
    assert form.is_valid()
    assert (form.cleaned_data["article"], form.cleaned_data["status"]) == (12, "disputed")
    assert 'name="article" value="12"' in response.content.decode()


def test_a_bad_filter_in_the_link_shows_beside_its_field(client, editor):
    client.force_login(editor)

    response = client.get("/export/?article=twelve")

    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


def test_the_top_bar_links_to_the_desk_for_editors_only(client, reviewer, editor):
    article = article_create()
    client.force_login(editor)
    for url in ("/", f"/articles/{article.pk}/", "/dashboard/", "/import/", "/export/"):
        content = client.get(url).content.decode()
        assert '<a href="/import/">Import</a>' in content, url
        assert '<a href="/export/">Export</a>' in content, url

    client.force_login(reviewer)
    for url in ("/", f"/articles/{article.pk}/", "/dashboard/"):
        content = client.get(url).content.decode()
        assert 'href="/import/"' not in content and 'href="/export/' not in content, url


def test_the_queue_links_to_the_export_with_its_status_source_and_tag(client, editor, reviewer):
    client.force_login(editor)

    plain = client.get("/").content.decode()
    query = {"status": "disputed", "source": "Gazette & Post", "tag": "council", "q": "x"}
    filtered = client.get("/", query).content
    tagged = client.get("/?tag=council").content.decode()

    assert '<a class="export-link" href="/export/">Export</a>' in plain
    # The title search has no export filter.
    assert (
        '<a class="export-link" href="/export/?status=disputed&amp;source=Gazette%20%26%20Post'
        '&amp;tag=council">Export</a>'
    ) in filtered.decode()
    assert '<a class="export-link" href="/export/?tag=council">Export</a>' in tagged
    client.force_login(reviewer)
    assert "export-link" not in client.get("/?status=disputed").content.decode()


def test_the_workspace_links_editors_to_the_export_of_its_article(client, editor):
    article = article_create()
    client.force_login(editor)

    content = client.get(f"/articles/{article.pk}/").content.decode()

    assert f'<a class="export-link" href="/export/?article={article.pk}">' in content
    client.force_login(UserFactory(username="rhea", groups=["reviewer"]))
    assert "export-link" not in client.get(f"/articles/{article.pk}/").content.decode()


# --- The export page's article filters -------------------------------------------------------
def test_the_export_form_offers_source_tag_and_publication_dates(client, editor):
    client.force_login(editor)

    content = client.get("/export/").content.decode()

    assert '<input type="text" name="source" maxlength="200"' in content
    assert '<input type="text" name="tag" maxlength="100"' in content
    assert '<input type="date" name="published_after"' in content
    assert '<input type="date" name="published_before"' in content


def test_the_export_form_starts_with_the_article_filters_it_was_linked_with(client, editor):
    client.force_login(editor)

    response = client.get(
        "/export/",
        {"source": "Gazette & Post", "tag": "council", "published_after": "2026-03-01"},
    )

    form = response.context["form"]
    assert form.is_valid(), form.errors
    assert {name: form.cleaned_data[name] for name in ("source", "tag", "published_after")} == {
        "source": "Gazette & Post",
        "tag": "council",
        "published_after": date(2026, 3, 1),
    }
    content = response.content.decode()
    assert 'name="source" value="Gazette &amp; Post"' in content
    assert 'name="published_after" value="2026-03-01"' in content


def test_a_bad_publication_date_in_the_link_shows_beside_its_field(client, editor):
    client.force_login(editor)

    content = client.get("/export/?published_before=2026-02-30").content.decode()

    error = '<p class="field-error" id="id_published_before_error">Enter a valid date.</p>'
    assert error in content


def test_what_the_export_form_sends_is_what_the_api_filters_by(editor_client):
    # The browser sends every field of the GET form, the empty ones too.
    for title, source, day, tags in [
        ("Bridge", "Courier", 1, ["transport"]),
        ("Ferry", "Gazette", 2, ["transport"]),
        ("Tolls", "Gazette", 3, ["money"]),
    ]:
        article_create(
            title=title,
            body=f"{title} news is here.",
            source=source,
            published_at=f"2026-03-0{day}T09:00:00Z",
            tags=tags,
        )
    sent = {name: "" for name in ExportForm.base_fields}
    sent.update(
        format="jsonl",
        source="Gazette",
        tag="transport",
        published_after="2026-03-02",
        published_before="2026-03-03",
    )

    response = editor_client.get("/api/export/", sent)

    assert response.status_code == 200
    records = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert {record["article"]["title"] for record in records} == {"Ferry"}


# --- The top bar on pages that do not know their viewer (annotations/context_processors.py) --
def test_the_top_bar_links_to_the_desk_on_any_page_for_editors(client, editor, reviewer):
    # The sign-in page renders the top bar for a signed-in user without a viewer of its own.
    client.force_login(editor)
    content = client.get("/accounts/login/").content.decode()
    assert '<a href="/import/">Import</a>' in content
    assert '<a href="/export/">Export</a>' in content

    client.force_login(reviewer)
    content = client.get("/accounts/login/").content.decode()
    assert 'href="/import/"' not in content and 'href="/export/' not in content


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_the_top_bar_asks_the_role_once_on_a_page_without_a_viewer(
    client, people, django_assert_num_queries, role
):
    client.force_login(people[role])
    # session + user + is an editor (the top bar)
    with django_assert_num_queries(3):
        client.get("/accounts/login/")


def test_the_role_is_asked_only_when_a_template_uses_it_and_once_per_request(
    rf, editor, django_assert_num_queries
):
    request = rf.get("/")
    request.user = editor

    with django_assert_num_queries(0):
        first = roles(request)["user_is_editor"]
        second = roles(request)["user_is_editor"]  # a second template in the same request
    with django_assert_num_queries(1):
        assert bool(first) is True
        assert bool(second) is True
