"""Import jobs through POST /api/imports/ and the command line, run eagerly (no broker in tests;
tests/test_import_worker.py runs a real worker)."""

from __future__ import annotations

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from annotations import services
from annotations.models import Article, ImportJob
from annotations.services import batch
from tests.conftest import celery_broker

pytestmark = pytest.mark.django_db

TXT = "Harbour dues rose\n\nHarbour dues rose 4% this year. The council said so.\n"


def jsonl(*records: object) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records).encode()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def post(client, **fields):
    return client.post("/api/imports/", fields, format="multipart")


def test_an_editor_uploads_files_and_gets_a_job_that_runs(editor_client, editor):
    news = jsonl(
        {"title": "Fares", "body": "Fares rose 12% in May.", "source": "Gazette"},
        "{not json",
        {"title": "Tolls", "body": "Tolls doubled."},
    )

    response = post(
        editor_client,
        files=[upload("dues.txt", TXT.encode()), upload("news.jsonl", news)],
        source="Harbour Courier",
        tags="harbour, money",
    )

    assert response.status_code == 202
    job = response.json()
    assert job["state"] == "done"  # eagerly, without a broker
    assert job["files"] == ["dues.txt", "news.jsonl"]
    assert (job["total"], job["processed"]) == (4, 4)
    assert (job["created"], job["skipped"], job["failed"]) == (3, 0, 1)
    [error] = job["errors"]
    assert (error["file"], error["line"]) == ("news.jsonl", 2)
    assert error["message"].startswith("malformed JSON")
    articles = {a.title: a for a in Article.objects.filter(pk__in=job["articles"])}
    assert set(articles) == {"Harbour dues rose", "Fares", "Tolls"}
    assert articles["Harbour dues rose"].source == "Harbour Courier"  # the default
    assert articles["Fares"].source == "Gazette"  # its own
    assert set(articles["Tolls"].tags.values_list("name", flat=True)) == {"harbour", "money"}
    assert articles["Tolls"].imported_by == editor
    assert editor_client.get(f"/api/imports/{job['id']}/").json()["created"] == 3


def test_pasted_text_with_a_title_and_a_zip_of_files(editor_client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("folder/a.txt", "Bridge tolls doubled overnight.")
        zipped.writestr("folder/b.jsonl", jsonl({"title": "B", "body": "Ferries stopped."}))
        zipped.writestr("__MACOSX/.junk", "x")

    response = post(
        editor_client,
        files=[upload("batch.zip", archive.getvalue())],
        text="The mayor said fares will fall.",
        title="Pasted piece",
    )

    job = response.json()
    assert response.status_code == 202, job
    assert job["files"] == ["batch.zip/folder/a.txt", "batch.zip/folder/b.jsonl", "pasted text.txt"]
    titles = sorted(Article.objects.values_list("title", flat=True))
    # The title given applies to what has none of its own (both .txt files here).
    assert titles == ["B", "Pasted piece", "Pasted piece"]


def test_what_is_there_already_is_skipped(editor_client):
    post(editor_client, files=[upload("dues.txt", TXT.encode())])

    job = post(editor_client, files=[upload("again.txt", TXT.encode())]).json()

    assert (job["created"], job["skipped"], job["failed"]) == (0, 1, 0)
    assert Article.objects.count() == 1


def test_a_job_whose_worker_died_resumes_and_counts_what_it_made(editor, monkeypatch):
    news = jsonl(*({"title": f"N{i}", "body": f"Claim number {i} is made."} for i in range(5)))
    job = services.import_job_create(
        user=editor, uploads=[services.Upload("news.jsonl", news)], defaults={}
    )
    real = batch.articles_import
    calls = []

    def dies_after_two_batches(**kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt  # the worker process killed mid-job
        calls.append(kwargs["inputs"])
        return real(**kwargs)

    monkeypatch.setattr(batch, "BATCH", 2)
    monkeypatch.setattr(batch, "articles_import", dies_after_two_batches)
    with pytest.raises(KeyboardInterrupt):
        services.import_job_run(job.pk)
    job.refresh_from_db()
    assert job.state == "running" and Article.objects.count() == 4  # whole batches only

    monkeypatch.setattr(batch, "articles_import", real)
    services.import_job_run(job.pk)  # the task delivered again

    job.refresh_from_db()
    assert job.state == "done"
    assert (job.created, job.skipped, job.failed, job.total) == (5, 0, 0, 5)
    assert len(job.articles) == 5 and Article.objects.count() == 5


def test_a_finished_job_is_not_run_twice(editor):
    job = services.import_job_create(
        user=editor, uploads=[services.Upload("a.txt", b"Fares rose.")], defaults={}
    )
    services.import_job_run(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(created=99)

    services.import_job_run(job.pk)

    assert ImportJob.objects.get(pk=job.pk).created == 99


def test_an_unexpected_error_fails_the_job_with_a_reason(editor, monkeypatch):
    job = services.import_job_create(
        user=editor, uploads=[services.Upload("a.txt", b"Fares rose.")], defaults={}
    )
    monkeypatch.setattr(batch, "articles_import", lambda **kwargs: 1 / 0)

    services.import_job_run(job.pk)

    job.refresh_from_db()
    assert job.state == "failed"
    assert job.message == "The import stopped (ZeroDivisionError); run it again to resume."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "files", "Upload at least one file, or paste the text."),
        ({"text": "   "}, "files", "Upload at least one file, or paste the text."),
        ({"text": "Fares rose.", "source": "Ga\x00zette"}, "source", "NUL"),
        (
            {"text": "Fares rose.", "published_at": "0001-01-01T00:00:00+14:00"},
            "published_at",
            "",
        ),
        ({"text": "Fares rose.", "url": "javascript:alert(1)"}, "url", "http"),
        ({"text": "Fares rose.", "language": "english please"}, "language", "language code"),
    ],
)
def test_bad_uploads_answer_400_with_the_field(editor_client, fields, field, message):
    response = post(editor_client, **fields)

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not ImportJob.objects.exists()


