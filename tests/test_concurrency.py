"""Concurrent saves on PostgreSQL with real threads: nothing lost, status right, 412 on stale."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from annotations import services
from annotations.models import History, Review, Sentence, Verdict
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(seeded_transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises all writers")


def run_together(*calls):
    """Run each call in its own thread, released at the same moment; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connections.close_all()  # each thread has its own connection

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("labels", [("mixed", "accurate"), ("mixed", "mixed")])
def test_two_reviewers_saving_at_once_both_keep_their_reviews(settings, labels):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    sentence = article_create(sentences=1).sentences.get()
    users = [UserFactory(username=f"r{i}", groups=["reviewer"]) for i in range(2)]
    url = f"/api/sentences/{sentence.pk}/review/"

    for _ in range(5):  # a few rounds, so the race is really run
        Review.objects.all().delete()
        Verdict.objects.all().delete()
        Sentence.objects.filter(pk=sentence.pk).update(status="pending")
        responses = run_together(
            *[
                lambda u=u, lb=lb: client_for(u).put(url, {"label": lb}, format="json")
                for u, lb in zip(users, labels, strict=True)
            ]
        )
        assert sorted(r.status_code for r in responses) == [201, 201]
        assert Review.objects.filter(sentence=sentence).count() == 2
        sentence.refresh_from_db()
        if labels[0] == labels[1]:
            assert sentence.status == "final"
            assert Verdict.objects.filter(sentence=sentence, is_consensus=True).count() == 1
        else:
            assert sentence.status == "disputed"
            assert not Verdict.objects.exists()


def test_the_same_reviewer_saving_from_two_tabs_gets_412_on_the_stale_one():
    sentence = article_create(sentences=1).sentences.get()
    reviewer = UserFactory(username="tabs", groups=["reviewer"])
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    url = f"/api/sentences/{sentence.pk}/review/"

    responses = run_together(
        lambda: client_for(reviewer).put(
            url, {"label": "mixed", "note": "tab one"}, format="json", HTTP_IF_MATCH='"1"'
        ),
        lambda: client_for(reviewer).put(
            url, {"label": "unverifiable", "note": "tab two"}, format="json", HTTP_IF_MATCH='"1"'
        ),
    )

    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = next(r for r in responses if r.status_code == 200).json()
    loser = next(r for r in responses if r.status_code == 412).json()
    assert loser["current"]["note"] == winner["note"]  # the stale tab sees what won
    review = Review.objects.get()
    assert (review.version, review.note) == (2, winner["note"])
    assert History.objects.count() == 2  # create + the one update that won


def test_saves_across_one_article_at_once_keep_its_summary_exact(settings):
    # Each save recomputes the article's summary; without the article lock, two saves
    # committing together would each count the other's sentence as it was before.
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    article = article_create(sentences=6)
    sentences = list(article.sentences.order_by("index"))
    users = [UserFactory(username=f"s{i}", groups=["reviewer"]) for i in range(2)]
    calls = [
        lambda s=s, u=u, lb=lb: client_for(u).put(
            f"/api/sentences/{s.pk}/review/", {"label": lb}, format="json"
        )
        for s in sentences
        for u, lb in zip(users, ("mixed", "accurate" if s.index % 2 else "mixed"), strict=True)
    ]
    responses = run_together(*calls)
    assert [r.status_code for r in responses] == [201] * 12
    summary = type(article).objects.get(pk=article.pk).summary
    assert (summary.in_review, summary.disputed, summary.units, summary.unit_reviews) == (
        3,
        3,
        6,
        12,
    )
    # Three units agree (mixed, mixed), three do not (mixed, accurate): 3 * 2 / 1 = 6.
    assert summary.unit_disagreement == 6.0
    assert summary.unit_label_squares == 9**2 + 3**2
    assert services.summaries.summaries_stale() == []


def test_saves_that_wait_for_each_other_see_the_verdict_the_first_one_set(settings):
    # The first save to reach consensus sets the verdict; the others waited for it and must
    # see the sentence as it is then (final), not as it was when they started.
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    users = [UserFactory(username=f"v{i}", groups=["reviewer"]) for i in range(4)]
    for round_number in range(4):
        sentence = article_create(sentences=1).sentences.get()
        services.review_save(sentence=sentence, reviewer=users[0], label="mixed")
        url = f"/api/sentences/{sentence.pk}/review/"
        responses = run_together(
            *[
                lambda u=u, url=url: client_for(u).put(url, {"label": "mixed"}, format="json")
                for u in users[1:]
            ]
        )
        assert [r.status_code for r in responses] == [201, 201, 201], round_number
        assert Verdict.objects.filter(sentence=sentence, is_consensus=True).count() == 1
        sentence.refresh_from_db()
        assert sentence.status == "final"
