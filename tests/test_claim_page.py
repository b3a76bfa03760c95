"""/claims/{id}/: the public page of a claim with a published verdict and its JSON-LD."""

from __future__ import annotations

import json
import re

import pytest

from annotations import services
from tests.factories import article_create

pytestmark = pytest.mark.django_db


def jsonld_of(html: str) -> dict:
    [block] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block)


def test_public_claim_page_needs_no_sign_in_and_embeds_claimreview(client, editor):
    article = article_create(
        body="The bridge cost £4 million.", url="https://example.org/bridge", source="Courier"
    )
    sentence = article.sentences.get()
    services.verdict_set(sentence=sentence, user=editor, label="false", rationale="It cost £9m.")

    response = client.get(f"/claims/{sentence.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "The bridge cost £4 million." in html and "It cost £9m." in html
    data = jsonld_of(html)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "The bridge cost £4 million."
    assert data["reviewRating"]["ratingValue"] == 1
    assert data["reviewRating"]["alternateName"] == "False"
    assert data["url"] == f"http://testserver/claims/{sentence.pk}/"
    assert data["itemReviewed"]["appearance"][0]["url"] == "https://example.org/bridge"


@pytest.mark.parametrize("label", [None, "not_a_claim"])
def test_claims_without_a_published_verdict_are_not_public(client, editor, label):
    sentence = article_create(sentences=1).sentences.get()
    if label:
        services.verdict_set(sentence=sentence, user=editor, label=label)
    assert client.get(f"/claims/{sentence.pk}/").status_code == 404


def test_script_in_a_claim_cannot_break_out_of_the_json_ld(client, editor):
    body = 'He said </script><script>alert(1)</script> & "more".'
    sentence = article_create(body=body).sentences.get()
    services.verdict_set(sentence=sentence, user=editor, label="false", rationale="<b>bold</b>")

    html = client.get(f"/claims/{sentence.pk}/").content.decode()

    assert "<script>alert(1)" not in html
    assert "<b>bold</b>" not in html
    assert jsonld_of(html)["claimReviewed"] == body
