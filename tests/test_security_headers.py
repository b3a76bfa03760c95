"""Content-Security-Policy and Permissions-Policy on every kind of page, and the API's
description open to signed-in users only."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from annotations import services
from annotations.middleware import PERMISSIONS_POLICY
from tests.factories import article_create

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


@pytest.fixture
def signed_in(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def claim(editor):
    article = article_create(body="The bridge cost £4 million.")
    sentence = article.sentences.get()
    services.verdict_set(
        sentence=sentence,
        user=editor,
        label="false",
        rationale="£9m.",
        evidence=[{"url": "https://example.org/accounts"}],
        published=True,
    )
    return sentence


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


PAGES = [
    # (what, url, signed in, expected status)
    ("queue", "/", True, 200),
    ("workspace", "/articles/{article}/", True, 200),
    ("dashboard", "/dashboard/", True, 200),
    ("dashboard download", "/dashboard/articles.csv", True, 200),
    ("public claim", "/claims/{claim}/", False, 200),
    ("public index", "/claims/", False, 200),
    ("public feed", "/claims/feed/", False, 200),
    ("sitemap", "/sitemap.xml", False, 200),
    ("sign-in", "/accounts/login/", False, 200),
    ("signed out", "/accounts/logout/", True, 302),
    ("admin", "/admin/", True, 200),
    ("admin sign-in", "/admin/login/", False, 200),
    ("admin change form", "/admin/auth/user/add/", True, 200),
    ("API root", "/api/", True, 200),
    ("API list", "/api/articles/", True, 200),
    ("API browsable", "/api/articles/?format=api", True, 200),
    ("API schema", "/api/schema/", True, 200),
    ("API docs", "/api/docs/", True, 200),
    ("API docs script", "/api/docs/?script=", True, 200),
    ("API anonymous", "/api/articles/", False, 401),
    ("not found", "/no-such-page/", True, 404),
    ("redirect to sign-in", "/dashboard/", False, 302),
]


@pytest.mark.parametrize(("what", "url", "signed", "status"), PAGES, ids=[p[0] for p in PAGES])
def test_every_kind_of_page_sends_the_security_headers(what, url, signed, status, signed_in, claim):
    client = signed_in if signed else Client()
    method = client.post if what == "signed out" else client.get
    url = url.format(article=claim.article_id, claim=claim.pk)

    response = method(url)

    assert response.status_code == status
    assert directives(response) == POLICY
    assert response.headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_policy_allows_no_inline_or_evaluated_script(client):
    policy = directives(client.get("/accounts/login/"))

    assert policy["script-src"] == ["'self'"]
    assert "script-src-elem" not in policy and "script-src-attr" not in policy
    assert "'unsafe-inline'" not in policy["default-src"]


def test_permissions_policy_denies_camera_microphone_and_location(client):
    header = client.get("/accounts/login/").headers["Permissions-Policy"]

    assert {"camera=()", "microphone=()", "geolocation=()", "payment=()"} <= set(header.split(", "))


@pytest.mark.parametrize(
    "url", ["/", "/articles/{article}/", "/dashboard/", "/claims/{claim}/", "/accounts/login/"]
)
def test_our_pages_hold_no_inline_script(url, signed_in, claim):
    """Every <script> loads a file or is data (JSON-LD, json_script); no on...= handlers."""
    html = signed_in.get(url.format(article=claim.article_id, claim=claim.pk)).content.decode()

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or re.search(r'type="application/(ld\+)?json"', tag), tag
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "javascript:" not in html


def test_the_docs_page_loads_its_start_up_script_as_a_file(signed_in):
    html = signed_in.get("/api/docs/").content.decode()

    assert '<script src="/api/docs/?script="></script>' in html
    script = signed_in.get("/api/docs/?script=")
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


# --- The API's description: signed-in users only ---------------------------------------------
def test_anonymous_users_get_no_api_schema(anon_client):
    response = anon_client.get("/api/schema/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/?script="])
def test_anonymous_users_are_sent_to_sign_in_from_the_api_docs(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/api/docs/")


@pytest.mark.parametrize("fixture", ["reviewer_client", "editor_token_client"])
def test_signed_in_users_and_token_clients_get_the_schema(request, fixture):
    client = request.getfixturevalue(fixture)

    response = client.get("/api/schema/?format=json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "factcheck API"
