"""Assignments, open and closed reviewing, blind review and restoring from history."""

from __future__ import annotations

import pytest

from annotations import services
from annotations.models import Assignment, History, Review, Verdict
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return article_create(sentences=3)


def test_editor_assigns_many_articles_to_many_reviewers(editor_client, reviewer, reviewer2):
    first, second = article_create(sentences=2), article_create(sentences=4)

    response = editor_client.post(
        "/api/assignments/",
        {"articles": [first.pk, second.pk], "reviewers": ["rita", "rob"], "due_date": "2026-12-01"},
        format="json",
    )

    assert response.status_code == 201
    rows = response.json()
    assert sorted((r["article"], r["reviewer"]) for r in rows) == sorted(
        [(first.pk, "rita"), (first.pk, "rob"), (second.pk, "rita"), (second.pk, "rob")]
    )
    assert {r["due_date"] for r in rows} == {"2026-12-01"}
    assert {r["assigned_by"] for r in rows} == {"ed"}
    # Assigning again changes nothing but the due date.
    again = editor_client.post(
        "/api/assignments/", {"articles": [first.pk], "reviewers": ["rita"]}, format="json"
    )
    assert again.status_code == 201
    assert Assignment.objects.count() == 4


def test_assignment_progress_counts_the_reviewers_rated_claims(
    editor_client, reviewer_client, reviewer, reviewer2, editor
):
    article = article_create(body="One claim here. Two claims here. Three.\nAdvert")
    services.assignment_create(
        article_ids=[article.pk], reviewers=["rita", "rob"], assigned_by=editor
    )
    first, second = article.sentences.order_by("index")[:2]
    services.review_save(sentence=first, reviewer=reviewer, label="accurate")
    services.review_save(sentence=second, reviewer=reviewer, label="mixed")
    services.review_save(sentence=first, reviewer=reviewer2, label="mixed")

    rows = editor_client.get(f"/api/assignments/?article={article.pk}").json()["results"]
    mine = reviewer_client.get("/api/assignments/").json()["results"]

    assert {(r["reviewer"], r["rated"], r["claims"]) for r in rows} == {
        ("rita", 2, 3),
        ("rob", 1, 3),
    }
    assert [(r["reviewer"], r["rated"]) for r in mine] == [("rita", 2)]


