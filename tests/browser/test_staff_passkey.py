"""AUTH-3 in Chromium with a virtual authenticator (DevTools' WebAuthn domain, standing in for
a phone's or laptop's passkey): a clinician signed in with password and code adds a passkey,
signs out, signs in with the password, uses the passkey instead of a code, and reaches the
caseload. The library's script runs under the site's CSP (no inline script): a violation would
show as a console error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from questionnaires.models import AuditEvent, StaffUser
from tests.browser.conftest import BrowserPage, assert_accessible, sign_in
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_a_clinician_adds_a_passkey_and_signs_in_with_it(
    desktop: BrowserPage, clinician: StaffUser, live_server: LiveServer, settings: Settings
) -> None:
    # The live server is http://localhost:<port>; passkeys belong to that host and origin.
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")
    page = desktop.page
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    sign_in(desktop, clinician.username)
    page.get_by_role("link", name="Add a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a passkey")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#passkey-register-status-message")).to_have_text(
        "Passkey added. Next time you sign in, you can use it instead of a code."
    )
    assert_accessible(desktop)
    desktop.screenshot("passkey-added-desktop")

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    desktop.goto("/staff/login?next=/staff/caseload")
    page.get_by_label("Username").fill(clinician.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    expect(page.get_by_label("Code", exact=True)).to_be_visible()  # the code stays available
    assert_accessible(desktop)
    desktop.screenshot("passkey-offered-desktop")
    with page.expect_navigation():
        page.get_by_role("button", name="Use a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    assert desktop.console_errors == []
    actions = set(AuditEvent.objects.filter(actor=clinician).values_list("action", flat=True))
    assert {"mfa.passkey_added", "mfa.verified"} <= actions
    assert AuditEvent.objects.filter(
        actor=clinician, action="mfa.verified", detail__method="passkey"
    ).exists()
