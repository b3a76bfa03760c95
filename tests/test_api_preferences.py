"""GET and PUT /api/preferences/: each user's workspace settings, kept on the server."""

from __future__ import annotations

import pytest

from annotations.models import Preferences

pytestmark = pytest.mark.django_db


def test_a_user_without_settings_gets_every_default(reviewer_client):
    response = reviewer_client.get("/api/preferences/")
    assert response.status_code == 200
    assert response.json() == {"auto_advance": False}
    assert not Preferences.objects.exists()  # reading stores nothing


def test_put_stores_the_setting_for_that_user_only(reviewer_client, editor_client, reviewer):
    response = reviewer_client.put("/api/preferences/", {"auto_advance": True}, format="json")
    assert response.status_code == 200
    assert response.json() == {"auto_advance": True}
    assert reviewer_client.get("/api/preferences/").json() == {"auto_advance": True}
    assert editor_client.get("/api/preferences/").json() == {"auto_advance": False}
    assert Preferences.objects.get().user == reviewer

    reviewer_client.put("/api/preferences/", {"auto_advance": False}, format="json")
    assert Preferences.objects.get().auto_advance is False  # updated, not a second row


def test_a_bad_value_answers_400_with_the_field(reviewer_client):
    response = reviewer_client.put("/api/preferences/", {"auto_advance": "often"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["auto_advance"]
    response = reviewer_client.put("/api/preferences/", {}, format="json")
    assert response.json() == {"auto_advance": ["This field is required."]}


def test_anonymous_callers_are_refused(anon_client):
    assert anon_client.get("/api/preferences/").status_code in (401, 403)
    assert anon_client.put(
        "/api/preferences/", {"auto_advance": True}, format="json"
    ).status_code in (401, 403)
