"""Issue 13 in a real browser: the demo lead lands on the service outcomes, filters to Together
Time, sees the paired table, downloads the XLSX and the test reads it with pandas and checks the
paired table; a clinician sees only their caseload's figures; a facilitator is refused; another
service's lead sees none of this service's data. Accessible and fitting a phone."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import expect
from pytest_django.live_server_helper import LiveServer
from scipy import stats

from questionnaires.demo_outcomes import demo_outcomes
from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role
from tests.browser.conftest import BrowserPage, assert_accessible, fits_a_phone, sign_in
from tests.conftest import make_staff
from tests.questionnaires.factories import service_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _stat(target: BrowserPage, measure: str, stat: str) -> str:
    locator = target.page.locator(f'dl[data-measure="{measure}"] [data-stat="{stat}"]')
    return locator.inner_text().strip()


def test_lead_filters_to_together_time_and_downloads_the_paired_table(
    desktop: BrowserPage,
    clinician: StaffUser,
    facilitator: StaffUser,
    other_service: Service,
    live_server: LiveServer,
) -> None:
    service = service_of(clinician)
    demo_outcomes(service, clinician, facilitator)
    make_staff(service, "lee", Role.SERVICE_LEAD)
    page = desktop.page
    sign_in(desktop, "lee")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service outcomes")
    expect(page.locator("#paired-rate")).to_contain_text("Paired-score rate")
    page.get_by_label("Programme").select_option(label="Together Time group")
    with page.expect_navigation():
        page.get_by_role("button", name="Show outcomes").click()
    expect(page.locator("main")).to_contain_text("Showing: Together Time group")
    warmth = 'dl[data-measure="MORS-SF Warmth"]'
    expect(page.locator(warmth)).to_be_visible()
    assert_accessible(desktop)
    desktop.screenshot("outcomes-together-time-desktop")
    fits_a_phone(desktop, "outcomes-together-time")

    with page.expect_download() as download:
        page.get_by_role("link", name="Evaluation data for Excel (XLSX)").click()
    path = download.value.path()
    wide = pd.read_excel(path, sheet_name="wide")
    assert set(wide["programme"]) == {"together_time"}
    t1, t2 = wide["mors_sf_warmth_t1"].dropna(), wide["mors_sf_warmth_t2"].dropna()
    paired = wide.dropna(subset=["mors_sf_warmth_t1", "mors_sf_warmth_t2"])
    a, b = paired["mors_sf_warmth_t1"], paired["mors_sf_warmth_t2"]
    assert len(t1) == len(t2) == len(paired)
    assert _stat(desktop, "MORS-SF Warmth", "n") == str(len(paired))
    assert _stat(desktop, "MORS-SF Warmth", "t1").startswith(f"{a.mean():.2f} ({a.std():.2f})")
    assert _stat(desktop, "MORS-SF Warmth", "t2").startswith(f"{b.mean():.2f} ({b.std():.2f})")
    p = stats.ttest_rel(b, a).pvalue
    assert _stat(desktop, "MORS-SF Warmth", "t_p") == ("<0.001" if p < 0.001 else f"{p:.3f}")
    w = stats.wilcoxon(b, a).pvalue
    assert _stat(desktop, "MORS-SF Warmth", "wilcoxon_p") == ("<0.001" if w < 0.001 else f"{w:.3f}")

    # Another service's lead: the page works and holds none of this service's figures.
    make_staff(other_service, "olga", Role.SERVICE_LEAD)
    page.context.clear_cookies()
    sign_in(desktop, "olga")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service outcomes")
    expect(page.locator("#paired-rate")).to_contain_text("0 of 0 finished episodes")
    assert page.locator("dl[data-measure]").count() == 0


def test_clinician_sees_their_caseload_and_a_facilitator_is_refused(
    desktop: BrowserPage,
    clinician: StaffUser,
    facilitator: StaffUser,
    live_server: LiveServer,
) -> None:
    service = service_of(clinician)
    demo_outcomes(service, clinician, facilitator)
    page = desktop.page
    sign_in(desktop, clinician.username)
    desktop.goto("/staff/outcomes")
    expect(page.locator("main")).to_contain_text("Your own caseload")
    # The demo clinician holds the psychotherapy caseload only: 7 families sent both.
    assert _stat(desktop, "MORS-SF Warmth", "n") == "7"
    assert "Together Time" not in page.locator("#paired-change").inner_text()
    tables = " ".join(page.locator("main table").all_inner_texts())
    assert re.search(r"Parent–infant psychotherapy\s+\d", tables)
    assert "Together Time" not in tables  # no group's figures (the filter still lists them)
    assert "Evaluation data" not in page.locator("main").inner_text()
    page.context.clear_cookies()
    sign_in(desktop, facilitator.username)
    response = page.goto(desktop.base_url + "/staff/outcomes")
    assert response is not None and response.status == 403
