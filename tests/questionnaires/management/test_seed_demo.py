"""The seed_demo command: idempotent, prints the entry points, and only runs in demo mode."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from questionnaires import demo
from questionnaires.models import (
    AuditEvent,
    Family,
    MatchReview,
    MatchStatus,
    ParentGroup,
    Response,
    ResponseStatus,
    StaffUser,
)
from questionnaires.roles import Role, roles_of
from questionnaires.selectors import entry


@pytest.mark.django_db
@override_settings(DEMO_MODE=True, SITE_BASE_URL="http://127.0.0.1:8000")
def test_seed_demo_is_idempotent_and_prints_entry_points(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("seed_demo")
    first = capsys.readouterr().out
    families_after_first = sorted(Family.objects.values_list("label", flat=True))
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert sorted(Family.objects.values_list("label", flat=True)) == families_after_first
    assert {f"DEMO-C0{n}" for n in range(1, 7)} <= set(families_after_first)
    entries = dict(line.split(": ", 1) for line in first.strip().splitlines())
    again = dict(line.split(": ", 1) for line in second.strip().splitlines())
    # Every run prints a fresh parent link (only link hashes are stored); the rest is stable.
    fresh = {"parent-link", "start-code"}
    assert all(entries[label] != again[label] for label in fresh)
    assert {k: v for k, v in entries.items() if k not in fresh} == {
        k: v for k, v in again.items() if k not in fresh
    }
    assert entries["staff-login"] == "http://127.0.0.1:8000/staff/login"
    assert entries["parent-link"].startswith("http://127.0.0.1:8000/p/")
    assert entries["group-join"] == f"http://127.0.0.1:8000/g/{entries['group-code']}"
    for label in ("clinician", "facilitator", "service-lead", "admin", "demo-password"):
        assert label in entries
    assert StaffUser.objects.filter(username__startswith="demo-").count() == 4
    lead = StaffUser.objects.get(username=entries["service-lead"])
    assert roles_of(lead) == {Role.SERVICE_LEAD}
    assert lead.check_password(entries["demo-password"])
    assert AuditEvent.objects.filter(action="staff.created").count() == 4
    # A finished group with start and end answers for each of its six parents.
    past = ParentGroup.objects.get(name=demo.PAST_GROUP)
    sent = Response.objects.filter(
        invitation__collection__group=past, status=ResponseStatus.SUBMITTED
    )
    assert sent.filter(invitation__timepoint="T1").count() == len(demo.PAST_PARENTS)
    assert sent.filter(invitation__timepoint="T2").count() == len(demo.PAST_PARENTS)
    assert entry.open_collection_by_code(entries["group-code"]) is not None
    # One parent came back by nickname and baby's date: her end answers wait for a facilitator.
    pending = MatchReview.objects.get(collection__group=past)
    assert pending.status == MatchStatus.PROVISIONAL and pending.decided_at is None
    assert pending.proposed is not None and pending.proposed.nickname == pending.nickname
    assert pending.invitation.response.status == ResponseStatus.SUBMITTED


@pytest.mark.django_db
def test_seed_demo_refuses_outside_demo_mode() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="only for demo mode"):
        call_command("seed_demo")
