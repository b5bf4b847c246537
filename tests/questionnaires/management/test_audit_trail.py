"""`manage.py audit_trail --family LABEL` (LOG-3): who saw or changed a family, and when, one
event a line with the time in Europe/London, for a breach report."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from questionnaires.models import LoafPart, Service, StaffUser, Timepoint
from questionnaires.services import (
    audit,
    families,
    invitations,
    loaf_ratings,
    responses,
    together_time,
)
from tests.questionnaires import factories

LONDON = ZoneInfo("Europe/London")


def _trail(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("audit_trail", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_trail_lists_everyone_who_saw_or_changed_the_family(
    clinician: StaffUser, colleague: StaffUser, facilitator: StaffUser
) -> None:
    service = factories.service_of(clinician)
    with time_machine.travel(datetime(2026, 7, 1, 9, 30, tzinfo=LONDON), tick=False):
        episode = factories.episode(service, clinician)
        family = episode.family
        issued = invitations.issue_invitation(episode, Timepoint.T1, clinician)
        response = responses.open_response(issued.invitation)
        invitations.record_entry(issued.invitation, "link")
    with time_machine.travel(datetime(2026, 12, 1, 14, 5, tzinfo=LONDON), tick=False):
        audit.record_view(audit.Read.FAMILY_VIEWED, colleague, family)
        audit.record_view(audit.Read.FAMILY_REPORT_DOWNLOADED, colleague, family)
        audit.record_view(audit.Read.PARENT_COPY_DOWNLOADED, None, response)
        audit.record_caseload_view(colleague, [family], 1, False)
        loaf_ratings.record_loaf(episode, Timepoint.T1, LoafPart.B, 2, date(2026, 12, 1), clinician)
    other = factories.episode(service, clinician)
    audit.record_view(audit.Read.FAMILY_VIEWED, facilitator, other.family)

    lines = _trail("--family", family.label)
    assert lines[0] == f"Audit trail of family {family.label} in {service.name}"
    events = lines[2:-1]
    assert lines[-1] == f"{len(events)} events."
    actions = [line.split("  ")[2] for line in events]
    for expected in (
        "family.registered",
        "episode.opened",
        "invitation.issued",
        "response.started",
        "invitation.entered",
        "family.viewed",
        "family.report_downloaded",
        "response.copy_downloaded",
        "caseload.viewed",
        "loaf.recorded",
    ):
        assert expected in actions, expected
    # Oldest first, in UK time: summer (BST) then winter (GMT).
    assert events[0].startswith("2026-07-01 09:30:00 BST  ")
    assert events[-1].startswith("2026-12-01 14:05:00 GMT  ")
    viewed = next(line for line in events if "  family.viewed  " in line)
    assert f"  {colleague.username}  family.viewed  " in viewed
    assert f"Family {family.pk}" in viewed
    entered = next(line for line in events if "  invitation.entered  " in line)
    assert "no staff user" in entered and f"Invitation {issued.invitation.pk}" in entered
    # Nothing about another family.
    text = "\n".join(lines)
    assert facilitator.username not in text and str(other.family_id) not in text
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (BST|GMT)  ", line) for line in events)


def test_the_trail_follows_answers_linked_from_the_match_queue(
    service: Service, facilitator: StaffUser
) -> None:
    """End answers that came by nickname and baby's date were written on a temporary family;
    once a facilitator links them, they are this family's, and so is their history."""
    group = together_time.create_group(service, "Tuesday group", date(2026, 4, 14), 8, "", [])
    start = together_time.open_collection(group, Timepoint.T1, facilitator)
    baby = date(2026, 6, 1)
    joined = together_time.join_start(start, "Maryam", "mother", baby)
    end = together_time.open_collection(group, Timepoint.T2, facilitator)
    invitation = together_time.return_by_details(end, "Maryam", "mother", baby)
    together_time.confirm_match(invitation.match_review, joined.participant, facilitator)
    audit.record_roster_view(facilitator, group)

    events = _trail("--family", joined.participant.family.label)[2:-1]
    actions = [line.split("  ")[2] for line in events]
    for expected in (
        "group.joined",
        "group.match_queued",
        "group.match_confirmed",
        "roster.viewed",
    ):
        assert expected in actions, expected


def test_an_unknown_label_or_service_is_an_error(clinician: StaffUser) -> None:
    with pytest.raises(CommandError, match="No family has the label"):
        _trail("--family", "RV-NOPE")
    family = factories.family(factories.service_of(clinician))
    with pytest.raises(CommandError, match="No service is called"):
        _trail("--family", family.label, "--service", "Nowhere")


def test_a_label_in_two_services_needs_the_service(
    clinician: StaffUser, outsider: StaffUser
) -> None:
    mine = factories.family(factories.service_of(clinician))
    families.register_family(
        factories.service_of(outsider),
        label=mine.label,
        parent_name="Zainab",
        relationship="mother",
    )
    with pytest.raises(CommandError, match="give --service"):
        _trail("--family", mine.label)
    lines = _trail("--family", mine.label, "--service", factories.service_of(clinician).name)
    assert factories.service_of(clinician).name in lines[0]
    assert "Zainab" not in "\n".join(lines)
    assert len(lines[2:-1]) == 1  # its registration
