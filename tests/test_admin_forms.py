"""Every admin change form and action, POSTed like a browser: what is valid is stored through
the services, and hostile values (NUL, lone surrogates, dates out of range after UTC
conversion, impossible dates, integers wider than their column) are form errors that store
nothing, never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from annotations import services
from annotations.admin import ArticleAdmin, AssignForm, LabelAdmin, TagAdmin, VerdictForm
from annotations.models import Article, Assignment, Label, Sentence, Tag, Verdict
from tests.factories import article_create

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
SURROGATE = "a\ud800b"
HUGE = [str(2**63), str(2**70), "-1"]
OUT_OF_RANGE = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30"]


def article_form(article: Article, **overrides) -> dict:
    """The change form as the browser posts it, sentences inline with their management form."""
    sentences = list(article.sentences.order_by("index"))
    data = {
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published_at": "",
        "language": article.language,
        "tags": [t.pk for t in article.tags.all()],
        "sentences-TOTAL_FORMS": len(sentences),
        "sentences-INITIAL_FORMS": len(sentences),
        "sentences-MIN_NUM_FORMS": 0,
        "sentences-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for i, sentence in enumerate(sentences):
        data[f"sentences-{i}-id"] = sentence.pk
        data[f"sentences-{i}-article"] = article.pk
        data[f"sentences-{i}-kind"] = sentence.kind
    data.update(overrides)
    return data


def article_state(article: Article) -> tuple:
    article.refresh_from_db()
    kinds = tuple(article.sentences.order_by("index").values_list("kind", flat=True))
    tags = tuple(article.tags.values_list("name", flat=True))
    return (
        article.title,
        article.source,
        article.url,
        article.published_at,
        article.language,
        article.updated_at,
        tags,
        kinds,
    )


def test_saving_an_article_stores_its_metadata_and_sentence_kinds(client, editor):
    """Regression: save_formset never called formset.save(), so building the change message
    failed and every save answered 500."""
    article = article_create(sentences=3)
    tag = Tag.objects.create(name="health")
    client.force_login(editor)
    editor.is_staff = True
    editor.save()

    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/",
        article_form(
            article,
            title="Bridge closes",
            source="Daily Bugle",
            url="bugle.example/bridge",
            published_at="2026-03-01T09:30:00+01:00",
            language="de",
            tags=[tag.pk],
            **{"sentences-1-kind": "boilerplate"},
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert (article.title, article.source, article.url, article.language) == (
        "Bridge closes",
        "Daily Bugle",
        "https://bugle.example/bridge",
        "de",
    )
    assert article.published_at == dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)
    assert list(article.tags.values_list("name", flat=True)) == ["health"]
    kinds = list(article.sentences.order_by("index").values_list("kind", flat=True))
    assert kinds == ["claim", "boilerplate", "claim"]
    assert article.summary.claims == 2  # the service kept the figures
    entry = LogEntry.objects.get()
    assert "Changed Kind for sentence" in entry.get_change_message()


def test_saving_an_article_unchanged_writes_nothing(client, superuser):
    article = article_create(sentences=2)
    before = article_state(article)
    client.force_login(superuser)
    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/", article_form(article)
    )
    assert response.status_code == 302
    assert article_state(article) == before


ARTICLE_HOSTILE = [
    *[("title", v) for v in (NUL, "")],
    ("source", NUL),
    *[("url", v) for v in ("https://a.example/\x00", "javascript:alert(1)")],
    *[("published_at", v) for v in [*OUT_OF_RANGE, "2026-02-30T10:00:00", NUL]],
    ("language", NUL),
    *[("tags", [v]) for v in [*HUGE, NUL, "0"]],
    *[("sentences-0-kind", v) for v in (NUL, "opinion", "")],
    *[("sentences-0-id", v) for v in HUGE],
    ("sentences-TOTAL_FORMS", str(2**70)),
]


@pytest.mark.parametrize(("field", "value"), ARTICLE_HOSTILE)
def test_hostile_article_values_are_form_errors_storing_nothing(client, superuser, field, value):
    article = article_create(sentences=2)
    before = article_state(article)
    client.force_login(superuser)

    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/",
        article_form(article, **{field: value}),
    )

    assert response.status_code in (200, 400)  # the form with its errors (400: broken formset)
    assert article_state(article) == before
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("field", ["title", "source", "language"])
def test_the_article_form_refuses_lone_surrogates(superuser, field):
    # A browser cannot send one (Django decodes request bodies with replacement characters), but
    # the form refuses them whatever path a value takes.
    article = article_create(sentences=1)
    form_class = ArticleAdmin(Article, site).get_form(request_as(superuser), article)
    data = {"title": "T", "source": "", "url": "", "published_at": "", "language": "en"}
    form = form_class(data={**data, field: SURROGATE}, instance=article)
    assert not form.is_valid()
    assert "unpaired surrogate" in str(form.errors[field])


def request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_a_sentence_kind_is_changed_through_its_own_form(client, superuser):
    sentence = article_create(sentences=2).sentences.first()
    client.force_login(superuser)
    response = client.post(
        f"/admin/annotations/sentence/{sentence.pk}/change/", {"kind": "boilerplate"}
    )
    assert response.status_code == 302
    sentence.refresh_from_db()
    assert sentence.kind == "boilerplate"
    assert sentence.article.summary.claims == 1


@pytest.mark.parametrize("kind", [NUL, "opinion", ""])
def test_a_hostile_sentence_kind_is_a_form_error(client, superuser, kind):
    sentence = article_create(sentences=2).sentences.first()
    client.force_login(superuser)
    response = client.post(f"/admin/annotations/sentence/{sentence.pk}/change/", {"kind": kind})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert Sentence.objects.filter(kind="boilerplate").count() == 0


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


LABEL_HOSTILE = [
    *[(name, NUL) for name in ("name", "slug", "description", "colour", "key")],
    *[("order", v) for v in [*HUGE, "40000"]],
    *[("rating_value", v) for v in [*HUGE, "6"]],
]


@pytest.mark.parametrize(("field", "value"), LABEL_HOSTILE)
def test_hostile_label_values_are_form_errors_on_add_and_change(client, superuser, field, value):
    client.force_login(superuser)
    label = Label.objects.get(slug="mixed")
    before = list(Label.objects.values_list())

    added = client.post("/admin/annotations/label/add/", label_form(**{field: value}))
    changed = client.post(
        f"/admin/annotations/label/{label.pk}/change/",
        label_form(**{"name": "Mixed", "slug": "mixed", "key": "3", field: value}),
    )

    assert (added.status_code, changed.status_code) == (200, 200)
    assert b"errorlist" in added.content and b"errorlist" in changed.content
    assert list(Label.objects.values_list()) == before


def label_list_form(labels, **overrides) -> dict:
    """The change list's editable columns (key, order, active), as posted with Save."""
    data = {
        "form-TOTAL_FORMS": len(labels),
        "form-INITIAL_FORMS": len(labels),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for i, label in enumerate(labels):
        data[f"form-{i}-id"] = label.pk
        data[f"form-{i}-key"] = label.key
        data[f"form-{i}-order"] = label.order
        if label.active:
            data[f"form-{i}-active"] = "on"
    data.update(overrides)
    return data


def test_the_label_list_edits_keys_and_order(client, superuser):
    labels = list(Label.objects.order_by("order", "id"))
    client.force_login(superuser)
    response = client.post(
        "/admin/annotations/label/", label_list_form(labels, **{"form-0-order": "42"})
    )
    assert response.status_code == 302
    assert Label.objects.get(pk=labels[0].pk).order == 42


@pytest.mark.parametrize("value", [*HUGE, "40000", NUL])
def test_hostile_orders_in_the_label_list_store_nothing(client, superuser, value):
    labels = list(Label.objects.order_by("order", "id"))
    before = list(Label.objects.values_list())
    client.force_login(superuser)
    response = client.post(
        "/admin/annotations/label/", label_list_form(labels, **{"form-0-order": value})
    )
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert list(Label.objects.values_list()) == before


@pytest.mark.parametrize("field", ["name", "description"])
def test_the_label_form_refuses_lone_surrogates(superuser, field):
    form_class = LabelAdmin(Label, site).get_form(request_as(superuser))
    form = form_class(data=label_form(**{field: SURROGATE}))
    assert not form.is_valid()
    assert "unpaired surrogate" in str(form.errors[field])


def test_tags_are_added_and_hostile_names_refused(client, superuser):
    client.force_login(superuser)
    assert client.post("/admin/annotations/tag/add/", {"name": "climate"}).status_code == 302
    refused = client.post("/admin/annotations/tag/add/", {"name": NUL})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    assert list(Tag.objects.values_list("name", flat=True)) == ["climate"]
    form = TagAdmin(Tag, site).get_form(request_as(superuser))(data={"name": SURROGATE})
    assert not form.is_valid()


# --- Actions ----------------------------------------------------------------------------
def assign(client, articles, **overrides):
    data = {
        "action": "assign_reviewers",
        "apply": "1",
        "_selected_action": [a.pk for a in articles],
        "due_date": "2026-12-24",
        **overrides,
    }
    return client.post("/admin/annotations/article/", data)


def test_the_assign_action_asks_then_assigns(client, editor, reviewer):
    editor.is_staff = True
    editor.save()
    article = article_create()
    client.force_login(editor)
    asked = client.post(
        "/admin/annotations/article/",
        {"action": "assign_reviewers", "_selected_action": [article.pk]},
    )
    assert asked.status_code == 200 and b'name="reviewers"' in asked.content
    done = assign(client, [article], reviewers=[reviewer.pk])
    assert done.status_code == 302
    assert list(Assignment.objects.values_list("reviewer__username", "due_date")) == [
        ("rita", dt.date(2026, 12, 24))
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("due_date", v) for v in ("2026-02-30", "9999-12-31", "0000-01-01", NUL)],
        *[("reviewers", [v]) for v in [*HUGE, NUL]],
    ],
)
def test_hostile_assign_values_are_form_errors(client, superuser, reviewer, field, value):
    article = article_create()
    client.force_login(superuser)
    response = assign(client, [article], **{"reviewers": [reviewer.pk], field: value})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("selected", [[str(2**70)], [str(2**63)], ["-1"], ["abc"], [NUL]])
