"""services.review_save / review_delete / verdict_set: status, history, versions, errors."""

from __future__ import annotations

import pytest

from annotations import inputs, services
from annotations.errors import Forbidden, InvalidInput, PreconditionFailed
from annotations.models import History, Review, Sentence, Verdict
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db

EVIDENCE_X = {"url": "https://example.org/x", "title": "", "quote": "", "stance": "context"}


@pytest.fixture
def sentence():
    return article_create(sentences=1).sentences.get()


def status_of(sentence: Sentence) -> str:
    sentence.refresh_from_db()
    return sentence.status


def test_status_moves_pending_in_review_disputed_final_and_back(
    sentence, reviewer, reviewer2, editor, settings
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    assert status_of(sentence) == "pending"
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    assert status_of(sentence) == "in_review"
    services.review_save(sentence=sentence, reviewer=reviewer2, label="accurate")
    assert status_of(sentence) == "in_review"
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    assert status_of(sentence) == "disputed"
    services.review_delete(sentence=sentence, reviewer=reviewer2)
    assert status_of(sentence) == "in_review"
    services.review_delete(sentence=sentence, reviewer=reviewer)
    assert status_of(sentence) == "pending"
    services.verdict_set(sentence=sentence, user=editor, label="false", rationale="Wrong.")
    assert status_of(sentence) == "final"


def test_every_change_is_recorded_in_history(sentence, reviewer):
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed", note="Hmm.")
    services.review_delete(sentence=sentence, reviewer=reviewer)

    rows = list(History.objects.values_list("action", "before__label", "after__label"))
    assert rows == [
        ("create", None, "accurate"),
        ("update", "accurate", "mixed"),
        ("delete", "mixed", None),
    ]
    assert History.objects.last().before["note"] == "Hmm."


def test_saving_bumps_version_and_a_stale_version_changes_nothing(sentence, reviewer):
    review, created = services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    assert (review.version, created) == (1, True)
    review, created = services.review_save(
        sentence=sentence, reviewer=reviewer, label="mixed", expected_version=1
    )
    assert (review.version, created) == (2, False)

    with pytest.raises(PreconditionFailed) as excinfo:
        services.review_save(
            sentence=sentence, reviewer=reviewer, label="accurate", expected_version=1
        )
    assert excinfo.value.status == 412
    assert excinfo.value.current["label"] == "mixed"
    assert Review.objects.get().label.slug == "mixed"
    assert History.objects.count() == 2


def test_saving_the_same_review_again_is_not_a_new_version(sentence, reviewer):
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate", note="ok")
    review, created = services.review_save(
        sentence=sentence, reviewer=reviewer, label="accurate", note="ok"
    )
    assert (review.version, created) == (1, False)
    assert History.objects.count() == 1


def test_unknown_label_names_the_choices(sentence, reviewer):
    with pytest.raises(InvalidInput) as excinfo:
        services.review_save(sentence=sentence, reviewer=reviewer, label="flase")
    assert excinfo.value.errors == {
        "label": [
            "label 'flase' does not exist; choose one of accurate, mostly_accurate, mixed, "
            "misleading, false, unverifiable, not_a_claim."
        ]
    }
    assert not Review.objects.exists()


def test_label_that_requires_evidence_refuses_a_review_without_it(sentence, reviewer):
    with pytest.raises(InvalidInput) as excinfo:
        services.review_save(sentence=sentence, reviewer=reviewer, label="false")
    assert excinfo.value.errors == {
        "evidence": ["The label 'false' requires at least one evidence link."]
    }
    review, _ = services.review_save(
        sentence=sentence,
        reviewer=reviewer,
        label="false",
        evidence=inputs.evidence_clean(
            [{"url": "https://example.org/report", "stance": "refutes"}]
        ),
    )
    assert review.evidence == [
        {"url": "https://example.org/report", "title": "", "quote": "", "stance": "refutes"}
    ]


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        (
            [{"url": "javascript:alert(1)"}],
            "Item 1, url: 'javascript:alert(1)' is not an http(s) URL.",
        ),
        (
            [{"url": "https://example.org", "stance": "likes"}],
            'Item 1, stance: "likes" is not a valid choice.',
        ),
        ("https://example.org", 'Expected a list of items but got type "str".'),
        (
            ["https://example.org"],
            "Item 1, non_field_errors: Invalid data. Expected a dictionary, but got str.",
        ),
        (
            [{"url": "https://example.org", "title": "t" * 501}],
            "Item 1, title: Ensure this field has no more than 500 characters.",
        ),
        (
            [{"url": "https://example.org", "quote": "a\x00b"}],
            "Item 1, quote: Contains a NUL character (\\u0000); text may not hold one.",
        ),
        (
            [{"url": "https://example.org", "title": "\ud800"}],
            "Item 1, title: Contains an unpaired surrogate (\\ud800); send valid Unicode "
            "(UTF-8) text.",
        ),
    ],
)
def test_bad_evidence_is_refused_with_a_message(evidence, message):
    """Evidence is validated where it enters (inputs.py); the services take it as clean."""
    with pytest.raises(InvalidInput) as excinfo:
        inputs.evidence_clean(evidence)
    assert excinfo.value.errors == {"evidence": [message]}


