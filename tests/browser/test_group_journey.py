"""Together Time end to end: three parents on their own phones join one room code (two by the QR's
URL, one by typing the code) and finish their start questions; at the end one is recognised by
the phone, one types their return code on a new phone, and one is matched by nickname and baby's
date of birth and confirmed by the facilitator. The live roster shows the right status at each
step, and a facilitator of another service gets 404.

Joining, "Start now", sending, coming back and the facilitator's pages are real browser steps.
The questions in between (about 70 pages a parent, each clicked in test_parent_journey.py) are
answered with real POSTs from each phone's own browser context, and the facilitator's page clock
is held and moved on by the test, so the roster's own five-second timer fires when the test
looks instead of being waited for."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, ViewportSize, expect

from questionnaires.models import (
    GroupParticipant,
    Invitation,
    Response,
    ResponseStatus,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.roles import Role
from questionnaires.services import together_time
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    BrowserPage,
    assert_accessible,
    hold_the_clock,
    sign_in,
    until_the_roster_shows,
)
from tests.browser.journey import answer_by_post, press_continue
from tests.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BABIES = {
    "Maryam": timezone.localdate() - timedelta(days=150),
    "Beth": timezone.localdate() - timedelta(days=200),
    "Chloe": timezone.localdate() - timedelta(days=100),
}


@pytest.fixture
def open_page(
    browser: Browser, live_server: Any
) -> Iterator[Callable[[ViewportSize], BrowserPage]]:
    """A new browser context (a separate phone) per call; all closed at the end, so no page
    (the roster refreshes itself) keeps calling the server after the test."""
    contexts: list[BrowserContext] = []

    def make(size: ViewportSize) -> BrowserPage:
        context = browser.new_context(viewport=size, locale="en-GB", timezone_id="Europe/London")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return BrowserPage(context.new_page(), live_server.url)

    yield make
    for context in contexts:
        context.close()


def _fill_join_form(phone: BrowserPage, nickname: str) -> None:
    """The privacy notice first (nothing is asked before it), then the parent's details."""
    expect(phone.page.get_by_role("heading", name="How we use your answers")).to_be_visible()
    phone.page.get_by_label("Yes, I agree").check()
    press_continue(phone)
    baby = BABIES[nickname]
    phone.page.get_by_label("Your first name or a nickname").fill(nickname)
    phone.page.get_by_label("Mother", exact=True).check()
    phone.page.get_by_label("Day").fill(str(baby.day))
    phone.page.get_by_label("Month").fill(str(baby.month))
    phone.page.get_by_label("Year").fill(str(baby.year))
    press_continue(phone)


def _start_now(phone: BrowserPage) -> Response:
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(
        "Questions about you and your baby"
    )
    with phone.page.expect_navigation():
        phone.page.get_by_role("button", name="Start now").click()
    return Response.objects.latest("started_at")


def _roster_status(facilitator: BrowserPage, nickname: str) -> str:
    row = facilitator.page.locator(".app-roster tr", has_text=nickname)
    return " ".join(row.locator("td").all_inner_texts())


