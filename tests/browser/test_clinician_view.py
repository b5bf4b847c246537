"""The clinician view in a real browser: a clinician signs in, finds a flagged family on the
caseload, opens the record, checks the scores and change against `scoring.score` on the stored
answers, records a LOAF rating and downloads the PDF; a clinician of another service gets 404."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

import scoring
from questionnaires import demo, scoring_adapter
from questionnaires.models import AuditEvent, Family, LoafRating, ResponseMeasure, StaffUser
from questionnaires.summary import wording
from questionnaires.summary.change_rows import change_words
from tests.browser.conftest import BrowserPage, assert_accessible, fits_a_phone, sign_in
from tests.questionnaires.factories import service_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(target: BrowserPage, username: str) -> None:
    sign_in(target, username)


def _at_phone_width(target: BrowserPage, name: str) -> None:
    fits_a_phone(target, name)


def _expected(family: Family, timepoint: str, code: str) -> scoring.Score:
    measure = ResponseMeasure.objects.get(
        response__invitation__episode__family=family,
        response__invitation__timepoint=timepoint,
        instrument__code=code,
    )
    answers, context = scoring_adapter.scoring_inputs(measure)
    return scoring.score(code, answers, **context)


def test_clinician_reviews_a_flagged_family(
    desktop: BrowserPage, clinician: StaffUser, outsider: StaffUser, live_server: LiveServer
) -> None:
    demo.demo_caseload(service_of(clinician), clinician)
    family = Family.objects.get(label="DEMO-C01")
    page = desktop.page
    _sign_in(desktop, "alice")

    page.get_by_role("link", name="See your caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families")
    row = page.get_by_role("row").filter(has_text="DEMO-C01")
    expect(row).to_contain_text("ASQ:SE-2 was above cut-off (T1)")  # settled at T2: history
    assert_accessible(desktop)
    desktop.screenshot("clinician-caseload-desktop")
    _at_phone_width(desktop, "clinician-caseload")

    # Search narrows the list to the family.
    page.get_by_label("Search by family label or parent's name").fill("amara")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("row")).to_have_count(2)  # header and one family
    page.get_by_role("link", name="DEMO-C01").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DEMO-C01")

    # Scores at T1 and T2 as scoring.score gives them on the stored answers.
    main = page.locator("main")
    for timepoint in ("T1", "T2"):
        expected = _expected(family, timepoint, "mors_sf")
        heading = page.get_by_role("heading", name=re.compile(f"MORS-SF at .*\\({timepoint}\\)"))
        section = page.locator("section.app-measure").filter(has=heading)
        warmth = section.locator('td[data-subscale="warmth"] .app-score')
        expect(warmth).to_have_text(wording.format_score(expected.subscales["warmth"]))
        asq = _expected(family, timepoint, "asq_se2")
        expect(main).to_contain_text(wording.format_score(asq.total))
    first, last = _expected(family, "T1", "mors_sf"), _expected(family, "T2", "mors_sf")
    change = scoring.change.compare(
        "mors_sf", "warmth", first.subscales["warmth"], last.subscales["warmth"]
    )
    expect(main).to_contain_text(change_words(change, "Warmth"))
    expect(main).to_contain_text("Crossed below cut-off")
    expect(main).to_contain_text("Above cut-off")
    charts = page.locator("svg.app-chart")
    expect(charts).to_have_count(3)
    label = charts.first.get_attribute("aria-label", timeout=1000)
    assert label is not None and label.startswith("Chart of PRFQ")

    # Item answers open without JavaScript.
    page.get_by_text("Show the parent's answers to PRFQ at Start (T1)").click()
    expect(main).to_contain_text("I always know what my child wants.")
    assert not desktop.console_errors, desktop.console_errors  # no CSP violations (inline SVG)
    assert_accessible(desktop)
    desktop.screenshot("clinician-family-record-desktop")

    # Record a LOAF rating at T2 for the wider environment.
    page.get_by_text("Record a LOAF rating").first.click()
    form = page.locator("section.app-loaf form").first
    form.get_by_label("End (T2)").check()
    form.get_by_label("Part B: the wider caregiving environment").check()
    form.get_by_label("1 – well-adapted to good-enough").check()
    form.get_by_role("button", name="Record LOAF rating").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("is recorded")
    assert LoafRating.objects.filter(part="B", timepoint="T2", level=1, rater=clinician).exists()
    loaf = page.locator("section.app-loaf").first
    expect(loaf.get_by_role("row").filter(has_text="Wider caregiving environment")).to_contain_text(
        "Improved"
    )
    _at_phone_width(desktop, "clinician-family-record")

    # The PDF, fetched with the signed-in browser's cookies, read back.
    link = page.get_by_role("button", name="Download PDF report")
    href = link.get_attribute("href")
    assert href is not None
    pdf = page.context.request.get(live_server.url + href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = re.sub(
        r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    )
    warmth_score = wording.format_score(last.subscales["warmth"])
    assert f"Warmth {warmth_score} 0 to 35" in text
    assert "Generated by alice on" in text and "Level 1: well-adapted to good-enough" in text
    assert AuditEvent.objects.filter(action="family.report_downloaded", actor=clinician).exists()
    (
        desktop.screenshot("clinician-family-record-after").parent / "clinician-report.pdf"
    ).write_bytes(pdf.body())

    # A clinician of another service: the same address is not found.
    url = page.url.split("#")[0]
    page.context.clear_cookies()
    _sign_in(desktop, outsider.get_username())
    response = page.goto(url)
    assert response is not None and response.status == 404
