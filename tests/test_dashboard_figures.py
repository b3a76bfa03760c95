"""The figures behind /dashboard/, against hand-computed data, and /api/stats/ answering the
same."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from annotations import services
from tests.agreement_oracle import agreement_summary
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def team_create(settings, *, reviewer, reviewer2, editor) -> dict:
    """Two articles, three reviewers, one verdict; the figures below are worked out by hand.

    Article A (Courier, politics), claims s0..s3; article B (Times, economy), claims t0, t1:

        s0: rita accurate, rob accurate, then ed's verdict accurate  -> final
        s1: rita accurate, rob mixed                                 -> disputed
        s2: rita mixed, rob mixed                                    -> in review
        s3: -                                                        -> pending
        t0: rita mostly_accurate, rob accurate, sam accurate         -> disputed
        t1: sam mixed                                                -> in review

    Units (two reviews or more): s0, s1, s2, t0; 9 reviews. Coincidences: s0 adds o[a,a] = 2,
    s1 o[a,m] = o[m,a] = 1, s2 o[m,m] = 2, t0 (m = 3) o[a,a] = 1 and o[ma,a] = o[a,ma] = 1.
    Marginals a 5, m 3, ma 1, n = 9: nominal alpha = 1 - 8 * 4 / (81 - 35) = 7/23.
    Article A alone: 1 - 5 * 2 / (36 - 18) = 4/9; B alone: 1 - 2 * 2 / (9 - 5) = 0.
    "accurate or not": yes 5, no 4, disagreements 4: 1 - 8 * 4 / (81 - 25 - 16) = 0.2.
    Kappa rita/rob over s0, s1, s2, t0: p_o = 2/4, p_e = (2*2 + 1*2 + 1*0) / 16 = 3/8,
    kappa = (1/2 - 3/8) / (5/8) = 0.2; rita/sam (t0, disagree) 0; rob/sam (t0, agree) undefined.
    """
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    sam = UserFactory(username="sam", groups=["reviewer"])
    a = article_create(sentences=4, source="Courier", tags=["politics"], title="Bridge")
    b = article_create(sentences=2, source="Times", tags=["economy"], title="Budget")
    s0, s1, s2, _ = a.sentences.order_by("index")
    t0, t1 = b.sentences.order_by("index")
    for sentence, reviews in [
        (s0, [(reviewer, "accurate"), (reviewer2, "accurate")]),
        (s1, [(reviewer, "accurate"), (reviewer2, "mixed")]),
        (s2, [(reviewer, "mixed"), (reviewer2, "mixed")]),
        (t0, [(reviewer, "mostly_accurate"), (reviewer2, "accurate"), (sam, "accurate")]),
        (t1, [(sam, "mixed")]),
    ]:
        for who, label in reviews:
            services.review_save(sentence=sentence, reviewer=who, label=label)
    services.verdict_set(sentence=s0, user=editor, label="accurate")
    return {"a": a, "b": b, "s1": s1, "t0": t0, "sam": sam}


@pytest.fixture
def team(settings, reviewer, reviewer2, editor):
    return team_create(settings, reviewer=reviewer, reviewer2=reviewer2, editor=editor)


def stats_of(client: Client, query: str = "") -> dict:
    """The figures the page drew, with the per-article lists (the page shows them a page at a
    time) as /api/stats/ serves them."""
    response = client.get(f"/dashboard/{query}")
    assert response.status_code == 200, response.content[:2000]
    figures = dict(response.context["stats"])
    served = client.get(f"/api/stats/{query}").json()
    figures["progress"] = served["progress"]
    figures["agreement"] = {
        **figures["agreement"],
        "per_article": served["agreement"]["per_article"],
    }
    return figures


def test_editor_totals_progress_and_backlog(editor, team):
    stats = stats_of(page_client(editor))
    a, b = team["a"], team["b"]

    assert stats["scope"] == "team"
    assert (stats["articles"], stats["sentences"], stats["claims"]) == (2, 6, 6)
    assert stats["claims_by_status"] == {"pending": 1, "in_review": 2, "disputed": 2, "final": 1}
    assert stats["reviews_by_label"] == {
        "accurate": 5,
        "mostly_accurate": 1,
        "mixed": 4,
        "misleading": 0,
        "false": 0,
        "unverifiable": 0,
        "not_a_claim": 0,
    }
    assert (stats["reviews"], stats["reviewers"], stats["verdicts"]) == (10, 3, 1)
    assert stats["verdicts_by_label"]["accurate"] == 1
    assert stats["backlog"] == {
        "pending_claims": 1,
        "disputed": 2,
        "verdicts_needing_attention": 0,
        "by_age": [
            {"age": "<1 day", "articles": 1, "pending_claims": 1},
            {"age": "1-7 days", "articles": 0, "pending_claims": 0},
            {"age": "7-30 days", "articles": 0, "pending_claims": 0},
            {"age": ">30 days", "articles": 0, "pending_claims": 0},
        ],
    }
    counts = ("sentences", "claims", "pending", "in_review", "disputed", "final")
    assert [(row["article"], *(row[key] for key in counts)) for row in stats["progress"]] == [
        (b.pk, 2, 2, 0, 1, 1, 0),  # newest first
        (a.pk, 4, 4, 1, 1, 1, 1),
    ]


def test_editor_throughput_and_agreement(editor, team):
    stats = stats_of(page_client(editor))
    today = timezone.localdate().isoformat()

    assert stats["throughput"] == [
        {"reviewer": "rita", "day": today, "reviews": 4},
        {"reviewer": "rob", "day": today, "reviews": 4},
        {"reviewer": "sam", "day": today, "reviews": 2},
    ]
    figures = stats["agreement"]
    assert (figures["sentences"], figures["reviews"]) == (4, 9)
    assert figures["alpha_nominal"] == pytest.approx(7 / 23)
    assert figures["per_article"] == [
        {"article": team["a"].pk, "alpha_nominal": pytest.approx(4 / 9)},
        {"article": team["b"].pk, "alpha_nominal": pytest.approx(0.0)},
    ]
    assert figures["per_label"]["accurate"] == pytest.approx(0.2)
    assert figures["per_label"]["false"] is None
    assert figures["pairs"] == [
        {"reviewers": ["rita", "rob"], "units": 4, "kappa": pytest.approx(0.2), "observed": 0.5},
        {"reviewers": ["rita", "sam"], "units": 1, "kappa": 0.0, "observed": 0.0},
        {"reviewers": ["rob", "sam"], "units": 1, "kappa": None, "observed": 1.0},
    ]
    assert figures["over_time"][-1] == {
        "period": "week",
        "start": (
            timezone.localdate() - timedelta(days=timezone.localdate().weekday())
        ).isoformat(),
        "sentences": 4,
        "alpha_nominal": pytest.approx(7 / 23),
    }


def test_agreement_figures_equal_those_of_the_reference_implementation(editor, team):
    """The database aggregates reproduce the row-based reference (tests/agreement_oracle.py) on
    the same reviews."""
    from annotations.models import Label, Review

    triples = list(Review.objects.values_list("sentence_id", "reviewer_id", "label__slug"))
    ratings = dict(Label.objects.values_list("slug", "rating_value"))
    reference = agreement_summary(triples, ordinal_values=ratings)

    figures = stats_of(page_client(editor))["agreement"]

    assert figures["alpha_nominal"] == pytest.approx(reference["alpha_nominal"])
    assert figures["alpha_ordinal"] == pytest.approx(reference["alpha_ordinal"])
    assert [(p["units"], p["kappa"]) for p in figures["pairs"]] == [
        (p["units"], pytest.approx(p["kappa"]) if p["kappa"] is not None else None)
        for p in reference["pairs"]
    ]


def test_units_of_four_reviews_count_every_pair(editor, settings):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    people = [UserFactory(username=f"r{i}", groups=["reviewer"]) for i in range(4)]
    s0, s1 = article_create(sentences=2).sentences.order_by("index")
    for who, first, second in zip(
        people, ["accurate", "mixed", "accurate", "mixed"], ["mixed"] * 4, strict=True
    ):
        services.review_save(sentence=s0, reviewer=who, label=first)
        services.review_save(sentence=s1, reviewer=who, label=second)
    from annotations.models import Label, Review

    triples = list(Review.objects.values_list("sentence_id", "reviewer_id", "label__slug"))
    reference = agreement_summary(
        triples, ordinal_values=dict(Label.objects.values_list("slug", "rating_value"))
    )

    figures = stats_of(page_client(editor))["agreement"]

    assert figures["alpha_nominal"] == pytest.approx(reference["alpha_nominal"])
    assert len(figures["pairs"]) == 6
    assert [p["units"] for p in figures["pairs"]] == [p["units"] for p in reference["pairs"]]
    assert [p["observed"] for p in figures["pairs"]] == [
        pytest.approx(p["observed"]) for p in reference["pairs"]
    ]


def test_source_and_tag_filters_narrow_every_figure(editor, team):
    client = page_client(editor)

    courier = stats_of(client, "?source=Courier")
    assert [row["article"] for row in courier["progress"]] == [team["a"].pk]
    assert courier["claims_by_status"] == {"pending": 1, "in_review": 1, "disputed": 1, "final": 1}
    assert courier["agreement"]["alpha_nominal"] == pytest.approx(4 / 9)
    assert [p["reviewers"] for p in courier["agreement"]["pairs"]] == [["rita", "rob"]]
    assert courier["reviews"] == 6

    economy = stats_of(client, "?tag=economy")
    assert [row["article"] for row in economy["progress"]] == [team["b"].pk]
    assert economy["agreement"]["alpha_nominal"] == pytest.approx(0.0)
    assert [d["sentence"] for d in economy["disputed_sentences"]] == [team["t0"].pk]


def test_reviewer_filter_shows_that_reviewers_work(editor, team):
    stats = stats_of(page_client(editor), "?reviewer=sam")

    assert stats["scope"] == "reviewer"
    assert [(row["article"], row["rated"]) for row in stats["progress"]] == [(team["b"].pk, 2)]
    assert {row["reviewer"] for row in stats["throughput"]} == {"sam"}
    assert stats["reviews"] == 2
    assert stats["agreement"]["sentences"] == 1  # t0, the only unit sam is part of
    assert [p["reviewers"] for p in stats["agreement"]["pairs"]] == [
        ["rita", "sam"],
        ["rob", "sam"],
    ]


def test_dates_narrow_activity_but_not_statuses(editor, reviewer, reviewer2, settings):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    old, new = article_create(sentences=2).sentences.order_by("index")
    with time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=UTC), tick=False):
        services.review_save(sentence=old, reviewer=reviewer, label="accurate")
        services.review_save(sentence=old, reviewer=reviewer2, label="mixed")
    with time_machine.travel(datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        services.review_save(sentence=new, reviewer=reviewer, label="accurate")
        services.review_save(sentence=new, reviewer=reviewer2, label="accurate")
        stats = stats_of(page_client(editor), "?from=2026-03-10&to=2026-03-20")

    assert stats["filters"] == {"from": "2026-03-10", "to": "2026-03-20", "days": 30}
    assert stats["reviews"] == 2  # the two of 20 March
    assert stats["claims_by_status"]["disputed"] == 1  # statuses are as of now
    assert stats["agreement"]["sentences"] == 1
    assert stats["throughput"] == [
        {"reviewer": "rita", "day": "2026-03-20", "reviews": 1},
        {"reviewer": "rob", "day": "2026-03-20", "reviews": 1},
    ]
    over_time = stats["agreement"]["over_time"]
    assert over_time[0]["period"] == "day" and len(over_time) == 11
    assert over_time[-1]["sentences"] == 1


@pytest.mark.parametrize("query", ["", "?source=Courier&from=2026-01-01", "?reviewer=rob"])
def test_api_stats_are_exactly_the_dashboards_figures(editor, editor_client, team, query):
    response = page_client(editor).get(f"/dashboard/{query}")
    shown = response.context["stats"]
    rows = list(response.context["articles_page"]["page"])
    cache.clear()  # computed twice, not served from the cache

    served = editor_client.get(f"/api/stats/{query}").json()

    # The page draws its articles table a page at a time (progress_page): the same rows.
    progress = served.pop("progress")
    alpha_of = {row["article"]: row["alpha_nominal"] for row in served["agreement"]["per_article"]}
    if "per_article" not in shown["agreement"]:
        del served["agreement"]["per_article"]
    assert served == json.loads(json.dumps(shown))
    assert len(progress) == len(rows) > 0
    for row, drawn in zip(progress, rows, strict=True):
        assert {key: drawn[key] for key in row} == row
        assert drawn["alpha"] == pytest.approx(alpha_of.get(row["article"]), abs=1e-12)


def test_the_figures_change_as_soon_as_a_review_does(editor, editor_client, team):
    before = editor_client.get("/api/stats/").json()
    services.review_save(sentence=team["s1"], reviewer=team["sam"], label="mixed")
    after = editor_client.get("/api/stats/").json()

    assert before["reviews"] + 1 == after["reviews"]
    assert after["agreement"]["reviews"] == before["agreement"]["reviews"] + 1
