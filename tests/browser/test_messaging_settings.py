"""MSG-5 in a real browser: a service lead opens Reminder settings from staff home, a mistake is
told in plain words, the settings are saved; axe finds nothing; it fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from questionnaires.models import Service
from questionnaires.roles import Role
from questionnaires.selectors.messaging_settings import for_service
from tests.browser.conftest import BrowserPage, assert_accessible, fits_a_phone, sign_in
from tests.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_sets_the_services_reminders(desktop: BrowserPage, service: Service) -> None:
    make_staff(service, "lee", Role.SERVICE_LEAD)
    page = desktop.page
    sign_in(desktop, "lee")
    # A lead lands on the service outcomes; the settings are reached from staff home.
    desktop.goto("/staff/")
    with page.expect_navigation():
        page.get_by_role("link", name="Reminder settings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reminder settings")
    page.get_by_label("Reminder days").fill("7, 3")
    page.get_by_role("button", name="Save reminder settings").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Put the reminder days in order, smallest first, like 3, 7"
    )
    assert_accessible(desktop)
    desktop.screenshot("settings-error")
    page.get_by_label("Reminder days").fill("2, 5")
    page.get_by_label("Send messages from").select_option("10")
    page.get_by_role("button", name="Save reminder settings").click()
    expect(page.locator("main")).to_contain_text("Reminder settings saved.")
    assert_accessible(desktop)
    desktop.screenshot("settings-saved")
    fits_a_phone(desktop, "messaging-settings")
    chosen = for_service(service)
    assert chosen.days_due == (2, 5) and chosen.send_from_hour == 10