def test_three_parents_start_and_return_at_the_end(
    open_page: Callable[[ViewportSize], BrowserPage],
    live_server: Any,
    service: Service,
    facilitator: StaffUser,
) -> None:
    group = together_time.create_group(
        service, "Tuesday Together Time", timezone.localdate(), 8, facilitators=[facilitator]
    )
    start = together_time.open_collection(group, Timepoint.T1, facilitator)

    lead = open_page(DESKTOP)
    hold_the_clock(lead, paused=True)  # no refresh during the phones' requests
    sign_in(lead, facilitator.username)
    lead.goto(f"/staff/groups/{group.pk}")
    assert "No parents have joined yet" in lead.page.inner_text("main")

    # --- Start (T1): two scan the QR (its URL), one types the code -------------------------
    phones: dict[str, BrowserPage] = {}
    return_codes: dict[str, str] = {}
    for nickname in ("Maryam", "Beth", "Chloe"):
        phone = open_page(PHONE)
        phones[nickname] = phone
        if nickname == "Chloe":
            phone.goto("/start")
            phone.page.get_by_label("Enter your code").fill(start.code.lower())
            press_continue(phone)
        else:
            phone.goto(f"/g/{start.code}")
        expect(phone.page.get_by_role("heading", level=1)).to_have_text(
            "Join Tuesday Together Time"
        )
        _fill_join_form(phone, nickname)
        return_codes[nickname] = phone.page.locator(".app-return-code__code").inner_text()
        response = _start_now(phone)
        # The roster updates itself while the facilitator watches.
        # (It may first show the parent as "Not started", from before "Start now".)
        row = lead.page.locator(".app-roster tr", has_text=nickname)
        until_the_roster_shows(lead, row, "In progress")
        answer_by_post(phone, response)
        with phone.page.expect_navigation():
            phone.page.get_by_role("button", name="Send my answers").click()
        expect(phone.page.get_by_role("heading", level=1)).to_have_text(
            "Your answers have been sent"
        )
        # The return code is shown again on the confirmation page.
        assert return_codes[nickname] in phone.page.inner_text("main")
    assert_accessible(phones["Chloe"])
    lead.page.clock.resume()  # the roster is read after a reload from here on
    lead.page.reload()
    for nickname in BABIES:
        assert _roster_status(lead, nickname).count("Answers received") == 1
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 3
    # Facilitators see completion only: no answers or scores on their page (AZ-3).
    assert "Strongly" not in lead.page.inner_text("main")

    # --- End (T2) -------------------------------------------------------------------------
    together_time.close_collection(start, facilitator)
    end = together_time.open_collection(group, Timepoint.T2, facilitator)

    # Maryam, same phone: recognised by the phone's cookie.
    maryam = phones["Maryam"]
    maryam.goto(f"/g/{end.code}")
    expect(maryam.page.get_by_role("heading", level=1)).to_have_text("Welcome back, Maryam")
    with maryam.page.expect_navigation():
        maryam.page.get_by_role("button", name="Continue").click()
    _start_now(maryam)
    participant = GroupParticipant.objects.get(nickname="Maryam")
    assert Invitation.objects.get(collection=end, episode=participant.episode).timepoint == "T2"

    # Beth, a new phone: types her return code.
    beth = open_page(PHONE)
    beth.goto("/start")
    beth.page.get_by_label("Enter your code").fill(return_codes["Beth"])
    press_continue(beth)
    _start_now(beth)
    participant = GroupParticipant.objects.get(nickname="Beth")
    assert Invitation.objects.filter(collection=end, episode=participant.episode).exists()

    # Chloe, a new phone and no code: matched by nickname and baby's date, then confirmed.
    chloe = open_page(PHONE)
    chloe.goto(f"/g/{end.code}")
    expect(chloe.page.get_by_role("heading", level=1)).to_have_text(
        "Welcome back to Tuesday Together Time"
    )
    assert "Maryam" not in chloe.page.inner_text("main")  # nobody sees anyone else's name
    _fill_join_form(chloe, "Chloe")
    _start_now(chloe)

    lead.goto(f"/staff/groups/{group.pk}")
    for nickname in ("Maryam", "Beth"):
        expect(lead.page.locator(".app-roster tr", has_text=nickname)).to_contain_text(
            "In progress"
        )
    lead.goto(f"/staff/groups/{group.pk}/matches")
    assert "Chloe" in lead.page.inner_text("main")
    assert_accessible(lead)
    lead.screenshot("group-match-queue-desktop")
    with lead.page.expect_navigation():
        lead.page.get_by_role(
            "button", name="Yes, this is the same parent: link these answers to Chloe's record"
        ).click()
    chloe_participant = GroupParticipant.objects.get(nickname="Chloe")
    assert Invitation.objects.filter(collection=end, episode=chloe_participant.episode).exists()
    lead.goto(f"/staff/groups/{group.pk}")
    expect(lead.page.locator(".app-roster tr", has_text="Chloe")).to_contain_text("In progress")
    lead.screenshot("group-roster-desktop")

    # A facilitator of another service cannot see this group at all (AZ-2).
    other = make_staff(Service.objects.create(name="Elsewhere"), "olga", Role.FACILITATOR)
    outsider = open_page(DESKTOP)
    sign_in(outsider, other.username)
    refused = outsider.page.goto(f"{live_server.url}/staff/groups/{group.pk}")
    assert refused is not None and refused.status == 404
