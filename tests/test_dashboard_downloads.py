"""/dashboard/<table>.csv: the page's figures as CSV, formulas neutralised, who may download
what."""

from __future__ import annotations

import csv
import io

import pytest

from annotations.dashboard.downloads import csv_safe
from tests.factories import article_create
from tests.test_dashboard_figures import page_client, stats_of, team_create
from tests.test_dashboard_page import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(settings, reviewer, reviewer2, editor):
    return team_create(settings, reviewer=reviewer, reviewer2=reviewer2, editor=editor)


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


@pytest.mark.parametrize(("articles", "sentences"), [(1, 3), (4, 20)])
def test_the_disputed_csv_streams_in_constant_queries(
    editor, settings, django_assert_max_num_queries, articles, sentences
):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    fill(articles, sentences, 2)
    client = page_client(editor)
    # session + user + role + disputed sentences + their reviews (one chunk)
    with django_assert_max_num_queries(5):
        body = b"".join(client.get("/dashboard/disputed.csv").streaming_content)
    assert body.startswith(b"sentence,article,")


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


@pytest.mark.parametrize("table", ["status", "labels", "articles", "throughput", "disputed"])
@pytest.mark.parametrize("query", ["to=9999-12-31", "from=9999-12-30&to=9999-12-31"])
def test_out_of_range_days_answer_400_for_every_csv(editor, table, query):
    """/dashboard/<table>.csv?to=9999-12-31 failed with a 500 (the day after overflowed)."""
    response = page_client(editor).get(f"/dashboard/{table}.csv?{query}")
    assert response.status_code == 400
    assert "out of range" in response.content.decode()
