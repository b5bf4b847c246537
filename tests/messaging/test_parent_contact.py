"""MSG-2: the parent leaves their own contact details on the confirmation ("sent") page, through
the page itself: optional, plain consent words, a UK mobile checked by `services.contacts`,
and nothing already held shown back beyond "a mobile number ending 456"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from questionnaires.models import AuditEvent, ChannelChoice, Contact, Response, Service
from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.services import contacts, invitations, responses
from tests.portal.parents.wizard_client import issue, send, start, valid_data

SENT = "/questionnaire/sent"


@pytest.fixture
def sent(service: Service) -> tuple[Client, Response, invitations.IssuedInvitation]:
    issued = issue(service)
    client = Client()
    response = start(client, issued.token)
    for step in ResponseSteps(response).steps:
        if step.kind != Kind.CHECK:
            responses.save_step(response, step, valid_data(step))
    assert send(client)["Location"] == reverse("parents:sent")
    return client, response, issued


Sent = tuple[Client, Response, invitations.IssuedInvitation]


def test_the_offer_is_optional_and_in_plain_words(sent: Sent) -> None:
    client, response, _ = sent
    page = client.get(SENT).content.decode()
    assert "Get your next link by text or email (optional)" in page
    assert "We delete it when your work with the team ends" in page
    assert "Please do not contact me" in page
    assert 'id="contact-held"' not in page  # nothing held yet
    assert not Contact.objects.exists()


def test_a_parent_records_a_mobile_and_it_is_stored_and_audited_without_it(sent: Sent) -> None:
    client, response, issued = sent
    answer = client.post(SENT, {"channel": "text", "mobile": "07911 123456", "email": ""})
    assert answer.status_code == 302
    contact = Contact.objects.get(episode=issued.invitation.episode)
    assert (contact.mobile, contact.channel) == ("+447911123456", ChannelChoice.TEXT)
    assert contact.consent_at is not None and contact.recorded_by is None
    event = AuditEvent.objects.get(action="contact.recorded")
    assert "7911" not in str(event.detail) and event.actor is None
    assert event.detail["by"] == "parent" and event.detail["has_mobile"] is True
    page = client.get(answer["Location"]).content.decode()
    assert "We have saved how to contact you" in page
    # Shown back only as its last three digits: never the number.
    assert "We have a mobile number ending 456." in page
    assert "07911" not in page and "+447911" not in page and "123456" not in page


def test_an_invalid_mobile_is_refused_in_plain_words_and_nothing_is_saved(sent: Sent) -> None:
    client, *_ = sent
    answer = client.post(SENT, {"channel": "text", "mobile": "020 7946 0000", "email": ""})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Enter a UK mobile number, like 07700 900 982" in page
    assert "Your answers have been sent" in page  # still the confirmation page
    answer = client.post(SENT, {"channel": "email", "mobile": "", "email": ""})
    assert "Enter an email address, or choose another way" in answer.content.decode()
    answer = client.post(SENT, {"mobile": "07911 123456"})
    assert "Choose how you would like us to contact you" in answer.content.decode()
    assert not Contact.objects.exists()


def test_a_blank_box_keeps_what_the_clinician_recorded(sent: Sent) -> None:
    client, _response, issued = sent
    episode = issued.invitation.episode
    contacts.record_contact(
        episode, mobile="07911 123456", email="sam@example.com", channel=ChannelChoice.TEXT
    )
    page = client.get(SENT).content.decode()
    assert "We have a mobile number ending 456." in page
    assert "We have an email address for you." in page
    assert "sam@example.com" not in page and "07911" not in page
    # Choosing email without typing it keeps the stored address; the mobile stays too.
    assert client.post(SENT, {"channel": "email", "mobile": "", "email": ""}).status_code == 302
    contact = Contact.objects.get(episode=episode)
    assert (contact.channel, contact.email) == (ChannelChoice.EMAIL, "sam@example.com")
    assert contact.mobile == "+447911123456"
    # "Please do not contact me" is honoured.
    client.post(SENT, {"channel": "neither", "mobile": "", "email": ""})
    contact.refresh_from_db()
    assert contact.channel == ChannelChoice.NEITHER and contact.consent_at is None


def test_no_offer_once_the_episode_is_closed(sent: Sent) -> None:
    client, _response, issued = sent
    episode = issued.invitation.episode
    type(episode).objects.filter(pk=episode.pk).update(closed_on=episode.opened_on)
    assert "Get your next link" not in client.get(SENT).content.decode()
    assert client.post(SENT, {"channel": "text", "mobile": "07911 123456"}).status_code == 302
    assert not Contact.objects.exists()


def test_without_a_finished_session_the_page_is_refused(service: Service) -> None:
    assert Client().post(SENT, {"channel": "text", "mobile": "07911 123456"}).status_code == 403
    assert not Contact.objects.exists()
