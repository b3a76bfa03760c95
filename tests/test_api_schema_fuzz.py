"""Requests generated from the OpenAPI schema never produce a server error (schemathesis)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from annotations import services
from factcheck.wsgi import application
from tests.factories import UserFactory, article_create


def _api_schema() -> dict:
    """The schema /api/schema/ serves (to signed-in users only), built without a request:
    at collection there is no database to hold a user, and the generator reads no rows."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_api_schema())
schema.app = application  # requests go to the WSGI app, as from_wsgi would arrange


@pytest.fixture
def keep_connection():
    """Calling the WSGI app directly fires request_finished, which would close the test's
    database connection (inside its transaction) on PostgreSQL; Django's own test client
    disconnects the same handlers."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def editor_token(db, keep_connection) -> str:
    """An editor with some data to read, so generated ids sometimes hit real rows."""
    editor = UserFactory(username="fuzz-editor", groups=["editor"])
    article = article_create(sentences=3)
    sentence = article.sentences.first()
    services.review_save(sentence=sentence, reviewer=editor, label="accurate")
    services.verdict_set(sentence=sentence, editor=editor, label="accurate")
    return Token.objects.create(user=editor).key


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same requests on every run: a CI failure can be replayed
)
def test_generated_requests_never_produce_a_5xx(case, editor_token):
    response = case.call(headers={"Authorization": f"Token {editor_token}"})
    case.validate_response(response, checks=[not_a_server_error])
