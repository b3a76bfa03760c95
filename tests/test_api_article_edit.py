"""PATCH /api/articles/{id}/ (an article's metadata, never its body) and PATCH
/api/sentences/{id}/ (a sentence's kind): who may, what is accepted, what is kept in history
and in the figures, and the admin's article form going through the same service."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.core.management import call_command

from annotations import services
from annotations.models import Article, History, Sentence, Tag
from annotations.services import summaries
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db

IMPORTED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EDITED = datetime(2026, 3, 5, 16, 0, tzinfo=UTC)
BODY_MESSAGE = "The body never changes; fixing the text is a new import."


@pytest.fixture
def article(editor) -> Article:
    with time_machine.travel(IMPORTED, tick=False):
        return article_create(
            sentences=3,
            imported_by=editor,
            title="Bridge to close",
            source="Marlow Bay Courier",
            url="https://example.org/bridge",
            published_at="2026-02-27T08:00:00Z",
            language="en",
            tags=["council", "transport"],
        )


def patch(client, url: str, data) -> object:
    return client.patch(url, data, format="json")


def metadata(article: Article) -> dict:
    article.refresh_from_db()
    return {
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published_at": article.published_at,
        "language": article.language,
        "tags": list(article.tags.values_list("name", flat=True)),
        "updated_at": article.updated_at,
        "body": article.body,
        "checksum": article.checksum,
    }


# --- Who may -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anon_client", 401),
        ("reviewer_client", 403),
        ("editor_client", 200),
        ("admin_client_api", 200),
    ],
)
@pytest.mark.parametrize("what", ["article", "sentence"])
def test_only_editors_and_admins_may_patch(request, article, role, status, what):
    client = request.getfixturevalue(role)
    sentence = article.sentences.order_by("index").first()
    url, data = {
        "article": (f"/api/articles/{article.pk}/", {"title": "Bridge closes on Monday"}),
        "sentence": (f"/api/sentences/{sentence.pk}/", {"kind": "boilerplate"}),
    }[what]
    before = (metadata(article), list(History.objects.values_list("pk", flat=True)))

    response = patch(client, url, data)

    assert response.status_code == status, response.content
    if status != 200:
        assert list(response.json()) == ["detail"]
        assert (metadata(article), list(History.objects.values_list("pk", flat=True))) == before
        assert Sentence.objects.get(pk=sentence.pk).kind == "claim"


def test_a_reviewer_is_refused_before_the_input_is_read(reviewer_client, article):
    response = patch(reviewer_client, f"/api/articles/{article.pk}/", {"body": "x"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only editors may edit articles and sentences."}


@pytest.mark.parametrize("url", ["/api/articles/999999/", "/api/sentences/999999/"])
def test_an_unknown_article_or_sentence_answers_404(editor_client, url):
    data = {"title": "T"} if "articles" in url else {"kind": "claim"}
    response = patch(editor_client, url, data)
    assert response.status_code == 404
    assert list(response.json()) == ["detail"]


def test_put_and_delete_are_not_allowed(editor_client, article):
    url = f"/api/articles/{article.pk}/"
    assert editor_client.put(url, {"title": "T"}, format="json").status_code == 405
    assert editor_client.delete(url).status_code == 405


# --- Editing an article ----------------------------------------------------------------------
def test_patch_changes_the_metadata_and_answers_the_article_as_get_gives_it(editor_client, article):
    with time_machine.travel(EDITED, tick=False):
        response = patch(
            editor_client,
            f"/api/articles/{article.pk}/",
            {
                "title": "Bridge closes on Monday",
                "source": "Marlow Bay Courier (online)",
                "url": "https://example.org/bridge-monday",
                "published_at": "2026-02-27T09:30:00+01:00",
                "language": "en-GB",
                "tags": ["Transport", "roads", "transport", " "],
            },
        )

    assert response.status_code == 200, response.json()
    payload = response.json()
    assert payload == editor_client.get(f"/api/articles/{article.pk}/").json()
    assert {key: payload[key] for key in ("title", "source", "url", "published_at")} == {
        "title": "Bridge closes on Monday",
        "source": "Marlow Bay Courier (online)",
        "url": "https://example.org/bridge-monday",
        "published_at": "2026-02-27T08:30:00Z",
    }
    assert (payload["language"], payload["tags"]) == ("en-GB", ["roads", "transport"])
    stored = metadata(article)
    assert stored["updated_at"] == EDITED
    assert stored["body"] == payload["body"]


def test_fields_left_out_stay_as_they_are(editor_client, article):
    before = metadata(article)
    with time_machine.travel(EDITED, tick=False):
        response = patch(editor_client, f"/api/articles/{article.pk}/", {"source": "Courier"})
    assert response.status_code == 200
    assert metadata(article) == {**before, "source": "Courier", "updated_at": EDITED}


def test_null_or_empty_values_clear_what_may_be_empty(editor_client, article):
    response = patch(
        editor_client,
        f"/api/articles/{article.pk}/",
        {"source": None, "url": "", "published_at": None, "tags": [], "language": None},
    )
    assert response.status_code == 200, response.json()
    stored = metadata(article)
    assert (stored["source"], stored["url"], stored["published_at"]) == ("", "", None)
    assert (stored["tags"], stored["language"]) == ([], "en")  # as on import: "en"


def test_tags_are_replaced_and_unlinked_tags_are_kept_for_other_articles(editor_client, article):
    other = article_create(sentences=1, tags=["council"])
    response = patch(editor_client, f"/api/articles/{article.pk}/", {"tags": ["Budget"]})
    assert response.status_code == 200
    assert metadata(article)["tags"] == ["budget"]
    assert list(other.tags.values_list("name", flat=True)) == ["council"]
    assert set(Tag.objects.values_list("name", flat=True)) == {"budget", "council", "transport"}


def test_an_edit_is_kept_in_history_with_the_metadata_before_and_after(
    editor_client, editor, article
):
    with time_machine.travel(EDITED, tick=False):
        patch(
            editor_client,
            f"/api/articles/{article.pk}/",
            {"title": "Bridge closes", "published_at": "2026-02-27T10:00:00+01:00", "tags": ["x"]},
        )

    entry = History.objects.get()
    assert (entry.entity, entry.entity_id, entry.action) == ("article", article.pk, "update")
    assert (entry.article_id, entry.sentence_id, entry.actor, entry.created_at) == (
        article.pk,
        None,
        editor,
        EDITED,
    )
    unchanged = {
        "source": "Marlow Bay Courier",
        "url": "https://example.org/bridge",
        "language": "en",
    }
    assert entry.before == {
        "title": "Bridge to close",
        "published_at": "2026-02-27T08:00:00+00:00",
        "tags": ["council", "transport"],
        **unchanged,
    }
    assert entry.after == {
        "title": "Bridge closes",
        "published_at": "2026-02-27T09:00:00+00:00",
        "tags": ["x"],
        **unchanged,
    }


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "Bridge to close"},
        {"tags": ["Transport", "council"]},
        {"published_at": "2026-02-27T09:00:00+01:00", "url": "https://example.org/bridge"},
    ],
)
def test_a_patch_that_changes_nothing_writes_nothing(editor_client, article, data):
    before = metadata(article)
    sentences_before = list(article.sentences.values_list("updated_at", flat=True))
    response = patch(editor_client, f"/api/articles/{article.pk}/", data)
    assert response.status_code == 200
    assert metadata(article) == before
    assert list(article.sentences.values_list("updated_at", flat=True)) == sentences_before
    assert not History.objects.exists()


def test_an_edit_reaches_incremental_exports(editor_client, article):
    """Every exported record carries its article's metadata; `updated_since` selects by the
    sentence's last change, so an edit must count as one."""
    with time_machine.travel(EDITED, tick=False):
        patch(editor_client, f"/api/articles/{article.pk}/", {"title": "Bridge closes"})

    response = editor_client.get("/api/export/?format=jsonl&updated_since=2026-03-04T00:00:00Z")
    records = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert len(records) == 3
    assert {r["article"]["title"] for r in records} == {"Bridge closes"}


