"""Claim matches as stored (services/matching.py): both ways round, replaced on every pass,
never with boilerplate or within an article, kept right when sentences change, and computed
after every import without ever failing one.

The sentences are identical or nearly so across articles, so that what is tested is the
storage and its timing, not the judge's finer rules (tests of their own).
"""

from __future__ import annotations

import itertools
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations import services, tasks
from annotations.matching.judge import OPPOSITE, SAME, Judgement
from annotations.models import Article, ClaimMatch, ImportJob, Sentence
from annotations.services import matching

pytestmark = pytest.mark.django_db

CLAIM = "Unemployment fell to 4.2% in March, the statistics office said."
BUDGET = "The council approved a new budget for the harbour wall."
OTHER = "Heavy snow closed the mountain pass for three days."
ADVERT = "Subscribe to our newsletter."


_credits = itertools.count(1)


def article(*sentences: str, paragraphs: bool = True, **fields) -> Article:
    """An article of these sentences, and a photo credit (boilerplate) that makes it unique."""
    body = ("\n" if paragraphs else " ").join(sentences) + f"\nPhoto: Agency {next(_credits)}"
    data = {"title": fields.pop("title", sentences[0][:40]), "body": body, **fields}
    return services.article_import(data=data).article


def sentence(of: Article, text: str) -> Sentence:
    return of.sentences.get(text=text)


def pairs() -> set[tuple[int, int, str]]:
    """Every stored row as (sentence, matched, relation)."""
    return set(ClaimMatch.objects.values_list("sentence", "matched", "relation"))


def test_an_articles_claim_matches_the_same_claim_of_an_earlier_one_both_ways_round():
    earlier = article(CLAIM, OTHER)
    later = article(BUDGET, CLAIM, ADVERT)

    summary = services.article_match(article_id=later.pk)

    a, b = sentence(earlier, CLAIM), sentence(later, CLAIM)
    assert pairs() == {(b.pk, a.pk, "same"), (a.pk, b.pk, "same")}
    forward = ClaimMatch.objects.get(sentence=b)
    backward = ClaimMatch.objects.get(sentence=a)
    assert (forward.article_id, forward.matched_article_id) == (later.pk, earlier.pk)
    assert (backward.article_id, backward.matched_article_id) == (earlier.pk, later.pk)
    assert forward.similarity == backward.similarity
    assert 0.9 <= forward.similarity <= 1
    assert (summary.articles, summary.claims, summary.same, summary.opposite) == (1, 2, 1, 0)
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert later.matched_at is not None
    assert earlier.matched_at is None  # its pairs show, but it was never matched itself


def test_matching_again_replaces_the_pairs_and_stores_each_once():
    earlier = article(CLAIM, OTHER)
    later = article(CLAIM, BUDGET)
    services.article_match(article_id=later.pk)
    stored = pairs()
    services.article_match(article_id=later.pk)
    services.article_match(article_id=earlier.pk)  # finds the same pair from the other side
    assert pairs() == stored
    assert ClaimMatch.objects.count() == 2

    # A pair that no longer holds (stored by an older judge) goes when either side is matched.
    third = article(BUDGET, OTHER, title="third")
    ClaimMatch.objects.create(
        sentence=sentence(third, OTHER),
        article=third,
        matched=sentence(earlier, CLAIM),
        matched_article=earlier,
        similarity=0.5,
        relation="opposite",
        computed_at=later.created_at,
    )
    services.article_match(article_id=earlier.pk)
    assert (sentence(third, OTHER).pk, sentence(earlier, CLAIM).pk, "opposite") not in pairs()
    # ...while the third's own claims, identical to the earlier's, are matched with it now.
    assert (sentence(earlier, OTHER).pk, sentence(third, OTHER).pk, "same") in pairs()


def test_boilerplate_never_matches_and_an_article_never_matches_itself():
    earlier = article(ADVERT, CLAIM + " " + ADVERT)
    later = article(ADVERT, BUDGET, BUDGET)  # the same claim twice in one article
    services.article_match(article_id=later.pk)
    services.article_match(article_id=earlier.pk)
    assert Sentence.objects.filter(kind="boilerplate", text=ADVERT).count() == 3
    assert pairs() == set()


def test_an_opposite_claim_is_stored_as_opposite(monkeypatch):
    earlier = article(CLAIM)
    later = article("Unemployment rose to 4.2% in March, the statistics office said.")
    monkeypatch.setattr(matching, "judge", lambda a, b: Judgement(OPPOSITE, 0.93, ("direction",)))
    summary = services.article_match(article_id=later.pk)
    a, b = earlier.sentences.first(), later.sentences.first()
    assert pairs() == {(b.pk, a.pk, "opposite"), (a.pk, b.pk, "opposite")}
    assert (summary.same, summary.opposite) == (0, 1)


