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
from hypothesis import strategies as st
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


# Values that broke pages before the input contracts refused them: dates that leave the years
# 1..9999 once converted to UTC, impossible days, and (below) NUL and lone surrogates in text.
HOSTILE_DATE_TIMES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2026-02-30T10:00:00Z",
    "0000-01-01T00:00:00Z",
]
HOSTILE_DATES = ["9999-12-31", "0001-01-01", "2026-02-30", "0000-00-00"]
schemathesis.openapi.format(
    "date-time",
    st.one_of(
        st.sampled_from(HOSTILE_DATE_TIMES),
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    ),
)
schemathesis.openapi.format("date", st.one_of(st.sampled_from(HOSTILE_DATES), st.dates().map(str)))

schema = schemathesis.openapi.from_dict(_api_schema())
schema.app = application  # requests go to the WSGI app, as from_wsgi would arrange
# Text may hold any code point, NUL and lone surrogates included (the default is valid UTF-8).
schema.config.generation.update(codec=None, allow_x00=True)


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
    services.verdict_set(sentence=sentence, user=editor, label="accurate")
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
