"""The staff side of issue 14 through Django's test client: contact details (bad input refused
in plain words, nothing saved or sent), the end (T2) date, the overdue list, the caseload's
"new since you last looked", /healthz/worker, and the delivery status in words."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import LazySettings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.staff.contact_page import shown
from questionnaires.models import (
    AuditEvent,
    Contact,
    DeliveryStatus,
    MessageKind,
    MessageState,
    OutboundMessage,
    StaffUser,
    T2Plan,
)
from questionnaires.selectors.messaging import MessageRow
from questionnaires.services import contacts, invitations, outbox
from tests.conftest import sign_in
from tests.messaging.fake_notify import FakeNotify
from tests.questionnaires import factories


def _record(client: Client, family_id: object) -> str:
    url = reverse("staff:family_detail", kwargs={"family_id": family_id})
    return client.get(url).content.decode()


def test_an_invalid_mobile_is_refused_in_plain_words_and_nothing_is_saved(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    url = reverse("staff:contact_save", kwargs={"episode_id": episode.pk})
    answer = client.post(url, {"mobile": "01234 567890", "channel": "text"}, follow=True)
    assert answer.status_code == 200
    assert "Enter a UK mobile number, like 07700 900 982" in answer.content.decode()
    assert not Contact.objects.filter(episode=episode).exists()
    answer = client.post(url, {"mobile": "", "channel": "text"}, follow=True)
    assert "Enter a mobile number, or choose another way" in answer.content.decode()
    answer = client.post(url, {"email": "not-an-address", "channel": "email"}, follow=True)
    assert "Enter an email address, like name@example.com" in answer.content.decode()
    assert not Contact.objects.filter(episode=episode).exists()


def test_a_contact_is_saved_and_audited_without_the_number(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    url = reverse("staff:contact_save", kwargs={"episode_id": episode.pk})
    answer = client.post(url, {"mobile": "07911 123456", "channel": "text"}, follow=True)
    assert "Contact details saved." in answer.content.decode()
    contact = Contact.objects.get(episode=episode)
    assert contact.mobile == "+447911123456" and contact.channel == "text"
    assert contact.consent_at is not None
    event = AuditEvent.objects.get(action="contact.recorded")
    assert event.detail == {"channel": "text", "has_mobile": True, "has_email": False}
    assert 'value="+447911123456"' in _record(client, episode.family_id)


def test_the_t2_date_is_planned_by_default_editable_and_schedulable(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    default = episode.opened_on + timedelta(weeks=20)
    assert f'value="{default.isoformat()}"' in _record(client, episode.family_id)
    url = reverse("staff:t2_save", kwargs={"episode_id": episode.pk})
    later = timezone.localdate() + timedelta(days=30)
    client.post(url, {"planned_on": later.isoformat(), "action": "plan"})
    assert T2Plan.objects.get(episode=episode).planned_on == later
    assert not OutboundMessage.objects.exists()
    past = timezone.localdate() - timedelta(days=1)
    answer = client.post(url, {"planned_on": past.isoformat(), "action": "schedule"}, follow=True)
    assert "must be today or later" in answer.content.decode()
    assert not OutboundMessage.objects.exists()
    answer = client.post(url, {"planned_on": later.isoformat(), "action": "schedule"}, follow=True)
    message = OutboundMessage.objects.get()
    assert message.kind == MessageKind.T2 and message.state == MessageState.QUEUED
    assert timezone.localtime(message.due_at).date() == later
    page = answer.content.decode()
    assert "End (T2) link: <strong>Not sent yet: due" in page
    assert "Send the end (T2) link on this date" not in page  # scheduled once
    again = client.post(url, {"planned_on": later.isoformat(), "action": "schedule"}, follow=True)
    assert "already waiting to be sent" in again.content.decode()
    assert OutboundMessage.objects.count() == 1
    # A new date moves the waiting link with it.
    moved = later + timedelta(days=7)
    client.post(url, {"planned_on": moved.isoformat(), "action": "plan"})
    message.refresh_from_db()
    assert timezone.localtime(message.due_at).date() == moved


def test_a_facilitator_never_sees_contact_details(
    client: Client, clinician: StaffUser, facilitator: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    contacts.record_contact(episode, mobile="07911123456", email="", channel="text")
    sign_in(client, facilitator)
    assert client.get(reverse("staff:family_detail", args=[episode.family_id])).status_code == 403
    url = reverse("staff:contact_save", kwargs={"episode_id": episode.pk})
    assert client.post(url, {"mobile": "", "channel": "neither"}).status_code == 403
    assert Contact.objects.get(episode=episode).channel == "text"


def test_overdue_t2_lists_families_waiting_since_their_date(
    client: Client, clinician: StaffUser
) -> None:
    service = factories.service_of(clinician)
    waiting = factories.episode(service, clinician)
    contacts.plan_t2(waiting, timezone.localdate() - timedelta(days=5))
    not_yet = factories.episode(service, clinician)
    contacts.plan_t2(not_yet, timezone.localdate() + timedelta(days=5))
    sign_in(client, clinician)
    page = client.get(reverse("staff:overdue_t2")).content.decode()
    assert waiting.family.label in page and "5 days" in page
    assert not_yet.family.label not in page


def test_the_caseload_shows_answers_new_since_you_last_looked(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    first = client.get(reverse("staff:caseload")).content.decode()
    assert "New answers since you last looked" not in first
    factories.send(episode, "T1", {"asq_se2": factories.asq_answers(23)})
    second = client.get(reverse("staff:caseload")).content.decode()
    assert "New answers since you last looked" in second
    assert episode.family.label in second.split("New answers since you last looked")[1][:600]
    third = client.get(reverse("staff:caseload")).content.decode()
    assert "New answers since you last looked" not in third


def test_healthz_worker_reports_the_heartbeat_and_the_oldest_waiting_message(
    client: Client, clinician: StaffUser
) -> None:
    answer = client.get("/healthz/worker")
    assert answer.status_code == 503 and answer.json()["alive"] is False
    outbox.heartbeat("test-worker")
    episode = factories.episode(factories.service_of(clinician), clinician)
    outbox.enqueue(
        MessageKind.T2,
        "t2:health",
        episode.family,
        timezone.now() - timedelta(minutes=10),
    )
    body = client.get("/healthz/worker").json()
    assert body["alive"] is True
    assert body["seconds_since_heartbeat"] < 5
    assert 590 < body["oldest_waiting_seconds"] < 700


def test_a_closed_episode_loses_its_contact_details_on_the_next_pass(
    clinician: StaffUser,
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    contacts.record_contact(episode, mobile="07911123456", email="", channel="text")
    outbox.run_once("w1")
    assert Contact.objects.filter(episode=episode).exists()
    episode.closed_on = timezone.localdate()
    episode.save(update_fields=["closed_on"])  # no closing service yet: set as the admin would
    outbox.run_once("w1")
    assert not Contact.objects.filter(episode=episode).exists()
    assert AuditEvent.objects.filter(action="contact.removed").count() == 1


def _row(state: str, status: str = "") -> MessageRow:
    now = timezone.now()
    return MessageRow("t2", "sms", state, status, now, now, now, "", "T2")


def now_() -> datetime:
    return timezone.now()


def test_delivery_status_in_plain_words() -> None:
    delivered = shown(_row(MessageState.SENT, DeliveryStatus.DELIVERED))
    assert delivered.status.startswith("Text delivered ") and not delivered.problem
    failed = shown(_row(MessageState.SENT, DeliveryStatus.PERMANENT_FAILURE))
    assert failed.problem and "Check the mobile number" in failed.advice
    waiting = shown(_row(MessageState.QUEUED))
    assert waiting.status.startswith("Not sent yet")
    stopped = shown(MessageRow("reminder", "", "queued", "", now_(), None, None, "", "T2", "x"))
    assert stopped.status == "Not needed" and stopped.advice == "x"
    unknown = shown(_row(MessageState.UNKNOWN))
    assert unknown.problem and "Check with the parent" in unknown.advice


def test_a_link_planned_for_later_is_sent_when_its_day_comes(clinician: StaffUser) -> None:
    """The postnatal baseline's `available_from`: queued by the worker on that day, for a parent
    who agreed to messages (and only once)."""
    episode = factories.episode(factories.service_of(clinician), clinician)
    contacts.record_contact(episode, mobile="07911123456", email="", channel="text")

    later = invitations.issue_invitation(
        episode, "T1", available_from=timezone.localdate() + timedelta(days=3)
    ).invitation
    today = invitations.issue_invitation(
        episode, "T1", available_from=timezone.localdate()
    ).invitation
    assert outbox.plan_due_messages() == 1
    assert outbox.plan_due_messages() == 0
    assert OutboundMessage.objects.get().invitation == today
    assert not OutboundMessage.objects.filter(invitation=later).exists()


def test_contact_details_are_in_subject_access_but_never_in_an_export(
    client: Client, clinician: StaffUser
) -> None:
    from questionnaires.roles import Role
    from tests.conftest import make_staff

    service = factories.service_of(clinician)
    episode = factories.episode(service, clinician)
    contacts.record_contact(episode, mobile="07911123456", email="p@example.org", channel="text")
    factories.send(episode, "T1", {"asq_se2": factories.asq_answers(23)})
    sign_in(client, make_staff(service, "lee", Role.SERVICE_LEAD))
    sar = client.get(reverse("staff:subject_access_json", args=[episode.family_id]))
    assert "+447911123456" in sar.content.decode()
    for url in (
        reverse("staff:mhsds_csv"),
        reverse("staff:family_fhir", args=[episode.family_id]),
    ):
        answer = client.get(url)
        assert answer.status_code == 200
        body = answer.content.decode()
        assert body and "447911123456" not in body and "p@example.org" not in body


def test_a_permanent_failure_at_notify_tells_the_clinician_what_to_do(
    client: Client, clinician: StaffUser, notify: FakeNotify, settings: LazySettings
) -> None:
    notify.delivery_status = "permanent-failure"
    settings.MESSAGE_SEND_FROM_HOUR, settings.MESSAGE_SEND_UNTIL_HOUR = 0, 24
    episode = factories.episode(factories.service_of(clinician), clinician)
    contacts.record_contact(episode, mobile="07911123456", email="", channel="text")
    outbox.schedule_t2(episode, timezone.localdate(), actor=clinician)
    outbox.run_once("w1")
    t2 = OutboundMessage.objects.get(kind=MessageKind.T2)
    assert t2.delivery_status == "permanent-failure"
    sign_in(client, clinician)
    page = _record(client, episode.family_id)
    assert "End (T2) link: <strong>Text could not be delivered</strong>" in page
    assert "Check the mobile number or email address with the parent" in page


def test_notify_down_is_shown_as_not_sent_yet_never_an_error(
    client: Client, clinician: StaffUser, notify: FakeNotify, settings: LazySettings
) -> None:
    notify.down = True
    settings.MESSAGE_SEND_FROM_HOUR, settings.MESSAGE_SEND_UNTIL_HOUR = 0, 24
    episode = factories.episode(factories.service_of(clinician), clinician)
    contacts.record_contact(episode, mobile="07911123456", email="", channel="text")
    outbox.schedule_t2(episode, timezone.localdate(), actor=clinician)
    outbox.run_once("w1")
    sign_in(client, clinician)
    answer = client.get(reverse("staff:family_detail", args=[episode.family_id]))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "End (T2) link: <strong>Not sent yet</strong>" in page
    assert "It will be tried again." in page
