"""Issue 14 in a real browser: the clinician records the parent's mobile number and schedules the
end (T2) link; the worker sends it through the local GOV.UK Notify; the parent opens the link
from the text on a phone and sends their answers; the reminders stop; the record says "Text
delivered"."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from questionnaires.models import (
    Contact,
    MessageKind,
    MessageState,
    OutboundMessage,
    Response,
    ResponseStatus,
    StaffUser,
)
from tests.browser.conftest import PHONE, BrowserPage, assert_accessible, fits_a_phone, sign_in
from tests.browser.journey import answer_by_post
from tests.messaging.conftest import notify  # noqa: F401 - the local Notify, as a fixture
from tests.messaging.fake_notify import FakeNotify
from tests.questionnaires import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clinician_schedules_t2_by_text_and_the_parent_answers_from_it(
    desktop: BrowserPage,
    browser: Browser,
    live_server: LiveServer,
    settings: Settings,
    clinician: StaffUser,
    notify: FakeNotify,  # noqa: F811
) -> None:
    settings.SITE_BASE_URL = live_server.url
    # Whatever the hour the test runs at: the daytime window is tested in tests/messaging.
    settings.MESSAGE_SEND_FROM_HOUR, settings.MESSAGE_SEND_UNTIL_HOUR = 0, 24
    episode = factories.episode(factories.service_of(clinician), clinician)
    page = desktop.page
    sign_in(desktop, "alice")
    desktop.goto(f"/staff/families/{episode.family_id}")
    panel = page.locator("section.app-messaging")
    expect(panel.get_by_role("heading", name="Links by text or email")).to_be_visible()

    # A landline is refused in plain words, and nothing is saved.
    panel.get_by_label("Mobile number").fill("020 7946 0000")
    panel.get_by_label("Text message").check()
    panel.get_by_role("button", name="Save contact details").click()
    expect(page.locator("main")).to_contain_text("Enter a UK mobile number, like 07700 900 982")
    assert not Contact.objects.filter(episode=episode).exists()
    panel.get_by_label("Mobile number").fill("07911 123456")
    panel.get_by_label("Text message").check()
    panel.get_by_role("button", name="Save contact details").click()
    expect(page.locator("main")).to_contain_text("Contact details saved.")
    expect(panel.get_by_label("Mobile number")).to_have_value("+447911123456")

    today = timezone.localdate()
    panel.get_by_label("End (T2) date").fill(today.isoformat())
    panel.get_by_role("button", name="Send the end (T2) link on this date").click()
    expect(page.locator("main")).to_contain_text("The end (T2) link will be sent on")
    expect(panel).to_contain_text("End (T2) link: Not sent yet")
    assert_accessible(desktop)
    desktop.screenshot("record-t2-scheduled")
    assert notify.sent == []

    # The worker sends it (and asks Notify for its status in the same pass).
    call_command("run_worker", "--until-empty", "--name", "browser-test")
    assert len(notify.sent) == 1
    text = notify.sent[0]
    assert text["to"] == "+447911123456"
    link = text["personalisation"]["link"]
    assert link.startswith(f"{live_server.url}/p/")

    page.reload()
    expect(panel).to_contain_text("End (T2) link: Text delivered")
    desktop.screenshot("record-text-delivered")
    fits_a_phone(desktop, "messaging-record", check_accessible=False)

    # The parent opens the link from the text on their phone and sends their answers.
    parent_context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        parent = BrowserPage(parent_context.new_page(), live_server.url)
        parent.goto(link.removeprefix(live_server.url))
        expect(parent.page.get_by_role("heading", level=1)).to_have_text(
            "Questions about you and your baby"
        )
        parent.screenshot("parent-from-text-phone")
        with parent.page.expect_navigation():
            parent.page.get_by_role("button", name="Start now").click()
        response = Response.objects.get(invitation__episode=episode, invitation__timepoint="T2")
        answer_by_post(parent, response)
        parent.page.get_by_role("button", name="Send my answers").click()
        expect(parent.page.get_by_role("heading", level=1)).to_have_text(
            "Your answers have been sent"
        )
    finally:
        parent_context.close()
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED

    # The reminders stop at once: the record says so straight away...
    reminders = OutboundMessage.objects.filter(kind=MessageKind.REMINDER)
    assert reminders.count() == 2
    page.reload()
    expect(panel).to_contain_text("Reminder: Not needed")
    # ...and a week later, when they are due, the worker sends nothing more.
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=True):
        call_command("run_worker", "--until-empty", "--name", "browser-test")
    assert len(notify.sent) == 1
    assert set(reminders.values_list("state", flat=True)) == {MessageState.CANCELLED}
    page.reload()
    expect(panel).to_contain_text("End (T2) link: Text delivered")
    expect(panel).to_contain_text("Reminder: Not needed")
    desktop.screenshot("record-reminders-stopped")
    assert desktop.console_errors == []
