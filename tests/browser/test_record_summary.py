"""The family record in a real browser at desktop and phone width: the summary comes first, the
T1 cut-off the T2 answers no longer cross is history, and a second start (T1) link cannot be
issued without a page that says what happens to the earlier answers (the baseline stays)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer

from questionnaires import demo
from questionnaires.models import Family, Invitation, StaffUser, Timepoint
from tests.browser.conftest import BrowserPage, assert_accessible, fits_a_phone, sign_in
from tests.questionnaires.factories import service_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_record_leads_with_its_summary_and_keeps_the_baseline(
    desktop: BrowserPage, clinician: StaffUser, live_server: LiveServer
) -> None:
    demo.demo_caseload(service_of(clinician), clinician)
    family = Family.objects.get(label="DEMO-C01")
    links_before = Invitation.objects.filter(episode__family=family).count()
    page = desktop.page
    sign_in(desktop, "alice")
    desktop.goto(f"/staff/families/{family.pk}")

    headings = page.locator("main h2")
    expect(headings.first).to_have_text("Summary")
    summary = page.locator(".nhsuk-summary-list").first
    current = summary.locator(".nhsuk-summary-list__row").filter(has_text="Current flags")
    expect(current).not_to_contain_text("Above cut-off")
    earlier = summary.locator(".nhsuk-summary-list__row").filter(has_text="Earlier flags")
    expect(earlier).to_contain_text("Start (T1), ASQ:SE-2: Above cut-off")
    assert_accessible(desktop)
    desktop.screenshot("record-summary-1280")
    fits_a_phone(desktop, "record-summary")

    page.get_by_role("button", name="Issue another start link (T1)").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Issue another Start (T1) link?")
    expect(page.locator("main")).to_contain_text("The earlier answers are kept")
    assert Invitation.objects.filter(episode__family=family).count() == links_before
    assert_accessible(desktop)
    desktop.screenshot("record-second-t1-confirm-1280")
    page.get_by_role("link", name="Cancel and go back to the record").click()
    expect(headings.first).to_have_text("Summary")
    assert Invitation.objects.filter(episode__family=family).count() == links_before
    assert not Invitation.objects.filter(
        episode__family=family, timepoint=Timepoint.T1, response__isnull=True
    ).exists()
