"""Database constraints fire whatever the code path; the default scale and groups exist."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, UniqueConstraint

from annotations import services
from annotations.models import Article, History, Label, Review, Sentence, Verdict
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db


def refusal(name: str) -> str:
    """What the database says when the constraint `name` refuses a row.

    PostgreSQL names every constraint; SQLite names a check constraint, but a unique one (partial
    or not) by its columns.
    """
    if connection.vendor == "postgresql":
        return f'constraint "{name}"'
    for model in apps.get_app_config("annotations").get_models():
        for constraint in model._meta.constraints:
            if constraint.name != name:
                continue
            if not isinstance(constraint, UniqueConstraint):
                return f"CHECK constraint failed: {name}"
            table = model._meta.db_table
            columns = (model._meta.get_field(field).column for field in constraint.fields)
            return "UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in columns)
    raise LookupError(f"no constraint named {name!r}")


@contextmanager
def refused_by(name: str) -> Iterator[None]:
    """The block's write fails on the constraint `name`, not on another one."""
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        yield
    assert refusal(name) in str(excinfo.value)


def test_default_scale_has_keys_1_to_7_in_design_order():
    rows = list(Label.objects.values_list("slug", "key", "rating_value", "is_claim"))
    assert rows == [
        ("accurate", "1", 5, True),
        ("mostly_accurate", "2", 4, True),
        ("mixed", "3", 3, True),
        ("misleading", "4", 2, True),
        ("false", "5", 1, True),
        ("unverifiable", "6", None, True),
        ("not_a_claim", "7", None, False),
    ]
    assert set(Label.objects.filter(requires_evidence=True).values_list("slug", flat=True)) == {
        "false",
        "misleading",
    }


def test_groups_have_fitting_permissions():
    reviewer = UserFactory(groups=["reviewer"])
    editor = UserFactory(groups=["editor"])
    assert set(Group.objects.values_list("name", flat=True)) >= {"reviewer", "editor"}
    assert reviewer.has_perm("annotations.add_review")
    assert not reviewer.has_perm("annotations.add_article")
    assert not reviewer.has_perm("annotations.change_verdict")
    assert editor.has_perm("annotations.add_article")
    assert editor.has_perm("annotations.change_verdict")
    assert editor.has_perm("annotations.add_assignment")
    assert not editor.has_perm("annotations.delete_article")


def test_article_checksum_is_unique():
    article = article_create()
    with refused_by("article_unique_checksum"):
        Article.objects.create(title="x", body="other", checksum=article.checksum)


def test_article_body_may_not_be_empty():
    with refused_by("article_body_not_empty"):
        Article.objects.create(title="x", body="", checksum="0" * 64)


def test_sentence_index_is_unique_per_article():
    article = article_create(sentences=2)
    with refused_by("sentence_unique_index"):
        Sentence.objects.create(article=article, index=0, paragraph=0, start=0, end=3, text="Off")


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5)])
def test_sentence_offsets_must_be_ordered(start, end):
    article = article_create(sentences=1)
    with refused_by("sentence_offsets_valid"):
        Sentence.objects.create(
            article=article, index=9, paragraph=0, start=start, end=end, text="x"
        )


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [("kind", "advert", "sentence_kind_valid"), ("status", "done", "sentence_status_valid")],
)
def test_sentence_kind_and_status_are_checked(field, value, constraint):
    article = article_create(sentences=1)
    with refused_by(constraint):
        Sentence.objects.filter(article=article).update(**{field: value})


def test_one_review_per_sentence_and_reviewer():
    reviewer = UserFactory(groups=["reviewer"])
    sentence = article_create(sentences=1).sentences.get()
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    with refused_by("review_unique_sentence_reviewer"):
        Review.objects.create(
            sentence=sentence,
            article=sentence.article,
            reviewer=reviewer,
            label=Label.objects.get(slug="mixed"),
        )


def test_label_keys_are_unique_among_active_labels_only():
    with refused_by("label_unique_active_key"):
        Label.objects.create(slug="new", name="New", key="1")
    Label.objects.filter(slug="accurate").update(active=False)
    Label.objects.create(slug="new", name="New", key="1")  # the retired one frees its key


@pytest.mark.parametrize("rating", [0, 6])
def test_label_rating_value_is_1_to_5(rating):
    with refused_by("label_rating_value_range"):
        Label.objects.create(slug="odd", name="Odd", rating_value=rating)


def test_label_key_must_be_a_digit():
    with refused_by("label_key_digit"):
        Label.objects.create(slug="odd", name="Odd", key="x")


def test_a_review_version_is_at_least_1():
    sentence = article_create(sentences=1).sentences.get()
    with refused_by("review_version_positive"):
        Review.objects.create(
            sentence=sentence,
            article=sentence.article,
            reviewer=UserFactory(groups=["reviewer"]),
            label=Label.objects.get(slug="mixed"),
            version=0,
        )


def test_a_verdict_version_is_at_least_1():
    sentence = article_create(sentences=1).sentences.get()
    with refused_by("verdict_version_positive"):
        Verdict.objects.create(
            sentence=sentence,
            article=sentence.article,
            label=Label.objects.get(slug="mixed"),
            version=0,
        )


@pytest.mark.parametrize(
    ("entity", "action", "constraint"),
    [
        ("label", "create", "history_entity_valid"),
        ("review", "edit", "history_action_valid"),
    ],
)
def test_history_entity_and_action_are_checked(entity, action, constraint):
    sentence = article_create(sentences=1).sentences.get()
    with refused_by(constraint):
        History.objects.create(
            article=sentence.article,
            sentence=sentence,
            entity=entity,
            entity_id=1,
            action=action,
        )


def test_deleting_an_article_never_takes_reviews_with_it():
    reviewer = UserFactory(groups=["reviewer"])
    article = article_create(sentences=2)
    services.review_save(sentence=article.sentences.first(), reviewer=reviewer, label="mixed")

    with pytest.raises(ProtectedError):
        article.delete()
    assert Review.objects.count() == 1


def test_an_article_without_reviews_can_be_deleted_with_its_sentences():
    article = article_create(sentences=3)
    article.delete()
    assert not Sentence.objects.exists()


def test_labels_and_reviewers_in_use_are_protected():
    reviewer = UserFactory(groups=["reviewer"])
    editor = UserFactory(groups=["editor"])
    sentence = article_create(sentences=1).sentences.get()
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    services.verdict_set(sentence=sentence, user=editor, label="accurate")

    with pytest.raises(ProtectedError):
        Label.objects.get(slug="mixed").delete()
    with pytest.raises(ProtectedError):
        Label.objects.get(slug="accurate").delete()
    with pytest.raises(ProtectedError):
        reviewer.delete()
    assert Verdict.objects.count() == 1
    assert History.objects.count() == 2
