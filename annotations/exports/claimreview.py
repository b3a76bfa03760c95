"""claimreview: a JSON array of schema.org ClaimReview objects, one per published verdict.

One per sentence whose verdict an editor published (drafts never appear); `ratingValue` is left
out for labels without a rating, and a missing article URL, source or date is left out rather
than sent empty. The Claim's `datePublished` is the article's date (when the claim was made, as
Google's guidelines ask); the ClaimReview's `datePublished` is when the editor published it, and
`dateModified` its last correction (or the publication).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings

from annotations.exports.csv import iso
from annotations.exports.jsonl import json_array, json_elements
from annotations.exports.parallel import encoded
from annotations.exports.rows import ExportParams
from annotations.models import Label, Verdict


def organisation() -> dict[str, Any]:
    """The publisher of the fact-checks (settings: FACTCHECK_ORGANISATION, _URL, _LOGO)."""
    author: dict[str, Any] = {"@type": "Organization", "name": settings.FACTCHECK_ORGANISATION}
    if settings.FACTCHECK_ORGANISATION_URL:
        author["url"] = settings.FACTCHECK_ORGANISATION_URL
    if settings.FACTCHECK_ORGANISATION_LOGO:
        author["logo"] = {"@type": "ImageObject", "url": settings.FACTCHECK_ORGANISATION_LOGO}
    return author


def _claimreview(
    *,
    sentence_id: int,
    text: str,
    article: dict[str, Any],
    label: Label,
    published_at: datetime,
    modified_at: datetime,
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
        "datePublished": iso(published_at),
        "dateModified": iso(modified_at),
        "author": organisation(),
        "reviewRating": rating,
        "itemReviewed": claim,
    }


def claimreview_for_verdict(verdict: Verdict, *, base_url: str) -> dict[str, Any]:
    """The ClaimReview of one published verdict (its sentence, article and label loaded), for
    its public page /claims/{id}/. The values are JSON-ready (dates as strings)."""
    sentence, article = verdict.sentence, verdict.sentence.article
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
        published_at=verdict.published_at,
        modified_at=verdict.modified_at,
        base_url=base_url,
    )


def claimreview_chunks(params: ExportParams, *, base_url: str) -> Iterator[bytes]:
    labels = {label.slug: label for label in Label.objects.all()}

    def encode(batch: list[dict[str, Any]]) -> bytes:
        return json_elements(
            [
                _claimreview(
                    sentence_id=record["sentence"]["id"],
                    text=record["sentence"]["text"],
                    article=record["article"],
                    label=labels[record["verdict"]["label"]],
                    published_at=record["verdict"]["published_at"],
                    modified_at=record["verdict"]["corrected_at"]
                    or record["verdict"]["published_at"],
                    base_url=base_url,
                )
                for record in batch
            ]
        )

    return json_array(encoded(params, encode, with_body=False, published_only=True))