def test_the_cached_stats_follow_an_edit_of_title_source_and_tags(editor_client, article):
    """The stats are cached under a fingerprint of the data (selectors/scope.py); an edit must
    change it, or the dashboard would show the old title and source until the cache expires."""

    def progress() -> list[tuple]:
        rows = editor_client.get("/api/stats/").json()["progress"]
        return [(row["title"], row["source"]) for row in rows]

    def articles(query: str) -> int:
        return editor_client.get(f"/api/stats/?{query}").json()["articles"]

    assert progress() == [("Bridge to close", "Marlow Bay Courier")]
    assert articles("tag=council") == 1
    patch(
        editor_client,
        f"/api/articles/{article.pk}/",
        {"title": "Bridge closes", "source": "Courier", "tags": ["roads"]},
    )
    assert progress() == [("Bridge closes", "Courier")]
    assert (articles("source=Courier"), articles("tag=roads")) == (1, 1)
    assert articles("tag=council") == 0


# --- What is refused -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"body": "New text."}, {"body": [BODY_MESSAGE]}),
        (
            {"title": "T", "body": "New text."},
            {"body": [BODY_MESSAGE]},
        ),
        (
            {"checksum": "0" * 64},
            {"checksum": ["The checksum is computed from the body, which never changes."]},
        ),
        (
            {"sentences": [], "id": 3},
            {
                name: ["Unknown field; send only title, source, url, published_at, language, tags."]
                for name in ("sentences", "id")
            },
        ),
    ],
)
def test_the_body_and_unknown_fields_answer_400_and_change_nothing(
    editor_client, article, data, errors
):
    before = metadata(article)
    response = patch(editor_client, f"/api/articles/{article.pk}/", data)
    assert response.status_code == 400
    assert response.json() == errors
    assert metadata(article) == before
    assert not History.objects.exists()


