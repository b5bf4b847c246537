"""The outbox and worker against the local GOV.UK Notify (tests/messaging/fake_notify.py) with
the official client, on the test database (SQLite here, PostgreSQL in CI)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import LazySettings
from django.utils import timezone

from questionnaires import credentials
from questionnaires.messaging.base import Outgoing, Receipt, Sender
from questionnaires.models import (
    AuditEvent,
    ChannelChoice,
    Episode,
    Invitation,
    MessageState,
    OutboundMessage,
    Service,
    StaffUser,
)
from questionnaires.services import contacts, outbox, responses
from tests.messaging.fake_notify import FakeNotify
from tests.questionnaires import factories

MOBILE = "07911 123456"
E164 = "+447911123456"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def base_day() -> date:
    return timezone.localdate() + timedelta(days=1)


def texted_episode(service: Service, clinician: StaffUser) -> Episode:
    episode = factories.episode(service, clinician)
    contacts.record_contact(
        episode, mobile=MOBILE, email="", channel=ChannelChoice.TEXT, actor=clinician
    )
    return episode


def token_of(link: str) -> str:
    return link.rsplit("/p/", 1)[1]


def test_a_scheduled_t2_is_sent_on_its_date_to_notify(
    notify: FakeNotify, service: Service, clinician: StaffUser
) -> None:
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        episode = texted_episode(service, clinician)
        message = outbox.schedule_t2(episode, start + timedelta(days=10), actor=clinician)
        outbox.run_once("w1")
        assert notify.sent == []  # not its day yet
    with time_machine.travel(at(start + timedelta(days=10), 7), tick=True):
        outbox.run_once("w1")
        assert notify.sent == []  # its day, but never before the daytime window
    with time_machine.travel(at(start + timedelta(days=10), 9, 1), tick=True):
        outbox.run_once("w1")
        outbox.run_once("w1")  # a second pass sends nothing more
    assert len(notify.sent) == 1
    sms = notify.sent[0]
    assert sms["to"] == E164
    assert sms["reference"] == f"t2:{message.invitation_id}"
    assert notify.rejected_tokens == 0
    fields = sms["personalisation"]
    # MSG-1: nothing but the service, the link, the code and the contact line.
    assert set(fields) == {"service_name", "link", "code", "code_url", "contact_line"}
    assert episode.family.label not in str(fields) and "Maryam" not in str(fields)
    assert fields["service_name"] == service.name
    assert fields["contact_line"] == "Call 01234 000000"
    # The link in the text is the invitation's current one; the code is its code.
    invitation = Invitation.objects.get(messages=message)
    assert invitation.token_hash == credentials.credential_hash(token_of(fields["link"]))
    code = credentials.normalise_code(fields["code"])
    assert invitation.short_code_hash == credentials.credential_hash(code)
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert message.provider == "notify" and message.channel == "sms"
    # The status is fetched from Notify.
    with time_machine.travel(at(start + timedelta(days=10), 9, 5), tick=True):
        outbox.run_once("w1")
    message.refresh_from_db()
    assert message.delivery_status == "delivered"
    # Audited, with no number and no content.
    events = AuditEvent.objects.filter(action__startswith="message.", family_id=episode.family_id)
    assert {"message.queued", "message.sent", "message.status"} <= {e.action for e in events}
    for event in events:
        assert E164 not in str(event.detail) and "http" not in str(event.detail)


def test_reminders_follow_on_the_configured_days_and_stop_when_the_parent_sends(
    notify: FakeNotify, service: Service, clinician: StaffUser, settings: LazySettings
) -> None:
    settings.MESSAGE_REMINDER_DAYS = (3, 7)
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        episode = texted_episode(service, clinician)
        message = outbox.schedule_t2(episode, start, actor=clinician)
        outbox.run_once("w1")
        assert len(notify.sent) == 1
    with time_machine.travel(at(start + timedelta(days=2), 12), tick=True):
        outbox.run_once("w1")
        assert len(notify.sent) == 1  # not yet
    with time_machine.travel(at(start + timedelta(days=3), 10, 5), tick=True):
        outbox.run_once("w1")
    assert len(notify.sent) == 2
    reminder = notify.sent[1]
    assert reminder["reference"] == f"reminder:{message.invitation_id}:1"
    assert reminder["template_id"] == settings.NOTIFY_TEMPLATES["sms_reminder"]
    # The parent opens the newest link and sends their answers.
    invitation = Invitation.objects.get(messages=message)
    with time_machine.travel(at(start + timedelta(days=4), 11), tick=True):
        response = responses.open_response(invitation)
        responses.record_consent(response, True)
        responses.submit_response(response)
    with time_machine.travel(at(start + timedelta(days=7), 10, 5), tick=True):
        outbox.run_once("w1")
    assert len(notify.sent) == 2  # the second reminder stopped
    second = OutboundMessage.objects.get(idempotency_key=f"reminder:{invitation.pk}:2")
    assert second.state == MessageState.CANCELLED
    assert second.note == "The answers were sent."


def test_opting_out_stops_waiting_messages_at_once(
    notify: FakeNotify, service: Service, clinician: StaffUser
) -> None:
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        episode = texted_episode(service, clinician)
        message = outbox.schedule_t2(episode, start + timedelta(days=1), actor=clinician)
        contacts.record_contact(
            episode, mobile=MOBILE, email="", channel=ChannelChoice.NEITHER, actor=clinician
        )
    with time_machine.travel(at(start + timedelta(days=1), 10), tick=True):
        outbox.run_once("w1")
    assert notify.sent == []
    message.refresh_from_db()
    assert message.state == MessageState.CANCELLED


class Crash(BaseException):
    """The worker process dies: nothing after this line of the worker runs."""


def crashing_after_send(provider: str) -> Sender:
    real = outbox.sender_for(provider)

    class Crashing:
        name = real.name
        can_look_up = real.can_look_up

        def send(self, message: Outgoing) -> Receipt:
            real.send(message)
            raise Crash

        def find(self, reference: str) -> Receipt | None:
            return real.find(reference)

        def status(self, provider_id: str) -> Receipt | None:
            return real.status(provider_id)

    return Crashing()


def test_a_crash_between_hand_over_and_record_does_not_send_twice(
    notify: FakeNotify, service: Service, clinician: StaffUser
) -> None:
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        episode = texted_episode(service, clinician)
        message = outbox.schedule_t2(episode, start, actor=clinician)
        with pytest.raises(Crash):
            outbox.run_once("w1", senders=crashing_after_send)
    assert len(notify.sent) == 1
    message.refresh_from_db()
    assert message.state == MessageState.HANDED_OVER and message.handed_over_at is not None
    # Another worker, once the dead worker's lease has run out, finds it at Notify by reference.
    with time_machine.travel(at(start, 10, 10), tick=True):
        outbox.run_once("w2")
        outbox.run_once("w2")
    assert len(notify.sent) == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert message.provider_id == notify.sent[0]["id"]


def test_notify_down_leaves_the_message_queued_and_retried_with_back_off(
    notify: FakeNotify, service: Service, clinician: StaffUser
) -> None:
    start = base_day()
    notify.down = True
    with time_machine.travel(at(start, 10), tick=True):
        episode = texted_episode(service, clinician)
        message = outbox.schedule_t2(episode, start, actor=clinician)
        outbox.run_once("w1")
    message.refresh_from_db()
    assert message.state == MessageState.HANDED_OVER  # looked up at Notify before any resend
    assert message.attempts == 1
    assert message.next_attempt_at > at(start, 10)
    with time_machine.travel(at(start, 10) + timedelta(seconds=10), tick=True):
        outbox.run_once("w1")
    message.refresh_from_db()
    assert message.attempts == 1  # back-off: not tried again yet
    notify.down = False
    with time_machine.travel(at(start, 10, 5), tick=True):
        outbox.run_once("w1")
    assert len(notify.sent) == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT


def test_two_workers_claim_disjoint_rows(
    notify: FakeNotify, service: Service, clinician: StaffUser
) -> None:
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        for _ in range(4):
            outbox.schedule_t2(texted_episode(service, clinician), start, actor=clinician)
        first = {m.pk for m in outbox.claim("a", limit=3)}
        second = {m.pk for m in outbox.claim("b", limit=3)}
    assert len(first) == 3 and len(second) == 1
    assert not first & second


def test_an_invalid_mobile_is_refused(service: Service, clinician: StaffUser) -> None:
    episode = factories.episode(service, clinician)
    for bad in ("020 7946 0000", "12345", "not a number", "+33 6 12 34 56 78"):
        with pytest.raises(contacts.InvalidMobile):
            contacts.record_contact(episode, mobile=bad, email="", channel="text")


def test_an_unexpected_error_after_hand_over_does_not_send_twice(
    notify: FakeNotify, service: Service, clinician: StaffUser
) -> None:
    def breaking(provider: str) -> Sender:
        real = outbox.sender_for(provider)

        class Breaking:
            name = real.name
            can_look_up = real.can_look_up

            def send(self, message: Outgoing) -> Receipt:
                real.send(message)
                raise ValueError("a bug after Notify took the message")

            def find(self, reference: str) -> Receipt | None:
                return real.find(reference)

            def status(self, provider_id: str) -> Receipt | None:
                return real.status(provider_id)

        return Breaking()

    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        message = outbox.schedule_t2(texted_episode(service, clinician), start, actor=clinician)
        outbox.run_once("w1", senders=breaking)  # the worker carries on
    message.refresh_from_db()
    assert message.state == MessageState.HANDED_OVER and message.attempts == 1
    with time_machine.travel(at(start, 10, 10), tick=True):
        outbox.run_once("w1")
    assert len(notify.sent) == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT


def test_with_notify_an_email_choice_goes_as_a_notify_email(
    notify: FakeNotify, service: Service, clinician: StaffUser, settings: LazySettings
) -> None:
    start = base_day()
    with time_machine.travel(at(start, 10), tick=True):
        episode = factories.episode(service, clinician)
        contacts.record_contact(
            episode, mobile=MOBILE, email="parent@example.org", channel=ChannelChoice.EMAIL
        )
        outbox.schedule_t2(episode, start, actor=clinician)
        outbox.run_once("w1")
    assert [(n["type"], n["to"]) for n in notify.sent] == [("email", "parent@example.org")]
    assert notify.sent[0]["template_id"] == settings.NOTIFY_TEMPLATES["email_invitation"]
