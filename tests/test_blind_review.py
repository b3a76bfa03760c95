"""Blind review on every read path: what each role sees of others' ratings of a sentence.

Under blind review (on by default) a reviewer sees other reviewers' ratings of a sentence, and
its verdict, only once they have saved their own rating of it. Each read path is checked as a
matrix of (role, setting) -> what shows, on one scene:

    article "Harbour" (source Courier, tag health), assigned to rita:
      s0  rob: mostly_accurate (note "rob-note"); verdict by ed: unverifiable ("ed-reason")
      s1  rob: mixed
      s2  rita: accurate
    article "Elsewhere" (source Gazette, tag hidden-tag), assigned to nobody

Statuses (pending / in_review / disputed / final) are progress, not ratings: they show to
everyone who may see the sentence, as do the counts made of them.
"""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from django.test import Client

from annotations import services
from annotations.models import Assignment
from tests.factories import article_create

pytestmark = pytest.mark.django_db

# role -> what the blind rule lets them see of s0 (rob's review and ed's verdict) and s1.
# "blind": FACTCHECK_BLIND_REVIEW on (the default); "open": off.
SETTINGS = {
    "blind": {"FACTCHECK_BLIND_REVIEW": True},
    "open": {"FACTCHECK_BLIND_REVIEW": False},
}
ROLES = ["reviewer", "editor", "admin"]
# Whether others' ratings of s0 and s1 (and the verdict of s0) show, per (role, setting).
SEES_OTHERS = {
    ("reviewer", "blind"): False,
    ("reviewer", "open"): True,
    ("editor", "blind"): True,
    ("editor", "open"): True,
    ("admin", "blind"): True,
    ("admin", "open"): True,
}
MATRIX = list(SEES_OTHERS)
IDS = [f"{role}-{mode}" for role, mode in MATRIX]


@pytest.fixture
def scene(settings, reviewer, reviewer2, editor, superuser):
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    article = article_create(sentences=3, title="Harbour", source="Courier", tags=["health"])
    s0, s1, s2 = article.sentences.order_by("index")
    services.review_save(sentence=s0, reviewer=reviewer2, label="mostly_accurate", note="rob-note")
    services.review_save(sentence=s1, reviewer=reviewer2, label="mixed")
    services.review_save(sentence=s2, reviewer=reviewer, label="accurate")
    services.verdict_set(sentence=s0, user=editor, label="unverifiable", rationale="ed-reason")
    Assignment.objects.create(article=article, reviewer=reviewer, assigned_by=editor)
    elsewhere = article_create(
        sentences=1, title="Elsewhere", source="Gazette", tags=["hidden-tag"]
    )
    return {
        "article": article,
        "s0": s0,
        "s1": s1,
        "s2": s2,
        "elsewhere": elsewhere,
        "users": {"reviewer": reviewer, "editor": editor, "admin": superuser},
    }


def _client(scene, role: str) -> Client:
    client = Client()
    client.force_login(scene["users"][role])
    return client


def _apply(settings, mode: str) -> None:
    for name, value in SETTINGS[mode].items():
        setattr(settings, name, value)


def _others(reviews: list[dict]) -> list[tuple[str, str]]:
    return sorted((r["reviewer"], r["label"]) for r in reviews if r["reviewer"] != "rita")


# --- Sentences, articles, verdicts, history -------------------------------------------------
@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_sentence_detail_list_and_article_show_others_only_when_allowed(
    scene, settings, role, mode
):
    _apply(settings, mode)
    client = _client(scene, role)
    s0 = scene["s0"]
    sees = SEES_OTHERS[role, mode]

    detail = client.get(f"/api/sentences/{s0.pk}/").json()
    listed = client.get(f"/api/sentences/?article={scene['article'].pk}").json()["results"][0]
    nested = client.get(f"/api/articles/{scene['article'].pk}/").json()["sentences"][0]

    for payload in (detail, listed, nested):
        assert _others(payload["reviews"]) == ([("rob", "mostly_accurate")] if sees else [])
        verdict = payload["verdict"]
        shown = (verdict["label"], verdict["rationale"]) if verdict else None
        assert shown == (("unverifiable", "ed-reason") if sees else None)
        assert payload["status"] == "final"  # progress shows to everyone


@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_verdict_get_and_its_etag(scene, settings, role, mode):
    _apply(settings, mode)
    response = _client(scene, role).get(f"/api/sentences/{scene['s0'].pk}/verdict/")

    if SEES_OTHERS[role, mode]:
        assert response.status_code == 200
        assert response.json()["label"] == "unverifiable"
        assert response["ETag"] == '"1"'
    else:
        assert response.status_code == 404
        assert "ETag" not in response
        assert response.json() == {
            "detail": "Under blind review the verdict shows once you have rated this sentence."
        }