OUT_OF_RANGE = "out of range: a date-time must fall within the years 1 to 9999 in UTC."
NUL = "Contains a NUL character (\\u0000); text may not hold one."
SURROGATE = "Contains an unpaired surrogate (\\ud800); send valid Unicode (UTF-8) text."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "a\x00b", NUL),
        ("title", "a\ud800b", SURROGATE),
        ("title", "", "This field is required and may not be blank."),
        ("title", None, "This field is required and may not be blank."),
        ("title", 5, "Must be text, not int."),
        ("title", "x" * 501, "Ensure this field has no more than 500 characters."),
        ("source", "a\x00b", NUL),
        ("source", "a\ud800b", SURROGATE),
        ("url", "https://a.example/\x00", NUL),
        ("url", "javascript:alert(1)", "'javascript:alert(1)' is not an http(s) URL."),
        ("url", "ftp://example.org/a", "'ftp://example.org/a' is not an http(s) URL."),
        ("published_at", "0001-01-01T00:00:00+14:00", OUT_OF_RANGE),
        ("published_at", "9999-12-31T23:59:59-14:00", OUT_OF_RANGE),
        ("published_at", "2026-02-30T10:00:00Z", "is not an ISO 8601 date"),
        ("published_at", "a\x00b", "is not an ISO 8601 date"),
        ("language", "a\x00b", NUL),
        ("language", "english!", "'english!' is not a language code such as 'en' or 'pt-BR'."),
        ("tags", ["a\x00b"], NUL),
        ("tags", ["a\ud800b"], SURROGATE),
        ("tags", "council", 'Expected a list of items but got type "str".'),
        ("tags", ["x" * 51], "Ensure this field has no more than 50 characters."),
    ],
)
def test_hostile_values_answer_400_naming_the_field_and_change_nothing(
    editor_client, article, field, value, message
):
    before = metadata(article)
    response = editor_client.patch(
        f"/api/articles/{article.pk}/",
        json.dumps({field: value}),  # escapes a lone surrogate as \ud800, as a client would
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == [field]
    assert message.lower() in " ".join(errors[field]).lower()
    assert metadata(article) == before
    assert not History.objects.exists()


@pytest.mark.parametrize(
    "raw", [b"[1, 2]", b'"title"', b"null", b"{", b'{"\\ud800": 1}', b'{"a\\u0000": 1}']
)
def test_a_body_that_is_not_an_object_of_known_fields_answers_400(editor_client, article, raw):
    before = metadata(article)
    response = editor_client.patch(
        f"/api/articles/{article.pk}/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()  # readable JSON, whatever the key held
    assert metadata(article) == before


def test_a_form_encoded_patch_follows_the_same_rules(editor_client, article):
    response = editor_client.patch(
        f"/api/articles/{article.pk}/",
        "title=Bridge+closes&tags=roads&tags=Budget",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.json()
    assert (metadata(article)["title"], metadata(article)["tags"]) == (
        "Bridge closes",
        ["budget", "roads"],
    )
    refused = editor_client.patch(
        f"/api/articles/{article.pk}/", "body=x", content_type="application/x-www-form-urlencoded"
    )
    assert (refused.status_code, refused.json()) == (400, {"body": [BODY_MESSAGE]})


# --- A sentence's kind -----------------------------------------------------------------------
def test_patch_sets_a_sentences_kind_and_answers_it_as_get_gives_it(editor_client, article):
    sentence = article.sentences.order_by("index").first()
    with time_machine.travel(EDITED, tick=False):
        response = patch(editor_client, f"/api/sentences/{sentence.pk}/", {"kind": "boilerplate"})

    assert response.status_code == 200, response.json()
    assert response.json() == editor_client.get(f"/api/sentences/{sentence.pk}/").json()
    assert (response.json()["kind"], response.json()["updated_at"]) == (
        "boilerplate",
        "2026-03-05T16:00:00Z",
    )
    article.summary.refresh_from_db()
    assert (article.summary.sentences, article.summary.claims, article.summary.pending) == (3, 2, 2)
    assert editor_client.get(f"/api/articles/{article.pk}/").json()["claim_count"] == 2


def test_a_kind_change_is_kept_in_history_and_the_summaries_agree(
    editor_client, editor, reviewer, article, capsys
):
    sentence = article.sentences.order_by("index").first()
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    patch(editor_client, f"/api/sentences/{sentence.pk}/", {"kind": "boilerplate"})
    patch(editor_client, f"/api/sentences/{sentence.pk}/", {"kind": "boilerplate"})  # no change
    patch(editor_client, f"/api/sentences/{sentence.pk}/", {"kind": "claim"})

    entries = History.objects.filter(entity="sentence").order_by("id")
    assert [(e.entity_id, e.action, e.actor, e.before, e.after) for e in entries] == [
        (sentence.pk, "update", editor, {"kind": "claim"}, {"kind": "boilerplate"}),
        (sentence.pk, "update", editor, {"kind": "boilerplate"}, {"kind": "claim"}),
    ]
    assert {e.sentence_id for e in entries} == {sentence.pk}
    assert Sentence.objects.get(pk=sentence.pk).status == "in_review"  # the review stays
    call_command("summaries")
    assert "agree" in capsys.readouterr().out
    assert summaries.summaries_stale() == []


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"kind": ["This field is required."]}),
        ({"kind": "opinion"}, {"kind": ["'opinion' is not a kind; choose claim or boilerplate."]}),
        ({"kind": None}, {"kind": ["This field may not be null."]}),
        (
            {"kind": "claim\x00"},
            {"kind": ["'claim\\x00' is not a kind; choose claim or boilerplate."]},
        ),
        ({"kind": "boilerplate", "text": "x"}, {"text": ["Unknown field; send only kind."]}),
        ({"status": "final"}, {"status": ["Unknown field; send only kind."]}),
    ],
)
def test_a_sentence_patch_takes_a_kind_and_nothing_else(editor_client, article, data, errors):
    sentence = article.sentences.order_by("index").first()
    response = patch(editor_client, f"/api/sentences/{sentence.pk}/", data)
    assert response.status_code == 400
    assert response.json() == errors
    assert Sentence.objects.get(pk=sentence.pk).kind == "claim"
    assert not History.objects.exists()


