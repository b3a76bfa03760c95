"""GET /api/stats/: counts, backlog, throughput and agreement against hand-computed figures."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotations import services
from tests.factories import article_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(settings, reviewer, reviewer2):
    """Three sentences rated by rita and rob: agree, disagree, agree.

    Coincidences: o[a,a] = 2, o[m,m] = 2, o[a,m] = o[m,a] = 1; n_a = n_m = 3, n = 6, so
    nominal alpha = 1 - 5 * 2 / (3 * 3 * 2) = 4/9. With only two values, the ordinal figure
    is the same. Kappa: p_o = 2/3, p_e = 2/3 * 1/3 + 1/3 * 2/3 = 4/9, kappa = (2/9) / (5/9) = 0.4.
    """
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    article = article_create(sentences=4)
    s0, s1, s2, _ = article.sentences.order_by("index")
    for sentence, first, second in [
        (s0, "accurate", "accurate"),
        (s1, "accurate", "mixed"),
        (s2, "mixed", "mixed"),
    ]:
        services.review_save(sentence=sentence, reviewer=reviewer, label=first)
        services.review_save(sentence=sentence, reviewer=reviewer2, label=second)
    return article


def test_editor_sees_counts_backlog_throughput_and_agreement(editor_client, rated):
    stats = editor_client.get("/api/stats/").json()
    today = timezone.localdate().isoformat()

    assert stats["claims_by_status"] == {"pending": 1, "in_review": 2, "disputed": 1, "final": 0}
    assert stats["backlog"] == {
        "pending_claims": 1,
        "disputed": 1,
        "verdicts_needing_attention": 0,
        "by_age": [
            {"age": "<1 day", "articles": 1, "pending_claims": 1},
            {"age": "1-7 days", "articles": 0, "pending_claims": 0},
            {"age": "7-30 days", "articles": 0, "pending_claims": 0},
            {"age": ">30 days", "articles": 0, "pending_claims": 0},
        ],
    }
    assert stats["throughput"] == [
        {"reviewer": "rita", "day": today, "reviews": 3},
        {"reviewer": "rob", "day": today, "reviews": 3},
    ]
    agreement = stats["agreement"]
    assert (agreement["sentences"], agreement["reviews"]) == (3, 6)
    assert agreement["alpha_nominal"] == pytest.approx(4 / 9)
    assert agreement["alpha_ordinal"] == pytest.approx(4 / 9)
    assert agreement["per_article"] == [
        {"article": rated.pk, "alpha_nominal": pytest.approx(4 / 9)}
    ]
    assert agreement["per_label"]["accurate"] == pytest.approx(4 / 9)
    assert agreement["per_label"]["false"] is None  # nobody used it: undefined
    assert agreement["pairs"] == [
        {
            "reviewers": ["rita", "rob"],
            "units": 3,
            "kappa": pytest.approx(0.4),
            "observed": pytest.approx(2 / 3),
        }
    ]


def test_a_reviewer_sees_only_their_own_figures(reviewer_client, rated, editor, settings):
    other = article_create(sentences=1).sentences.get()
    services.review_save(sentence=other, reviewer=editor, label="mixed")

    stats = reviewer_client.get("/api/stats/").json()

    assert {row["reviewer"] for row in stats["throughput"]} == {"rita"}
    assert [pair["reviewers"] for pair in stats["agreement"]["pairs"]] == [["rita", "rob"]]


def test_stats_without_reviews_are_empty_not_errors(editor_client):
    article_create(sentences=2)
    stats = editor_client.get("/api/stats/").json()
    assert stats["agreement"]["alpha_nominal"] is None
    assert stats["agreement"]["pairs"] == []
    assert stats["throughput"] == []


@pytest.mark.parametrize("days", ["0", "x", "-3", "99999"])
def test_bad_days_answers_400(editor_client, days):
    response = editor_client.get(f"/api/stats/?days={days}")
    assert response.status_code == 400
    assert response.json() == {"days": ["Must be a whole number of days from 1 to 3660."]}


@pytest.mark.parametrize("sentences", [3, 30])
def test_stats_query_count_does_not_grow(
    editor_client, reviewer, reviewer2, settings, django_assert_max_num_queries, sentences
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    for sentence in article_create(sentences=sentences).sentences.all():
        services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
        services.review_save(sentence=sentence, reviewer=reviewer2, label="mixed")
    # role + labels + cache fingerprint + totals and backlog + articles with their summaries
    # + reviews by label and reviewer + verdicts by label + throughput + agreement in the
    # window by day + agreement by codes + reviewer names + disputed sentences + their reviews
    # + reuse (claim matching)
    with django_assert_max_num_queries(14):
        editor_client.get("/api/stats/")


@pytest.mark.parametrize(
    ("query", "field"),
    [("to=9999-12-31", "to"), ("from=0001-01-01", "from"), ("to=0001-01-05&days=30", "to")],
)
def test_days_at_the_ends_of_the_calendar_answer_400_not_500(editor_client, query, field):
    """/api/stats/?to=9999-12-31 failed with a 500: the end of the day is in the year 10000."""
    response = editor_client.get(f"/api/stats/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


# --- Cached answers follow every edit of what they are computed from -------------------------
# The figures are cached under a fingerprint of the data (selectors/scope.py). These edit
# articles and tags as the admin saves them, and ask again.


@pytest.fixture
def two_sources(db):
    daily = article_create(sentences=2, source="Daily", tags=["health"])
    weekly = article_create(sentences=3, source="Weekly", tags=["sport"])
    return daily, weekly


def test_a_cached_answer_is_kept_while_nothing_it_depends_on_changes(editor_client, two_sources):
    """The tests below would pass without a cache; this one shows the cache answers."""
    _, weekly = two_sources
    assert editor_client.get("/api/stats/?source=Daily").json()["sentences"] == 2

    # A bulk update that leaves updated_at alone is seen only once the figures expire.
    type(weekly).objects.filter(pk=weekly.pk).update(source="Daily")

    assert editor_client.get("/api/stats/?source=Daily").json()["sentences"] == 2


def test_editing_an_articles_source_changes_the_cached_figures(editor_client, two_sources):
    """Regression: /api/stats/?source= kept answering the old figures after a source edit."""
    _, weekly = two_sources
    assert editor_client.get("/api/stats/?source=Daily").json()["sentences"] == 2

    weekly.source = "Daily"
    weekly.save(update_fields=["source", "updated_at"])  # as the admin's change form saves

    assert editor_client.get("/api/stats/?source=Daily").json()["sentences"] == 5


def test_editing_an_articles_title_changes_the_cached_progress(editor_client, two_sources):
    daily, _ = two_sources
    titles = [row["title"] for row in editor_client.get("/api/stats/").json()["progress"]]
    assert daily.title in titles

    daily.title = "Clinics stay open"
    daily.save(update_fields=["title", "updated_at"])

    titles = [row["title"] for row in editor_client.get("/api/stats/").json()["progress"]]
    assert "Clinics stay open" in titles


def test_linking_and_unlinking_a_tag_changes_the_cached_figures(editor_client, two_sources):
    daily, weekly = two_sources
    health = daily.tags.get()
    assert editor_client.get("/api/stats/?tag=health").json()["sentences"] == 2

    weekly.tags.add(health)  # the admin's form saves tags through the relation
    assert editor_client.get("/api/stats/?tag=health").json()["sentences"] == 5

    daily.tags.remove(health)
    assert editor_client.get("/api/stats/?tag=health").json()["sentences"] == 3


def test_renaming_a_tag_changes_the_cached_figures_of_its_name(editor_client, two_sources):
    daily, weekly = two_sources
    health, sport = daily.tags.get(), weekly.tags.get()
    assert editor_client.get("/api/stats/?tag=health").json()["sentences"] == 2

    for tag, name in [(health, "tmp"), (sport, "health"), (health, "sport")]:
        tag.name = name
        tag.save()

    assert editor_client.get("/api/stats/?tag=health").json()["sentences"] == 3


def test_editing_an_article_changes_the_cached_progress_page(two_sources):
    """The dashboard's table, cached by progress_page, follows the same fingerprint."""
    from annotations import selectors

    daily, _ = two_sources
    first = selectors.progress_page(selectors.StatsFilters(), order="title")
    assert [row["source"] for row in first.object_list] == ["Daily", "Weekly"]

    daily.source = "Monthly"
    daily.save(update_fields=["source", "updated_at"])

    again = selectors.progress_page(selectors.StatsFilters(), order="title")
    assert {row["source"] for row in again.object_list} == {"Monthly", "Weekly"}


def test_storing_an_articles_matches_changes_the_cached_reuse_figures(editor_client, editor):
    """Claim matching writes rows of its own after an import; the cached figures follow."""
    body = "The harbour bridge repairs will cost £4.1 million, the council said."
    earlier = article_create(body=body)
    later = article_create(body="Update. " + body)
    services.verdict_set(
        sentence=earlier.sentences.get(), user=editor, label="accurate", rationale="Minutes."
    )
    assert editor_client.get("/api/stats/").json()["reuse"]["matched"] == 0

    summary = services.article_match(article_id=later.pk)

    assert summary.same == 1
    assert editor_client.get("/api/stats/").json()["reuse"]["matched"] == 1
