"""Token authentication (annotations.api.authentication) works out the viewer's role in the
query that loads the token: the role must come out as permissions.is_editor says."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations import services
from tests.factories import article_create

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize(
    ("who", "sees_others"), [("editor", True), ("superuser", True), ("reviewer2", False)]
)
def test_a_token_carries_the_users_role_into_blind_review(
    settings, request, reviewer, who, sees_others, django_assert_num_queries
):
    settings.FACTCHECK_BLIND_REVIEW = True
    sentence = article_create(sentences=1).sentences.get()
    services.review_save(sentence=sentence, reviewer=reviewer, label="accurate")
    client = _token_client(request.getfixturevalue(who))
    # token with its user and the editor's permission + the sentence with its verdict
    # + its reviews + its claim matches
    with django_assert_num_queries(4):
        response = client.get(f"/api/sentences/{sentence.pk}/")
    assert response.status_code == 200
    assert len(response.json()["reviews"]) == (1 if sees_others else 0)


def test_an_inactive_users_token_answers_401(editor):
    client = _token_client(editor)
    editor.is_active = False
    editor.save()
    response = client.get("/api/labels/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_an_unknown_token_answers_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/labels/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
