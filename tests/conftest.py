from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", groups=["reviewer"])


@pytest.fixture
def reviewer2(db):
    return UserFactory(username="rob", groups=["reviewer"])


@pytest.fixture
def editor(db):
    return UserFactory(username="ed", groups=["editor"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def _client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def anon_client():
    return APIClient()


@pytest.fixture
def reviewer_client(reviewer):
    return _client_for(reviewer)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def admin_client_api(superuser):
    return _client_for(superuser)


@pytest.fixture
def editor_token_client(editor):
    client = APIClient()
    token = Token.objects.create(user=editor)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