def test_assigned_to_me_filters_articles(reviewer_client, reviewer, editor):
    assigned, _other = article_create(title="Mine"), article_create(title="Not mine")
    services.assignment_create(article_ids=[assigned.pk], reviewers=[reviewer], assigned_by=editor)
    titles = [
        a["title"] for a in reviewer_client.get("/api/articles/?assigned_to=me").json()["results"]
    ]
    assert titles == ["Mine"]


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        (
            {"articles": [1], "reviewers": ["visitor"]},
            {"reviewers": ["User 'visitor' is not a reviewer."]},
        ),
        (
            {"articles": [1], "reviewers": ["ghost"]},
            {"reviewers": ["User 'ghost' does not exist."]},
        ),
        ({"articles": [999], "reviewers": ["rita"]}, {"articles": ["Article 999 does not exist."]}),
        ({"articles": [], "reviewers": ["rita"]}, {"articles": ["Name at least one article."]}),
        (
            {"articles": "1", "reviewers": ["rita"]},
            {"articles": ["Must be a list of article ids."]},
        ),
        (
            {"articles": [1], "reviewers": ["rita"], "due_date": "soon"},
            {"due_date": ["'soon' is not a date like 2026-12-01."]},
        ),
    ],
)
def test_bad_assignments_answer_400_and_write_nothing(
    editor_client, reviewer, editor, payload, errors
):
    UserFactory(username="visitor")  # signed-in, but in no group
    article = article_create()
    payload = {
        **payload,
        "articles": [article.pk if a == 1 else a for a in payload["articles"]]
        if isinstance(payload["articles"], list)
        else payload["articles"],
    }
    response = editor_client.post("/api/assignments/", payload, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Assignment.objects.exists()


def test_reviewers_cannot_assign(reviewer_client, reviewer, article):
    response = reviewer_client.post(
        "/api/assignments/", {"articles": [article.pk], "reviewers": ["rita"]}, format="json"
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_unassigning_keeps_the_reviews(editor_client, reviewer, editor, article):
    [assignment] = services.assignment_create(
        article_ids=[article.pk], reviewers=[reviewer], assigned_by=editor
    )
    services.review_save(sentence=article.sentences.first(), reviewer=reviewer, label="mixed")

    response = editor_client.delete(f"/api/assignments/{assignment.pk}/")

    assert response.status_code == 204
    assert not Assignment.objects.exists()
    assert Review.objects.count() == 1


def test_closed_reviewing_limits_reviewers_to_their_assignments(
    settings, reviewer_client, reviewer, editor
):
    settings.FACTCHECK_OPEN_REVIEWING = False
    mine, other = article_create(title="Mine"), article_create(title="Other")
    services.assignment_create(article_ids=[mine.pk], reviewers=[reviewer], assigned_by=editor)
    other_sentence = other.sentences.first()

    listed = [a["title"] for a in reviewer_client.get("/api/articles/").json()["results"]]
    response = reviewer_client.put(
        f"/api/sentences/{other_sentence.pk}/review/", {"label": "accurate"}, format="json"
    )

    assert listed == ["Mine"]
    assert reviewer_client.get(f"/api/articles/{other.pk}/").status_code == 404
    assert reviewer_client.get(f"/api/sentences/{other_sentence.pk}/").status_code == 404
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You are not assigned to this article; ask an editor to assign it to you."
    }
    assert not Review.objects.exists()
    ok = reviewer_client.put(
        f"/api/sentences/{mine.sentences.first().pk}/review/",
        {"label": "accurate"},
        format="json",
    )
    assert ok.status_code == 201


def test_blind_review_hides_others_until_the_viewer_has_reviewed(
    reviewer_client, editor_client, reviewer, reviewer2, article, settings
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    sentence = article.sentences.first()
    services.review_save(
        sentence=sentence,
        reviewer=reviewer2,
        label="false",
        note="secret",
        evidence=[{"url": "https://example.org/a", "title": "", "quote": "", "stance": "context"}],
    )
    url = f"/api/sentences/{sentence.pk}/"

    before = reviewer_client.get(url).json()
    history_before = reviewer_client.get(url + "history/").json()
    in_article = reviewer_client.get(f"/api/articles/{article.pk}/").json()["sentences"][0]
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    after = reviewer_client.get(url).json()

    assert before["reviews"] == [] and history_before == [] and in_article["reviews"] == []
    assert sorted(r["reviewer"] for r in after["reviews"]) == ["rita", "rob"]
    assert [r["reviewer"] for r in editor_client.get(url).json()["reviews"]] == ["rob", "rita"]


def test_blind_review_off_shows_everything(reviewer_client, reviewer2, article, settings):
    settings.FACTCHECK_BLIND_REVIEW = False
    sentence = article.sentences.first()
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    reviews = reviewer_client.get(f"/api/sentences/{sentence.pk}/").json()["reviews"]
    assert [r["label"] for r in reviews] == ["mixed"]


def test_editor_restores_a_review_from_history(editor_client, reviewer, article):
    sentence = article.sentences.first()
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate", note="first")
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed", note="second")
    first = History.objects.get(action="create")

    response = editor_client.post(
        f"/api/sentences/{sentence.pk}/restore/", {"history": first.pk}, format="json"
    )

    assert response.status_code == 200
    entry = response.json()
    assert (entry["action"], entry["actor"]) == ("restore", "ed")
    assert entry["before"]["label"] == "mixed" and entry["after"]["label"] == "accurate"
    review = Review.objects.get()
    assert (review.label.slug, review.note, review.version) == ("accurate", "first", 3)
    assert History.objects.count() == 3


def test_restoring_a_deletion_brings_the_review_back(editor_client, reviewer, article):
    sentence = article.sentences.first()
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    services.review_delete(sentence=sentence, reviewer=reviewer)
    deletion = History.objects.get(action="delete")

    editor_client.post(
        f"/api/sentences/{sentence.pk}/restore/", {"history": deletion.pk}, format="json"
    )

    assert Review.objects.get().label.slug == "mixed"
    sentence.refresh_from_db()
    assert sentence.status == "in_review"


def test_editor_restores_an_earlier_verdict(editor_client, editor, article):
    sentence = article.sentences.first()
    services.verdict_set(sentence=sentence, user=editor, label="accurate", rationale="A")
    services.verdict_set(sentence=sentence, user=editor, label="false", rationale="B")
    first = History.objects.get(action="create")

    editor_client.post(
        f"/api/sentences/{sentence.pk}/restore/", {"history": first.pk}, format="json"
    )

    verdict = Verdict.objects.get()
    assert (verdict.label.slug, verdict.rationale, verdict.version) == ("accurate", "A", 3)


def test_restoring_another_sentences_entry_answers_400(editor_client, reviewer, article):
    s0, s1 = article.sentences.order_by("index")[:2]
    services.review_save(sentence=s0, reviewer=reviewer, label="mixed")
    entry = History.objects.get()

    response = editor_client.post(
        f"/api/sentences/{s1.pk}/restore/", {"history": entry.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "history": [f"History entry {entry.pk} belongs to another sentence."]
    }
    assert not Review.objects.filter(sentence=s1).exists()
    assert History.objects.count() == 1


def test_reviewers_cannot_restore(reviewer_client, reviewer, article):
    sentence = article.sentences.first()
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    entry = History.objects.get()
    response = reviewer_client.post(
        f"/api/sentences/{sentence.pk}/restore/", {"history": entry.pk}, format="json"
    )
    assert response.status_code == 403
    assert History.objects.count() == 1


def test_history_cannot_be_changed_through_the_api(editor_client, reviewer, article):
    sentence = article.sentences.first()
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    url = f"/api/sentences/{sentence.pk}/history/"
    assert editor_client.delete(url).status_code == 405
    assert editor_client.put(url, {}, format="json").status_code == 405
    assert History.objects.count() == 1


def test_inactive_users_are_not_reviewers(editor_client, article):
    UserFactory(username="gone", groups=["reviewer"], is_active=False)
    response = editor_client.post(
        "/api/assignments/", {"articles": [article.pk], "reviewers": ["gone"]}, format="json"
    )
    assert response.status_code == 400
