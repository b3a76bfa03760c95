"""Hostile query strings on the pages added for publishing and the desk: a clear 400 (or the
form's reasons), never a 500, on PostgreSQL too."""

from __future__ import annotations

import pytest

from tests.factories import article_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/claims/?rating=a%00b", 400),
        ("/claims/?source=a%00b", 400),
        ("/claims/?q=a%00b", 400),
        ("/claims/?published_from=2026-02-30", 400),
        ("/claims/?published_from=0001-01-01", 200),
        (f"/claims/?page={2**70}", 200),  # the last page
        ("/?publishing=a%00b", 400),
        ("/?publishing=ready&source=a%00b", 400),
    ],
)
def test_public_index_and_queue_filters(client, editor, url, status):
    client.force_login(editor)
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    "query",
    [
        "source=a%00b",
        "tag=a%00b",
        "published_after=0001-01-01T00:00:00%2B14:00",
        f"article={2**70}",
    ],
)
def test_the_export_page_shows_the_reason_beside_the_field(client, editor, query):
    client.force_login(editor)
    response = client.get(f"/export/?{query}")
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode()


@pytest.mark.parametrize(
    "raw",
    [
        '{"label": "false", "rationale": "\\ud800"}',
        '{"label": "false", "correction": "a\\u0000b"}',
        '{"label": "false", "evidence": [{"url": "https://x.org/\\u0000"}]}',
        '{"label": "false", "published": "maybe"}',
    ],
)
def test_a_hostile_verdict_answers_400_and_stores_nothing(editor_client, raw):
    from annotations.models import Verdict

    sentence = article_create(sentences=1).sentences.get()
    response = editor_client.put(
        f"/api/sentences/{sentence.pk}/verdict/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Verdict.objects.exists()