def test_a_hostile_selection_does_nothing(client, superuser, selected):
    article = article_create()
    client.force_login(superuser)
    response = client.post(
        "/admin/annotations/article/",
        {"action": "assign_reviewers", "_selected_action": selected},
        follow=True,
    )
    assert response.status_code == 200
    assert not Assignment.objects.exists()
    assert Article.objects.get() == article


def set_verdict(client, sentences, **overrides):
    data = {
        "action": "set_verdict",
        "apply": "1",
        "_selected_action": [s.pk for s in sentences],
        "label": "false",
        "rationale": "The agency says otherwise.",
        **overrides,
    }
    return client.post("/admin/annotations/sentence/", data)


def test_the_verdict_action_sets_the_verdict_through_the_service(client, editor):
    editor.is_staff = True
    editor.save()
    sentences = list(article_create(sentences=2).sentences.all())
    client.force_login(editor)
    response = set_verdict(client, sentences)
    assert response.status_code == 302
    verdicts = Verdict.objects.order_by("sentence_id")
    assert [(v.label.slug, v.rationale, v.decided_by) for v in verdicts] == [
        ("false", "The agency says otherwise.", editor)
    ] * 2
    assert set(Sentence.objects.values_list("status", flat=True)) == {"final"}


@pytest.mark.parametrize(
    ("field", "value"), [("rationale", NUL), ("label", NUL), ("label", "flase"), ("label", "")]
)
def test_hostile_verdict_values_are_form_errors(client, superuser, field, value):
    sentences = list(article_create(sentences=2).sentences.all())
    client.force_login(superuser)
    response = set_verdict(client, sentences, **{field: value})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Verdict.objects.exists()


