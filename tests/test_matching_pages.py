"""Claim matching on the pages: the queue's "checked before" count per article, the dashboard's
reuse figures (docs/dashboard.md, "Checked before"), the workspace's matches, and their
queries. Matches are made here directly (ClaimMatch rows), not by the judge."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from annotations import services
from annotations.models import Sentence, Verdict
from tests.factories import article_create, claim_match_create

pytestmark = pytest.mark.django_db

SOURCE = {"url": "https://example.org/bulletin", "title": "Bulletin", "stance": "supports"}


def verdict(sentence: Sentence, editor, label: str, day: int, *, published: bool = False):
    """A verdict set (created and last changed) on that day of March 2026."""
    services.verdict_set(
        sentence=sentence,
        user=editor,
        label=label,
        rationale="Checked.",
        evidence=[SOURCE],
        published=published,
    )
    when = datetime(2026, 3, day, 12, tzinfo=UTC)
    Verdict.objects.filter(sentence=sentence).update(created_at=when, updated_at=when)


@pytest.fixture
def desk(settings, reviewer, editor):
    """An older wire story and a newer column that repeats four of its claims.

    old: o0 accurate (published, 1 March), o1 false (draft, 2 March), o2 no verdict,
         o3 mixed (published, 3 March)
    new: n0 same as o0, its own verdict accurate (draft, 10 March): matched and reused
         n1 same as o1, no verdict: matched (to a draft an editor sees)
         n2 same as o2: no verdict on either side
         n3 the opposite of o3: never counted
         n4 same as o3, its own verdict accurate (published, 11 March): matched, not reused
    rita reviewed n0 (accurate).
    """
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 2
    settings.FACTCHECK_BLIND_REVIEW = True
    old = article_create(sentences=4, source="Wire", title="Wire")
    new = article_create(sentences=5, source="Column", title="Column")
    o = list(old.sentences.order_by("index"))
    n = list(new.sentences.order_by("index"))
    verdict(o[0], editor, "accurate", 1, published=True)
    verdict(o[1], editor, "false", 2)
    verdict(o[3], editor, "mixed", 3, published=True)
    services.review_save(sentence=n[0], reviewer=reviewer, label="accurate")
    verdict(n[0], editor, "accurate", 10)
    verdict(n[4], editor, "accurate", 11, published=True)
    claim_match_create(n[0], o[0])
    claim_match_create(n[1], o[1])
    claim_match_create(n[2], o[2])
    claim_match_create(n[3], o[3], "opposite")
    claim_match_create(n[4], o[3])
    return {"old": old, "new": new}


# ---- the queue ------------------------------------------------------------------------------


def queue_counts(client, url: str = "/") -> dict[str, int]:
    response = client.get(url)
    assert response.status_code == 200
    # The unfiltered queue's rows are dicts, the filtered one's articles.
    rows = [row if isinstance(row, dict) else vars(row) for row in response.context["page"]]
    return {row["title"]: row["checked_before"] for row in rows}


def test_the_queue_counts_each_articles_claims_checked_before(client, editor, desk):
    client.force_login(editor)
    # Column: n0, n1 (a draft: editors see it), n4. Wire: o0 and o3, whose matches in the
    # column have verdicts too (the count does not ask which came first).
    assert queue_counts(client) == {"Column": 3, "Wire": 2}
    content = client.get("/").content.decode()
    assert "3 claims checked before" in content
    assert "2 claims checked before" in content


def test_under_blind_review_a_reviewer_counts_only_the_verdicts_they_may_see(
    client, reviewer, desk
):
    client.force_login(reviewer)
    # Column: o1's draft is hidden from rita (she has not rated o1). Wire: n0's draft shows,
    # as she rated n0.
    assert queue_counts(client) == {"Column": 2, "Wire": 2}


def test_a_reviewer_who_did_not_rate_sees_only_published_verdicts_counted(client, reviewer2, desk):
    client.force_login(reviewer2)
    # Column: n0 (o0 published), n4 (o3 published); Wire: o3 (n4 published); n0's is a draft.
    assert queue_counts(client) == {"Column": 2, "Wire": 1}


def test_the_filtered_queue_counts_too(client, editor, desk):
    client.force_login(editor)
    assert queue_counts(client, "/?source=Column") == {"Column": 3}
    assert queue_counts(client, "/?q=Wire") == {"Wire": 2}


def matched_articles(count: int, editor) -> None:
    """`count` pairs of articles, each new one with a claim checked before."""
    for _ in range(count):
        old, new = article_create(sentences=1), article_create(sentences=1)
        earlier = old.sentences.get()
        services.verdict_set(sentence=earlier, user=editor, label="accurate")
        claim_match_create(new.sentences.get(), earlier)


@pytest.mark.parametrize(("pairs", "queries", "shown"), [(2, 6, 2), (20, 7, 13)])
def test_the_queue_counts_in_one_query_for_the_page(
    client, editor, django_assert_num_queries, pairs, queries, shown
):
    matched_articles(pairs, editor)
    client.force_login(editor)
    # session + user + viewer's role + the page of articles with their counts + their tags
    # + their claims checked before, and a count for the paginator when the first page is full
    with django_assert_num_queries(queries):
        response = client.get("/")
    # The 25 newest of 40 articles: 13 new ones with a claim checked before, 12 old ones whose
    # match has no verdict.
    assert sum(row["checked_before"] for row in response.context["page"]) == shown


@pytest.mark.parametrize("pairs", [2, 20])
def test_the_filtered_queue_counts_in_one_query_too(
    client, editor, django_assert_num_queries, pairs
):
    matched_articles(pairs, editor)
    client.force_login(editor)
    # session + user + viewer's role + count + the page + tags + claims checked before
    with django_assert_num_queries(7):
        client.get("/?q=Story")


# ---- the dashboard --------------------------------------------------------------------------


def reuse(client, url: str = "/dashboard/") -> dict[str, int]:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["stats"]["reuse"]


def test_the_dashboard_counts_claims_matched_verdicts_reused_and_reviews_avoided(
    client, editor, desk
):
    client.force_login(editor)
    # matched: n0, n1, n4 (o0 and o3 are matched only to later verdicts); reused: n0.
    assert reuse(client) == {"matched": 3, "reused": 1, "reviews_needed": 2, "reviews_avoided": 2}
    content = client.get("/dashboard/").content.decode()
    assert '<dd id="reuse-matched">3</dd>' in content
    assert '<dd id="reuse-reused">1</dd>' in content
    assert "2 <span" in content and "reviews avoided" in content


def test_the_api_stats_carry_the_same_figures(editor_client, desk):
    figures = editor_client.get("/api/stats/").json()["reuse"]
    assert figures == {"matched": 3, "reused": 1, "reviews_needed": 2, "reviews_avoided": 2}


def test_without_consensus_a_claim_needs_one_review(client, editor, desk, settings):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    client.force_login(editor)
    assert reuse(client) == {"matched": 3, "reused": 1, "reviews_needed": 1, "reviews_avoided": 1}


def test_the_dashboards_filters_narrow_the_figures(client, editor, desk):
    client.force_login(editor)
    assert reuse(client, "/dashboard/?source=Column")["matched"] == 3
    assert reuse(client, "/dashboard/?source=Wire") == {
        "matched": 0,
        "reused": 0,
        "reviews_needed": 2,
        "reviews_avoided": 0,
    }
    # Dates narrow the verdicts reused (by their last change), not the claims matched.
    assert reuse(client, "/dashboard/?from=2026-03-10&to=2026-03-10")["reused"] == 1
    narrowed = reuse(client, "/dashboard/?from=2026-03-11&to=2026-03-31")
    assert (narrowed["matched"], narrowed["reused"]) == (3, 0)
    # A reviewer's work: the claims of their articles, the verdicts on claims they rated.
    assert reuse(client, "/dashboard/?reviewer=rita") == {
        "matched": 3,
        "reused": 1,
        "reviews_needed": 2,
        "reviews_avoided": 2,
    }


def test_a_reviewers_dashboard_counts_only_verdicts_they_may_see(client, reviewer, desk):
    client.force_login(reviewer)
    # Her article (the column): n1's earlier verdict is a draft she may not see.
    assert reuse(client) == {"matched": 2, "reused": 1, "reviews_needed": 2, "reviews_avoided": 2}


def test_a_claim_checked_before_twice_counts_once(client, editor, desk):
    new = desk["new"]
    third = article_create(sentences=1, source="Radio")
    again = third.sentences.get()
    verdict(again, editor, "accurate", 4, published=True)
    claim_match_create(new.sentences.get(index=0), again)
    client.force_login(editor)
    # n0 now matches two earlier accurate verdicts: still one claim, one verdict reused. The
    # radio claim's own verdict (4 March) came before n0's, so it is not matched to an
    # earlier one.
    assert reuse(client) == {"matched": 3, "reused": 1, "reviews_needed": 2, "reviews_avoided": 2}


# ---- the workspace --------------------------------------------------------------------------


@pytest.mark.parametrize("matches", [1, 12])
def test_the_workspace_reads_its_matches_in_one_query(
    client, reviewer, editor, django_assert_num_queries, matches
):
    article = article_create(sentences=3)
    claim = article.sentences.get(index=0)
    for _ in range(matches):
        earlier = article_create(sentences=1).sentences.get()
        services.verdict_set(sentence=earlier, user=editor, label="mixed", published=False)
        claim_match_create(claim, earlier)
    client.force_login(reviewer)
    # session + user + viewer's role + article with counts + tags + sentences with verdicts
    # + their reviews + labels + their claim matches
    with django_assert_num_queries(9):
        response = client.get(f"/articles/{article.pk}/")
    shown = response.context["data"]["sentences"][claim.pk]["matches"]
    assert len(shown) == matches
    assert {m["verdict"] for m in shown} == {None}  # drafts rita has not rated: hidden
