"""What the public sees: published fact-checks only (no drafts, no reviewers, no sign-in).

Every public page, the feed and the sitemap read through `published_verdicts()`, so a draft
can appear nowhere public.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from annotations.models import Correction, Verdict


def published_verdicts() -> QuerySet[Verdict]:
    """Published fact-checks, newest first, with their claim, article and rating joined."""
    return (
        Verdict.objects.filter(published=True, label__is_claim=True)
        .select_related("label", "sentence", "sentence__article")
        .order_by("-published_at", "-id")
    )


@dataclass(frozen=True)
class PublicClaim:
    """A published fact-check as its page shows it; `corrections` oldest first."""

    verdict: Verdict
    corrections: list[Correction]


def public_claim(sentence_id: int) -> PublicClaim | None:
    """The published fact-check of a sentence, or None."""
    verdict = (
        published_verdicts()
        .filter(sentence_id=sentence_id)
        .prefetch_related(
            Prefetch(
                "corrections",
                queryset=Correction.objects.select_related("label_before", "label_after"),
            )
        )
        .first()
    )
    if verdict is None:
        return None
    # Corrections made during an earlier publication (since taken down and published again)
    # belong to that earlier page.
    corrections = [c for c in verdict.corrections.all() if c.created_at >= verdict.published_at]
    return PublicClaim(verdict=verdict, corrections=corrections)


def claim_was_public(sentence_id: int) -> bool:
    """Whether the sentence's fact-check was published and then taken down (410 Gone)."""
    return Verdict.objects.filter(
        sentence_id=sentence_id, published=False, unpublished_at__isnull=False
    ).exists()
