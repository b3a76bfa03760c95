"""With a read replica (DATABASE_REPLICA_URL), exports, dashboards and stats read from it and
everything else from the primary. Tested with a second connection to the same database, on
PostgreSQL (an in-memory SQLite database cannot be opened twice)."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.replica import REPLICA, ReplicaRouter, read_alias, replica_reads
from tests.factories import article_create

pytestmark = pytest.mark.django_db(transaction=True)


def selects(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith("SELECT")]


@pytest.fixture
def worked(seeded_transactional_db, editor, reviewer):
    article = article_create(sentences=3, source="Wire")
    first = article.sentences.first()
    services.review_save(sentence=first, reviewer=reviewer, label="accurate")
    return article


@pytest.mark.parametrize(
    "path",
    [
        "/api/export/?format=jsonl",
        "/api/export/?format=csv",
        "/api/stats/",
        "/dashboard/",
        "/dashboard/articles.csv",
    ],
)
def test_reads_that_may_lag_go_to_the_replica(replica, worked, client, editor, path):
    client.force_login(editor)
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
        CaptureQueriesContext(replica) as on_replica,
    ):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content

    assert response.status_code == 200, body[:300]
    assert selects(on_replica), "nothing was read from the replica"
    read_on_primary = selects(on_primary)
    # On the primary: only the request's own session and user (and the editor's role).
    assert all("django_session" in q or "auth_" in q for q in read_on_primary), read_on_primary
    if "export" in path:
        # The sentences themselves (a server-side cursor on PostgreSQL), and their reviews.
        read = " ".join(q["sql"] for q in on_replica.captured_queries)
        assert "annotations_review" in read and "annotations_article" in read


def test_the_workspace_and_every_write_use_the_primary(replica, worked, client, reviewer):
    client.force_login(reviewer)
    sentence = worked.sentences.last()
    with CaptureQueriesContext(replica) as on_replica:
        page = client.get(f"/articles/{worked.pk}/")
        saved = client.put(
            f"/api/sentences/{sentence.pk}/review/",
            {"label": "accurate"},
            content_type="application/json",
        )

    assert (page.status_code, saved.status_code) == (200, 201)
    assert on_replica.captured_queries == []


def test_the_router_reads_from_the_replica_only_when_asked(replica):
    router = ReplicaRouter()
    assert read_alias() == DEFAULT_DB_ALIAS
    with replica_reads():
        assert read_alias() == REPLICA
        assert router.db_for_write(None) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "annotations") is False