def test_the_verdict_form_refuses_a_lone_surrogate():
    form = VerdictForm(data={"label": "false", "rationale": SURROGATE})
    assert not form.is_valid()
    assert "unpaired surrogate" in str(form.errors["rationale"])


def test_the_assign_form_refuses_a_day_pages_cannot_add_to(reviewer):
    form = AssignForm(data={"reviewers": [reviewer.pk], "due_date": "9999-12-31"})
    assert not form.is_valid()
    assert "out of range" in str(form.errors["due_date"])


# --- Assignments' own forms ---------------------------------------------------------------
def test_assignments_are_added_changed_and_deleted_through_the_service(client, editor, reviewer):
    editor.is_staff = True
    editor.save()
    article = article_create()
    client.force_login(editor)

    added = client.post(
        "/admin/annotations/assignment/add/",
        {"article": article.pk, "reviewer": reviewer.pk, "due_date": "2026-12-24"},
    )
    assert added.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.assigned_by, assignment.due_date) == (editor, dt.date(2026, 12, 24))

    changed = client.post(
        f"/admin/annotations/assignment/{assignment.pk}/change/", {"due_date": "2027-01-05"}
    )
    assert changed.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_date == dt.date(2027, 1, 5)

    kept = client.post(f"/admin/annotations/assignment/{assignment.pk}/change/", {"due_date": ""})
    assert kept.status_code == 200 and b"can be changed here but not removed" in kept.content

    deleted = client.post(
        "/admin/annotations/assignment/",
        {"action": "delete_selected", "_selected_action": [assignment.pk], "post": "yes"},
    )
    assert deleted.status_code == 302
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        *[("due_date", v) for v in ("2026-02-30", "9999-12-31", NUL)],
        *[("article", v) for v in [*HUGE, NUL]],
        *[("reviewer", v) for v in [*HUGE, NUL]],
    ],
)
def test_hostile_assignment_values_are_form_errors(client, superuser, reviewer, field, value):
    article = article_create()
    client.force_login(superuser)
    data = {"article": article.pk, "reviewer": reviewer.pk, "due_date": "2026-12-24"}
    response = client.post("/admin/annotations/assignment/add/", {**data, field: value})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert not Assignment.objects.exists()


