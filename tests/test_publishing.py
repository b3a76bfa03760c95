"""Publishing a verdict: drafts, what publishing needs, who may, corrections, taking it down.

Through PUT /api/sentences/{id}/verdict/ as clients use it, and the services where the rule is
theirs (consensus, history restore).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from annotations import services
from annotations.errors import InvalidInput
from annotations.models import Correction, History, Verdict
from tests.factories import article_create

pytestmark = pytest.mark.django_db

SOURCE = {"url": "https://stats.example.org/table-4", "title": "Table 4", "stance": "refutes"}


def publish(sentence, user, *, label="false", rationale="R", **changes):
    """Set and publish a verdict with SOURCE as its source, as an editor would."""
    return services.verdict_set(
        sentence=sentence,
        user=user,
        label=label,
        rationale=rationale,
        evidence=[SOURCE],
        published=True,
        **changes,
    )


def put_verdict(client, sentence, *, version=None, **body):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version else {}
    return client.put(f"/api/sentences/{sentence.pk}/verdict/", body, format="json", **headers)


@pytest.fixture
def sentence(db):
    return article_create(body="Unemployment fell to 4.2% in March.").sentences.get()


def test_a_new_verdict_is_a_draft_with_no_sources(editor_client, sentence):
    response = put_verdict(editor_client, sentence, label="false", rationale="It rose.")

    assert response.status_code == 200
    body = response.json()
    assert (body["published"], body["published_at"], body["evidence"]) == (False, None, [])


def test_publishing_needs_a_rationale_and_a_source(editor_client, sentence):
    response = put_verdict(editor_client, sentence, label="false", published=True)

    assert response.status_code == 400
    errors = response.json()
    assert errors["rationale"] == [
        "A published fact-check needs a rationale: say why it is rated so."
    ]
    assert errors["evidence"] == ["A published fact-check needs at least one source link."]
    assert not Verdict.objects.exists()  # nothing half-written


def test_publishing_needs_a_rating_of_a_claim(editor_client, sentence):
    response = put_verdict(
        editor_client,
        sentence,
        label="not_a_claim",
        rationale="Opinion.",
        evidence=[SOURCE],
        published=True,
    )

    assert response.status_code == 400
    assert list(response.json()) == ["label"]


def test_an_editor_publishes_with_a_rationale_and_a_source(editor_client, sentence):
    moment = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        response = put_verdict(
            editor_client,
            sentence,
            label="false",
            rationale="The rate rose to 4.8%.",
            evidence=[SOURCE],
            published=True,
        )

    assert response.status_code == 200
    body = response.json()
    assert body["published"] is True
    assert body["published_at"] == "2026-03-03T09:00:00Z"
    assert body["evidence"] == [{**SOURCE, "quote": ""}]
    entry = History.objects.get(entity=History.Entity.VERDICT)
    assert entry.after["published"] is True and entry.after["published_at"].startswith("2026-03-03")


def test_publishing_a_draft_keeps_its_label_and_sources_when_left_out(editor_client, sentence):
    draft = put_verdict(
        editor_client, sentence, label="false", rationale="It rose.", evidence=[SOURCE]
    ).json()

    response = put_verdict(
        editor_client,
        sentence,
        version=draft["version"],
        label="false",
        rationale="It rose.",
        published=True,
    )

    assert response.status_code == 200
    assert response.json()["published"] is True
    assert response.json()["evidence"][0]["url"] == SOURCE["url"]


def test_reviewers_may_not_publish(reviewer_client, sentence):
    response = put_verdict(
        reviewer_client, sentence, label="false", rationale="R", evidence=[SOURCE], published=True
    )

    assert response.status_code == 403
    assert not Verdict.objects.exists()


def test_leaving_published_out_keeps_a_published_verdict_published(editor, sentence):
    publish(sentence, editor)
    verdict = services.verdict_set(sentence=sentence, user=editor, label="false", rationale="R")

    assert verdict.published is True
    assert verdict.evidence == [SOURCE]


def test_a_correction_keeps_it_published_and_is_logged(editor_client, editor, sentence):
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), tick=False):
        first = publish(sentence, editor, rationale="It rose.")
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC), tick=False):
        response = put_verdict(
            editor_client,
            sentence,
            version=first.version,
            label="misleading",
            rationale="It rose in March but fell over the quarter.",
            correction="The quarterly figures came out.",
        )

    assert response.status_code == 200
    body = response.json()
    assert body["published"] is True
    assert body["published_at"] == "2026-03-03T09:00:00Z"  # the publication date stays
    assert body["corrected_at"] == "2026-03-05T09:00:00Z"
    correction = Correction.objects.get()
    assert (correction.label_before.slug, correction.label_after.slug) == ("false", "misleading")
    assert correction.note == "The quarterly figures came out."
    assert correction.editor == editor


def test_saving_a_published_verdict_unchanged_is_no_correction(editor, sentence):
    kwargs = dict(sentence=sentence, user=editor, label="false", rationale="R", evidence=[SOURCE])
    services.verdict_set(**kwargs, published=True)
    verdict = services.verdict_set(**kwargs)

    assert verdict.published and verdict.corrected_at is None
    assert not Correction.objects.exists()


def test_changing_a_draft_is_no_correction(editor, sentence):
    services.verdict_set(sentence=sentence, user=editor, label="false", rationale="R")
    services.verdict_set(sentence=sentence, user=editor, label="misleading", rationale="S")

    assert not Correction.objects.exists()


def test_a_published_verdict_cannot_lose_its_sources(editor_client, editor, sentence):
    first = publish(sentence, editor)

    response = put_verdict(
        editor_client, sentence, version=first.version, label="false", rationale="R", evidence=[]
    )

    assert response.status_code == 400
    assert list(response.json()) == ["evidence"]
    assert Verdict.objects.get().evidence == [SOURCE]


def test_unpublishing_takes_it_down_and_is_kept_in_history(editor_client, editor, sentence):
    first = publish(sentence, editor)

    response = put_verdict(
        editor_client,
        sentence,
        version=first.version,
        label="false",
        rationale="R",
        published=False,
    )

    assert response.status_code == 200
    assert (response.json()["published"], response.json()["published_at"]) == (False, None)
    verdict = Verdict.objects.get()
    assert verdict.unpublished_at is not None
    last = History.objects.filter(entity=History.Entity.VERDICT).last()
    assert (last.before["published"], last.after["published"]) == (True, False)


def test_consensus_verdicts_are_drafts(settings, reviewer, reviewer2, sentence):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    services.review_save(sentence=sentence, reviewer=reviewer2, label="accurate")

    verdict = Verdict.objects.get()
    assert verdict.is_consensus and not verdict.published and verdict.published_at is None


def test_a_flagged_published_verdict_stays_published(settings, editor, reviewer, sentence):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    services.review_save(sentence=sentence, reviewer=reviewer, label="false", evidence=[SOURCE])
    publish(sentence, editor)

    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")

    verdict = Verdict.objects.get()
    assert verdict.needs_attention and verdict.published


def test_restoring_an_earlier_version_of_a_published_verdict_is_a_correction(editor, sentence):
    publish(sentence, editor)
    services.verdict_set(sentence=sentence, user=editor, label="misleading", rationale="S")
    first = History.objects.filter(entity=History.Entity.VERDICT).first()

    services.history_restore(sentence=sentence.pk, entry=first.pk, editor=editor)

    verdict = Verdict.objects.get()
    assert (verdict.label.slug, verdict.rationale, verdict.published) == ("false", "R", True)
    assert [c.label_after.slug for c in Correction.objects.order_by("id")] == [
        "misleading",
        "false",
    ]


def test_restoring_a_version_without_sources_cannot_leave_it_published(editor, sentence):
    services.verdict_set(sentence=sentence, user=editor, label="false", rationale="R")
    draft = History.objects.filter(entity=History.Entity.VERDICT).first()
    publish(sentence, editor)

    with pytest.raises(InvalidInput):
        services.history_restore(sentence=sentence.pk, entry=draft.pk, editor=editor)

    assert Verdict.objects.get().evidence == [SOURCE]


def test_published_dated_constraint_fires(editor, sentence):
    verdict = services.verdict_set(sentence=sentence, user=editor, label="false", rationale="R")
    with pytest.raises(IntegrityError, match="verdict_published_dated"), transaction.atomic():
        Verdict.objects.filter(pk=verdict.pk).update(published=True)


def test_blind_review_hides_drafts_but_not_what_is_public(
    settings, editor, reviewer_client, sentence
):
    settings.FACTCHECK_BLIND_REVIEW = True
    url = f"/api/sentences/{sentence.pk}/verdict/"
    services.verdict_set(sentence=sentence, user=editor, label="false", rationale="R")

    assert reviewer_client.get(url).status_code == 404
    assert reviewer_client.get(f"/api/sentences/{sentence.pk}/").json()["verdict"] is None

    publish(sentence, editor)

    assert reviewer_client.get(url).json()["label"] == "false"
    assert reviewer_client.get(f"/api/sentences/{sentence.pk}/").json()["verdict"]["published"]
    listed = reviewer_client.get("/api/sentences/", {"label": "false"}).json()["results"]
    assert [item["id"] for item in listed] == [sentence.pk]


@pytest.fixture
def desk(settings, editor, reviewer):
    """Three articles: one with a draft verdict, one published and flagged, one with none."""
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    draft = article_create(title="Draft", body="Fares rose 12%.").sentences.get()
    public = article_create(title="Public", body="Tolls doubled.").sentences.get()
    article_create(title="Untouched", body="Nothing here.")
    services.verdict_set(sentence=draft, user=editor, label="false", rationale="R")
    services.review_save(sentence=public, reviewer=reviewer, label="false", evidence=[SOURCE])
    publish(public, editor)
    services.review_save(sentence=public, reviewer=reviewer, label="accurate")  # flags it
    return draft, public


def queue_titles(client, **query) -> list[str]:
    html = client.get("/", query).content.decode()
    return sorted(re.findall(r'<a href="/articles/\d+/">(.*?)</a>', html))


@pytest.mark.parametrize(
    ("state", "expected"),
    [("ready", ["Draft"]), ("published", ["Public"]), ("flagged", ["Public"]), ("", None)],
)
def test_editors_filter_the_queue_by_publishing_state(client, editor, desk, state, expected):
    client.force_login(editor)

    titles = queue_titles(client, publishing=state)

    assert titles == (expected or ["Draft", "Public", "Untouched"])


def test_reviewers_have_no_publishing_filter(client, reviewer, desk):
    client.force_login(reviewer)

    assert 'name="publishing"' not in client.get("/").content.decode()
    assert queue_titles(client, publishing="ready") == ["Draft", "Public", "Untouched"]


def test_the_dashboard_counts_drafts_published_and_flagged(client, editor_client, editor, desk):
    stats = editor_client.get("/api/stats/").json()

    assert stats["publishing"] == {"drafts": 1, "published": 1, "flagged": 1}
    client.force_login(editor)
    html = client.get("/dashboard/").content.decode()
    assert '<dt>Drafts</dt><dd><a href="/?publishing=ready">1</a></dd>' in html
