"""Email through Django's SMTP backend to a real local SMTP server (aiosmtpd), with GOV.UK
Notify not configured; and the clinician's alert."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import LazySettings
from django.utils import timezone

from questionnaires.models import ChannelChoice, MessageState, OutboundMessage, Service, StaffUser
from questionnaires.services import contacts, outbox
from tests.messaging.test_outbox import Crash, crashing_after_send
from tests.questionnaires import factories


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        mail = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[attr-defined]
        assert isinstance(mail, EmailMessage)
        self.messages.append(mail)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(settings: LazySettings) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.NOTIFY_API_KEY = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield inbox
    controller.stop()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def emailed_episode(service: Service, clinician: StaffUser):  # type: ignore[no-untyped-def]
    episode = factories.episode(service, clinician)
    contacts.record_contact(
        episode, mobile="", email="parent@example.org", channel=ChannelChoice.EMAIL
    )
    return episode


def test_without_notify_the_invitation_goes_by_email(
    smtp: Inbox, service: Service, clinician: StaffUser
) -> None:
    day = timezone.localdate() + timedelta(days=1)
    with time_machine.travel(at(day, 10), tick=True):
        message = outbox.schedule_t2(emailed_episode(service, clinician), day, actor=clinician)
        outbox.run_once("w1")
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "parent@example.org"
    assert mail["Subject"] == f"Some questions from {service.name}"
    body = mail.get_content()
    assert "/p/" in body and "Call 01234 000000" in body
    message.refresh_from_db()
    assert message.state == MessageState.SENT and message.provider == "smtp"


def test_smtp_is_at_most_once_after_a_crash(
    smtp: Inbox, service: Service, clinician: StaffUser
) -> None:
    day = timezone.localdate() + timedelta(days=1)
    with time_machine.travel(at(day, 10), tick=True):
        message = outbox.schedule_t2(emailed_episode(service, clinician), day, actor=clinician)
        with pytest.raises(Crash):
            outbox.run_once("w1", senders=crashing_after_send)
    with time_machine.travel(at(day, 10, 10), tick=True):
        outbox.run_once("w2")
    assert len(smtp.messages) == 1
    message.refresh_from_db()
    assert message.state == MessageState.UNKNOWN


def test_smtp_down_leaves_the_message_queued(
    service: Service, clinician: StaffUser, settings: LazySettings
) -> None:
    settings.NOTIFY_API_KEY = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    day = timezone.localdate() + timedelta(days=1)
    with time_machine.travel(at(day, 10), tick=True):
        message = outbox.schedule_t2(emailed_episode(service, clinician), day, actor=clinician)
        outbox.run_once("w1")
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert message.attempts == 1 and message.note


def test_a_flagged_answer_alerts_the_clinician_without_personal_data(
    smtp: Inbox, service: Service, clinician: StaffUser
) -> None:
    clinician.email = "alice@nhs.example"
    clinician.save()
    episode = factories.episode(service, clinician, infant_age_days=200)
    factories.send(
        episode,
        "T1",
        {"asq_se2": factories.asq_answers(23)},
        concerns={"1"},
    )
    outbox.run_once("w1")
    outbox.run_once("w1")
    alerts = OutboundMessage.objects.filter(kind="alert")
    assert alerts.count() == 1
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "alice@nhs.example"
    body = mail.get_content()
    assert "A questionnaire needs your attention" in body
    assert episode.family.label not in body and episode.family.parent_name not in body
