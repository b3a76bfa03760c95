"""Saving a review writes its statements as SQL written out (services/status.py: rows_insert,
rows_update, sentence_lock, sentence_reviews, PreparedQuery) instead of compiling ORM queries on
every call. These tests hold what it stores and answers to what the ORM reads and the
serializers give for the same rows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from annotations import services
from annotations.api.serializers import ReviewSerializer
from annotations.errors import Forbidden
from annotations.models import History, Review, Sentence, Verdict
from annotations.services import status
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db

EVIDENCE = [
    {"url": "https://example.org/a", "title": "A", "quote": "q", "stance": "refutes"},
    {"url": "https://example.org/b"},
]


def fields_of(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def sentence():
    return article_create(sentences=2).sentences.order_by("index").first()


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_the_saved_review_answers_as_review_serializer_gives_it(reviewer, sentence, zone):
    client = APIClient()
    client.force_authenticate(reviewer)
    url = f"/api/sentences/{sentence.pk}/review/"
    with timezone.override(zone):
        created = client.put(url, {"label": "false", "evidence": EVIDENCE}, format="json")
        stored = Review.objects.select_related("reviewer", "label").get()
        assert created.status_code == 201
        assert created["ETag"] == '"1"'
        assert created.content == JSONRenderer().render(ReviewSerializer(stored).data)

        changed = client.put(
            url, {"label": "mixed", "note": "Now ‘mixed’."}, format="json", HTTP_IF_MATCH='"1"'
        )
        stored = Review.objects.select_related("reviewer", "label").get()
        assert changed.status_code == 200
        assert changed["ETag"] == '"2"'
        assert changed.content == JSONRenderer().render(ReviewSerializer(stored).data)
    assert (stored.version, stored.label.slug, stored.evidence) == (2, "mixed", [])
    assert stored.updated_at > stored.created_at


def test_the_returned_review_is_the_stored_one(reviewer, sentence):
    review, created = services.review_save(
        sentence=sentence, reviewer=reviewer, label="false", note="n", evidence=EVIDENCE
    )
    assert created and review.pk is not None and not review._state.adding
    assert fields_of(review) == fields_of(Review.objects.get())
    review, created = services.review_save(
        sentence=sentence, reviewer=reviewer, label="accurate", expected_version=1
    )
    assert not created
    assert fields_of(review) == fields_of(Review.objects.get())


def test_the_locked_sentence_and_its_reviews_are_what_the_orm_reads(
    reviewer, reviewer2, sentence, settings
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate", evidence=EVIDENCE)
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed", note="x")
    from django.db import transaction

    with transaction.atomic():
        locked = status.sentence_lock(sentence.pk)
        reviews = status.sentence_reviews(locked)
    expected = Sentence.objects.get(pk=sentence.pk)
    assert fields_of(locked) == fields_of(expected)
    assert timezone.is_aware(locked.updated_at) and timezone.is_aware(locked.reviewed_at)
    ordered = list(Review.objects.select_related("label").order_by("created_at", "id"))
    assert [fields_of(r) for r in reviews] == [fields_of(r) for r in ordered]
    assert [fields_of(r.label) for r in reviews] == [fields_of(r.label) for r in ordered]


def test_a_missing_sentence_is_not_found(reviewer):
    from annotations.errors import NotFound

    with pytest.raises(NotFound):
        services.review_save(sentence=987654, reviewer=reviewer, label="accurate")


def test_the_consensus_verdict_and_history_are_stored_as_the_orm_would(
    reviewer, reviewer2, sentence, settings
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    review, _ = services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")

    verdict = Verdict.objects.get()
    defaults = Verdict(
        sentence=sentence,
        article_id=sentence.article_id,
        label=review.label,
        rationale="Consensus of 2 reviewers.",
        is_consensus=True,
    )
    ignored = {"id", "created_at", "updated_at"}
    assert {k: v for k, v in fields_of(verdict).items() if k not in ignored} == {
        k: v for k, v in fields_of(defaults).items() if k not in ignored
    }
    assert verdict.created_at <= verdict.updated_at  # each set by its field, as save() does
    entries = list(History.objects.order_by("id"))
    assert [(e.entity, e.action, e.actor_id, e.article_id) for e in entries] == [
        ("review", "create", reviewer.pk, sentence.article_id),
        ("review", "create", reviewer2.pk, sentence.article_id),
        ("verdict", "create", None, sentence.article_id),
    ]
    assert entries[1].after == services.review_snapshot(review)
    assert entries[2].after == services.verdict_snapshot(verdict)
    assert entries[2].entity_id == verdict.pk
    sentence.refresh_from_db()
    assert (sentence.status, sentence.review_count) == ("final", 2)

    # A later change flags the verdict for the editor without touching its updated_at.
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    flagged = Verdict.objects.get()
    assert flagged.needs_attention and flagged.updated_at == verdict.updated_at


def test_the_review_permission_is_asked_for_each_user_with_one_compiled_query(sentence):
    """The label's query is compiled once (PreparedQuery) with placeholders: every user's
    own permission is asked, in whatever order they come."""
    direct = UserFactory(username="dora")
    direct.user_permissions.add(Permission.objects.get(codename="add_review"))
    grouped = UserFactory(username="gus", groups=["reviewer"])
    outsider = UserFactory(username="otto")
    inactive = UserFactory(username="ivy", groups=["reviewer"], is_active=False)
    root = UserFactory(username="sue", is_superuser=True)
    for user, allowed in [
        (grouped, True),
        (outsider, False),
        (direct, True),
        (inactive, False),
        (root, True),
        (outsider, False),
    ]:
        if allowed:
            review, _ = services.review_save(sentence=sentence, reviewer=user, label="accurate")
            assert review.reviewer == user
        else:
            with pytest.raises(Forbidden):
                services.review_save(sentence=sentence, reviewer=user, label="accurate")
    assert set(Review.objects.values_list("reviewer__username", flat=True)) == {
        "gus",
        "dora",
        "sue",
    }


def test_a_retired_or_unknown_label_is_refused_as_before(reviewer, sentence):
    from annotations.errors import InvalidInput
    from annotations.models import Label

    Label.objects.filter(slug="mixed").update(active=False)
    for slug in ("mixed", "nonsense"):
        with pytest.raises(InvalidInput) as excinfo:
            services.review_save(sentence=sentence, reviewer=reviewer, label=slug)
        assert "choose one of" in excinfo.value.errors["label"][0]
    assert not Review.objects.exists()


@pytest.mark.parametrize("agreeing", [False, True])
def test_a_save_through_the_api_takes_these_queries(
    client, reviewer, reviewer2, sentence, settings, django_assert_num_queries, agreeing
):
    """session + user + the label with the permission + BEGIN (a SAVEPOINT in tests) + the
    sentence with its article's lock + its reviews + insert the review (+ the consensus
    verdict) + the history entries, the sentence's status and summary and the article's
    summary (one round trip on PostgreSQL, three statements elsewhere) + COMMIT."""
    from django.db import connection

    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    client.force_login(reviewer)
    expected = (9 if connection.vendor == "postgresql" else 11) + agreeing
    with django_assert_num_queries(expected):
        response = client.put(
            f"/api/sentences/{sentence.pk}/review/",
            {"label": "mixed" if agreeing else "accurate"},
            content_type="application/json",
        )
    assert response.status_code == 201
    sentence.refresh_from_db()
    assert sentence.status == ("final" if agreeing else "disputed")


@pytest.mark.django_db(transaction=True)
def test_the_summary_is_prepared_once_per_database_session(seeded_transactional_db, reviewer):
    """PostgreSQL keeps the article summary's recomputation prepared (PREPARE) for the
    session; a new connection prepares it again, and saves after it still keep it exact."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PREPARE is PostgreSQL's")
    sentence = article_create(sentences=2).sentences.order_by("index").first()

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM pg_prepared_statements"
                " WHERE name = 'factcheck_article_summary'"
            )
            return cursor.fetchone()[0]

    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    assert prepared() == 1
    connection.close()
    services.review_save(sentence=sentence, reviewer=reviewer, label="false", evidence=EVIDENCE)
    assert prepared() == 1
    sentence.refresh_from_db()
    assert (sentence.status, sentence.review_count) == ("in_review", 1)
