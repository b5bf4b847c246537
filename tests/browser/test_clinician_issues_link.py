"""Journey 1, the clinician's half, in a real browser: sign in, register a family, issue the
start link, show its QR code and code; then the parent opens the link on their own phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from questionnaires.models import Family, StaffUser
from tests.browser.conftest import PHONE, BrowserPage, assert_accessible, fits_a_phone, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(target: BrowserPage) -> None:
    sign_in(target, "alice")


def _fits_a_phone(target: BrowserPage, name: str) -> None:
    fits_a_phone(target, name, check_accessible=False)


def _shows_no_template_code(target: BrowserPage) -> None:
    # A multi-line {# #} comment is not a comment in Django templates: it shows on the page.
    text = target.page.inner_text("body")
    assert "{#" not in text and "{%" not in text and "{{" not in text


def _fill_date(target: BrowserPage, field: str, day: int, month: int, year: int) -> None:
    target.page.locator(f"#id_{field}").fill(str(day))
    target.page.locator(f"#id_{field}_month").fill(str(month))
    target.page.locator(f"#id_{field}_year").fill(str(year))


def test_clinician_registers_a_family_and_issues_the_start_link(
    desktop: BrowserPage,
    browser: Browser,
    live_server: LiveServer,
    settings: Settings,
    clinician: StaffUser,
) -> None:
    # Links and QR codes point at the address parents use: here, the test server.
    settings.SITE_BASE_URL = live_server.url
    page = desktop.page
    _sign_in(desktop)

    page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    assert "No families are registered yet." in page.inner_text("main")
    assert_accessible(desktop)

    page.get_by_role("button", name="Register a family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a family")
    assert_accessible(desktop)
    desktop.screenshot("staff-family-form-desktop")

    # Sent empty: every problem is listed, the summary takes focus, each links to its field.
    page.get_by_role("button", name="Register family").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    assert "Enter the baby's date of birth or due date" in summary.inner_text()
    _shows_no_template_code(desktop)
    assert_accessible(desktop)
    desktop.screenshot("staff-family-form-errors-desktop")
    summary.get_by_role("link", name="Enter the baby's date of birth or due date").click()
    expect(page.locator("#id_infant_dob")).to_be_focused()

    page.get_by_label("Family label").fill("RV-0042")
    page.get_by_label("Parent's first name or nickname").fill("Maryam")
    page.get_by_label("Mother", exact=True).check()
    _fill_date(desktop, "infant_dob", 1, 5, 2026)
    page.get_by_label("Weeks premature").fill("0")
    page.get_by_label("Parent–infant psychotherapy").check()
    page.get_by_role("button", name="Register family").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("RV-0042")
    assert "Family RV-0042 is registered." in page.inner_text("main")
    assert "No links issued yet." in page.inner_text("main")
    assert_accessible(desktop)
    desktop.screenshot("staff-family-detail-desktop")

    page.get_by_role("button", name="Issue start link (T1)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Personal link for Maryam")
    qr_code = page.get_by_role("img", name="QR code of the personal link")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("el => el.tagName.toLowerCase()") == "svg"
    assert qr_code.locator("path").count() == 1
    box = qr_code.bounding_box()
    assert box is not None and box["width"] >= 250
    code = page.locator("#short-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert f"Type this code at {live_server.url}/start" in page.inner_text("main")
    link = page.locator("#personal-link").inner_text().strip()
    assert link.startswith(f"{live_server.url}/p/")
    assert "Link works until" in page.inner_text("main")
    assert_accessible(desktop)
    desktop.screenshot("staff-invitation-issued-desktop")
    _fits_a_phone(desktop, "staff-invitation-issued")

    page.get_by_role("link", name="Back to family RV-0042").click()
    status = page.locator(".nhsuk-tag")
    expect(status).to_have_text("Link sent – not opened")
    assert_accessible(desktop)
    desktop.screenshot("staff-family-detail-issued-desktop")
    _fits_a_phone(desktop, "staff-family-detail")

    page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Families").click()
    row = page.get_by_role("row").filter(has_text="RV-0042")
    expect(row).to_contain_text("Maryam")
    expect(row).to_contain_text("Parent–infant psychotherapy")
    assert_accessible(desktop)
    desktop.screenshot("staff-families-desktop")
    _fits_a_phone(desktop, "staff-families")
    assert desktop.console_errors == []

    # The parent, on their own phone, in a browser that has never seen the staff pages.
    parent_context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        parent = BrowserPage(parent_context.new_page(), live_server.url)
        parent.goto(link.removeprefix(live_server.url))
        assert "/p/" not in parent.page.url
        expect(parent.page.get_by_role("heading", level=1)).to_have_text(
            "Questions about you and your baby"
        )
        _shows_no_template_code(parent)
        parent.screenshot("parent-welcome-from-clinician-link-phone")
    finally:
        parent_context.close()

    family = Family.objects.get(label="RV-0042")
    assert family.service == clinician.service
    assert family.episodes.get().invitations.count() == 1