def test_the_judge_reads_each_claim_with_its_own_articles_language_and_day(monkeypatch):
    earlier = article(CLAIM, language="en", published_at="2026-03-30T23:30:00Z")
    later = article(CLAIM, ADVERT, language="en-GB")
    seen = []
    monkeypatch.setattr(
        matching, "judge", lambda a, b: seen.append((a, b)) or Judgement(None, 0.5, ("x",))
    )
    services.article_match(article_id=later.pk)
    ((mine, theirs),) = seen
    assert (mine.text, mine.language, mine.published) == (CLAIM, "en-GB", None)
    assert (theirs.text, theirs.language, str(theirs.published)) == (CLAIM, "en", "2026-03-30")
    assert pairs() == set()
    assert earlier.pk != later.pk


# --- Sentences that change --------------------------------------------------------------------
@pytest.fixture
def exact_judge(monkeypatch):
    """A judge that calls two claims the same exactly when their texts are equal: what these
    tests pin is which sentences are matched again, not how alike fragments read."""

    def judge(a, b):
        return Judgement(SAME, 1.0) if a.text == b.text else Judgement(None, 0.5, ("other",))

    monkeypatch.setattr(matching, "judge", judge)


def test_a_claim_made_boilerplate_loses_its_matches_and_gets_them_back_as_a_claim(
    editor, exact_judge, django_capture_on_commit_callbacks
):
    earlier = article(CLAIM, BUDGET)
    later = article(CLAIM, BUDGET, title="later")
    services.article_match(article_id=later.pk)
    assert len(pairs()) == 4
    target = sentence(later, CLAIM)

    with django_capture_on_commit_callbacks(execute=True):
        services.sentence_kind_set(sentence=target, kind="boilerplate", editor=editor)
    budget = (sentence(later, BUDGET).pk, sentence(earlier, BUDGET).pk)
    assert pairs() == {(*budget, "same"), (*reversed(budget), "same")}

    with django_capture_on_commit_callbacks(execute=True):
        services.sentence_kind_set(sentence=target, kind="claim", editor=editor)
    assert len(pairs()) == 4
    assert (target.pk, sentence(earlier, CLAIM).pk, "same") in pairs()


def test_a_split_drops_the_sentences_pairs_and_matches_both_parts_afresh(
    editor, exact_judge, django_capture_on_commit_callbacks
):
    joined = CLAIM[:-1] + ", and the council approved a new budget for the harbour wall."
    first_part, second_part = (
        CLAIM[:-1] + ",",
        "and the council approved a new budget for the harbour wall.",
    )
    # A paragraph without a full stop is a sentence: the first part, as the split leaves it.
    earlier = article(joined, first_part, OTHER)
    third = article(second_part, title="third")
    later = article(joined, title="later")
    services.article_match(article_id=later.pk)
    whole = sentence(later, joined)
    assert pairs() == {
        (whole.pk, sentence(earlier, joined).pk, "same"),
        (sentence(earlier, joined).pk, whole.pk, "same"),
    }

    with django_capture_on_commit_callbacks(execute=True):
        first, second = services.sentence_split(
            sentence=whole, at=later.body.index(" and the council"), editor=editor
        )

    assert (first.pk, first.text, second.text) == (whole.pk, first_part, second_part)
    one, two = sentence(earlier, first_part).pk, sentence(third, second_part).pk
    assert pairs() == {
        (first.pk, one, "same"),
        (one, first.pk, "same"),
        (second.pk, two, "same"),
        (two, second.pk, "same"),
    }


def test_a_merge_drops_the_pairs_of_both_sentences_and_matches_the_result(
    editor, exact_judge, django_capture_on_commit_callbacks
):
    both = f"{CLAIM} {BUDGET}"
    earlier = article(both, title="earlier")
    services.sentence_merge(sentence=sentence(earlier, CLAIM), editor=editor)
    third = article(CLAIM, BUDGET, title="third")
    later = article(both, title="later")
    services.article_match(article_id=later.pk)
    assert len(pairs()) == 4  # CLAIM and BUDGET, each with the third's
    first = sentence(later, CLAIM)

    with django_capture_on_commit_callbacks(execute=True):
        merged = services.sentence_merge(sentence=first, editor=editor)

    assert (merged.pk, merged.text) == (first.pk, both)
    target = sentence(earlier, both).pk
    assert pairs() == {(merged.pk, target, "same"), (target, merged.pk, "same")}
    assert third.sentences.count() == 3


# --- Timing: after every import -----------------------------------------------------------------
def test_an_article_posted_to_the_api_is_matched_once_it_is_stored(
    editor_client, django_capture_on_commit_callbacks
):
    earlier = article(CLAIM)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/api/articles/", {"title": "Jobs", "body": f"{CLAIM}\n{OTHER}"}, format="json"
        )
    assert response.status_code == 201
    later = Article.objects.get(pk=response.json()["id"])
    assert later.matched_at is not None
    a, b = sentence(earlier, CLAIM), sentence(later, CLAIM)
    assert pairs() == {(b.pk, a.pk, "same"), (a.pk, b.pk, "same")}


