"""The public pages: /claims/{id}/, /claims/, /claims/feed/ and /sitemap.xml, read anonymously.

Only what an editor published appears anywhere public; drafts, reviewers and unpublished data
never do.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
import time_machine

from annotations import services
from tests.factories import article_create

pytestmark = pytest.mark.django_db

SOURCE = {
    "url": "https://stats.example.org/bridge-accounts",
    "title": "Bridge accounts 2025",
    "quote": "Total cost: £9.1 million",
    "stance": "refutes",
}
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Google's required ClaimReview properties (developers.google.com/search/docs/appearance/
# structured-data/factcheck): claimReviewed, reviewRating (alternateName), url, author,
# datePublished, itemReviewed (a Claim with its appearance).
GOOGLE_REQUIRED = {
    "claimReviewed",
    "reviewRating",
    "url",
    "author",
    "datePublished",
    "itemReviewed",
}


def jsonld_of(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def publish(sentence, editor, *, label="false", rationale="It cost £9m.", **extra):
    return services.verdict_set(
        sentence=sentence,
        user=editor,
        label=label,
        rationale=rationale,
        evidence=[SOURCE],
        published=True,
        **extra,
    )


@pytest.fixture
def bridge(db):
    article = article_create(
        title="Bridge opens",
        body="The bridge cost £4 million.",
        url="https://example.org/bridge",
        source="Courier",
        published_at=datetime(2026, 2, 27, tzinfo=UTC),
    )
    return article.sentences.get()


def test_a_published_fact_check_is_public_with_its_sources_and_claimreview(
    client, settings, editor, reviewer, bridge
):
    settings.FACTCHECK_ORGANISATION = "Harbour Checks"
    settings.FACTCHECK_ORGANISATION_URL = "https://checks.example.org/"
    settings.FACTCHECK_CONSENSUS_REVIEWERS = 0
    services.review_save(sentence=bridge, reviewer=reviewer, label="false", evidence=[SOURCE])
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), tick=False):
        publish(bridge, editor)

    response = client.get(f"/claims/{bridge.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "The bridge cost £4 million." in html and "It cost £9m." in html
    assert "Bridge accounts 2025" in html and SOURCE["url"] in html and "refutes the claim" in html
    assert "Total cost: £9.1 million" in html
    assert "Courier" in html and "https://example.org/bridge" in html
    assert "3 March 2026" in html and "Harbour Checks" in html
    for name in (reviewer.username, editor.username):
        assert not re.search(rf"\b{name}\b", html)
    assert f'<meta property="og:url" content="http://testserver/claims/{bridge.pk}/">' in html
    assert '<meta property="og:title" content="False: The bridge cost £4 million.">' in html
    assert 'aria-current="true"> False</li>' in html.replace('<span class="swatch"', "").replace(
        ' style="background: #d73027" aria-hidden="true"></span>', ""
    )
    data = jsonld_of(html)
    assert set(data) >= GOOGLE_REQUIRED
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "The bridge cost £4 million."
    assert data["reviewRating"]["ratingValue"] == 1
    assert data["reviewRating"]["alternateName"] == "False"
    assert data["url"] == f"http://testserver/claims/{bridge.pk}/"
    assert data["author"] == {
        "@type": "Organization",
        "name": "Harbour Checks",
        "url": "https://checks.example.org/",
    }
    assert data["datePublished"] == data["dateModified"] == "2026-03-03T09:00:00Z"
    assert data["itemReviewed"]["@type"] == "Claim"
    assert data["itemReviewed"]["appearance"][0]["url"] == "https://example.org/bridge"
    assert data["itemReviewed"]["datePublished"] == "2026-02-27T00:00:00Z"


def test_the_page_shows_the_correction_log(client, editor, bridge):
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), tick=False):
        first = publish(bridge, editor)
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC), tick=False):
        services.verdict_set(
            sentence=bridge,
            user=editor,
            label="misleading",
            rationale="£4m was the first phase only.",
            correction="The council published the phase costs.",
            expected_version=first.version,
        )

    html = client.get(f"/claims/{bridge.pk}/").content.decode()

    log = re.search(r'<ol class="corrections">(.*?)</ol>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", log)
    assert "Rated False on 3 March 2026." in text
    assert "5 March 2026: corrected to Misleading: The council published the phase costs." in text
    data = jsonld_of(html)
    assert data["datePublished"] == "2026-03-03T09:00:00Z"
    assert data["dateModified"] == "2026-03-05T09:00:00Z"
    assert data["reviewRating"]["alternateName"] == "Misleading"


@pytest.mark.parametrize("label", [None, "false", "not_a_claim"])
def test_drafts_and_claims_without_a_verdict_are_not_found(client, editor, bridge, label):
    if label:
        services.verdict_set(sentence=bridge, user=editor, label=label, rationale="R")
    assert client.get(f"/claims/{bridge.pk}/").status_code == 404


def test_a_fact_check_taken_down_is_gone(client, editor, bridge):
    first = publish(bridge, editor)
    services.verdict_set(
        sentence=bridge,
        user=editor,
        label="false",
        rationale="R",
        published=False,
        expected_version=first.version,
    )

    response = client.get(f"/claims/{bridge.pk}/")

    assert response.status_code == 410
    assert "It cost £9m." not in response.content.decode()


def test_script_in_a_claim_cannot_break_out_of_the_json_ld(client, editor):
    body = 'He said </script><script>alert(1)</script> & "more".'
    sentence = article_create(body=body).sentences.get()
    publish(sentence, editor, rationale="<b>bold</b>")

    html = client.get(f"/claims/{sentence.pk}/").content.decode()

    assert "<script>alert(1)" not in html
    assert "<b>bold</b>" not in html
    assert jsonld_of(html)["claimReviewed"] == body


@pytest.fixture
def three(editor):
    """Three claims: published on 1 and 2 March (different sources and ratings), one draft."""
    sentences = []
    for source, body in [
        ("Courier", "Bridge tolls doubled."),
        ("Gazette", "Ferry fares fell."),
        ("Courier", "Harbour dues rose."),
    ]:
        sentences.append(article_create(body=body, source=source).sentences.get())
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        publish(sentences[0], editor, label="false")
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        publish(sentences[1], editor, label="misleading")
    services.verdict_set(sentence=sentences[2], user=editor, label="false", rationale="Draft.")
    return sentences


def claims_listed(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<a href="/claims/\d+/">(.*?)</a>', html)


def test_the_index_lists_published_fact_checks_newest_first(client, three):
    response = client.get("/claims/")

    assert response.status_code == 200
    assert claims_listed(response) == ["Ferry fares fell.", "Bridge tolls doubled."]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "TOLLS"}, ["Bridge tolls doubled."]),
        ({"rating": "misleading"}, ["Ferry fares fell."]),
        ({"source": "courier"}, ["Bridge tolls doubled."]),  # the draft from Courier is not
        ({"published_from": "2026-03-02"}, ["Ferry fares fell."]),
        ({"published_to": "2026-03-01"}, ["Bridge tolls doubled."]),
        ({"q": "Harbour"}, []),  # a draft
    ],
)
def test_the_index_searches_and_filters(client, three, query, expected):
    response = client.get("/claims/", query)

    assert response.status_code == 200
    assert claims_listed(response) == expected


@pytest.mark.parametrize(
    "query", [{"published_from": "2026-02-30"}, {"rating": "nonsense"}, {"published_to": "x"}]
)
def test_the_index_answers_bad_filters_with_400_and_a_reason(client, three, query):
    response = client.get("/claims/", query)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_index_is_paginated_in_bounded_queries(client, editor, django_assert_max_num_queries):
    for number in range(25):
        publish(article_create(body=f"Claim number {number} is here.").sentences.get(), editor)

    with django_assert_max_num_queries(4):
        first = client.get("/claims/")
    second = client.get("/claims/", {"page": 2})

    assert len(claims_listed(first)) == 20 and len(claims_listed(second)) == 5
    assert 'rel="next"' in first.content.decode()


def test_the_feed_lists_published_fact_checks_only(client, three):
    response = client.get("/claims/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == ["Misleading: Ferry fares fell.", "False: Bridge tolls doubled."]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver/claims/{three[1].pk}/"
    assert entries[0].findtext(f"{ATOM}published").startswith("2026-03-02T09:00:00")


def test_the_sitemap_lists_published_fact_checks_with_lastmod(client, three):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")
    found = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls}
    assert found == {
        f"http://testserver/claims/{three[0].pk}/": "2026-03-01",
        f"http://testserver/claims/{three[1].pk}/": "2026-03-02",
    }


def test_the_claimreview_export_carries_published_verdicts_only(editor_client, three):
    response = editor_client.get("/api/export/", {"format": "claimreview"})

    data = json.loads(b"".join(response.streaming_content))
    assert sorted(item["claimReviewed"] for item in data) == [
        "Bridge tolls doubled.",
        "Ferry fares fell.",
    ]
    assert all(set(item) >= GOOGLE_REQUIRED for item in data)


def test_nothing_else_is_public(client, three):
    for path in ["/", f"/articles/{three[2].article_id}/", "/dashboard/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/api/sentences/{three[2].pk}/verdict/").status_code in (401, 403)
