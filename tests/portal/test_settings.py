"""The settings module: Django's deployment checklist passes with production settings, and it
refuses to start without its secrets (DEP-1)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SECURE_TRANSPORT",
            "DEMO_MODE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="portal.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings() -> None:
    """DEP-1: Django's deployment checklist passes with the production environment."""
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-1234567890",
            "ALLOWED_HOSTS": "portal.example.nhs.uk",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ALLOWED_HOSTS": "portal.example.nhs.uk"}, "SECRET_KEY"),
        ({"SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS"),
    ],
)
def test_production_start_without_secrets_refuses(env: dict[str, str], missing: str) -> None:
    """DEP-1: settings fail closed; DEBUG is off unless asked for."""
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"Refusing to start in production without {missing}" in result.stderr


def test_debug_is_off_unless_asked() -> None:
    from django.conf import settings

    assert settings.DEBUG is False
    assert settings.DEMO_MODE is False
