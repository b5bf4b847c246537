"""The audit trail (LOG-1, LOG-3): append-only in the app and, on PostgreSQL, in the database;
every event carries its service, its family and keyed hashes of the request's session and
client, never the raw values (LOG-2); sign-ins, sign-outs, failures and lockouts are recorded;
the polled group roster writes one row per session, group and window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import AuditEvent, ParentGroup, Programme, Service, StaffUser
from questionnaires.models.audit import AppendOnlyError
from questionnaires.services import audit, families, together_time
from tests.conftest import TEST_PASSWORD, sign_in
from tests.questionnaires import factories

ADDRESS = "203.0.113.42"


def _row_text(event: AuditEvent) -> str:
    """Everything stored in the event's row, as text."""
    return str(list(AuditEvent.objects.filter(pk=event.pk).values_list()))


# --- Append-only ------------------------------------------------------------------------------


def test_a_saved_event_cannot_be_changed_or_deleted_through_the_app(service: Service) -> None:
    """LOG-3: the model refuses a second save and a delete; querysets refuse bulk changes."""
    event = audit.record("family.viewed", None, service)
    event.action = "nothing.happened"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    events = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AppendOnlyError):
        events.update(action="nothing.happened")
    with pytest.raises(AppendOnlyError):
        events.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "family.viewed"