def test_article_and_sentence_edits_are_not_restored_from_history(editor_client, article):
    sentence = article.sentences.order_by("index").first()
    patch(editor_client, f"/api/sentences/{sentence.pk}/", {"kind": "boilerplate"})
    patch(editor_client, f"/api/articles/{article.pk}/", {"title": "Bridge closes"})
    kind_entry = History.objects.get(entity="sentence")
    article_entry = History.objects.get(entity="article")

    kind = editor_client.post(
        f"/api/sentences/{sentence.pk}/restore/", {"history": kind_entry.pk}, format="json"
    )
    other = editor_client.post(
        f"/api/sentences/{sentence.pk}/restore/", {"history": article_entry.pk}, format="json"
    )

    assert (kind.status_code, other.status_code) == (400, 400)
    assert kind.json() == {
        "history": [
            f"History entry {kind_entry.pk} is a sentence edit; only reviews and verdicts are "
            "restored."
        ]
    }
    assert Sentence.objects.get(pk=sentence.pk).kind == "boilerplate"
    # The sentence's history lists its kind change, not the article's edit.
    listed = editor_client.get(f"/api/sentences/{sentence.pk}/history/").json()
    assert [entry["id"] for entry in listed] == [kind_entry.pk]


# --- Query budget ----------------------------------------------------------------------------
@pytest.mark.parametrize("sentences", [10, 300])
def test_an_article_patch_costs_the_same_queries_for_any_length(
    editor_client, django_assert_max_num_queries, sentences
):
    article = article_create(sentences=sentences, tags=["a", "b"])
    # editor's role; savepoint; the article locked; its tags; the UPDATE; the tag unlinked;
    # the new tag looked up, created, looked up again; its link; the sentences' updated_at;
    # the history entry; savepoint released; then the answer as GET gives it (the article,
    # its tags, sentences with verdicts, reviews, claim matches)
    with django_assert_max_num_queries(18):
        response = patch(
            editor_client, f"/api/articles/{article.pk}/", {"title": "T", "tags": ["a", "c"]}
        )
    assert response.status_code == 200
    assert len(response.json()["sentences"]) == sentences


