"""AUTH-3: passkeys (django-otp-webauthn) as the wiring meets them, without a browser: who may
add or use one, the pages that offer it (as JSON data and same-origin scripts only: the CSP
allows no inline script), no sign-in with a passkey alone, and a reset removes passkeys too.
The ceremonies themselves run in Chromium: tests/browser/test_staff_passkey.py."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from questionnaires.models import AuditEvent, StaffUser
from questionnaires.services import mfa
from tests.conftest import TEST_PASSWORD, give_authenticator, sign_in

BEGIN_AUTH = "/staff/mfa/passkeys/authentication/begin"
COMPLETE_AUTH = "/staff/mfa/passkeys/authentication/complete"
BEGIN_REGISTRATION = "/staff/mfa/passkeys/registration/begin"


def _passkey(user: StaffUser) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name="Passkey",
        credential_type="public-key",
        credential_id=b"credential-" + str(user.pk).encode(),
        public_key=b"not-a-real-key",
        sign_count=0,
    )


def _password_only(client: Client, user: StaffUser) -> None:
    give_authenticator(user)
    response = client.post(
        reverse("staff:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def _inline_scripts(html: str) -> list[str]:
    """Script elements that would run without a src (JSON data blocks do not run)."""
    tags = re.findall(r"<script\b([^>]*)>", html)
    return [tag for tag in tags if "src=" not in tag and 'type="application/json"' not in tag]


@pytest.mark.django_db
def test_passwordless_sign_in_is_off_and_refused() -> None:
    assert settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False
    client = Client()
    for url in (BEGIN_AUTH, COMPLETE_AUTH, BEGIN_REGISTRATION):
        response = client.post(url, data="{}", content_type="application/json")
        assert response.status_code == 403, url
    # Nobody was signed in by trying.
    assert "_auth_user_id" not in client.session


def test_the_relying_party_is_the_site_host_and_the_service_name() -> None:
    assert settings.OTP_WEBAUTHN_RP_NAME == settings.SERVICE_NAME
    assert settings.OTP_WEBAUTHN_RP_ID in settings.OTP_WEBAUTHN_ALLOWED_ORIGINS[0]


def test_the_code_page_offers_a_passkey_to_those_who_have_one(clinician: StaffUser) -> None:
    client = Client()
    _password_only(client, clinician)
    without = client.get(reverse("staff:mfa_verify")).content.decode()
    assert "passkey-verification-button" not in without
    _passkey(clinician)
    html = client.get(reverse("staff:mfa_verify")).content.decode()
    assert 'id="passkey-verification-button"' in html and "Use a passkey" in html
    # Hidden until the script finds WebAuthn: the button is inside a <template>.
    assert html.index("<template") < html.index("passkey-verification-button")
    assert 'name="code"' in html  # the code stays available
    assert _inline_scripts(html) == []
    config = json.loads(
        re.search(r'id="otp_webauthn_config" type="application/json">(.*?)</script>', html)[1]  # type: ignore[index]
    )
    assert config["beginAuthenticationUrl"] == BEGIN_AUTH
    assert "django_otp_webauthn/otp_webauthn_auth.js" in html


def test_a_password_signed_in_member_of_staff_may_begin_a_passkey_check(
    clinician: StaffUser,
) -> None:
    _passkey(clinician)
    client = Client()
    _password_only(client, clinician)
    response = client.post(BEGIN_AUTH, data="{}", content_type="application/json")
    assert response.status_code == 200
    options = response.json()
    assert options["rpId"] == settings.OTP_WEBAUTHN_RP_ID
    assert len(options["allowCredentials"]) == 1
    # Not yet verified: adding a passkey still needs the code first.
    assert client.post(BEGIN_REGISTRATION).status_code == 403


def test_a_failed_passkey_check_is_refused_and_recorded(clinician: StaffUser) -> None:
    client = Client()
    _password_only(client, clinician)
    response = client.post(COMPLETE_AUTH, data="{}", content_type="application/json")
    assert response.status_code == 400
    assert client.get("/staff/caseload")["Location"].startswith("/staff/mfa/verify")
    assert AuditEvent.objects.filter(action="mfa.failed", detail__method="passkey").exists()


def test_a_verified_member_of_staff_adds_a_passkey_from_the_home_page(
    clinician: StaffUser,
) -> None:
    client = Client()
    sign_in(client, clinician)
    home = client.get("/staff/").content.decode()
    assert 'href="/staff/mfa/passkeys/add"' in home
    html = client.get("/staff/mfa/passkeys/add").content.decode()
    assert 'id="passkey-register-button"' in html
    assert "django_otp_webauthn/otp_webauthn_register.js" in html
    assert _inline_scripts(html) == []
    response = client.post(BEGIN_REGISTRATION)
    assert response.status_code == 200
    options = response.json()
    assert options["rp"] == {"name": settings.SERVICE_NAME, "id": settings.OTP_WEBAUTHN_RP_ID}


def test_a_reset_removes_passkeys_too(clinician: StaffUser, colleague: StaffUser) -> None:
    give_authenticator(clinician)
    _passkey(clinician)
    _passkey(colleague)
    call_command("reset_mfa", clinician.username, stdout=StringIO())
    assert not WebAuthnCredential.objects.filter(user=clinician).exists()
    assert WebAuthnCredential.objects.filter(user=colleague).exists()  # only that person's
    mfa.reset(colleague, actor=None)
    assert not WebAuthnCredential.objects.exists()
