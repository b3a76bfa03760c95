"""Sign-in throttling (django-axes), token throttling (DRF) and password reset by mail."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory

from annotations.api.throttling import TokenRateThrottle
from annotations.signin import client_ip
from tests.factories import UserFactory
from tests.test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db

HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


@pytest.fixture
def rita(db):
    return UserFactory(username="rita", password="right-password", groups=["reviewer"])


def sign_in(client, password: str, *, username: str = "rita", address: str = HOME, url=None):
    return client.post(
        url or "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail_until_locked(client, **kwargs) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "wrong", **kwargs)
        assert response.status_code in (200, 429)


def test_the_right_password_signs_in(client, rita):
    response = sign_in(client, "right-password")

    assert response.status_code == 302
    assert response.url == "/"


def test_after_the_failure_limit_even_the_right_password_is_refused(client, rita):
    """The bug: 40 wrong passwords, then the right one signed in."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with its error
    response = sign_in(client, "wrong")
    assert response.status_code == 429

    response = sign_in(client, "right-password")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out


def test_a_locked_out_user_sees_the_sign_in_page_with_a_clear_message(client, rita):
    fail_until_locked(client)

    response = sign_in(client, "right-password")

    html = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Sign in</h1>" in html and 'name="password"' in html
    assert (
        f"Too many failed sign-ins for rita from your address: signing in is locked for "
        f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutes."
    ) in html


def test_the_lockout_is_per_username_and_address(client, rita):
    UserFactory(username="rob", password="robs-password")
    fail_until_locked(client)

    # Rita from another address, and another user from the same address, still sign in.
    assert sign_in(client, "right-password", address=ELSEWHERE).status_code == 302
    client.logout()
    assert sign_in(client, "robs-password", username="rob").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, rita):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "right-password").status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "wrong")
    assert sign_in(client, "right-password").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, rita):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        fail_until_locked(client)
        assert sign_in(client, "right-password").status_code == 429
    later = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC) + settings.AXES_COOLOFF_TIME
    with time_machine.travel(later + dt.timedelta(seconds=1), tick=False):
        assert sign_in(client, "right-password").status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, db):
    UserFactory(username="root", password="root-password", is_staff=True, is_superuser=True)
    fail_until_locked(client, username="root", url="/admin/login/")

    response = sign_in(client, "root-password", username="root", url="/admin/login/")

    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


def test_the_reset_command_unlocks_a_username(client, rita):
    fail_until_locked(client)

    call_command("axes_reset_username", "rita")

    assert not AccessAttempt.objects.filter(username="rita").exists()
    assert sign_in(client, "right-password").status_code == 302


def test_an_admin_unlocks_by_deleting_the_access_attempt(client, rita, superuser):
    fail_until_locked(client)
    [attempt] = AccessAttempt.objects.filter(username="rita")
    admin = type(client)()
    admin.force_login(superuser)

    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "rita" in listing.content.decode()
    deleted = admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert deleted.status_code == 302
    assert sign_in(client, "right-password").status_code == 302


def test_authenticate_without_a_request_is_not_throttled(rita):
    """Server-side code (the demo's tests, the shell) has no address to lock."""
    assert authenticate(username="rita", password="right-password") == rita


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "192.0.2.9"),
        (0, "203.0.113.5", "192.0.2.9"),  # no proxy trusted: the header is the client's claim
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own prefix is ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.7", "203.0.113.5"),
        (2, "203.0.113.5", "192.0.2.9"),  # fewer hops than proxies: not through them
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


# --- Token clients ----------------------------------------------------------------------------
@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})


def test_token_clients_are_throttled(editor_token_client, three_a_minute):
    statuses = [editor_token_client.get("/api/labels/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = editor_token_client.get("/api/labels/")
    assert response.json()["detail"].startswith("Request was throttled.")
    assert int(response.headers["Retry-After"]) > 0


def test_session_clients_are_not_throttled(editor_client, three_a_minute):
    statuses = {editor_client.get("/api/labels/").status_code for _ in range(5)}

    assert statuses == {200}


def test_the_default_token_rate_is_generous():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"] == "100/second"


# --- Password reset -------------------------------------------------------------------------
def test_without_mail_the_sign_in_page_offers_no_reset(client, settings):
    settings.PASSWORD_RESET_AVAILABLE = False

    html = client.get("/accounts/login/").content.decode()

    assert "/accounts/password_reset/" not in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_without_mail_password_reset_says_it_is_not_available(client, rita, settings, method):
    settings.PASSWORD_RESET_AVAILABLE = False

    response = getattr(client, method)("/accounts/password_reset/", {"email": rita.email})

    assert response.status_code == 404
    assert "Resetting a password by email is not available here" in response.content.decode()
    assert mail.outbox == []
    assert client.get("/accounts/password_reset/done/").status_code == 404


def test_with_mail_the_sign_in_page_links_to_the_reset(client, settings):
    settings.PASSWORD_RESET_AVAILABLE = True

    html = client.get("/accounts/login/").content.decode()

    assert '<a href="/accounts/password_reset/">Forgotten your password?</a>' in html


def test_with_mail_a_reset_link_is_sent(client, rita, settings):
    settings.PASSWORD_RESET_AVAILABLE = True

    response = client.post("/accounts/password_reset/", {"email": rita.email})

    assert response.status_code == 302
    assert response.url == "/accounts/password_reset/done/"
    [message] = mail.outbox
    assert message.to == [rita.email]
    assert "/accounts/reset/" in message.body
    assert "Check your email" in client.get(response.url).content.decode()


# --- Settings from the environment -------------------------------------------------------------
PRINT_MAIL = (
    "from django.conf import settings; "
    "print(settings.EMAIL_BACKEND, settings.PASSWORD_RESET_AVAILABLE)"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "1"}, "django.core.mail.backends.console.EmailBackend True"),
        (PRODUCTION, "django.core.mail.backends.smtp.EmailBackend False"),
        (
            {**PRODUCTION, "EMAIL_URL": "smtp+tls://u:p@mail.example.org:587"},
            "django.core.mail.backends.smtp.EmailBackend True",
        ),
    ],
)
def test_mail_comes_from_email_url_and_the_demo_prints_it(env, expected):
    result = manage("shell", "-c", PRINT_MAIL, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AXES_FAILURE_LIMIT", "0"),
        ("AXES_COOLOFF_MINUTES", "many"),
        ("API_TOKEN_THROTTLE_RATE", "fast"),
    ],
)
def test_junk_throttling_settings_fail_loudly(name, value):
    result = manage("check", env={**PRODUCTION, name: value})

    assert result.returncode != 0
    assert name in result.stderr


def test_the_emailed_link_sets_a_new_password_that_signs_in(client, rita, settings):
    """The whole reset as a user does it: the link in the mail, the new-password form posted,
    then a sign-in with the new password."""
    settings.PASSWORD_RESET_AVAILABLE = True
    client.post("/accounts/password_reset/", {"email": rita.email})
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new = "a new and long passphrase 42"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})

    assert done.status_code == 302
    assert done.url == "/accounts/reset/done/"
    assert client.get(done.url).status_code == 200
    client.logout()
    signed_in = client.post("/accounts/login/", {"username": "rita", "password": new})
    assert signed_in.status_code == 302
