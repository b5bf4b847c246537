"""AUTH-3: every staff role needs a second factor before any page with family or group data, and
the admin site too: setting up an authenticator app, typing its code at sign-in, recovery codes,
replayed and stale codes refused, re-enrolment by an administrator, and no setting that turns
it off."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from questionnaires.models import AuditEvent, Service, StaffUser
from questionnaires.roles import Role
from questionnaires.services import mfa
from tests.conftest import (
    TEST_PASSWORD,
    ClientResponse,
    current_code,
    give_authenticator,
    make_staff,
)

CASELOAD = "/staff/caseload"


def _password_only(client: Client, user: StaffUser) -> None:
    response = client.post(
        reverse("staff:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def _code(client: Client, code: str, url: str = "/staff/mfa/verify") -> ClientResponse:
    return client.post(f"{url}?next={CASELOAD}", {"code": code, "next": CASELOAD})


@pytest.mark.parametrize("role", list(Role))
def test_a_password_alone_reaches_no_staff_page(service: Service, role: Role) -> None:
    user = make_staff(service, f"user-{role}", role)
    client = Client()
    _password_only(client, user)
    for url in ("/staff/", CASELOAD, "/staff/groups/", f"/{settings.ADMIN_PATH}"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/mfa/setup" in response["Location"] or "login" in response["Location"], url


def _seconds_pass(device: TOTPDevice, seconds: int) -> None:
    """django-otp's throttle reads the time of the last failure: move it back."""
    device.refresh_from_db()
    assert device.throttling_failure_timestamp is not None
    device.throttling_failure_timestamp -= timedelta(seconds=seconds)
    device.save(update_fields=["throttling_failure_timestamp"])


def test_setting_up_an_authenticator_then_signing_in_with_it(clinician: StaffUser) -> None:
    client = Client()
    _password_only(client, clinician)
    first = client.get(CASELOAD)
    assert first["Location"].startswith("/staff/mfa/setup?next=")
    page = client.get(first["Location"]).content.decode()
    assert "<svg" in page and 'aria-label="QR code for your authenticator app"' in page
    device = TOTPDevice.objects.get(user=clinician, confirmed=False)
    wrong = _code(client, "000000", "/staff/mfa/setup")
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    too_soon = _code(client, current_code(device), "/staff/mfa/setup")  # guessing is slowed
    assert too_soon.status_code == 200 and "Wait a few seconds" in too_soon.content.decode()
    _seconds_pass(device, 2)
    done = _code(client, current_code(device), "/staff/mfa/setup")
    assert done.status_code == 302 and "recovery-codes" in done["Location"]
    codes_page = client.get(done["Location"]).content.decode()
    assert codes_page.count("<li><code>") == mfa.RECOVERY_CODE_COUNT
    assert "<li><code>" not in client.get(done["Location"]).content.decode()  # shown once
    assert client.get(CASELOAD).status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"mfa.enrolled"} <= actions


def test_a_code_works_once_and_a_stale_one_never(clinician: StaffUser) -> None:
    device = give_authenticator(clinician)
    first = Client()
    _password_only(first, clinician)
    code = current_code(device)
    assert _code(first, code)["Location"] == CASELOAD
    assert first.get(CASELOAD).status_code == 200

    replay = Client()
    _password_only(replay, clinician)
    refused = _code(replay, code)
    assert refused.status_code == 200
    assert "The code is not right" in refused.content.decode()
    assert replay.get(CASELOAD).status_code == 302

    _seconds_pass(device, 2)  # past the throttle the refusal set off
    stale = Client()
    _password_only(stale, clinician)
    old = _code(stale, current_code(device, steps_ahead=-3))
    assert old.status_code == 200 and "The code is not right" in old.content.decode()
    assert AuditEvent.objects.filter(action="mfa.failed").count() >= 2


def test_a_recovery_code_signs_in_once(clinician: StaffUser) -> None:
    device = mfa.start_enrolment(clinician)
    codes = mfa.confirm_enrolment(device, current_code(device))
    assert codes is not None and len(set(codes)) == mfa.RECOVERY_CODE_COUNT
    client = Client()
    _password_only(client, clinician)
    assert _code(client, codes[0])["Location"] == CASELOAD
    again = Client()
    _password_only(again, clinician)
    assert _code(again, codes[0]).status_code == 200
    assert StaticDevice.objects.get(user=clinician).token_set.count() == len(codes) - 1


def test_an_administrator_resets_a_lost_authenticator(clinician: StaffUser) -> None:
    give_authenticator(clinician)
    out = StringIO()
    call_command("reset_mfa", clinician.username, stdout=out)
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    client = Client()
    _password_only(client, clinician)
    assert client.get(CASELOAD)["Location"].startswith("/staff/mfa/setup")
    assert AuditEvent.objects.filter(action="mfa.reset").exists()


def test_no_setting_turns_the_second_factor_off(clinician: StaffUser) -> None:
    """Whatever MFA/OTP-looking settings say, a password alone is not enough."""
    names = [name for name in dir(settings) if any(w in name for w in ("MFA", "OTP", "FACTOR"))]
    with override_settings(**{name: False for name in names}, DEMO_MODE=True, DEBUG=True):
        client = Client()
        _password_only(client, clinician)
        assert client.get(CASELOAD).status_code == 302


def test_production_settings_refuse_demo_mode() -> None:
    """Demo mode publishes a password and authenticator secrets: production refuses to start."""
    env = {
        **os.environ,
        "DEBUG": "",
        "DEMO_MODE": "1",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "portal.example.nhs.uk",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DEMO_MODE is for `make run`" in result.stderr


@pytest.mark.django_db
def test_demo_accounts_get_published_authenticators_only_in_demo_mode(service: Service) -> None:
    user = make_staff(service, "demo-clinician", Role.CLINICIAN)
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError):
        call_command("demo_totp", user.username)
    device = mfa.give_demo_authenticator(user)
    with override_settings(DEMO_MODE=True):
        out = StringIO()
        call_command("demo_totp", user.username, stdout=out)
    assert out.getvalue().strip() == f"{totp(device.bin_key):06d}"
