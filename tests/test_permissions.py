"""Who may do what: every role against every endpoint and page, in one table."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from annotations import services
from annotations.models import History
from tests.factories import UserFactory, article_create

pytestmark = pytest.mark.django_db

ROLES = ["anon", "reviewer", "editor", "admin", "token"]

# (method, url, body, expected status for anon, reviewer, editor, admin, editor's token)
MATRIX = [
    ("get", "/", None, (302, 200, 200, 200, 302)),
    ("get", "/articles/{article}/", None, (302, 200, 200, 200, 302)),
    ("get", "/admin/", None, (302, 302, 302, 200, 302)),
    ("get", "/api/articles/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/articles/{article}/", None, (401, 200, 200, 200, 200)),
    ("post", "/api/articles/", {"title": "T", "body": "New story."}, (401, 403, 201, 201, 201)),
    ("get", "/api/sentences/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/sentences/{sentence}/", None, (401, 200, 200, 200, 200)),
    ("put", "/api/sentences/{sentence}/review/", {"label": "mixed"}, (401, 201, 201, 201, 201)),
    ("delete", "/api/sentences/{reviewed}/review/", None, (401, 404, 404, 404, 404)),
    ("put", "/api/sentences/{sentence}/verdict/", {"label": "mixed"}, (401, 403, 200, 200, 200)),
    ("get", "/api/sentences/{sentence}/history/", None, (401, 200, 200, 200, 200)),
    # Blind review: the verdict shows a reviewer once they have rated the sentence.
    # Published: public, so blind review does not hide it from a reviewer who has not rated.
    ("get", "/api/sentences/{published}/verdict/", None, (401, 200, 200, 200, 200)),
    (
        "post",
        "/api/sentences/{reviewed}/restore/",
        {"history": "{entry}"},
        (401, 403, 200, 200, 200),
    ),
    ("get", "/api/labels/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/stats/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/assignments/", None, (401, 200, 200, 200, 200)),
    (
        "post",
        "/api/assignments/",
        {"articles": ["{article}"], "reviewers": ["rita"]},
        (401, 403, 201, 201, 201),
    ),
    ("get", "/api/export/?format=jsonl", None, (401, 403, 200, 200, 200)),
    ("post", "/api/sentences/{sentence}/merge/", None, (401, 403, 200, 200, 200)),
    ("get", "/dashboard/", None, (302, 200, 200, 200, 302)),
    ("get", "/claims/{published}/", None, (200, 200, 200, 200, 200)),
    # The schema and its docs page are for signed-in users; the page takes a session.
    ("get", "/api/schema/", None, (401, 200, 200, 200, 200)),
    ("get", "/api/docs/", None, (302, 200, 200, 200, 302)),
]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("method", "url", "body", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _, _ in MATRIX]
)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(method, url, body, expected, role):
    reviewer = UserFactory(username="rita", groups=["reviewer"])
    writer = UserFactory(username="wendy", groups=["reviewer"])
    editor = UserFactory(username="ed", groups=["editor"])
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    article = article_create(sentences=2)
    sentence, reviewed = article.sentences.order_by("index")
    services.review_save(sentence=reviewed, reviewer=writer, label="accurate")
    entry = History.objects.get()
    published = article_create(sentences=1).sentences.get()
    services.verdict_set(
        sentence=published,
        user=editor,
        label="false",
        rationale="R",
        evidence=[{"url": "https://example.org/source"}],
        published=True,
    )
    ids = {
        "article": article.pk,
        "sentence": sentence.pk,
        "reviewed": reviewed.pk,
        "entry": entry.pk,
        "published": published.pk,
    }

    client = Client()
    headers = {}
    if role == "token":
        headers["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=editor).key}"
    elif role != "anon":
        client.force_login({"reviewer": reviewer, "editor": editor, "admin": admin}[role])

    kwargs = {"content_type": "application/json"} if body is not None else {}
    data = _fill(body, ids) if body is not None else None
    args = (data,) if data is not None else ()
    response = getattr(client, method)(_fill(url, ids), *args, **kwargs, **headers)

    assert response.status_code == expected[ROLES.index(role)], response.content[:300]