def test_a_hidden_verdict_answers_as_a_missing_one_would(scene):
    """Whether a sentence has a verdict or not, a blind reviewer gets the same answer."""
    client = _client(scene, "reviewer")
    with_verdict = client.get(f"/api/sentences/{scene['s0'].pk}/verdict/")
    without = client.get(f"/api/sentences/{scene['s1'].pk}/verdict/")
    assert (with_verdict.status_code, with_verdict.json()) == (without.status_code, without.json())


@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_history_shows_others_and_the_verdict_only_when_allowed(scene, settings, role, mode):
    _apply(settings, mode)
    entries = _client(scene, role).get(f"/api/sentences/{scene['s0'].pk}/history/").json()

    shown = [(e["entity"], e["actor"]) for e in entries]
    if SEES_OTHERS[role, mode]:
        assert shown == [("review", "rob"), ("verdict", "ed")]
    else:
        assert shown == []


def test_history_keeps_the_viewers_own_withdrawn_review(scene):
    s1 = scene["s1"]
    rita = scene["users"]["reviewer"]
    services.review_save(sentence=s1, reviewer=rita, label="accurate")
    services.review_delete(sentence=s1, reviewer=rita)

    entries = _client(scene, "reviewer").get(f"/api/sentences/{s1.pk}/history/").json()

    assert [(e["action"], e["actor"]) for e in entries] == [("create", "rita"), ("delete", "rita")]


def test_rating_a_sentence_opens_its_reviews_verdict_and_history(scene):
    client = _client(scene, "reviewer")
    s0 = scene["s0"]
    services.review_save(sentence=s0, reviewer=scene["users"]["reviewer"], label="accurate")

    detail = client.get(f"/api/sentences/{s0.pk}/").json()
    history = client.get(f"/api/sentences/{s0.pk}/history/").json()

    assert _others(detail["reviews"]) == [("rob", "mostly_accurate")]
    assert detail["verdict"]["label"] == "unverifiable"
    assert client.get(f"/api/sentences/{s0.pk}/verdict/").status_code == 200
    assert [(e["entity"], e["actor"]) for e in history] == [
        ("review", "rob"),
        ("verdict", "ed"),
        ("review", "rita"),
    ]
    assert _ids(client, "label=unverifiable") == [s0.pk]


@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_workspace_page_data(scene, settings, role, mode):
    _apply(settings, mode)
    response = _client(scene, role).get(f"/articles/{scene['article'].pk}/")
    sentences = response.context["data"]["sentences"]
    sees = SEES_OTHERS[role, mode]

    s0, s2 = sentences[scene["s0"].pk], sentences[scene["s2"].pk]
    assert _others(s0["reviews"]) == ([("rob", "mostly_accurate")] if sees else [])
    assert (s0["verdict"] or {}).get("label") == ("unverifiable" if sees else None)
    assert s0["status"] == "final"
    if role == "reviewer":
        assert s2["mine"]["label"] == "accurate"
    # Neither the note nor the rationale is anywhere in the page when hidden.
    assert (b"rob-note" in response.content) is sees
    assert (b"ed-reason" in response.content) is sees