def test_staff_with_audit_events_cannot_be_deleted(clinician: StaffUser) -> None:
    """LOG-3: the actor is PROTECTed: staff are deactivated, never deleted, so the trail keeps
    who did what (no cascade, and no SET NULL that would rewrite the row)."""
    audit.record("family.viewed", clinician, clinician)
    with pytest.raises(ProtectedError):
        clinician.delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigger is PostgreSQL's; .ci/run runs the whole suite on PostgreSQL as well",
)
def test_the_database_refuses_update_and_delete_on_postgresql(service: Service) -> None:
    """LOG-3: even SQL that goes round the app cannot change or remove an event."""
    event = audit.record("family.viewed", None, service)
    table = AuditEvent._meta.db_table
    for sql in (
        f"UPDATE {table} SET action = 'nothing.happened' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "family.viewed"


# --- What every event carries -----------------------------------------------------------------


def test_events_carry_hashed_session_and_client_never_the_raw_values(
    clinician: StaffUser,
) -> None:
    """LOG-3 and LOG-2: a keyed hash of the session key and of the client address; neither the
    key nor the address appears anywhere in the row."""
    episode = factories.episode(factories.service_of(clinician), clinician)
    client = Client(REMOTE_ADDR=ADDRESS)
    sign_in(client, clinician)
    url = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    assert client.get(url).status_code == 200
    session_key = client.session.session_key
    assert session_key
    event = AuditEvent.objects.get(action="family.viewed")
    assert event.session_hash == audit.hash_session(session_key)
    assert event.client_hash == audit.hash_client(ADDRESS)
    assert len(event.session_hash) == len(event.client_hash) == 64
    row = _row_text(event)
    assert session_key not in row
    assert ADDRESS not in row
    # Who, when, which service, which record and which family.
    assert event.actor == clinician
    assert event.at is not None
    assert event.service_id == clinician.service_id
    assert (event.object_type, event.object_id) == ("questionnaires.Family", str(episode.family_id))
    assert event.family_id == episode.family_id


def test_events_outside_a_request_have_no_session_or_client(service: Service) -> None:
    event = audit.record("service.checked", None, service)
    assert (event.session_hash, event.client_hash) == ("", "")
    assert event.service_id == service.pk


def test_events_about_a_familys_records_name_its_family_and_service(
    clinician: StaffUser,
) -> None:
    """A parent's events (no actor) reach their service through the family: from what is
    loaded, else one query."""
    issued, response = factories.invited_response(factories.service_of(clinician), clinician)
    family = issued.invitation.episode.family
    for action in ("invitation.issued", "response.started"):
        event = AuditEvent.objects.get(action=action)
        assert event.family_id == family.pk, action
        assert event.service_id == family.service_id, action
    bare = type(response).objects.get(pk=response.pk)  # nothing loaded beside it
    event = audit.record("answer.saved", None, bare, item="1")
    assert (event.family_id, event.service_id) == (family.pk, family.service_id)
    assert event.actor is None


def test_group_events_name_their_service(service: Service, facilitator: StaffUser) -> None:
    group = together_time.create_group(service, "Tuesday group", date(2026, 4, 14), 8, "", [])
    collection = together_time.open_collection(group, "T1", facilitator)
    for action in ("group.created", "collection.opened"):
        assert AuditEvent.objects.get(action=action).service_id == service.pk
    joined = together_time.join_start(collection, "Maryam", "mother", date.today())
    event = AuditEvent.objects.get(action="group.joined")
    assert event.family_id == joined.participant.family_id
    assert event.service_id == service.pk


# --- Sign-in ----------------------------------------------------------------------------------


def _sign_in_form(client: Client, username: str, password: str) -> int:
    response = client.post(reverse("staff:login"), {"username": username, "password": password})
    return response.status_code


def test_sign_in_and_sign_out_are_recorded_with_the_new_session(clinician: StaffUser) -> None:
    """LOG-1: signing in replaces the session key; the event carries the new one's hash."""
    client = Client(REMOTE_ADDR=ADDRESS)
    assert _sign_in_form(client, clinician.username, TEST_PASSWORD) == 302
    signed_in = AuditEvent.objects.get(action="staff.signed_in")
    session_key = client.session.session_key
    assert session_key
    assert signed_in.actor == clinician
    assert signed_in.service_id == clinician.service_id
    assert signed_in.session_hash == audit.hash_session(session_key)
    assert signed_in.client_hash == audit.hash_client(ADDRESS)
    client.post(reverse("staff:logout"))
    signed_out = AuditEvent.objects.get(action="staff.signed_out")
    assert signed_out.actor == clinician
    assert signed_out.session_hash == signed_in.session_hash  # the session that ended
    assert TEST_PASSWORD not in _row_text(signed_in) + _row_text(signed_out)


def test_a_failed_sign_in_keeps_neither_the_password_nor_the_username(
    clinician: StaffUser,
) -> None:
    """LOG-1 and LOG-2: a failure at a real account is the account's service's event; the typed
    username only as a keyed hash (it may be a password typed in the wrong box)."""
    client = Client(REMOTE_ADDR=ADDRESS)
    wrong = "wrong-password-typed-here"
    assert _sign_in_form(client, clinician.username, wrong) == 200
    assert _sign_in_form(client, "nobody-called-this", wrong) == 200
    known, unknown = AuditEvent.objects.filter(action="staff.sign_in_failed").order_by("at")
    assert known.actor is None
    assert (known.object_type, known.object_id) == ("questionnaires.StaffUser", str(clinician.pk))
    assert known.service_id == clinician.service_id
    assert known.detail == {"username_hash": audit.hash_username(clinician.username)}
    assert unknown.service_id is None and unknown.object_id == ""
    assert known.client_hash == audit.hash_client(ADDRESS)
    for event in (known, unknown):
        row = _row_text(event)
        assert wrong not in row and "nobody-called-this" not in row and ADDRESS not in row


def test_a_lockout_is_recorded(clinician: StaffUser) -> None:
    """LOG-1: django-axes's lockout (AUTH-2) goes into the trail, as the account's event."""
    client = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _sign_in_form(client, clinician.username, "wrong-password-typed-here")
    locked = AuditEvent.objects.filter(action="staff.locked_out")
    assert locked.exists()
    event = locked.first()
    assert event is not None
    assert event.service_id == clinician.service_id
    assert event.detail == {"username_hash": audit.hash_username(clinician.username)}
    assert "wrong-password-typed-here" not in _row_text(event)


# --- The polled roster ------------------------------------------------------------------------


def test_the_roster_writes_one_row_per_session_group_and_ten_minutes(
    service: Service, facilitator: StaffUser
) -> None:
    """The group page polls its roster every 5 seconds: a row per window, not per poll."""
    group = together_time.create_group(service, "Tuesday group", date(2026, 4, 14), 8, "", [])
    other = together_time.create_group(service, "Thursday group", date(2026, 4, 16), 8, "", [])
    start = timezone.now().replace(minute=0, second=1, microsecond=0) + timedelta(hours=1)
    laptop, phone = "laptop-session-key", "phone-session-key"

    def poll(session_key: str, which: ParentGroup = group) -> None:
        token = audit.bind_request(ADDRESS, lambda: session_key)
        try:
            audit.record_roster_view(facilitator, which)
        finally:
            audit.unbind_request(token)

    def rows() -> int:
        return AuditEvent.objects.filter(action="roster.viewed").count()

    with time_machine.travel(start, tick=False) as clock:
        for _ in range(120):  # ten minutes of polls, every 5 seconds
            poll(laptop)
            clock.shift(timedelta(seconds=5))
        assert rows() == 1
        poll(laptop)  # the next window
        assert rows() == 2
        poll(phone)  # another session: its own row
        poll(laptop, other)  # another group: its own row
        assert rows() == 4
        poll(phone)
        poll(laptop, other)
        assert rows() == 4
    assert set(
        AuditEvent.objects.filter(action="roster.viewed").values_list("actor", flat=True)
    ) == {facilitator.pk}


def test_opening_an_episode_names_its_family(
    clinician: StaffUser,
) -> None:
    family = factories.family(factories.service_of(clinician))
    episode = families.open_episode(family, Programme.PSYCHOTHERAPY, date.today(), clinician)
    event = AuditEvent.objects.get(action="episode.opened")
    assert (event.object_id, event.family_id) == (str(episode.pk), family.pk)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_is_the_one_the_proxy_saw(clinician: StaffUser) -> None:
    """AUTH-5: the trail's client is the one client_address() finds, the same the lockout and
    rate limits count, not the proxy's address."""
    client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _sign_in_form(client, clinician.username, TEST_PASSWORD) == 302
    event = AuditEvent.objects.get(action="staff.signed_in")
    assert event.client_hash == audit.hash_client("198.51.100.7")
    assert "198.51.100.7" not in _row_text(event) and "10.0.0.5" not in _row_text(event)
