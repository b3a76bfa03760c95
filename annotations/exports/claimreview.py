"""claimreview: a JSON array of schema.org ClaimReview objects, one per published verdict.

One per sentence with a verdict whose label is a claim (`is_claim`); `ratingValue` is left out
for labels without a rating, and a missing article URL, source or date is left out rather than
sent empty. The Claim's `datePublished` is the article's date (when the claim was made, as
Google's guidelines ask); the ClaimReview's is the verdict's last change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings

from annotations.errors import NotFound
from annotations.exports.csv import iso
from annotations.exports.jsonl import json_array
from annotations.exports.rows import ExportParams, records
from annotations.models import Label, Sentence, Verdict


def _claimreview(
    *,
    sentence_id: int,
    text: str,
    article: dict[str, Any],
    label: Label,
    reviewed_at: datetime,
    base_url: str,
) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating"}
    if label.rating_value is not None:
        rating["ratingValue"] = label.rating_value
    rating.update(bestRating=5, worstRating=1, alternateName=label.name)
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article["url"]:
        appearance["url"] = article["url"]
    appearance["headline"] = article["title"]
    if article["source"]:
        appearance["publisher"] = {"@type": "Organization", "name": article["source"]}
    claim: dict[str, Any] = {"@type": "Claim", "appearance": [appearance]}
    if article["published_at"]:
        # When the claim entered public discourse: the article's date.
        appearance["datePublished"] = claim["datePublished"] = iso(article["published_at"])
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{base_url.rstrip('/')}/claims/{sentence_id}/",
        "claimReviewed": text,
        "datePublished": iso(reviewed_at),
        "author": {"@type": "Organization", "name": settings.FACTCHECK_ORGANISATION},
        "reviewRating": rating,
        "itemReviewed": claim,
    }


def claimreview_for_sentence(sentence: Sentence, *, base_url: str) -> dict[str, Any]:
    """The ClaimReview of one sentence (for /claims/{id}/); NotFound without a published verdict.

    The values are JSON-ready (dates as strings). A verdict whose label is not a claim
    (`is_claim` false) is not published.
    """
    verdict = Verdict.objects.select_related("label").filter(sentence=sentence).first()
    if verdict is None or not verdict.label.is_claim:
        raise NotFound(f"sentence {sentence.pk} has no published verdict.")
    article = sentence.article
    return _claimreview(
        sentence_id=sentence.pk,
        text=sentence.text,
        article={
            "url": article.url,
            "title": article.title,
            "source": article.source,
            "published_at": article.published_at,
        },
        label=verdict.label,
        reviewed_at=verdict.updated_at,
        base_url=base_url,
    )


def claimreview_chunks(params: ExportParams, *, base_url: str) -> Iterator[bytes]:
    labels = {label.slug: label for label in Label.objects.all()}

    def objects() -> Iterator[list[dict[str, Any]]]:
        for batch in records(params, with_body=False, published_only=True):
            yield [
                _claimreview(
                    sentence_id=record["sentence"]["id"],
                    text=record["sentence"]["text"],
                    article=record["article"],
                    label=labels[record["verdict"]["label"]],
                    reviewed_at=record["verdict"]["updated_at"],
                    base_url=base_url,
                )
                for record in batch
            ]

    return json_array(objects())
