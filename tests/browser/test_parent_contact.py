"""Issue 14, MSG-2 in a real browser at phone width: after sending their answers, a parent
leaves their own mobile number on the confirmation page; a landline is refused in plain words;
the page then shows only "a mobile number ending 456"; axe finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from questionnaires.models import ChannelChoice, Contact, Response, Service, Timepoint
from questionnaires.services import invitations
from tests.browser.conftest import BrowserPage, assert_accessible
from tests.browser.journey import answer_by_post
from tests.questionnaires import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_leaves_their_mobile_on_the_sent_page(
    phone: BrowserPage, service: Service
) -> None:
    episode = factories.episode(service)
    issued = invitations.issue_invitation(episode, Timepoint.T1)
    page = phone.page
    phone.goto(f"/p/{issued.token}")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    answer_by_post(phone, Response.objects.get(invitation=issued.invitation))
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    offer = page.locator("#contact")
    expect(offer.get_by_role("heading", level=2)).to_have_text(
        "Get your next link by text or email (optional)"
    )
    assert_accessible(phone)
    phone.screenshot("sent-contact-offer-phone")

    offer.get_by_label("By text message").check()
    offer.get_by_label("Your mobile number").fill("020 7946 0000")
    offer.get_by_role("button", name="Save how to contact me").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter a UK mobile number, like 07700 900 982"
    )
    assert_accessible(phone)
    phone.screenshot("sent-contact-error-phone")
    assert not Contact.objects.exists()

    offer.get_by_label("By text message").check()
    offer.get_by_label("Your mobile number").fill("07911 123456")
    offer.get_by_role("button", name="Save how to contact me").click()
    expect(page.locator("main")).to_contain_text("We have saved how to contact you")
    expect(page.locator("#contact-held")).to_contain_text("We have a mobile number ending 456.")
    expect(offer.get_by_label("Your mobile number")).to_have_value("")
    assert "123456" not in page.content()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert_accessible(phone)
    phone.screenshot("sent-contact-saved-phone")
    contact = Contact.objects.get(episode=episode)
    assert (contact.mobile, contact.channel) == ("+447911123456", ChannelChoice.TEXT)