# --- Filters, counts, orderings -------------------------------------------------------------
def _ids(client, query: str) -> list[int]:
    response = client.get(f"/api/sentences/?{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_label_filter_matches_only_what_the_viewer_may_see(scene, settings, role, mode):
    _apply(settings, mode)
    client = _client(scene, role)
    s0, s1, s2 = scene["s0"].pk, scene["s1"].pk, scene["s2"].pk
    sees = SEES_OTHERS[role, mode]

    assert _ids(client, "label=mostly_accurate") == ([s0] if sees else [])  # rob's review
    assert _ids(client, "label=mixed") == ([s1] if sees else [])
    assert _ids(client, "label=unverifiable") == ([s0] if sees else [])  # ed's verdict
    assert _ids(client, "label=accurate") == [s2]  # rita's own, seen by all


@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_reviewer_filter_names_others_only_when_allowed(scene, settings, role, mode):
    _apply(settings, mode)
    client = _client(scene, role)

    rob = client.get("/api/sentences/?reviewer=rob")
    nobody = client.get("/api/sentences/?reviewer=nobody")

    if SEES_OTHERS[role, mode]:
        assert [row["id"] for row in rob.json()["results"]] == [scene["s0"].pk, scene["s1"].pk]
        assert nobody.json() == {"reviewer": ["user 'nobody' does not exist."]}
    else:
        # The same answer for another reviewer as for nobody: it tells nothing.
        message = {
            "reviewer": ["Under blind review you may filter by your own reviews only ('me')."]
        }
        assert (rob.status_code, rob.json()) == (400, message)
        assert (nobody.status_code, nobody.json()) == (400, message)
    if role == "reviewer":
        assert _ids(client, "reviewer=me") == _ids(client, "reviewer=rita") == [scene["s2"].pk]


@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_status_and_text_filters_and_counts_are_the_same_for_everyone(scene, settings, role, mode):
    _apply(settings, mode)
    client = _client(scene, role)
    article = scene["article"]

    assert _ids(client, f"article={article.pk}&status=final") == [scene["s0"].pk]
    assert _ids(client, f"article={article.pk}&status=in_review") == [
        scene["s1"].pk,
        scene["s2"].pk,
    ]
    # q searches the sentence text, never notes or rationales.
    assert _ids(client, "q=rob-note") == _ids(client, "q=ed-reason") == []
    listed = client.get("/api/articles/").json()["results"]
    row = next(r for r in listed if r["id"] == article.pk)
    assert (row["claim_count"], row["final_count"]) == (3, 1)


def test_sentence_list_keeps_its_query_budget_with_the_blind_filters(
    scene, django_assert_max_num_queries
):
    client = _client(scene, "reviewer")
    # session, user, role (the view's viewer), the label, role again (the filter's viewer),
    # the page of sentences with their verdicts, their reviews, their claim matches: the rule
    # adds no query per row (reviewer=me: the same without the label).
    with django_assert_max_num_queries(8):
        client.get("/api/sentences/?label=accurate")
    with django_assert_max_num_queries(8):
        client.get("/api/sentences/?reviewer=me")


# --- Stats, dashboard, CSV ------------------------------------------------------------------
@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_stats_show_a_reviewer_only_their_own_figures(scene, settings, role, mode):
    _apply(settings, mode)
    client = _client(scene, role)

    stats = client.get("/api/stats/").json()
    page = client.get("/dashboard/").context["stats"]

    for figures in (stats, page):
        by_label = {k: v for k, v in figures["reviews_by_label"].items() if v}
        verdicts = {k: v for k, v in figures["verdicts_by_label"].items() if v}
        reviewers = {row["reviewer"] for row in figures["throughput"]}
        if role == "reviewer":  # blind or not: a reviewer's dashboard is their own work
            assert figures["scope"] == "reviewer"
            assert by_label == {"accurate": 1}
            assert verdicts == {}  # the only verdict is on a sentence rita did not rate
            assert reviewers == {"rita"}
            assert figures["agreement"]["pairs"] == []
            assert "disputed_sentences" not in figures
        else:
            assert by_label == {"accurate": 1, "mostly_accurate": 1, "mixed": 1}
            assert verdicts == {"unverifiable": 1}
            assert reviewers == {"rita", "rob"}


def _csv(client, table: str) -> list[list[str]]:
    response = client.get(f"/dashboard/{table}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize(("role", "mode"), MATRIX, ids=IDS)
def test_dashboard_csvs_show_a_reviewer_only_their_own_figures(scene, settings, role, mode):
    _apply(settings, mode)
    client = _client(scene, role)

    labels = {row[0]: row[2:4] for row in _csv(client, "labels")[1:]}
    throughput = {row[1] for row in _csv(client, "throughput")[1:]}

    if role == "reviewer":
        assert labels["mostly_accurate"] == ["0", "0"] and labels["unverifiable"] == ["0", "0"]
        assert labels["accurate"] == ["1", "0"]
        assert throughput == {"rita"}
        assert client.get("/dashboard/disputed.csv").status_code == 404
    else:
        assert labels["mostly_accurate"] == ["1", "0"] and labels["unverifiable"] == ["0", "1"]
        assert throughput == {"rita", "rob"}


def test_a_reviewer_may_not_ask_for_anothers_figures_known_or_not(scene):
    client = _client(scene, "reviewer")
    rob = client.get("/api/stats/?reviewer=rob")
    nobody = client.get("/api/stats/?reviewer=nobody")
    assert rob.status_code == nobody.status_code == 400
    assert rob.json() == nobody.json()


# --- Closed reviewing -------------------------------------------------------------------------
@pytest.fixture
def closed(settings, scene):
    settings.FACTCHECK_OPEN_REVIEWING = False
    return scene


def test_closed_reviewing_menus_offer_only_a_reviewers_own_sources_and_tags(closed):
    choices = _client(closed, "reviewer").get("/dashboard/").context["choices"]
    assert (choices["sources"], choices["tags"], choices["reviewers"]) == (
        ["Courier"],
        ["health"],
        [],
    )
    editors = _client(closed, "editor").get("/dashboard/").context["choices"]
    assert (editors["sources"], editors["tags"]) == (
        ["Courier", "Gazette"],
        ["health", "hidden-tag"],
    )


@pytest.mark.parametrize(
    ("field", "invisible", "unknown", "message"),
    [
        ("source", "Gazette", "Nowhere", "No article comes from the source {!r}."),
        ("tag", "hidden-tag", "no-such-tag", "No tag is called {!r}."),
    ],
)
def test_closed_reviewing_an_invisible_source_or_tag_answers_as_an_unknown_one(
    closed, field, invisible, unknown, message
):
    client = _client(closed, "reviewer")
    for value in (invisible, unknown):
        response = client.get(f"/api/stats/?{field}={value}")
        assert (response.status_code, response.json()) == (400, {field: [message.format(value)]})
        assert client.get(f"/dashboard/?{field}={value}").status_code == 400
    assert _client(closed, "editor").get(f"/api/stats/?{field}={invisible}").status_code == 200


def test_closed_reviewing_lists_hide_articles_not_assigned(closed):
    client = _client(closed, "reviewer")
    elsewhere = closed["elsewhere"]
    assert [row["id"] for row in client.get("/api/articles/").json()["results"]] == [
        closed["article"].pk
    ]
    assert _ids(client, f"article={elsewhere.pk}") == []
    assert client.get(f"/api/sentences/{elsewhere.sentences.get().pk}/").status_code == 404
    assert client.get(f"/articles/{elsewhere.pk}/").status_code == 404
    stats = client.get("/api/stats/").json()
    assert [row["article"] for row in stats["progress"]] == [closed["article"].pk]


# --- Exports ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "blind", "open_reviewing", "status"),
    [
        ("reviewer", True, True, 403),
        ("reviewer", False, True, 200),
        ("reviewer", False, False, 403),  # would show articles not assigned to them
        ("reviewer", True, False, 403),
        ("editor", True, True, 200),
        ("editor", True, False, 200),
        ("admin", True, False, 200),
    ],
)
def test_export_only_for_those_who_may_see_everything(
    scene, settings, role, blind, open_reviewing, status
):
    settings.FACTCHECK_BLIND_REVIEW = blind
    settings.FACTCHECK_OPEN_REVIEWING = open_reviewing
    client = _client(scene, role)
    for fmt in ("jsonl", "csv", "claimreview"):
        response = client.get(f"/api/export/?format={fmt}")
        assert response.status_code == status, (fmt, response.content[:200])
    if status == 200:
        records = [
            orjson.loads(line)
            for line in b"".join(
                client.get("/api/export/?format=jsonl").streaming_content
            ).splitlines()
        ]
        s0 = next(r for r in records if r["sentence"]["id"] == scene["s0"].pk)
        assert [r["reviewer"] for r in s0["reviews"]] == ["rob"]
        assert s0["verdict"]["label"] == "unverifiable"


# --- Write answers: ETag and 412 bodies -----------------------------------------------------------
def test_a_stale_review_412_shows_only_the_callers_own_review(scene):
    client = _client(scene, "reviewer")
    s0, s2 = scene["s0"], scene["s2"]

    # No review of rita's on s0: the 412 says so and nothing of rob's or ed's.
    none = client.put(
        f"/api/sentences/{s0.pk}/review/",
        {"label": "mixed"},
        content_type="application/json",
        HTTP_IF_MATCH='"3"',
    )
    mine = client.put(
        f"/api/sentences/{s2.pk}/review/",
        {"label": "mixed"},
        content_type="application/json",
        HTTP_IF_MATCH='"7"',
    )

    assert none.status_code == 412 and none.json()["current"] is None
    assert b"rob" not in none.content and b"unverifiable" not in none.content
    assert mine.status_code == 412
    assert mine.json()["current"] == {
        "id": mine.json()["current"]["id"],
        "sentence": s2.pk,
        "reviewer": "rita",
        "label": "accurate",
        "note": "",
        "evidence": [],
        "version": 1,
    }


def test_a_reviews_etag_is_the_callers_own_version(scene):
    client = _client(scene, "reviewer")
    assert client.get(f"/api/sentences/{scene['s0'].pk}/review/").status_code == 404
    response = client.get(f"/api/sentences/{scene['s2'].pk}/review/")
    assert (response.status_code, response["ETag"]) == (200, '"1"')
    assert response.json()["reviewer"] == "rita"


# --- The admin ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/admin/annotations/review/",
        "/admin/annotations/verdict/",
        "/admin/annotations/history/",
        "/admin/annotations/review/?q=rob-note",
    ],
)
def test_the_admin_is_closed_to_reviewers_and_editors(scene, url):
    """Reviews, verdicts and history in the admin are for staff only; what a reviewer made
    staff sees there is tested in tests/test_admin_permissions.py."""
    for role in ("reviewer", "editor"):
        response = _client(scene, role).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert _client(scene, "admin").get(url).status_code == 200
