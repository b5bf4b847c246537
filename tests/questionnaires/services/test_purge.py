"""RET-1, DATA-8: `manage.py purge` removes each kind of record past its retention period
(questionnaires.retention), keeps one exactly at its limit, changes nothing on a dry run,
deletes nothing on a second run, never touches an in-progress response younger than its limit,
and never deletes clinical records. Time is frozen; the purge runs at NOW.

On PostgreSQL the audit trail's trigger judges age by the database's real clock: NOW lies
before the real date, so anything the purge finds old is older still for the trigger."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from questionnaires.models import (
    AuditEvent,
    Episode,
    Family,
    Invitation,
    RateLimitBucket,
    Response,
    ResponseStatus,
    StaffUser,
    Timepoint,
)
from questionnaires.models.audit import AppendOnlyError
from questionnaires.retention import RULES, Kind, rule
from questionnaires.selectors.retention import keep_clinical_until
from questionnaires.services import audit, families, invitations, purge, responses, together_time
from tests.questionnaires import factories

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

Exists = Callable[[], bool]


def _at(when: datetime, make: Callable[[], Exists]) -> Exists:
    with time_machine.travel(when, tick=False):
        return make()


def _abandoned(clinician: StaffUser) -> Callable[[datetime], Exists]:
    """An in-progress response last saved at `when`; its link expired long before NOW."""

    def build(when: datetime) -> Exists:
        def make() -> Exists:
            _, response = factories.invited_response(factories.service_of(clinician), clinician)
            return Response.objects.filter(pk=response.pk).exists

        return _at(when, make)

    return build


def _declined(clinician: StaffUser) -> Callable[[datetime], Exists]:
    def build(when: datetime) -> Exists:
        def make() -> Exists:
            _, response = factories.invited_response(factories.service_of(clinician), clinician)
            responses.record_consent(response, False)
            assert response.status == ResponseStatus.DECLINED
            return Response.objects.filter(pk=response.pk).exists

        return _at(when, make)

    return build


def _unopened_link(clinician: StaffUser) -> Callable[[datetime], Exists]:
    """A link issued so that it expired exactly at `when`, never opened."""

    def build(when: datetime) -> Exists:
        def make() -> Exists:
            episode = factories.episode(factories.service_of(clinician), clinician)
            issued = invitations.issue_invitation(episode, Timepoint.T1, clinician, valid_days=7)
            return Invitation.objects.filter(pk=issued.invitation.pk).exists

        return _at(when - timedelta(days=7), make)

    return build


def _unlinked_join(clinician: StaffUser) -> Callable[[datetime], Exists]:
    """A group join at `when` whose parent never sent anything."""

    def build(when: datetime) -> Exists:
        def make() -> Exists:
            service = factories.service_of(clinician)
            group = together_time.create_group(service, "Tuesdays", when.date(), 8, actor=clinician)
            collection = together_time.open_collection(group, Timepoint.T1, clinician)
            joined = together_time.join_start(collection, "Sam", "mother", date(2026, 1, 5))
            responses.open_response(joined.invitation)
            return Family.objects.filter(pk=joined.participant.family_id).exists

        return _at(when, make)

    return build


def _session(when: datetime) -> Exists:
    key = f"s{when.timestamp():.0f}".ljust(32, "x")
    Session.objects.create(session_key=key, session_data="", expire_date=when)
    return Session.objects.filter(session_key=key).exists


def _bucket(when: datetime) -> Exists:
    bucket = RateLimitBucket.objects.create(key=f"{when.timestamp():.0f}", tokens=3, updated=when)
    return RateLimitBucket.objects.filter(pk=bucket.pk).exists


AxesModel = type[AccessAttempt] | type[AccessLog] | type[AccessFailureLog]


def _axes(model: AxesModel) -> Callable[[datetime], Exists]:
    def build(when: datetime) -> Exists:
        def make() -> Exists:
            username = f"kim{when.timestamp():.0f}"
            fields: dict[str, object] = {
                "user_agent": "x",
                "ip_address": "192.0.2.1",
                "username": username,
            }
            if model is AccessAttempt:
                fields |= {"get_data": "", "post_data": "", "failures_since_start": 1}
            row = model.objects.create(**fields)
            return model.objects.filter(pk=row.pk).exists

        return _at(when, make)

    return build


def _audit_event(when: datetime) -> Exists:
    def make() -> Exists:
        event = audit.record("test.old_event")
        return AuditEvent.objects.filter(pk=event.pk).exists

    return _at(when, make)


def _builders(clinician: StaffUser) -> dict[Kind, Callable[[datetime], Exists]]:
    return {
        Kind.ABANDONED: _abandoned(clinician),
        Kind.DECLINED: _declined(clinician),
        Kind.UNOPENED_LINKS: _unopened_link(clinician),
        Kind.UNLINKED_JOINS: _unlinked_join(clinician),
        Kind.SESSIONS: _session,
        Kind.RATE_LIMITS: _bucket,
        Kind.SIGN_IN_ATTEMPTS: _axes(AccessAttempt),
        Kind.SIGN_IN_LOGS: _axes(AccessLog),
        Kind.SIGN_IN_FAILURES: _axes(AccessFailureLog),
        Kind.AUDIT_EVENTS: _audit_event,
    }


def _purge(*args: str) -> list[str]:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("purge", *args, stdout=out)
    return out.getvalue().splitlines()


def _line(lines: list[str], kind: Kind) -> str:
    return next(line for line in lines if line.startswith(f"{rule(kind).name}:"))


DELETED_KINDS = [r.kind for r in RULES if r.kind is not Kind.CLINICAL_RECORDS]


@pytest.mark.parametrize("kind", DELETED_KINDS, ids=str)
def test_each_kind_keeps_the_boundary_day_and_deletes_one_day_over(
    kind: Kind, clinician: StaffUser
) -> None:
    """RET-1: exactly at the limit is kept; a day over goes, on --apply only, and only once."""
    days = rule(kind).period
    period = f"{days} day" if days == 1 else f"{days} days"  # "1 day", never "1 days"
    limit = NOW - timedelta(days=days)
    at_limit = _builders(clinician)[kind](limit)
    over = _builders(clinician)[kind](limit - timedelta(days=1))

    dry = _purge()
    assert dry[0] == "Dry run: nothing deleted. Run with --apply to delete."
    assert _line(dry, kind) == f"{rule(kind).name}: 1 to delete (older than {period})"
    assert at_limit() and over()

    applied = _purge("--apply")
    assert _line(applied, kind) == f"{rule(kind).name}: 1 deleted (older than {period})"
    assert at_limit() and not over()

    again = _purge("--apply")
    assert _line(again, kind) == f"{rule(kind).name}: 0 deleted (older than {period})"
    assert at_limit()


def test_dry_run_deletes_nothing_and_apply_records_one_audit_event_of_counts(
    clinician: StaffUser,
) -> None:
    """RET-1, LOG-2: each run writes one event, counts only."""
    old = NOW - timedelta(days=400)
    kept = [build(old) for kind, build in _builders(clinician).items() if kind != Kind.AUDIT_EVENTS]
    before = {model: model.objects.count() for model in (Response, Invitation, Family, Session)}

    with time_machine.travel(NOW, tick=False):
        report = purge.run(apply=False)
    assert all(exists() for exists in kept)
    assert {m: m.objects.count() for m in before} == before
    assert report.count(Kind.ABANDONED) == 1 and report.count(Kind.UNLINKED_JOINS) == 1
    checked = AuditEvent.objects.filter(action="records.purge_checked").get()
    assert checked.detail["applied"] is False
    assert checked.detail["counts"]["abandoned"] == 1
    assert set(checked.detail) == {"applied", "counts"}

    with time_machine.travel(NOW, tick=False):
        purge.run(apply=True)
    assert not any(exists() for exists in kept)
    purged = AuditEvent.objects.filter(action="records.purged").get()
    assert purged.detail["counts"]["unlinked_joins"] == 1
    assert all(isinstance(n, int) for n in purged.detail["counts"].values())


def test_an_in_progress_response_younger_than_its_limit_survives(clinician: StaffUser) -> None:
    """RET-1, DATA-1: a parent's unsent answers, saved a day inside the limit (link expired),
    are kept; so are answers with a link that still works, however old."""
    days = rule(Kind.ABANDONED).period
    recent = _abandoned(clinician)(NOW - timedelta(days=days - 1))
    with time_machine.travel(NOW - timedelta(days=days + 30), tick=False):
        _, still_open = factories.invited_response(factories.service_of(clinician), clinician)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        assert still_open.invitation is not None
        invitations.resend_invitation(still_open.invitation, clinician)  # works until NOW + 27

    with time_machine.travel(NOW, tick=False):
        report = purge.run(apply=True)
    assert report.count(Kind.ABANDONED) == 0
    assert recent() and Response.objects.filter(pk=still_open.pk).exists()


def test_a_saved_answer_makes_an_old_response_current_again(clinician: StaffUser) -> None:
    """DATA-1: every save stamps its response, so a parent answering today is never purged."""
    days = rule(Kind.ABANDONED).period
    with time_machine.travel(NOW - timedelta(days=days + 10), tick=False):
        _, response = factories.invited_response(factories.service_of(clinician), clinician)
    measure = response.measures.first()
    assert measure is not None
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        responses.save_answer(measure, "1", "6")
    with time_machine.travel(NOW, tick=False):
        assert purge.run(apply=True).count(Kind.ABANDONED) == 0
    assert Response.objects.filter(pk=response.pk).exists()


def test_a_join_with_sent_answers_is_never_junk(clinician: StaffUser) -> None:
    old = NOW - timedelta(days=rule(Kind.UNLINKED_JOINS).period + 30)
    with time_machine.travel(old, tick=False):
        service = factories.service_of(clinician)
        group = together_time.create_group(service, "Weds", old.date(), 8, actor=clinician)
        collection = together_time.open_collection(group, Timepoint.T1, clinician)
        joined = together_time.join_start(collection, "Ana", "mother", date(2025, 4, 5))
        response = responses.open_response(joined.invitation)
        responses.submit_response(response)
    with time_machine.travel(NOW, tick=False):
        assert purge.run(apply=True).count(Kind.UNLINKED_JOINS) == 0
    assert Family.objects.filter(pk=joined.participant.family_id).exists()


def test_clinical_records_are_counted_and_never_deleted(clinician: StaffUser) -> None:
    """RET-1: a family past its keep-until date is reported for review, not deleted."""
    service = factories.service_of(clinician)
    born = date(2000, 3, 1)
    family = families.register_family(
        service, label="RV-OLD", parent_name="Jo", relationship="mother", infant_dob=born
    )
    episode = families.open_episode(family, "psychotherapy", date(2000, 6, 1), clinician)
    Episode.objects.filter(pk=episode.pk).update(closed_on=date(2001, 1, 1))

    with time_machine.travel(datetime(2025, 3, 1, 12, tzinfo=UTC), tick=False):
        assert purge.run(apply=True).count(Kind.CLINICAL_RECORDS) == 0  # the 25th birthday
    with time_machine.travel(datetime(2025, 3, 2, 12, tzinfo=UTC), tick=False):
        report = purge.run(apply=True)
    assert report.count(Kind.CLINICAL_RECORDS) == 1
    line = next(x for x in report.lines if x.rule.kind is Kind.CLINICAL_RECORDS)
    assert "kept: purge never deletes these" in line.words(applied=True)
    assert Family.objects.filter(pk=family.pk).exists()
    assert Episode.objects.filter(pk=episode.pk).exists()


@pytest.mark.parametrize(
    ("born", "ended", "keep_until"),
    [
        (date(2026, 1, 10), date(2026, 9, 1), date(2051, 1, 10)),  # a baby: 25th birthday
        (date(2000, 1, 10), date(2017, 1, 9), date(2025, 1, 10)),  # 16 when care ended
        (date(2000, 1, 10), date(2017, 1, 10), date(2026, 1, 10)),  # 17: the 26th birthday
        (date(2024, 2, 29), date(2024, 6, 1), date(2049, 3, 1)),  # a leap-day birthday
    ],
)
def test_keep_until_follows_the_records_code_for_children(
    born: date, ended: date, keep_until: date
) -> None:
    assert keep_clinical_until(born, ended, settings.RETENTION_CLINICAL_AGE_YEARS) == keep_until


def test_audit_events_younger_than_eight_years_cannot_be_removed(clinician: StaffUser) -> None:
    """LOG-3, RET-1: the one delete path refuses a cut-off inside eight years, and the table
    still refuses a plain delete."""
    event = audit.record("test.event")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.remove_older_than(timezone.now())
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_postgresql_trigger_refuses_deleting_a_recent_event_whoever_sends_it(
    clinician: StaffUser,
) -> None:
    """LOG-3: the database itself allows DELETE only for events older than eight years."""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    from django.db import DatabaseError, transaction

    recent = audit.record("test.recent")
    with time_machine.travel(datetime.now(UTC) - timedelta(days=2923), tick=False):
        old = audit.record("test.old")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM questionnaires_auditevent WHERE id = %s", [recent.pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM questionnaires_auditevent WHERE id = %s", [old.pk])
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
