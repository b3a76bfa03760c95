"""The public pages: published fact-checks, readable by anyone without signing in.

Everything here reads through selectors/public.py, which holds only what an editor published.
No reviewer is named; the organisation (settings) is the author.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import mark_safe

from annotations import exports
from annotations.filters import PublicClaimFilter
from annotations.models import Label, Verdict
from annotations.selectors import public

# JSON inside <script> must not be able to close the element or open a comment: the same
# escapes Django's json_script uses, for the ld+json type it cannot emit.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def organisation_context() -> dict:
    return {
        "organisation": {
            "name": settings.FACTCHECK_ORGANISATION,
            "url": settings.FACTCHECK_ORGANISATION_URL,
            "logo": settings.FACTCHECK_ORGANISATION_LOGO,
        }
    }


def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of a published fact-check, with its ClaimReview JSON-LD.

    404 for a claim never published (drafts included); 410 Gone for one taken down.
    """
    found = public.public_claim(pk)
    if found is None:
        if public.claim_was_public(pk):
            return render(request, "public/claim_gone.html", organisation_context(), status=410)
        raise Http404("No published fact-check of this claim.")
    verdict = found.verdict
    claimreview = exports.claimreview_for_verdict(verdict, base_url=request.build_absolute_uri("/"))
    jsonld = mark_safe(json.dumps(claimreview, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308 - escaped above
    scale = [label for label in Label.objects.order_by("order", "pk") if label.is_claim]
    return render(
        request,
        "public/claim_detail.html",
        {
            **organisation_context(),
            "verdict": verdict,
            "sentence": verdict.sentence,
            "article": verdict.sentence.article,
            "corrections": found.corrections,
            "scale": scale,
            "claimreview": claimreview,
            "jsonld": jsonld,
            "page_url": claimreview["url"],
        },
    )


def claim_list(request: HttpRequest) -> HttpResponse:
    """The published fact-checks, newest first, with search and filters, 20 to a page."""
    filters = PublicClaimFilter(request.GET, queryset=public.published_verdicts())
    valid = filters.is_valid()  # else the reasons show next to the filters, with status 400
    verdicts = filters.qs if valid else public.published_verdicts().none()
    page = Paginator(verdicts, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/claim_list.html",
        {**organisation_context(), "page": page, "filters": filters, "query": query.urlencode()},
        status=200 if valid else 400,
    )


def _claim_path(verdict: Verdict) -> str:
    return reverse("annotations:claim-detail", args=[verdict.sentence_id])


class ClaimFeed(Feed):
    """An Atom feed of the newest published fact-checks."""

    feed_type = Atom1Feed
    link = reverse_lazy("annotations:claim-list")

    def title(self) -> str:
        return f"{settings.FACTCHECK_ORGANISATION}: fact-checks"

    def subtitle(self) -> str:
        return f"The newest fact-checks published by {settings.FACTCHECK_ORGANISATION}."

    def author_name(self) -> str:
        return settings.FACTCHECK_ORGANISATION

    def items(self):
        return public.published_verdicts()[:FEED_ITEMS]

    def item_title(self, verdict: Verdict) -> str:
        return f"{verdict.label.name}: {verdict.sentence.text}"

    def item_description(self, verdict: Verdict) -> str:
        return verdict.rationale

    def item_link(self, verdict: Verdict) -> str:
        return _claim_path(verdict)

    def item_pubdate(self, verdict: Verdict):
        return verdict.published_at

    def item_updateddate(self, verdict: Verdict):
        return verdict.modified_at

    def item_categories(self, verdict: Verdict) -> list[str]:
        return [verdict.label.name]


FEED_ITEMS = 50


class ClaimSitemap(Sitemap):
    """Every published fact-check's page, with when it last changed."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return public.published_verdicts().order_by("sentence_id")

    def location(self, verdict: Verdict) -> str:
        return _claim_path(verdict)

    def lastmod(self, verdict: Verdict):
        return verdict.modified_at
