"""The workspace's data (selectors.workspace) holds reviews and verdicts exactly as the API
shows them, though the selector builds them without the API's serializers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from annotations import selectors
from annotations.api.serializers import ReviewSerializer, VerdictSerializer
from annotations.models import Review, Verdict
from annotations.permissions import viewer_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_workspace_reviews_and_verdicts_equal_the_api_serializers(editor, worked, zone):
    with timezone.override(zone):
        data = selectors.workspace(viewer_for(editor), worked.pk)["data"]["sentences"]
        reviews = Review.objects.select_related("reviewer", "label")
        verdicts = Verdict.objects.select_related("label", "decided_by")
        api_reviews = {row["id"]: row for row in ReviewSerializer(reviews, many=True).data}
        api_verdicts = {row["id"]: row for row in VerdictSerializer(verdicts, many=True).data}

    shown_reviews = {row["id"]: row for s in data.values() for row in s["reviews"]}
    shown_verdicts = {s["verdict"]["id"]: s["verdict"] for s in data.values() if s["verdict"]}
    assert len(shown_reviews) == 4
    assert {v["decided_by"] for v in shown_verdicts.values()} == {"ed", None}
    assert shown_reviews == api_reviews
    assert shown_verdicts == api_verdicts


def test_a_reviewers_own_review_is_the_api_one_too(reviewer, worked):
    data = selectors.workspace(viewer_for(reviewer), worked.pk)["data"]["sentences"]
    mine = [s["mine"] for s in data.values() if s["mine"]]

    reviews = Review.objects.filter(reviewer=reviewer).select_related("reviewer", "label")
    assert mine == list(ReviewSerializer(reviews.order_by("sentence__index"), many=True).data)