def test_only_reviewers_can_be_assigned_in_the_assignment_form(client, superuser, editor):
    article = article_create()
    client.force_login(superuser)
    response = client.post(
        "/admin/annotations/assignment/add/", {"article": article.pk, "reviewer": editor.pk}
    )
    assert response.status_code == 200
    assert not Assignment.objects.exists()


# --- Import ----------------------------------------------------------------------------
def test_each_uploaded_file_and_record_succeeds_or_fails_on_its_own(client, superuser):
    """Regression: [ok.txt, bad.json] answered 500 after ok.txt was committed."""
    client.force_login(superuser)
    ok = SimpleUploadedFile("ok.txt", b"Bridge to close\n\nThe bridge closes on Monday.")
    bad = SimpleUploadedFile(
        "bad.json",
        (
            '[{"title": "Fine", "body": "The tunnel opens on Friday."},'
            ' {"title": "Nul\\u0000", "body": "The ferry stops."},'
            ' {"title": "Lone", "body": "The bus \\ud800 runs."},'
            ' {"title": "Early", "body": "The port opens.",'
            ' "published_at": "0001-01-01T00:00:00+14:00"},'
            ' {"title": "Late", "body": "The port shuts.",'
            ' "published_at": "9999-12-31T23:59:59-14:00"},'
            ' {"title": "Leap", "body": "The dam fills.", "published_at": "2026-02-30"},'
            ' {"title": "Long", "body": "The lock opens.", "tags": [' + str(2**70) + "]},"
            ' "not an object"]'
        ).encode(),
    )
    broken = SimpleUploadedFile("broken.json", b"{")

    response = client.post(
        "/admin/annotations/article/import/", {"files": [ok, bad, broken]}, follow=True
    )

    assert response.status_code == 200
    titles = sorted(Article.objects.values_list("title", flat=True))
    assert titles == ["Bridge to close", "Fine"]
    text = response.content.decode()
    assert "Created 2, skipped 0, failed 8." in text
    for origin in [f"bad.json[{n}]" for n in range(2, 9)] + ["broken.json"]:
        assert f"Failed {origin}: " in text


def test_a_dry_run_import_stores_nothing(client, superuser):
    client.force_login(superuser)
    ok = SimpleUploadedFile("ok.txt", b"Bridge to close\n\nThe bridge closes on Monday.")
    response = client.post(
        "/admin/annotations/article/import/", {"files": [ok], "dry_run": "on"}, follow=True
    )
    assert "Would create 1, skipped 0, failed 0." in response.content.decode()
    assert not Article.objects.exists()


def test_the_import_form_without_files_is_a_form_error(client, superuser):
    client.force_login(superuser)
    response = client.post("/admin/annotations/article/import/", {"dry_run": NUL})
    assert response.status_code == 200
    assert b"errorlist" in response.content


# --- Lists under hostile query strings --------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/admin/annotations/article/?q=%00",
        "/admin/annotations/article/?source=%00",
        "/admin/annotations/article/?published_at__year=9999",
        "/admin/annotations/article/?published_at__year=9999&published_at__month=12",
        "/admin/annotations/article/?published_at__year=0",
        f"/admin/annotations/article/?tags__id__exact={2**70}",
        "/admin/annotations/review/?q=%00",
        f"/admin/annotations/review/?reviewer__id__exact={2**70}",
        "/admin/annotations/history/?created_at__year=9999&created_at__month=12&created_at__day=31",
        f"/admin/annotations/article/{2**70}/change/",
        "/admin/annotations/sentence/?q=%ED%A0%80",
    ],
)
def test_hostile_query_strings_never_break_a_list(client, superuser, url):
    article_create(sentences=1)
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code in (200, 302)


def test_a_reviewed_sentence_changes_kind_with_its_figures_kept(client, superuser, reviewer):
    article = article_create(sentences=2)
    services.review_save(sentence=article.sentences.first(), reviewer=reviewer, label="mixed")
    client.force_login(superuser)
    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/",
        article_form(article, **{"sentences-0-kind": "boilerplate"}),
    )
    assert response.status_code == 302
