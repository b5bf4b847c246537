"""AUTH-3 and SES-1 as staff meet them, in Chromium: a clinician signs in, sets up an
authenticator from the QR code on the screen (decoded from a screenshot by zbar, as a phone's
camera would), signs out, signs in again with a code, and reaches the caseload; a replayed code
is refused; a facilitator left on the group page is signed out after the idle time, although
the roster keeps polling."""

from __future__ import annotations

import shutil
import subprocess
import time
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import expect
from pytest_django import Settings

from questionnaires.models import Service, StaffUser
from questionnaires.services import together_time
from tests.browser.conftest import BrowserPage, assert_accessible
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def _code_from_secret(secret: str, steps_ahead: int = 0) -> str:
    from base64 import b32decode

    totp = TOTP(b32decode(secret))
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def _password(target: BrowserPage, username: str) -> None:
    target.goto("/staff/login")
    target.page.get_by_label("Username").fill(username)
    target.page.get_by_label("Password").fill(TEST_PASSWORD)
    with target.page.expect_navigation():
        target.page.get_by_role("button", name="Sign in").click()


def _type_code(target: BrowserPage, code: str) -> None:
    target.page.get_by_label("Code", exact=True).fill(code)
    with target.page.expect_navigation():
        target.page.get_by_role("button", name="Continue").click()


def _secret_from_qr(target: BrowserPage) -> str:
    """Read the QR code off the screen, as an authenticator app's camera does."""
    qr = target.page.locator(".app-mfa-qr svg")
    path = target.screenshot("mfa-setup-desktop").with_name("mfa-qr.png")
    qr.screenshot(path=str(path))
    zbar = shutil.which("zbarimg")
    assert zbar is not None, "make test installs zbar-tools"
    decoded = subprocess.run(
        [zbar, "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
    ).stdout.strip()
    url = urlparse(decoded)
    assert url.scheme == "otpauth" and url.netloc == "totp"
    return parse_qs(url.query)["secret"][0]


def test_a_clinician_sets_up_an_authenticator_from_the_qr_and_signs_in_with_it(
    desktop: BrowserPage, clinician: StaffUser
) -> None:
    _password(desktop, clinician.username)
    expect(desktop.page.get_by_role("heading", level=1)).to_have_text(
        "Set up your authenticator app"
    )
    assert_accessible(desktop)
    secret = _secret_from_qr(desktop)
    first_code = _code_from_secret(secret)
    _type_code(desktop, first_code)
    expect(desktop.page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    assert desktop.page.locator(".app-recovery-codes li").count() == 10
    desktop.screenshot("mfa-recovery-codes-desktop")
    with desktop.page.expect_navigation():
        desktop.page.get_by_role("link", name="Continue").click()
    expect(desktop.page.get_by_role("heading", level=1)).to_have_text("Staff home")

    with desktop.page.expect_navigation():
        desktop.page.get_by_role("button", name="Sign out").click()
    _password(desktop, clinician.username)
    expect(desktop.page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    # The very code already used: a replay. (Recomputing it could cross a 30-second step and
    # give the next, valid code: this test failed that way once.)
    _type_code(desktop, first_code)
    expect(desktop.page.locator(".nhsuk-error-summary")).to_contain_text("The code is not right")
    desktop.page.wait_for_timeout(1_100)  # django-otp refuses every code for 1 s after a wrong one
    _type_code(desktop, _code_from_secret(secret, steps_ahead=1))  # the app's next code
    desktop.goto("/staff/caseload")
    expect(desktop.page.get_by_role("heading", level=1)).to_have_text("Families")


def test_a_facilitator_left_on_the_roster_is_signed_out_when_idle(
    desktop: BrowserPage, service: Service, facilitator: StaffUser, settings: Settings
) -> None:
    from tests.browser.conftest import sign_in

    settings.SESSION_IDLE_MINUTES = 0.1  # six seconds, for the test
    group = together_time.create_group(
        service, "Tuesday", timezone.localdate(), 8, facilitators=[facilitator]
    )
    sign_in(desktop, facilitator.username)
    desktop.goto(f"/staff/groups/{group.pk}")
    expect(desktop.page.get_by_role("heading", level=1)).to_contain_text("Tuesday")
    # Nobody touches the page; it polls the roster every 5 seconds by itself.
    expect(desktop.page.get_by_role("heading", level=1)).to_have_text("Sign in", timeout=20_000)
    assert "/staff/login" in desktop.page.url
