"""Editors split and merge sentences: offsets exact, indexes dense, work kept in history."""

from __future__ import annotations

import pytest

from annotations import services
from annotations.models import History, Review, Sentence, Verdict
from tests.factories import article_create

pytestmark = pytest.mark.django_db

BODY = "The mayor said taxes fell and crime rose. Both are wrong.\nAdvert\nA third line."


@pytest.fixture
def article():
    return article_create(body=BODY)


def rows(article) -> list[tuple]:
    return list(
        Sentence.objects.filter(article=article)
        .order_by("index")
        .values_list("index", "paragraph", "start", "end", "text", "kind", "status")
    )


def assert_exact(article) -> None:
    for s in Sentence.objects.filter(article=article):
        assert article.body[s.start : s.end] == s.text


def test_split_makes_two_pending_sentences_and_keeps_the_reviews_in_history(
    editor_client, article, reviewer, editor
):
    first = article.sentences.get(index=0)
    services.review_save(sentence=first, reviewer=reviewer, label="mixed")
    services.verdict_set(sentence=first, user=editor, label="false", rationale="r")
    at = BODY.index(" and crime")

    response = editor_client.post(f"/api/sentences/{first.pk}/split/", {"at": at}, format="json")

    assert response.status_code == 200
    assert [s["text"] for s in response.json()] == ["The mayor said taxes fell", "and crime rose."]
    assert rows(article) == [
        (0, 0, 0, 25, "The mayor said taxes fell", "claim", "pending"),
        (1, 0, 26, 41, "and crime rose.", "claim", "pending"),
        (2, 0, 42, 57, "Both are wrong.", "claim", "pending"),
        (3, 1, 58, 64, "Advert", "boilerplate", "pending"),
        (4, 2, 65, 78, "A third line.", "claim", "pending"),
    ]
    assert_exact(article)
    assert not Review.objects.exists() and not Verdict.objects.exists()
    withdrawn = [
        (h.entity, h.before["label"], h.actor_id) for h in History.objects.filter(action="delete")
    ]
    assert withdrawn == [("review", "mixed", editor.pk), ("verdict", "false", editor.pk)]


def test_merge_joins_with_the_next_sentence_in_the_paragraph(editor_client, article, reviewer):
    first, second = article.sentences.order_by("index")[:2]
    services.review_save(sentence=second, reviewer=reviewer, label="accurate")

    response = editor_client.post(f"/api/sentences/{first.pk}/merge/")

    assert response.status_code == 200
    assert rows(article) == [
        (
            0,
            0,
            0,
            57,
            "The mayor said taxes fell and crime rose. Both are wrong.",
            "claim",
            "pending",
        ),
        (1, 1, 58, 64, "Advert", "boilerplate", "pending"),
        (2, 2, 65, 78, "A third line.", "claim", "pending"),
    ]
    assert_exact(article)
    assert not Review.objects.exists()
    entry = History.objects.get(action="delete")
    assert entry.sentence_id == first.pk  # the merged sentence keeps the history
    assert entry.before["label"] == "accurate"


def test_split_then_merge_gives_back_the_original(editor_client, article):
    before = rows(article)
    first = article.sentences.get(index=0)
    editor_client.post(f"/api/sentences/{first.pk}/split/", {"at": 26}, format="json")
    editor_client.post(f"/api/sentences/{first.pk}/merge/")
    assert rows(article) == before


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (0, "Split inside the sentence: an offset from 1 to 40."),
        (41, "Split inside the sentence: an offset from 1 to 40."),
        ("5", "Must be a character offset into the article body."),
        (None, "Must be a character offset into the article body."),
        (-1, "Must be a character offset into the article body."),
    ],
)
def test_bad_split_answers_400_and_changes_nothing(editor_client, article, at, message):
    first = article.sentences.get(index=0)
    before = rows(article)
    response = editor_client.post(f"/api/sentences/{first.pk}/split/", {"at": at}, format="json")
    assert response.status_code == 400
    assert response.json() == {"at": [message]}
    assert rows(article) == before


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (1, "The next sentence is in another paragraph; merge within one."),
        (3, "This is the last sentence; nothing follows it."),
    ],
)
def test_bad_merge_answers_400_and_changes_nothing(editor_client, article, index, message):
    sentence = article.sentences.get(index=index)
    before = rows(article)
    response = editor_client.post(f"/api/sentences/{sentence.pk}/merge/")
    assert response.status_code == 400
    assert response.json() == {"sentence": [message]}
    assert rows(article) == before


def test_reviewers_cannot_fix_segmentation(reviewer_client, article):
    first = article.sentences.get(index=0)
    before = rows(article)
    assert (
        reviewer_client.post(
            f"/api/sentences/{first.pk}/split/", {"at": 10}, format="json"
        ).status_code
        == 403
    )
    assert reviewer_client.post(f"/api/sentences/{first.pk}/merge/").status_code == 403
    assert rows(article) == before