@pytest.mark.summaries_unchecked  # the transactional database is flushed before the check
def test_the_answer_to_a_post_shows_the_matches_found(seeded_transactional_db):
    """Outside a test's transaction (as in production) matching runs before the answer."""
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory(username="ed", groups=["editor"]))
    earlier = article(CLAIM, title="Jobs report")
    response = client.post("/api/articles/", {"title": "Again", "body": CLAIM}, format="json")
    assert response.status_code == 201
    (only,) = response.json()["sentences"]
    assert [(m["sentence"], m["article"], m["relation"]) for m in only["matches"]] == [
        (sentence(earlier, CLAIM).pk, earlier.pk, "same")
    ]


def test_a_failure_in_matching_never_fails_the_import(
    editor_client, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    article(CLAIM)

    def broken(*args, **kwargs):
        raise RuntimeError("search index unavailable")

    monkeypatch.setattr(matching, "candidates", broken)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/api/articles/", {"title": "Jobs", "body": CLAIM}, format="json"
        )
    assert response.status_code == 201
    later = Article.objects.get(pk=response.json()["id"])
    assert later.sentences.count() == 1
    assert later.matched_at is None  # left for match_claims
    assert pairs() == set()
    assert f"matching the claims of article {later.pk} failed" in caplog.text


def test_an_import_jobs_articles_are_matched_after_the_job(
    editor_client, django_capture_on_commit_callbacks
):
    earlier = article(CLAIM)
    files = [
        SimpleUploadedFile("a.txt", f"Jobs\n\n{CLAIM}\n".encode()),
        SimpleUploadedFile("b.txt", f"Snow\n\n{OTHER}\n".encode()),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post("/api/imports/", {"files": files}, format="multipart")
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert (job.state, job.created) == ("done", 2)
    new = Article.objects.filter(pk__in=job.articles)
    assert all(a.matched_at is not None for a in new)
    b = Sentence.objects.get(article__in=new, text=CLAIM)
    assert pairs() == {
        (b.pk, sentence(earlier, CLAIM).pk, "same"),
        (sentence(earlier, CLAIM).pk, b.pk, "same"),
    }


def test_with_a_broker_the_matching_is_queued_in_chunks_and_a_dead_broker_only_logs(
    monkeypatch, caplog, matching_queued
):
    queued = matching_queued

    assert tasks.articles_match_send(list(range(1, 121))) == 3
    assert [len(chunk) for chunk in queued] == [50, 50, 20]
    assert [pk for chunk in queued for pk in chunk] == list(range(1, 121))

    def dead(chunk):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.articles_match, "delay", dead)
    with caplog.at_level(logging.ERROR):
        assert tasks.articles_match_send([1, 2]) == 0
    assert "could not queue the matching of articles [1, 2]" in caplog.text


def test_the_worker_task_matches_its_articles(monkeypatch):
    earlier = article(CLAIM)
    later = article(CLAIM, BUDGET, title="later")
    result = tasks.articles_match([later.pk, 10**9])  # one deleted meanwhile: nothing to do
    assert result == {"articles": 1, "claims": 2, "same": 1, "opposite": 0, "failed": 0}
    assert len(pairs()) == 2
    assert sentence(earlier, CLAIM).pk in {s for s, _, _ in pairs()}


def test_the_admins_sentence_page_lists_its_matches_read_only(client, superuser):
    hostile = "<b>Unemployment</b> fell to 4.2% in March, the statistics office said."
    earlier = article(hostile, title="Jobs <report>")
    later = article(hostile, OTHER, title="later")
    services.article_match(article_id=later.pk)
    client.force_login(superuser)
    mine = sentence(later, hostile)
    page = client.get(f"/admin/annotations/sentence/{mine.pk}/change/").content.decode()
    target = sentence(earlier, hostile)
    assert f'href="/articles/{earlier.pk}/#s{target.pk}"' in page
    assert "&lt;b&gt;Unemployment&lt;/b&gt; fell" in page
    assert "in Jobs &lt;report&gt; — verdict: none" in page
    assert "<b>Unemployment" not in page
    other = client.get(f"/admin/annotations/sentence/{sentence(later, OTHER).pk}/change/")
    assert "Claim matches" in other.content.decode()


def test_a_pair_found_from_the_other_side_is_judged_again_not_dropped(monkeypatch):
    """The search proposes the best 50 claims for each: a pair found when the other article
    was matched may not be proposed from this side, and matching this article again kept
    only what its own search found."""
    earlier = article(CLAIM, OTHER)
    later = article(CLAIM, title="later")
    services.article_match(article_id=later.pk)
    stored = pairs()
    assert len(stored) == 2

    monkeypatch.setattr(matching, "candidates", lambda texts, exclude_article: {})
    services.article_match(article_id=earlier.pk)
    assert pairs() == stored


@pytest.mark.parametrize("published_at", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"])
def test_a_publication_date_at_the_ends_of_the_calendar_is_matched(settings, published_at):
    """Regression: stored under UTC, then read in a site time zone west (or east) of UTC, the
    day an article was published on left the calendar, and its matching failed."""
    article(CLAIM)
    later = article(CLAIM, BUDGET, title="later", published_at=published_at)
    settings.TIME_ZONE = "America/New_York" if published_at.startswith("0001") else "Asia/Tokyo"

    summary = services.article_match(article_id=later.pk)

    assert (summary.same, summary.failed) == (1, [])
