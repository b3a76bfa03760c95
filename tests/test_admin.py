"""The admin lists render for a superuser, with query counts that do not grow with rows."""

from __future__ import annotations

import json

import pytest

from annotations import services
from annotations.models import Article, Assignment, Label, Sentence, Verdict
from tests.factories import article_create

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/annotations/article/",
    "/admin/annotations/sentence/",
    "/admin/annotations/label/",
    "/admin/annotations/review/",
    "/admin/annotations/verdict/",
    "/admin/annotations/history/",
    "/admin/annotations/assignment/",
]


def fill(count: int, reviewer, editor) -> None:
    for _ in range(count):
        sentence = article_create(sentences=2).sentences.first()
        services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
        services.verdict_set(sentence=sentence, user=editor, label="accurate")


@pytest.mark.parametrize("url", PAGES)
def test_admin_lists_render_with_constant_queries(
    client, superuser, reviewer, editor, django_assert_max_num_queries, url
):
    client.force_login(superuser)
    fill(2, reviewer, editor)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    fill(20, reviewer, editor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_article_change_page_shows_sentences_inline(client, superuser):
    article = article_create(sentences=3)
    client.force_login(superuser)
    response = client.get(f"/admin/annotations/article/{article.pk}/change/")
    assert response.status_code == 200
    for sentence in article.sentences.all():
        assert sentence.text.encode() in response.content


def test_labels_cannot_be_deleted_in_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/annotations/label/1/delete/")
    assert response.status_code == 403


def test_reviewers_are_kept_out_of_the_admin(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/admin/")
    assert response.status_code == 302


def label_form(**overrides) -> dict:
    data = {
        "name": "Satire",
        "slug": "satire",
        "description": "Not meant literally.",
        "colour": "#aa33cc",
        "key": "8",
        "order": 8,
        "rating_value": "",
        "is_claim": "",
        "requires_evidence": "",
        "active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_adds_renames_recolours_and_retires_labels(client, superuser, reviewer_client):
    client.force_login(superuser)

    added = client.post("/admin/annotations/label/add/", label_form())
    assert added.status_code == 302
    label = Label.objects.get(slug="satire")
    changed = client.post(
        f"/admin/annotations/label/{label.pk}/change/",
        label_form(name="Satire or parody", colour="#123456", order=0, active=None),
    )
    assert changed.status_code == 302
    label.refresh_from_db()
    assert (label.name, label.colour, label.order, label.active) == (
        "Satire or parody",
        "#123456",
        0,
        False,
    )
    slugs = [lb["slug"] for lb in reviewer_client.get("/api/labels/").json()]
    assert "satire" not in slugs


def test_admin_refuses_a_key_already_used_by_an_active_label(client, superuser):
    client.force_login(superuser)
    response = client.post("/admin/annotations/label/add/", label_form(key="1"))
    assert response.status_code == 200  # the form again, with the error
    assert b"Another active label already uses this key." in response.content
    assert not Label.objects.filter(slug="satire").exists()


def test_admin_refuses_a_bad_colour(client, superuser):
    client.force_login(superuser)
    response = client.post("/admin/annotations/label/add/", label_form(colour="red"))
    assert b"Use a colour like #1a9850." in response.content
    assert not Label.objects.filter(slug="satire").exists()


def test_a_retired_label_keeps_the_reviews_that_used_it(reviewer, reviewer_client):
    sentence = article_create(sentences=1).sentences.get()
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    Label.objects.filter(slug="mixed").update(active=False)

    review = reviewer_client.get(f"/api/sentences/{sentence.pk}/").json()["reviews"][0]

    assert review["label"] == "mixed"
    response = reviewer_client.put(
        f"/api/sentences/{sentence.pk}/review/", {"label": "mixed"}, format="json"
    )
    assert response.status_code == 400


def test_admin_import_page_takes_uploaded_files_through_the_import_service(client, superuser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(superuser)
    good = SimpleUploadedFile("story.txt", b"Bridge to close\n\nThe bridge closes on Monday.")
    bad = SimpleUploadedFile("bad.txt", "Caf\xe9".encode("latin-1"))

    response = client.post(
        "/admin/annotations/article/import/", {"files": [good, bad]}, follow=True
    )

    assert response.status_code == 200
    article = Article.objects.get()
    assert (article.title, article.body) == ("Bridge to close", "The bridge closes on Monday.")
    assert article.imported_by == superuser
    text = response.content.decode()
    assert "Created 1, skipped 0, failed 1." in text
    assert "Failed bad.txt: not UTF-8 text" in text


def test_admin_bulk_assigns_reviewers(client, superuser, reviewer, reviewer2):
    articles = [article_create(), article_create()]
    client.force_login(superuser)
    response = client.post(
        "/admin/annotations/article/",
        {
            "action": "assign_reviewers",
            "apply": "1",
            "_selected_action": [a.pk for a in articles],
            "reviewers": [reviewer.pk, reviewer2.pk],
            "due_date": "2026-12-24",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "4 assignments made or updated." in response.content.decode()
    assert Assignment.objects.filter(due_date="2026-12-24").count() == 4


def test_admin_sets_a_verdict_on_many_sentences_at_once(client, superuser):
    sentences = list(article_create(sentences=3).sentences.all())
    client.force_login(superuser)
    client.post(
        "/admin/annotations/sentence/",
        {
            "action": "set_verdict",
            "apply": "1",
            "_selected_action": [s.pk for s in sentences],
            "label": "unverifiable",
            "rationale": "No source.",
        },
    )
    assert Verdict.objects.filter(label__slug="unverifiable").count() == 3
    assert set(Sentence.objects.values_list("status", flat=True)) == {"final"}


def test_admin_exports_selected_articles_as_jsonl(client, superuser):
    first, second = article_create(sentences=2), article_create(sentences=3)
    client.force_login(superuser)
    response = client.post(
        "/admin/annotations/article/",
        {"action": "export_selected", "_selected_action": [first.pk, second.pk]},
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["article"]["id"] for r in records] == [first.pk] * 2 + [second.pk] * 3


def test_articles_imported_in_the_admin_have_their_claims_matched(
    client, superuser, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from annotations.models import ClaimMatch

    earlier = article_create(
        body="Repairs start soon. The harbour bridge will close for six weeks from Monday."
    )
    client.force_login(superuser)
    later = SimpleUploadedFile(
        "later.txt", b"Bridge news\n\nThe harbour bridge will close for six weeks from Monday."
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/annotations/article/import/", {"files": [later]}, follow=True)

    imported = Article.objects.exclude(pk=earlier.pk).get()
    assert imported.matched_at is not None
    assert list(
        ClaimMatch.objects.filter(article=imported).values_list("matched__article", "relation")
    ) == [(earlier.pk, "same")]
