"""The caseload's "Needs attention" filter in a real browser at desktop and phone width: a
clinician narrows the list to families with a current clinical flag and sees a parent's ticked
concern on it, with the demo notice said once above the table."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from questionnaires import demo
from questionnaires.models import StaffUser
from tests.browser.conftest import BrowserPage, assert_accessible, fits_a_phone, sign_in
from tests.questionnaires.factories import episode, service_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_filters_needs_attention_and_sees_a_concern(
    desktop: BrowserPage, clinician: StaffUser, live_server: LiveServer
) -> None:
    demo.demo_caseload(service_of(clinician), clinician)
    quiet = episode(service_of(clinician), clinician, parent_name="Aaron")  # nothing to flag
    page = desktop.page
    sign_in(desktop, "alice")
    page.get_by_role("link", name="See your caseload").click()
    expect(page.get_by_role("row").filter(has_text=quiet.family.label)).to_have_count(1)

    page.get_by_label("Flags").select_option(label="Needs attention")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row").filter(has_text=quiet.family.label)).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="DEMO-C02")
    expect(row).to_contain_text("Concern ticked: question 2 (T1, T2)")
    expect(page.get_by_text("Unverified instrument")).to_have_count(1)
    assert_accessible(desktop)
    desktop.screenshot("caseload-needs-attention-1280")
    fits_a_phone(desktop, "caseload-needs-attention")