def test_a_broken_zip_answers_400(editor_client):
    response = post(editor_client, files=[upload("batch.zip", b"PK\x03\x04 not really")])

    assert response.status_code == 400
    assert response.json()["files"][0].startswith("batch.zip: not a readable zip archive")


def test_an_upload_over_the_limit_answers_413(editor_client, settings):
    settings.FACTCHECK_MAX_UPLOAD_BYTES = 1000
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("big.txt", "a" * 5000)  # small packed, large unpacked

    response = post(editor_client, files=[upload("big.zip", archive.getvalue())])

    assert response.status_code == 413
    assert not ImportJob.objects.exists()


def test_reviewers_and_anonymous_users_may_not_import(reviewer_client, anon_client):
    assert post(reviewer_client, text="Fares rose.").status_code == 403
    assert reviewer_client.get("/api/imports/").status_code == 403
    assert post(anon_client, text="Fares rose.").status_code == 401


def test_the_list_shows_jobs_newest_first_in_bounded_queries(
    editor_client, django_assert_max_num_queries
):
    for number in range(3):
        post(editor_client, text=f"Claim {number} is here.")

    with django_assert_max_num_queries(6):
        response = editor_client.get("/api/imports/")

    results = response.json()["results"]
    assert [job["files"] for job in results] == [["pasted text.txt"]] * 3
    assert results[0]["id"] > results[1]["id"] > results[2]["id"]


@pytest.mark.django_db(transaction=True)  # queued once committed: no test transaction around
def test_an_unreachable_queue_answers_503_and_keeps_the_job(seeded_transactional_db, editor_client):
    with celery_broker("redis://127.0.0.1:1/0"):  # nothing listens there
        response = post(editor_client, text="Fares rose.")

    assert response.status_code == 503
    job = ImportJob.objects.get()
    assert job.state == "failed" and "did not answer" in job.message
    assert response.json()["id"] == job.pk


def test_the_command_queues_a_job_in_the_background(tmp_path, editor):
    (tmp_path / "a.txt").write_text(TXT, encoding="utf-8")
    out = StringIO()

    call_command(
        "import_articles", str(tmp_path), "--background", "--user", editor.username, stdout=out
    )

    job = ImportJob.objects.get()
    assert out.getvalue().startswith(f"import job {job.pk}: done, 1 file(s); created 1,")
    assert job.created == 1 and job.created_by == editor


def test_the_preview_shows_the_split_and_what_would_be_skipped_storing_nothing(editor_client):
    post(editor_client, files=[upload("dues.txt", TXT.encode())])
    news = jsonl(
        {"title": "Fares", "body": "Fares rose 12% in May. Advert\nRead more"},
        {"title": "Dues", "body": "Harbour dues rose 4% this year. The council said so.\n"},
        {"title": "No body"},
    )

    response = editor_client.post(
        "/api/imports/preview/",
        {"files": [upload("news.jsonl", news)], "source": "Wire"},
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    preview = response.json()
    assert [(i["line"], i["outcome"]) for i in preview["items"]] == [
        (1, "created"),
        (2, "skipped"),
        (3, "failed"),
    ]
    dues = Article.objects.get()
    assert preview["items"][1]["duplicate_of"] == dues.pk
    assert preview["items"][2]["message"].startswith("body:")
    assert preview["sentences"] == [
        {"text": "Fares rose 12% in May.", "kind": "claim"},
        {"text": "Advert", "kind": "boilerplate"},
        {"text": "Read more", "kind": "boilerplate"},
    ]
    assert preview["more"] is False
    assert Article.objects.count() == 1 and ImportJob.objects.count() == 1


def test_the_preview_splits_each_body_once(editor_client, monkeypatch):
    from annotations import segmentation

    bodies = []
    real = segmentation.segment
    monkeypatch.setattr(
        segmentation, "segment", lambda body, language: bodies.append(body) or real(body, language)
    )
    news = jsonl(
        {"title": "Fares", "body": "Fares rose 12% in May. Advert"},
        {"title": "Dues", "body": "Harbour dues rose 4% this year."},
    )

    response = editor_client.post(
        "/api/imports/preview/", {"files": [upload("news.jsonl", news)]}, format="multipart"
    )

    assert response.status_code == 200, response.json()
    assert bodies == ["Fares rose 12% in May. Advert", "Harbour dues rose 4% this year."]
    assert response.json()["sentences"] == [
        {"text": "Fares rose 12% in May.", "kind": "claim"},
        {"text": "Advert", "kind": "boilerplate"},
    ]


def test_reviewers_may_not_preview(reviewer_client):
    response = reviewer_client.post("/api/imports/preview/", {"text": "Fares rose."})
    assert response.status_code == 403
