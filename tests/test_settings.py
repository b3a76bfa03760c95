"""Settings from the environment: refuse to start without a secret, clean deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-of-sufficient-length-and-entropy-0123456789abcdef",
    "ALLOWED_HOSTS": "factcheck.example.org",
    "DATABASE_URL": f"sqlite:///{ROOT / 'unused.sqlite3'}",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    ignored = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "FACTCHECK_ONE_OFF_COMMAND"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args", [("runserver", "127.0.0.1:0", "--noreload"), ("check", "--deploy")]
)
def test_app_refuses_to_serve_without_a_secret_key_when_debug_is_off(args):
    result = manage(*args, env={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_wsgi_refuses_to_start_without_a_secret_key():
    ignored = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "FACTCHECK_ONE_OFF_COMMAND"}
    result = subprocess.run(
        [sys.executable, "-c", "import factcheck.wsgi"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in ignored},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_one_off_commands_run_without_a_secret_key():
    result = manage("check", env={"DEBUG": "0"})
    assert result.returncode == 0, result.stderr
    result = manage("makemigrations", "--check", "--dry-run", env={"DEBUG": "0"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_runs_without_a_secret_key():
    result = manage("check", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_junk_boolean_fails_loudly():
    result = manage("check", env={**PRODUCTION, "SECURE_SSL_REDIRECT": "perhaps"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='perhaps' is not a boolean; use 1 or 0." in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