def test_a_sentence_patch_has_a_small_query_budget(editor_client, django_assert_max_num_queries):
    sentence = article_create(sentences=50).sentences.first()
    # editor's role; savepoint; the sentence locked (with its article's lock); the UPDATE; the
    # article's summary; the history entry; savepoint released; then the answer as GET gives
    # it (the sentence with its verdict, its reviews, its claim matches)
    with django_assert_max_num_queries(11):
        response = patch(editor_client, f"/api/sentences/{sentence.pk}/", {"kind": "boilerplate"})
    assert response.status_code == 200


# --- The admin's article form ----------------------------------------------------------------
def admin_form(article: Article, **overrides) -> dict:
    sentences = list(article.sentences.order_by("index"))
    data = {
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published_at": article.published_at.isoformat() if article.published_at else "",
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


def test_the_admin_form_edits_through_the_same_service(client, superuser, article):
    roads = Tag.objects.create(name="roads")
    client.force_login(superuser)
    with time_machine.travel(EDITED, tick=False):
        response = client.post(
            f"/admin/annotations/article/{article.pk}/change/",
            admin_form(
                article,
                title="Bridge closes",
                tags=[roads.pk],
                **{"sentences-2-kind": "boilerplate"},
            ),
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    stored = metadata(article)
    assert (stored["title"], stored["tags"], stored["updated_at"]) == (
        "Bridge closes",
        ["roads"],
        EDITED,
    )
    edit = History.objects.get(entity="article")
    assert (edit.actor, edit.before["title"], edit.after["title"]) == (
        superuser,
        "Bridge to close",
        "Bridge closes",
    )
    assert (edit.before["tags"], edit.after["tags"]) == (["council", "transport"], ["roads"])
    assert History.objects.filter(entity="sentence").count() == 1
    assert LogEntry.objects.count() == 1


def test_the_admin_form_saved_unchanged_records_nothing(client, superuser, article):
    before = metadata(article)
    client.force_login(superuser)
    response = client.post(f"/admin/annotations/article/{article.pk}/change/", admin_form(article))
    assert response.status_code == 302
    assert metadata(article) == before
    assert not History.objects.exists()


def test_a_staff_member_who_is_not_an_editor_cannot_edit_through_the_admin(client, article):
    """The admin's permission to change articles is not an editor's: the service decides."""
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    before = metadata(article)
    client.force_login(staff)
    response = client.post(
        f"/admin/annotations/article/{article.pk}/change/", admin_form(article, title="T")
    )
    assert response.status_code == 403
    assert metadata(article) == before
    assert not History.objects.exists()


def test_a_kind_change_shows_in_the_sentences_history(editor_client, reviewer_client, article):
    sentence = article.sentences.order_by("index").first()
    editor_client.patch(f"/api/sentences/{sentence.pk}/", {"kind": "boilerplate"}, format="json")

    for client in (editor_client, reviewer_client):
        entries = client.get(f"/api/sentences/{sentence.pk}/history/").json()
        assert [(e["entity"], e["action"]) for e in entries] == [("sentence", "update")]
        assert (entries[0]["before"]["kind"], entries[0]["after"]["kind"]) == (
            "claim",
            "boilerplate",
        )