def test_reviewers_cannot_set_verdicts(sentence, reviewer):
    with pytest.raises(Forbidden):
        services.verdict_set(sentence=sentence, user=reviewer, label="accurate")
    assert status_of(sentence) == "pending"


def test_a_review_changed_after_the_verdict_flags_it_for_the_editor(sentence, reviewer, editor):
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    verdict = services.verdict_set(sentence=sentence, user=editor, label="accurate")
    services.review_save(sentence=sentence, reviewer=reviewer, label="false", evidence=[EVIDENCE_X])
    verdict.refresh_from_db()
    assert verdict.needs_attention
    assert verdict.label.slug == "accurate"
    assert status_of(sentence) == "final"


def test_two_agreeing_reviews_set_a_consensus_verdict(sentence, reviewer, reviewer2):
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    assert status_of(sentence) == "in_review"
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")

    assert status_of(sentence) == "final"
    verdict = Verdict.objects.get(sentence=sentence)
    assert (verdict.label.slug, verdict.is_consensus, verdict.decided_by) == ("mixed", True, None)
    assert verdict.rationale == "Consensus of 2 reviewers."
    entry = History.objects.filter(entity="verdict").get()
    assert (entry.action, entry.actor, entry.after["is_consensus"]) == ("create", None, True)


def test_an_agreeing_second_review_through_the_api_takes_at_most_10_queries(
    client, reviewer, reviewer2, sentence, settings, django_assert_max_num_queries
):
    """The consensus path (the default setting) took 13: it looked the label up again and
    wrote the review's and the verdict's history entries one at a time."""
    from django.db import connection

    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    client.force_login(reviewer)
    # session + user + the label, with the permission to review + BEGIN (a SAVEPOINT in
    # tests) + read the sentence and lock its article + the sentence's reviews + insert review
    # + insert verdict + insert both history entries + update the sentence's status and review
    # summary + recompute the article's summary + COMMIT (RELEASE SAVEPOINT). PostgreSQL gets
    # the last three in one round trip.
    with django_assert_max_num_queries(10 if connection.vendor == "postgresql" else 12):
        response = client.put(
            f"/api/sentences/{sentence.pk}/review/",
            {"label": "mixed"},
            content_type="application/json",
        )

    assert response.status_code == 201
    assert status_of(sentence) == "final"
    assert Verdict.objects.get(sentence=sentence).is_consensus
    history = list(History.objects.values_list("entity", "action", "actor"))
    assert history == [
        ("review", "create", reviewer2.pk),
        ("review", "create", reviewer.pk),
        ("verdict", "create", None),
    ]


@pytest.mark.parametrize("label", ["accurate", "false", "flase", "", None])
def test_a_user_who_may_not_review_is_refused_whatever_the_label(sentence, label):
    """Forbidden comes before any complaint about the label, which is looked up in the same
    query as the permission."""
    outsider = UserFactory(username="olga")
    with pytest.raises(Forbidden):
        services.review_save(sentence=sentence, reviewer=outsider, label=label)
    assert not Review.objects.exists()


def test_disagreement_sets_no_consensus(sentence, reviewer, reviewer2):
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    services.review_save(sentence=sentence, reviewer=reviewer2, label="accurate")
    assert status_of(sentence) == "disputed"
    assert not Verdict.objects.exists()


def test_consensus_threshold_is_a_setting(sentence, reviewer, reviewer2, editor, settings):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 3
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    assert status_of(sentence) == "in_review"
    services.review_save(sentence=sentence, reviewer=editor, label="mixed")
    assert status_of(sentence) == "final"


def test_consensus_can_be_turned_off(sentence, reviewer, reviewer2, settings):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    assert status_of(sentence) == "in_review"
    assert not Verdict.objects.exists()


def test_an_editor_overrules_a_consensus_verdict(sentence, reviewer, reviewer2, editor):
    services.review_save(sentence=sentence, reviewer=reviewer, label="mixed")
    services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    verdict = services.verdict_set(sentence=sentence, user=editor, label="accurate")
    assert (verdict.label.slug, verdict.is_consensus, verdict.decided_by) == (
        "accurate",
        False,
        editor,
    )
    assert verdict.version == 2
