"""MSG-5: a service lead sets the service's reminder days, most reminders, sending hours and
psychotherapy's T2 weeks on /staff/messaging-settings; the worker and the T2 plan follow them;
bad input is refused in plain words; the change is audited."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import time_machine
from django.conf import LazySettings
from django.test import Client
from django.utils import timezone

from questionnaires.models import (
    AuditEvent,
    ChannelChoice,
    MessageKind,
    MessagingSettings,
    OutboundMessage,
    Service,
    StaffUser,
)
from questionnaires.roles import Role
from questionnaires.selectors import messaging as messaging_reads
from questionnaires.selectors.messaging_settings import for_service
from questionnaires.services import contacts, outbox
from tests.conftest import make_staff, sign_in
from tests.messaging.fake_notify import FakeNotify
from tests.questionnaires import factories

URL = "/staff/messaging-settings"
GOOD = {
    "reminder_days": "2, 5, 9",
    "max_reminders": "3",
    "send_from_hour": "10",
    "send_until_hour": "18",
    "t2_weeks": "12",
}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def lead_client(service: Service) -> tuple[Client, StaffUser]:
    lead = make_staff(service, "lee", Role.SERVICE_LEAD)
    client = Client()
    sign_in(client, lead)
    return client, lead


def test_the_page_shows_the_site_defaults_until_the_lead_saves(
    service: Service, settings: LazySettings
) -> None:
    settings.MESSAGE_REMINDER_DAYS = (3, 7)
    client, _lead = lead_client(service)
    page = client.get(URL).content.decode()
    assert 'value="3, 7"' in page and 'id="using-defaults"' in page
    assert for_service(service).days_due == (3, 7) and not for_service(service).customised


def test_a_lead_saves_settings_and_the_change_is_audited(service: Service) -> None:
    client, lead = lead_client(service)
    answer = client.post(URL, GOOD, follow=True)
    assert answer.status_code == 200
    assert "Reminder settings saved." in answer.content.decode()
    chosen = for_service(service)
    assert chosen.customised and chosen.days_due == (2, 5, 9)
    assert (chosen.send_from_hour, chosen.send_until_hour, chosen.t2_weeks) == (10, 18, 12)
    event = AuditEvent.objects.get(action="messaging_settings.changed")
    assert event.actor == lead and event.service_id == service.pk
    assert event.detail["reminder_days"] == "2,5,9"
    # Saving again changes one thing: the event names only that.
    client.post(URL, GOOD | {"t2_weeks": "14"})
    latest = AuditEvent.objects.filter(action="messaging_settings.changed").latest("at")
    assert latest.detail["fields"] == "t2_weeks"
    assert MessagingSettings.objects.count() == 1


def test_bad_settings_are_refused_in_plain_words_and_nothing_is_saved(service: Service) -> None:
    client, _lead = lead_client(service)
    cases = [
        ({"reminder_days": "7, 3"}, "Put the reminder days in order, smallest first"),
        ({"reminder_days": "0, 3"}, "Reminder days must be 1 or more"),
        ({"reminder_days": "three"}, "whole numbers separated by commas"),
        ({"reminder_days": "1, 2, 3, 4"}, "Enter at most 3 reminder days"),
        ({"max_reminders": "4"}, "between 0 and 3"),
        ({"reminder_days": "3", "max_reminders": "2"}, "Enter a reminder day for each reminder"),
        ({"send_from_hour": "6"}, "between 7 (7am) and 21 (9pm)"),
        ({"send_until_hour": "22"}, "between 7 (7am) and 21 (9pm)"),
        ({"send_from_hour": "18", "send_until_hour": "10"}, "must end after they start"),
        ({"t2_weeks": "0"}, "between 1 and 104"),
        ({"t2_weeks": "x"}, "whole number of weeks"),
    ]
    for change, words in cases:
        answer = client.post(URL, GOOD | change)
        assert answer.status_code == 400, change
        assert words in answer.content.decode(), change
    assert not MessagingSettings.objects.exists()
    assert not AuditEvent.objects.filter(action="messaging_settings.changed").exists()


def test_clinicians_may_not_change_settings(service: Service, clinician: StaffUser) -> None:
    client = Client()
    sign_in(client, clinician)
    assert client.post(URL, GOOD).status_code == 403
    assert not MessagingSettings.objects.exists()


def test_the_worker_follows_the_services_days_hours_and_number(
    notify: FakeNotify, service: Service, clinician: StaffUser
) -> None:
    client, _lead = lead_client(service)
    client.post(URL, GOOD | {"reminder_days": "2, 4", "max_reminders": "1"})
    start = timezone.localdate() + timedelta(days=1)
    with time_machine.travel(at(start, 9), tick=True):  # before this service's 10:00
        episode = factories.episode(service, clinician)
        contacts.record_contact(
            episode, mobile="07911 123456", email="", channel=ChannelChoice.TEXT, actor=clinician
        )
        outbox.schedule_t2(episode, start, actor=clinician)
        outbox.run_once("w1")
        assert notify.sent == []
    with time_machine.travel(at(start, 10, 1), tick=True):
        outbox.run_once("w1")
    assert len(notify.sent) == 1
    reminders = OutboundMessage.objects.filter(kind=MessageKind.REMINDER)
    assert reminders.count() == 1  # at most one, as set
    due = timezone.localtime(reminders.get().due_at)
    assert due.date() == start + timedelta(days=2)
    # Psychotherapy's T2 date follows the service's weeks.
    assert messaging_reads.default_t2_date(episode) == episode.opened_on + timedelta(weeks=12)


def test_another_service_keeps_the_site_defaults(service: Service, settings: LazySettings) -> None:
    settings.T2_DEFAULT_WEEKS = 20
    client, _lead = lead_client(service)
    client.post(URL, GOOD)
    other = Service.objects.create(name="Hillside")
    assert for_service(other).t2_weeks == 20 and not for_service(other).customised
