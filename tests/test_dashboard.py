"""/dashboard/, its CSV downloads and the figures behind them, against hand-computed data."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from annotations import agreement, selectors, services
from annotations.dashboard import csv_safe, nice_max
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sam(db):
    return UserFactory(username="sam", groups=["reviewer"])


@pytest.fixture
def team(settings, reviewer, reviewer2, sam, editor):
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
    services.verdict_set(sentence=s0, editor=editor, label="accurate")
    return {"a": a, "b": b, "s1": s1, "t0": t0}


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


def test_agreement_figures_equal_those_of_the_agreement_module(editor, team):
    """The database aggregates reproduce annotations.agreement on the same reviews."""
    from annotations.models import Label, Review

    triples = list(Review.objects.values_list("sentence_id", "reviewer_id", "label__slug"))
    ratings = dict(Label.objects.values_list("slug", "rating_value"))
    reference = agreement.agreement_summary(triples, ordinal_values=ratings)

    figures = stats_of(page_client(editor))["agreement"]

    assert figures["alpha_nominal"] == pytest.approx(reference["alpha_nominal"])
    assert figures["alpha_ordinal"] == pytest.approx(reference["alpha_ordinal"])
    assert [(p["units"], p["kappa"]) for p in figures["pairs"]] == [
        (p["units"], pytest.approx(p["kappa"]) if p["kappa"] is not None else None)
        for p in reference["pairs"]
    ]


def test_units_of_four_reviews_count_every_pair(editor, settings):
    """Units of 4+ reviews take the self-join path; the figures must not change."""
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
    reference = agreement.agreement_summary(
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


def test_a_reviewer_sees_only_their_own_figures(reviewer, team):
    response = page_client(reviewer).get("/dashboard/")
    stats = response.context["stats"]

    assert stats["scope"] == "reviewer"
    assert stats["filters"]["reviewer"] == "rita"
    assert {row["reviewer"] for row in stats["throughput"]} == {"rita"}
    assert all("rita" in pair["reviewers"] for pair in stats["agreement"]["pairs"])
    assert "disputed_sentences" not in stats
    html = response.content.decode()
    assert "Your agreement with the team" in html
    assert 'id="disputed"' not in html and 'id="backlog"' not in html


def test_a_reviewer_may_not_ask_for_someone_elses_figures(reviewer, team):
    response = page_client(reviewer).get("/dashboard/?reviewer=rob")
    assert response.status_code == 400
    assert "Reviewers see only their own figures" in response.content.decode()


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


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2026-13-01", "from", "'2026-13-01' is not a date like 2026-11-30."),
        ("to=yesterday", "to", "'yesterday' is not a date like 2026-11-30."),
        ("reviewer=nobody", "reviewer", "No reviewer is called 'nobody'."),
        ("tag=nope", "tag", "No tag is called 'nope'."),
        ("source=Nowhere", "source", "No article comes from the source 'Nowhere'."),
        (
            "from=2026-03-20&to=2026-03-01",
            "from",
            "The start, 2026-03-20, is after the end, 2026-03-01.",
        ),
        ("days=0", "days", "Must be a whole number of days from 1 to 3660."),
        # Days whose end (or a chart's next day) leaves the calendar: were 500s.
        (
            "to=9999-12-31",
            "to",
            "9999-12-31 is out of range: choose a day from 0001-01-02 to 9999-12-29.",
        ),
        (
            "from=9999-12-31",
            "from",
            "9999-12-31 is out of range: choose a day from 0001-01-02 to 9999-12-29.",
        ),
        (
            "to=0001-01-10",
            "to",
            "The 30 days up to 0001-01-10 start too early; choose a later day.",
        ),
    ],
)
def test_bad_filters_answer_400_with_a_message_on_the_page_and_in_the_api(
    editor, editor_client, query, field, message
):
    page = page_client(editor).get(f"/dashboard/?{query}")
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    assert message.replace("'", "&#x27;") in page.content.decode()

    api = editor_client.get(f"/api/stats/?{query}")
    assert api.status_code == 400
    assert api.json() == {field: [message]}

    download = page_client(editor).get(f"/dashboard/articles.csv?{query}")
    assert download.status_code == 400


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


def test_anonymous_visitors_are_sent_to_sign_in():
    for url in ("/dashboard/", "/dashboard/articles.csv"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_page_links_to_the_workspace_and_draws_titled_charts(editor, team):
    html = page_client(editor).get("/dashboard/").content.decode()

    assert f'href="/articles/{team["a"].pk}/"' in html
    assert f'href="/articles/{team["b"].pk}/#s{team["t0"].pk}"' in html
    for chart in ("chart-status", "chart-labels", "chart-throughput", "chart-alpha", "chart-kappa"):
        assert f'<title id="{chart}-title">' in html
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert 'fill="#1a9850"' in html  # accurate's colour on the scale


def test_sorting_the_articles(editor, team):
    client = page_client(editor)
    page = client.get("/dashboard/?sort=-pending").context["articles_page"]
    assert [row["article"] for row in page["page"]] == [team["a"].pk, team["b"].pk]
    titles = client.get("/dashboard/?sort=title").context["articles_page"]
    assert [row["title"] for row in titles["page"]] == ["Bridge", "Budget"]
    ignored = client.get("/dashboard/?sort=drop+table").context["articles_page"]
    assert [row["article"] for row in ignored["page"]] == [team["b"].pk, team["a"].pk]


def test_the_figures_change_as_soon_as_a_review_does(editor, editor_client, team, sam):
    before = editor_client.get("/api/stats/").json()
    services.review_save(sentence=team["s1"], reviewer=sam, label="mixed")
    after = editor_client.get("/api/stats/").json()

    assert before["reviews"] + 1 == after["reviews"]
    assert after["agreement"]["reviews"] == before["agreement"]["reviews"] + 1


def test_a_repeated_request_is_served_from_the_cache(editor, team, django_assert_max_num_queries):
    client = page_client(editor)
    client.get("/dashboard/")
    # session, user, role, filter menus (sources, tags, reviewers), labels, fingerprint, and
    # the fingerprint of the articles table's page
    with django_assert_max_num_queries(9):
        client.get("/dashboard/")


def _fill(articles: int, sentences: int, reviewers: int) -> None:
    people = [UserFactory(username=f"q{i}", groups=["reviewer"]) for i in range(reviewers)]
    boss = UserFactory(username="boss", groups=["editor"])
    labels = ["accurate", "mixed", "mostly_accurate"]
    for number in range(articles):
        article = article_create(sentences=sentences, source=f"S{number % 2}", tags=["t"])
        for i, sentence in enumerate(article.sentences.order_by("index")):
            for j, who in enumerate(people[: 2 + i % 2]):
                label = labels[(i + j * (i % 3)) % 3]
                services.review_save(sentence=sentence, reviewer=who, label=label)
        services.assignment_create(
            article_ids=[article.pk], reviewers=[people[0].username], assigned_by=boss
        )


@pytest.mark.parametrize(("articles", "sentences", "reviewers"), [(1, 3, 2), (5, 30, 5)])
def test_the_dashboard_takes_the_same_queries_whatever_the_data(
    editor, settings, django_assert_max_num_queries, articles, sentences, reviewers
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    _fill(articles, sentences, reviewers)
    client = page_client(editor)
    # session + user + role + filter menus (sources, tags, reviewers) + the source filter's
    # check + labels + fingerprint + totals and backlog + reviews by label + verdicts by label
    # + throughput + agreement in the window by day + agreement by codes + reviewer names
    # + disputed sentences + their reviews + the articles table's page (fingerprint, count,
    # rows)
    with django_assert_max_num_queries(21):
        response = client.get("/dashboard/?source=S0")
    assert response.status_code == 200


@pytest.mark.parametrize(("articles", "sentences", "reviewers"), [(1, 3, 2), (5, 30, 5)])
def test_the_reviewer_view_takes_the_same_queries_whatever_the_data(
    settings, django_assert_max_num_queries, articles, sentences, reviewers
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    _fill(articles, sentences, reviewers)
    from django.contrib.auth import get_user_model

    client = page_client(get_user_model().objects.get(username="q0"))
    # session + user + role + filter menus (sources, tags) + labels + fingerprint + totals and
    # backlog + reviews by label + verdicts by label + throughput + agreement by codes + in the
    # window by day + per article + reviewer names + the articles table's page (fingerprint,
    # count, rows)
    with django_assert_max_num_queries(18):
        response = client.get("/dashboard/")
    assert response.status_code == 200


@pytest.mark.parametrize(("articles", "sentences"), [(1, 3), (4, 20)])
def test_the_disputed_csv_streams_in_constant_queries(
    editor, settings, django_assert_max_num_queries, articles, sentences
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    _fill(articles, sentences, 2)
    client = page_client(editor)
    # session + user + role + disputed sentences + their reviews (one chunk)
    with django_assert_max_num_queries(5):
        body = b"".join(client.get("/dashboard/disputed.csv").streaming_content)
    assert body.startswith(b"sentence,article,")


def read_csv(response) -> list[dict[str, str]]:
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_every_table_downloads_as_csv_with_the_pages_figures(editor, team):
    client = page_client(editor)
    stats = stats_of(client)

    status = read_csv(client.get("/dashboard/status.csv"))
    assert {row["status"]: int(row["claims"]) for row in status} == stats["claims_by_status"]
    labels = read_csv(client.get("/dashboard/labels.csv"))
    assert {row["label"]: int(row["reviews"]) for row in labels} == stats["reviews_by_label"]
    articles = read_csv(client.get("/dashboard/articles.csv"))
    assert [int(row["article"]) for row in articles] == [r["article"] for r in stats["progress"]]
    assert articles[1]["url"].endswith(f"/articles/{team['a'].pk}/")
    throughput = read_csv(client.get("/dashboard/throughput.csv"))
    assert [(r["reviewer"], int(r["reviews"])) for r in throughput] == [
        ("rita", 4),
        ("rob", 4),
        ("sam", 2),
    ]
    pairs = read_csv(client.get("/dashboard/agreement-pairs.csv"))
    assert [float(r["kappa"] or "nan") for r in pairs][:2] == [pytest.approx(0.2), 0.0]
    assert len(read_csv(client.get("/dashboard/agreement-time.csv"))) == len(
        stats["agreement"]["over_time"]
    )
    backlog = read_csv(client.get("/dashboard/backlog.csv"))
    assert backlog[0] == {"article_age": "<1 day", "articles": "1", "pending_claims": "1"}
    disputed = read_csv(client.get("/dashboard/disputed.csv"))
    assert {int(row["sentence"]) for row in disputed} == {team["s1"].pk, team["t0"].pk}
    t0 = next(row for row in disputed if int(row["sentence"]) == team["t0"].pk)
    assert t0["reviews"] == "rita: mostly_accurate; rob: accurate; sam: accurate"
    assert t0["url"].endswith(f"/articles/{team['b'].pk}/#s{team['t0'].pk}")


def test_csv_cells_that_look_like_formulas_are_neutralised(editor, reviewer, settings):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    article_create(sentences=1, title='=HYPERLINK("http://evil")', source="@evil")
    rows = read_csv(page_client(editor).get("/dashboard/articles.csv"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["source"] == "'@evil"


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_safe_prefixes_formula_starts(text):
    assert csv_safe(text) == "'" + text


def test_csv_safe_leaves_numbers_and_plain_text():
    assert csv_safe(-0.25) == -0.25
    assert csv_safe("plain") == "plain"
    assert csv_safe(None) == ""


def test_reviewers_cannot_download_the_disputed_list(reviewer):
    assert page_client(reviewer).get("/dashboard/disputed.csv").status_code == 404


def test_unknown_table_is_404(editor):
    assert page_client(editor).get("/dashboard/nothing.csv").status_code == 404


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (7, 10), (12, 20), (24, 25), (260, 500), (1000, 1000)]
)
def test_axes_end_on_round_numbers(value, expected):
    assert nice_max(value) == expected


def test_an_empty_database_draws_empty_charts_not_errors(editor):
    response = page_client(editor).get("/dashboard/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["agreement"]["alpha_nominal"] is None
    assert list(response.context["articles_page"]["page"]) == []
    assert "No two reviewers have reviewed the same sentence yet." in response.content.decode()


@pytest.mark.parametrize("query", ["", "reviewer=rob&"])
def test_every_order_of_the_articles_table_sorts_the_rows_it_names(editor, team, query):
    client = page_client(editor)
    key = {"imported": "created_at", "progress": None}
    for name in selectors.PROGRESS_ORDERS:
        for order in (name, f"-{name}"):
            response = client.get(f"/dashboard/?{query}sort={order}")
            assert response.status_code == 200, order
            rows = list(response.context["articles_page"]["page"])
            assert len(rows) == 2
            column = key.get(name, name)
            if column is None:
                values = [r["final"] / r["claims"] if r["claims"] else 1.0 for r in rows]
            else:
                values = [r[column] for r in rows]
            if name in ("title", "source"):
                values = [v.casefold() for v in values]
            present = [v for v in values if v is not None]
            descending = order.startswith("-")
            assert present == sorted(present, reverse=descending), order


@pytest.mark.parametrize("table", ["status", "labels", "articles", "throughput", "disputed"])
@pytest.mark.parametrize("query", ["to=9999-12-31", "from=9999-12-30&to=9999-12-31"])
def test_out_of_range_days_answer_400_for_every_csv(editor, table, query):
    """/dashboard/<table>.csv?to=9999-12-31 failed with a 500 (the day after overflowed)."""
    response = page_client(editor).get(f"/dashboard/{table}.csv?{query}")
    assert response.status_code == 400
    assert "out of range" in response.content.decode()


def test_the_latest_and_earliest_days_accepted_give_figures(editor, editor_client):
    for query in ("to=9999-12-29", "from=0001-01-02&to=0001-12-31", "to=0001-01-31&days=30"):
        assert editor_client.get(f"/api/stats/?{query}").status_code == 200, query
        assert page_client(editor).get(f"/dashboard/?{query}").status_code == 200, query
