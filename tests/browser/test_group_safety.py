"""The parent-side safety fixes as people meet them, in Chromium on phones: a parent who types
another parent's nickname and baby's date at the end reaches only a fresh questionnaire of their
own, and the clinician sees an unconfirmed match that is in nobody's record until it is
confirmed; a shared tablet forgets the previous parent; "Exit this page" really leaves
(LINK-8, LINK-9, UX-14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from questionnaires.models import (
    Answer,
    GroupParticipant,
    Invitation,
    ParentGroup,
    Response,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.services import families, invitations, responses, together_time
from tests.browser.conftest import PHONE, BrowserPage, assert_accessible, sign_in

pytestmark = pytest.mark.browser

BABY = timezone.localdate() - timedelta(days=150)


def _phone(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport=PHONE, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(10_000)
    return context


def _join(page: Page, base: str, code: str, nickname: str, shared: bool = False) -> None:
    page.goto(f"{base}/g/{code}" + ("?shared=1" if shared else ""))
    expect(page.get_by_role("heading", name="How we use your answers")).to_be_visible()
    page.get_by_label("Yes, I agree").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your first name or a nickname").fill(nickname)
    page.get_by_label("Mother").check()
    page.get_by_label("Day").fill(str(BABY.day))
    page.get_by_label("Month").fill(str(BABY.month))
    page.get_by_label("Year").fill(str(BABY.year))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()


@pytest.fixture
def group(service: Service, clinician: StaffUser) -> ParentGroup:
    return together_time.create_group(service, "Tuesday Together Time", timezone.localdate(), 8)


def test_details_at_the_end_reach_only_a_fresh_questionnaire_and_wait_for_confirmation(
    browser: Browser, live_server: Any, desktop: BrowserPage, group: ParentGroup
) -> None:
    base = live_server.url
    start = together_time.open_collection(group, Timepoint.T1)
    sam_phone, alex_phone = _phone(browser), _phone(browser)
    _join(sam_phone.new_page(), base, start.code, "Sam")
    alex = alex_phone.new_page()
    _join(alex, base, start.code, "Alex")
    sam = GroupParticipant.objects.get(nickname="Sam")
    # Sam comes back on her own phone at the end and starts; her answers are hers alone.
    end = together_time.open_collection(group, Timepoint.T2)
    sams_end = responses.open_response(together_time.return_for_end(end, sam))
    responses.record_consent(sams_end, True)
    responses.save_answer(
        sams_end.measures.get(instrument__code="asq_se2"), "overall_4", "", text="Sam's words"
    )

    # Alex, on a new phone with no cookie, types Sam's nickname and baby's date.
    other = _phone(browser).new_page()
    _join(other, base, end.code, "Sam")
    expect(other.get_by_role("heading", level=1)).to_have_text("Questions about you and your baby")
    assert_accessible(BrowserPage(other, base))
    with other.expect_navigation():
        other.get_by_role("button", name="Start now").click()
    assert "/questionnaire/q/prfq-about/" in other.url  # a fresh questionnaire, not Sam's
    other.goto(f"{base}/questionnaire/q/check/")
    expect(other.locator("main")).not_to_contain_text("Sam's words")
    theirs = Response.objects.exclude(pk=sams_end.pk).get(invitation__collection=end)
    assert theirs.invitation is not None
    assert theirs.invitation.episode.family != sam.family
    responses.submit_response(theirs)

    # The clinician: the match waits in the queue and is in nobody's record yet.
    sign_in(desktop, "alice")
    desktop.goto(f"/staff/groups/{group.pk}/matches")
    expect(desktop.page.get_by_role("heading", name="End answers from “Sam”")).to_be_visible()
    desktop.goto(f"/staff/families/{sam.family_id}")
    main = desktop.page.locator("main")
    expect(main).not_to_contain_text("End (T2) – sent")
    desktop.goto(f"/staff/families/{theirs.invitation.episode.family_id}")
    expect(desktop.page.locator(".app-awaiting-confirmation")).to_contain_text(
        "Awaiting confirmation"
    )
    desktop.screenshot("awaiting-confirmation-desktop")
    for context in (sam_phone, alex_phone, other.context):
        context.close()


def test_a_shared_tablet_forgets_the_previous_parent(
    browser: Browser, live_server: Any, group: ParentGroup
) -> None:
    base = live_server.url
    start = together_time.open_collection(group, Timepoint.T1)
    tablet = _phone(browser)
    page = tablet.new_page()
    _join(page, base, start.code, "Tabitha", shared=True)
    expect(page.locator(".app-return-code__code")).to_be_visible()
    code = page.locator(".app-return-code__code").inner_text()
    invitation = Invitation.objects.get(episode__participant__nickname="Tabitha")
    responses.submit_response(responses.open_response(invitation))
    page.goto(f"{base}/questionnaire/sent")
    expect(page.locator(".app-return-code__code")).to_have_text(code)
    BrowserPage(page, base).screenshot("shared-tablet-sent-phone")
    with page.expect_navigation():
        page.get_by_role("button", name="Start for the next parent").click()
    expect(page.get_by_role("heading", name="How we use your answers")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    assert code not in page.content() and "Tabitha" not in page.content()
    page.goto(f"{base}/questionnaire/")
    assert code not in page.content() and "Tabitha" not in page.content()
    tablet.close()


def test_exit_this_page_leaves_and_back_shows_nothing(
    browser: Browser, live_server: Any, service: Service, settings: Any
) -> None:
    base = live_server.url
    # Another origin served by the test server stands in for the neutral site: Chromium does
    # not let a test answer for a page reached by a redirect, and nothing may go online.
    neutral = base.replace("127.0.0.1", "localhost") + "/accessibility"
    settings.EXIT_PAGE_URL = neutral
    family = families.register_family(
        service, label="RV-EXIT", parent_name="Ada", relationship="mother", infant_dob=BABY
    )
    episode = families.open_episode(family, "psychotherapy", timezone.localdate())
    issued = invitations.issue_invitation(episode, Timepoint.T1)
    context = _phone(browser)
    page = context.new_page()
    page.goto(f"{base}/p/{issued.token}")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    page.get_by_label("Yes, I agree").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()  # past the first explainer
    page.get_by_label("4", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    with page.expect_navigation(url=neutral):
        page.get_by_role("link", name="Exit this page").click()
    assert page.url == neutral
    page.go_back()
    page.wait_for_load_state()
    assert "Open your link again" in page.content()
    page.goto(f"{base}/questionnaire/q/check/")
    assert "Open your link again" in page.content()
    assert context.cookies(base) == []
    # Shift three times from a question page does the same.
    page.goto(f"{base}/p/{issued.token}")
    page.goto(f"{base}/questionnaire/")
    with page.expect_navigation(url=neutral):
        for _ in range(3):
            page.keyboard.press("Shift")
    context.close()
    # Leaving loses nothing already saved: the answer given before the exit is still there.
    saved = Answer.objects.filter(measure__response__invitation=issued.invitation)
    assert saved.count() == 1


def test_the_privacy_notice_and_saying_no_are_accessible_on_a_phone(
    phone: BrowserPage, group: ParentGroup
) -> None:
    start = together_time.open_collection(group, Timepoint.T1)
    phone.goto(f"/g/{start.code}")
    expect(phone.page.get_by_role("heading", name="How we use your answers")).to_be_visible()
    assert_accessible(phone)
    phone.screenshot("group-notice-phone")
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Continue").click()  # nothing chosen
    expect(phone.page.locator(".nhsuk-error-summary")).to_be_focused()
    assert_accessible(phone)
    phone.page.get_by_label("No, I do not agree").check()
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Continue").click()
    expect(phone.page.locator("main")).to_contain_text("Nothing about you has been saved")
    assert_accessible(phone)
    assert not GroupParticipant.objects.exists()
