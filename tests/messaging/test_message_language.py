"""MSG-8: invitations and reminders in the family's preferred language, through the worker, with
the local GOV.UK Notify (tests/messaging/fake_notify.py) and with email by SMTP; a language whose
catalogue may not be used now (unreviewed, outside demo mode) gets English."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import LazySettings
from django.utils import timezone

from questionnaires.models import ChannelChoice, Episode, Service, StaffUser, Timepoint
from questionnaires.services import contacts, invitations, outbox
from tests.messaging.fake_notify import FakeNotify
from tests.messaging.test_email import Inbox, at, smtp  # noqa: F401  (the SMTP fixture)
from tests.messaging.test_outbox import E164, MOBILE, base_day, token_of
from tests.questionnaires import factories

PT_SMS = "66666666-6666-6666-6666-666666666666"
PT_SMS_REMINDER = "77777777-7777-7777-7777-777777777777"
FIELDS = {"service_name", "link", "code", "code_url", "contact_line"}


def family_speaking(
    service: Service, clinician: StaffUser, language: str, channel: ChannelChoice
) -> Episode:
    """An episode whose first link staff issued in `language`, with the parent's contact."""
    episode = factories.episode(service, clinician)
    invitations.issue_invitation(episode, Timepoint.T1, actor=clinician, language=language)
    if channel == ChannelChoice.TEXT:
        contacts.record_contact(episode, mobile=MOBILE, email="", channel=channel)
    else:
        contacts.record_contact(episode, mobile="", email="parent@example.org", channel=channel)
    return episode


@pytest.fixture
def notify_in_portuguese(notify: FakeNotify, settings: LazySettings) -> FakeNotify:
    """The service has made Portuguese SMS templates in Notify (its own words there)."""
    settings.NOTIFY_TEMPLATES = {
        **settings.NOTIFY_TEMPLATES,
        "sms_invitation_pt": PT_SMS,
        "sms_reminder_pt": PT_SMS_REMINDER,
    }
    english = settings.NOTIFY_TEMPLATES["sms_invitation"]
    notify.templates = {
        english: "Hello from ((service_name)). Use this link: ((link)) or type ((code))",
        PT_SMS: "Olá, daqui fala ((service_name)). Use esta ligação: ((link)) ou o código ((code))",
        PT_SMS_REMINDER: "Um lembrete de ((service_name)): ((link))",
    }
    return notify


def test_a_portuguese_family_gets_the_portuguese_text_through_the_worker(
    notify_in_portuguese: FakeNotify,
    service: Service,
    clinician: StaffUser,
    settings: LazySettings,
) -> None:
    settings.DEMO_MODE = True  # the demo Portuguese catalogue is not reviewed
    settings.MESSAGE_REMINDER_DAYS = (3,)
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        episode = family_speaking(service, clinician, "pt", ChannelChoice.TEXT)
        outbox.schedule_t2(episode, start, actor=clinician)  # the end link keeps the language
        outbox.run_once("w1")  # one pass of `manage.py run_worker`
    assert len(notify_in_portuguese.sent) == 1
    sms = notify_in_portuguese.sent[0]
    assert sms["to"] == E164 and sms["template_id"] == PT_SMS
    # The personalisation is the same in every language (MSG-1), and fills the template.
    fields = sms["personalisation"]
    assert set(fields) == FIELDS and fields["service_name"] == service.name
    assert sms["body"].startswith(f"Olá, daqui fala {service.name}.")
    assert fields["link"] in sms["body"] and fields["code"] in sms["body"]
    assert "((" not in sms["body"]
    # The reminder goes in Portuguese too.
    with time_machine.travel(at(start + timedelta(days=3), 10, 5), tick=True):
        outbox.run_once("w1")  # one pass of `manage.py run_worker`
    assert [n["template_id"] for n in notify_in_portuguese.sent] == [PT_SMS, PT_SMS_REMINDER]
    reminder = notify_in_portuguese.sent[1]
    link = reminder["personalisation"]["link"]
    assert reminder["body"] == f"Um lembrete de {service.name}: {link}"
    assert token_of(reminder["personalisation"]["link"]) != token_of(fields["link"])


def test_an_unapproved_language_outside_demo_mode_gets_the_english_text(
    notify_in_portuguese: FakeNotify,
    service: Service,
    clinician: StaffUser,
    settings: LazySettings,
) -> None:
    settings.DEMO_MODE = False
    settings.APPROVED_INTERFACE_LANGUAGES = []
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        episode = family_speaking(service, clinician, "pt", ChannelChoice.TEXT)
        outbox.schedule_t2(episode, start, actor=clinician)
        outbox.run_once("w1")  # one pass of `manage.py run_worker`
    sms = notify_in_portuguese.sent[0]
    assert sms["template_id"] == settings.NOTIFY_TEMPLATES["sms_invitation"]
    assert sms["body"].startswith(f"Hello from {service.name}.")
    assert set(sms["personalisation"]) == FIELDS


def test_without_a_portuguese_notify_template_the_english_one_is_used(
    notify: FakeNotify, service: Service, clinician: StaffUser, settings: LazySettings
) -> None:
    settings.DEMO_MODE = True
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        episode = family_speaking(service, clinician, "pt", ChannelChoice.TEXT)
        outbox.schedule_t2(episode, start, actor=clinician)
        outbox.run_once("w1")
    assert notify.sent[0]["template_id"] == settings.NOTIFY_TEMPLATES["sms_invitation"]


def test_an_approved_language_is_used_by_email_outside_demo_mode(
    smtp: Inbox,  # noqa: F811
    service: Service,
    clinician: StaffUser,
    settings: LazySettings,
) -> None:
    settings.DEMO_MODE = False
    settings.APPROVED_INTERFACE_LANGUAGES = ["pt"]
    day = timezone.localdate() + timedelta(days=1)
    with time_machine.travel(at(day, 10), tick=True):
        episode = family_speaking(service, clinician, "pt", ChannelChoice.EMAIL)
        outbox.schedule_t2(episode, day, actor=clinician)
        outbox.run_once("w1")
    mail = smtp.messages[0]
    assert mail["Subject"] == f"Algumas perguntas de {service.name}"
    body = mail.get_content()
    assert f"Olá, daqui fala {service.name}." in body
    assert "Use esta ligação" in body and "/p/" in body
    assert "Hello" not in body


def test_an_unapproved_language_by_email_outside_demo_mode_is_english(
    smtp: Inbox,  # noqa: F811
    service: Service,
    clinician: StaffUser,
    settings: LazySettings,
) -> None:
    settings.DEMO_MODE = False
    settings.APPROVED_INTERFACE_LANGUAGES = []
    day = timezone.localdate() + timedelta(days=1)
    with time_machine.travel(at(day, 10), tick=True):
        episode = family_speaking(service, clinician, "ar", ChannelChoice.EMAIL)
        outbox.schedule_t2(episode, day, actor=clinician)
        outbox.run_once("w1")
    mail = smtp.messages[0]
    assert mail["Subject"] == f"Some questions from {service.name}"
    assert f"Hello from {service.name}." in mail.get_content()
