"""Issue 19 in a real browser at phone width: a pregnant parent completes the pregnancy set
from her link; the clinician records the birth and creates the postnatal baseline link; that
link opens the postnatal set. Screenshots of each page are saved for a person to look at."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from questionnaires.models import Response, ResponseStatus, ScoreRecord, StaffUser, Stage
from questionnaires.services import baselines, invitations, responses
from tests.browser.conftest import PHONE, BrowserPage, assert_accessible, fits_a_phone, sign_in
from tests.browser.journey import go_through
from tests.questionnaires import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pregnancy_set_then_birth_then_postnatal_baseline_on_a_phone(
    phone: BrowserPage,
    browser: Browser,
    live_server: LiveServer,
    settings: Settings,
    clinician: StaffUser,
) -> None:
    settings.SITE_BASE_URL = live_server.url
    episode = factories.episode(factories.service_of(clinician), clinician, infant_age_days=None)
    issued = invitations.issue_invitation(episode, "T1", clinician)
    assert issued.invitation.instruments == ["p_prfq"]

    # The pregnant parent, from her personal link.
    phone.goto(f"/p/{issued.token}")
    page = phone.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions about you and your baby")
    main = page.inner_text("main")
    assert "How you think about your baby in pregnancy" in main
    assert "These questions are for while you are pregnant." in main
    assert "It takes about five minutes." in main
    assert_accessible(phone)
    phone.screenshot("pregnancy-welcome-phone")
    # Wait for the page the POST leads to: the response exists once it has been answered.
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    response = Response.objects.get(invitation=issued.invitation)
    shots: dict[str, bool] = {}
    go_through(phone, response, shots=shots)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    phone.screenshot("pregnancy-check-phone")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    record = ScoreRecord.objects.get(measure__response=response, is_current=True)
    # Kept, and refused a number while the P-PRFQ keys are unverified.
    assert record.result["subscales"] == {"OMS": None, "RFC": None, "DNMS": None}
    assert "not verified" in record.result["not_scored_reason"]

    # The clinician, on a phone too, records the birth (7 weeks ago) on the family record.
    staff_context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    try:
        staff = BrowserPage(staff_context.new_page(), live_server.url)
        sign_in(staff, "alice")
        staff.goto(f"/staff/families/{episode.family_id}")
        board = staff.page
        expect(board.get_by_role("heading", name="When the baby arrives")).to_be_visible()
        assert "Start (T1), in pregnancy answers" in board.inner_text("main")
        fits_a_phone(staff, "pregnancy-record-before-birth")
        born = episode.opened_on - timedelta(weeks=7)
        form = board.locator("form[action$='/birth']")
        form.get_by_label("Day").fill(str(born.day))
        form.get_by_label("Month").fill(str(born.month))
        form.get_by_label("Year").fill(str(born.year))
        form.get_by_label("Weeks premature").fill("0")
        with board.expect_navigation():
            form.get_by_role("button", name="Record the birth").click()
        assert "The birth is recorded." in board.inner_text("main")
        fits_a_phone(staff, "pregnancy-record-birth-recorded")
        with board.expect_navigation():
            board.get_by_role("button", name="Create the postnatal baseline link").click()
        expect(board.get_by_role("heading", level=1)).to_contain_text("Personal link for")
        listed = board.locator("main ul.nhsuk-list--bullet").inner_text()
        assert "PRFQ" in listed and "MORS-SF" in listed and "ASQ:SE-2" in listed
        link = board.locator("#personal-link").inner_text().strip()
        fits_a_phone(staff, "pregnancy-postnatal-baseline-issued")
        staff.goto(f"/staff/families/{episode.family_id}")
        assert "The postnatal baseline link is in the list above." in board.inner_text("main")
        assert staff.console_errors == []
    finally:
        staff_context.close()

    # The postnatal baseline link opens the postnatal set.
    parent_context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        parent = BrowserPage(parent_context.new_page(), live_server.url)
        parent.goto(link.removeprefix(live_server.url))
        main = parent.page.inner_text("main")
        assert "three short sets" in main
        assert "pregnant" not in main
        assert "How you think about your baby in pregnancy" not in main
        assert_accessible(parent)
        parent.screenshot("pregnancy-postnatal-welcome-phone")
        with parent.page.expect_navigation():
            parent.page.get_by_role("button", name="Start now").click()
        postnatal = Response.objects.get(invitation__stage=Stage.POSTNATAL)
        assert [m.instrument.code for m in postnatal.measures.order_by("position")] == [
            "prfq",
            "mors_sf",
            "asq_se2",
        ]
        assert postnatal.measures.get(instrument__code="asq_se2").asq_interval == 2
        go_through(parent, postnatal, stop_after=2)
        parent.screenshot("pregnancy-postnatal-first-questions-phone")
    finally:
        parent_context.close()


def test_record_with_both_baselines_and_like_with_like_change(
    desktop: BrowserPage, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician, infant_age_days=None)
    factories.send(episode, "T1", {"p_prfq": {str(n): "4" for n in range(1, 15)}})
    baselines.record_birth(episode, timezone.localdate() - timedelta(days=50), 0, clinician)
    episode.family.refresh_from_db()
    offered = baselines.offer_postnatal_baseline(episode, clinician).invitation
    start = responses.open_response(offered)
    responses.record_consent(start, True)
    factories.answer_all(
        start, {"prfq": factories.PRFQ_ALL, "mors_sf": factories.mors_answers("3", "2")}
    )
    responses.submit_response(start)
    factories.send(
        episode,
        "T2",
        {"prfq": {str(n): "5" for n in range(1, 19)}, "mors_sf": factories.mors_answers("4", "1")},
    )

    sign_in(desktop, "alice")
    desktop.goto(f"/staff/families/{episode.family_id}")
    main = desktop.page.inner_text("main")
    assert "Start (T1), in pregnancy answers" in main
    assert "Postnatal baseline (T1) answers" in main
    assert "From: Postnatal baseline (T1), sent" in main
    assert "P-PRFQ at Start (T1), in pregnancy: the end answers have no P-PRFQ" in main
    assert_accessible(desktop)
    desktop.screenshot("pregnancy-record-both-baselines-desktop")
    fits_a_phone(desktop, "pregnancy-record-both-baselines")
    assert desktop.console_errors == []
