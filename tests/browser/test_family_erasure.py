"""A service lead erases a family as a person would, in a real browser: from the family record,
a reason, then typing the label; each page accessible and fitting a phone (SAR-4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from questionnaires import demo
from questionnaires.models import AuditEvent, Family, StaffUser
from questionnaires.roles import Role
from tests.browser.conftest import BrowserPage, assert_accessible, fits_a_phone, sign_in
from tests.conftest import make_staff
from tests.questionnaires.factories import service_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_erases_a_family_only_after_typing_its_label(
    desktop: BrowserPage, clinician: StaffUser, live_server: LiveServer
) -> None:
    demo.demo_caseload(service_of(clinician), clinician)
    make_staff(service_of(clinician), "lee", Role.SERVICE_LEAD)
    family = Family.objects.get(label="DEMO-C02")
    page = desktop.page
    sign_in(desktop, "lee")
    desktop.goto(f"/staff/families/{family.pk}")
    page.get_by_role("link", name="Erase this family's information").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Erase this family's information")
    assert_accessible(desktop)
    fits_a_phone(desktop, "family-erase")

    page.get_by_role("button", name="Continue").click()  # no reason chosen
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Are you sure")
    page.get_by_label("Type the family label to confirm").fill("DEMO-C01")  # the wrong family
    page.get_by_role("button", name="Erase family DEMO-C02").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert Family.objects.filter(pk=family.pk).exists()
    assert_accessible(desktop)
    fits_a_phone(desktop, "family-erase-confirm")

    page.get_by_label("Type the family label to confirm").fill("DEMO-C02")
    page.get_by_role("button", name="Erase family DEMO-C02").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    expect(page.locator("main")).to_contain_text("Family DEMO-C02 is erased")
    assert not Family.objects.filter(pk=family.pk).exists()
    assert Family.objects.filter(label="DEMO-C01").exists()
    assert AuditEvent.objects.filter(action="family.erased").count() == 1
    desktop.screenshot("family-erased")
