"""The audit page (LOG-3): a service lead or administrator answers "who saw or changed this
family, when" for their own service only, with filters, pages and a CSV whose cells cannot run
as formulas (INJ-2), at a fixed number of queries. Refused staff requests, and reads of the
caseload, the group roster and the match queue, are in the trail (LOG-1)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.staff.audit_views import EVENTS_PER_PAGE, spreadsheet_safe
from questionnaires.models import (
    AuditEvent,
    Family,
    GroupCollection,
    ParentGroup,
    Service,
    StaffUser,
)
from questionnaires.roles import Role
from questionnaires.services import audit, invitations, together_time
from tests.conftest import ClientResponse, make_staff, sign_in
from tests.portal.staff.conftest import BABY
from tests.questionnaires import factories

LONDON = ZoneInfo("Europe/London")
AUDIT_URL = reverse("staff:audit")


@pytest.fixture
def lead(service: Service) -> StaffUser:
    return make_staff(service, "lena", Role.SERVICE_LEAD)


@pytest.fixture
def administrator(service: Service) -> StaffUser:
    return make_staff(service, "adam", Role.ADMIN)


@pytest.fixture
def other_lead(other_service: Service) -> StaffUser:
    return make_staff(other_service, "olga", Role.SERVICE_LEAD)


def _page(client: Client, **query: str) -> str:
    response = client.get(AUDIT_URL, query)
    assert response.status_code == 200
    return response.content.decode()


def _csv(client: Client, **query: str) -> list[list[str]]:
    response: ClientResponse = client.get(AUDIT_URL, {**query, "download": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- Who may see it ---------------------------------------------------------------------------


def test_leads_and_administrators_see_the_page_and_the_link_to_it(
    client: Client, lead: StaffUser, administrator: StaffUser
) -> None:
    for user in (lead, administrator):
        sign_in(client, user)
        assert AUDIT_URL in client.get(reverse("staff:home")).content.decode()
        assert "<h1>Audit trail</h1>" in _page(client)


def test_other_roles_are_refused_and_the_refusal_is_recorded(
    client: Client, clinician: StaffUser, facilitator: StaffUser
) -> None:
    """LOG-1: a 403 on a staff page is an audit event: who, which page, from which session."""
    for user in (clinician, facilitator):
        sign_in(client, user)
        assert AUDIT_URL not in client.get(reverse("staff:home")).content.decode()
        assert client.get(AUDIT_URL).status_code == 403
        event = AuditEvent.objects.filter(action="request.denied", actor=user).get()
        assert event.detail == {"view": "staff:audit", "method": "GET"}
        assert event.service_id == user.service_id
        assert event.session_hash == audit.hash_session(client.session.session_key)


def test_a_refused_request_names_the_record_its_address_named(
    client: Client, facilitator: StaffUser, clinician: StaffUser, lead: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, facilitator)
    url = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    assert client.get(url).status_code == 403
    event = AuditEvent.objects.get(action="request.denied")
    assert (event.object_type, event.object_id) == ("questionnaires.Family", str(episode.family_id))
    assert event.detail["view"] == "staff:family_detail"
    # The lead finds it under the family.
    sign_in(client, lead)
    assert "request.denied" in _page(client, family=episode.family.label)


def test_another_services_lead_sees_none_of_it(
    client: Client, clinician: StaffUser, other_lead: StaffUser
) -> None:
    """AZ-2: only the lead's own service's events, on the page and in the CSV."""
    episode = factories.episode(factories.service_of(clinician), clinician)
    audit.record_view(audit.Read.FAMILY_VIEWED, clinician, episode.family)
    sign_in(client, other_lead)
    page = _page(client)
    assert episode.family.label not in page and clinician.username not in page
    rows = _csv(client)
    assert {row[1] for row in rows[1:]} <= {other_lead.username, ""}  # their own sign-in etc.
    assert clinician.username not in str(rows) and episode.family.label not in str(rows)
    assert str(episode.family_id) not in str(rows)
    # Their label filter does not reach another service's family either.
    assert "No family in your service has this label" in _page(client, family=episode.family.label)


# --- Filters and pages ------------------------------------------------------------------------


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def test_the_filters_find_who_saw_or_changed_a_family_and_when(
    client: Client, clinician: StaffUser, colleague: StaffUser, lead: StaffUser
) -> None:
    service = factories.service_of(clinician)
    first, second = date(2026, 3, 2), date(2026, 3, 9)
    with time_machine.travel(_at(first), tick=False):
        mine = factories.episode(service, clinician)
        theirs = factories.episode(service, colleague)
        issued = invitations.issue_invitation(mine, "T1", clinician)
    with time_machine.travel(_at(second), tick=False):
        audit.record_view(audit.Read.FAMILY_VIEWED, colleague, mine.family)
        audit.record_caseload_view(colleague, [theirs.family, mine.family], 1, False)
        audit.record_view(audit.Read.FAMILY_VIEWED, clinician, theirs.family)
    sign_in(client, lead)

    # By family: the family, its episode and link, and the caseload page that listed it.
    rows = _csv(client, family=mine.family.label.lower())
    found = {(row[1], row[3], row[5]) for row in rows[1:]}
    assert ("", "family.registered", str(mine.family_id)) in found
    assert (clinician.username, "episode.opened", str(mine.pk)) in found
    assert (clinician.username, "invitation.issued", str(issued.invitation.pk)) in found
    assert (colleague.username, "family.viewed", str(mine.family_id)) in found
    assert (colleague.username, "caseload.viewed", "") in found
    assert str(theirs.family_id) not in {row[5] for row in rows[1:]}

    # By member of staff and by action.
    rows = _csv(client, user=str(colleague.pk), action="family.viewed")
    assert [(row[1], row[5]) for row in rows[1:]] == [(colleague.username, str(mine.family_id))]

    # By dates, in UK time, both days included.
    day = {"since_day": "9", "since_month": "3", "since_year": "2026"}
    rows = _csv(client, **day, until_day="9", until_month="3", until_year="2026")
    assert {row[3] for row in rows[1:]} == {"family.viewed", "caseload.viewed"}
    rows = _csv(client, until_day="2", until_month="3", until_year="2026")
    assert "family.viewed" not in {row[3] for row in rows[1:]}
    assert rows[1][0].startswith("2026-03-02 12:00:00")

    page = _page(client, family=mine.family.label, user=str(colleague.pk))
    assert "2 events" in page


def test_invalid_filters_say_what_to_fix(client: Client, lead: StaffUser) -> None:
    sign_in(client, lead)
    page = _page(client, family="RV-9999")
    assert "There is a problem" in page and "No family in your service has this label" in page
    page = _page(
        client,
        since_day="9",
        since_month="3",
        since_year="2026",
        until_day="2",
        until_month="3",
        until_year="2026",
    )
    assert "must be the same as or after" in page
    assert _page(client, action="made.up").count("Select what happened from the list") == 2


def _events(service: Service, actor: StaffUser, count: int) -> Family:
    family = factories.family(service)
    for _ in range(count):
        audit.record_view(audit.Read.FAMILY_VIEWED, actor, family)
    return family


def test_events_come_in_pages_newest_first(
    client: Client, clinician: StaffUser, lead: StaffUser
) -> None:
    _events(factories.service_of(clinician), clinician, EVENTS_PER_PAGE * 2 + 5)
    sign_in(client, lead)
    first = _page(client)
    total = AuditEvent.objects.filter(service=clinician.service).count() - 1  # this page's own
    assert f"Events 1 to {EVENTS_PER_PAGE} of {total}" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    last = _page(client, page="3")
    assert f"of {total + 1}" in last and 'rel="next"' not in last
    kept = _page(client, action="family.viewed", page="2")
    assert "?action=family.viewed&amp;page=3" in kept


def test_the_page_makes_the_same_queries_for_10_and_300_events(
    client: Client, clinician: StaffUser, lead: StaffUser
) -> None:
    service = factories.service_of(clinician)
    sign_in(client, lead)
    family = _events(service, clinician, 10)
    client.get(AUDIT_URL)  # the session settles

    def queries(**query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(AUDIT_URL, query).status_code == 200
        return len(captured)

    few = queries()
    few_by_family = queries(family=family.label)
    _events(service, clinician, 290)
    assert queries() == few
    assert queries(family=family.label) == few_by_family
    print(f"audit page queries: {few}; with a family filter: {few_by_family}")
    assert few <= 16, few


# --- CSV --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("alice", "alice"),
        ("", ""),
        (None, ""),
    ],
)
def test_cells_that_would_run_as_formulas_are_neutralised(value: str | None, safe: str) -> None:
    """INJ-2: = + - @ tab or CR at the start gets a leading apostrophe."""
    assert spreadsheet_safe(value) == safe


def test_the_csv_neutralises_formulas_from_names(
    client: Client, service: Service, lead: StaffUser
) -> None:
    """INJ-2: a name chosen to be a formula arrives as text."""
    sly = make_staff(service, "-sly", Role.CLINICIAN)
    sly.first_name = "=cmd|' /C calc'!A0"
    sly.save(update_fields=["first_name"])
    family = factories.family(service)
    audit.record_view(audit.Read.FAMILY_VIEWED, sly, family)
    sign_in(client, lead)
    rows = _csv(client, action="family.viewed")
    assert rows[0][:4] == ["Time (Europe/London)", "Username", "Name", "Action"]
    assert rows[1][1] == "'-sly"
    assert rows[1][2].startswith("'=cmd")
    assert rows[1][6] == family.label


# --- Reading the trail is audited -------------------------------------------------------------


def test_viewing_and_downloading_the_trail_are_audited_without_the_typed_text(
    client: Client, clinician: StaffUser, lead: StaffUser
) -> None:
    family = factories.family(factories.service_of(clinician))
    sign_in(client, lead)
    _page(client, family=family.label.lower())
    viewed = AuditEvent.objects.get(action="audit.viewed")
    assert viewed.actor == lead and viewed.service_id == lead.service_id
    assert viewed.detail["filters"]["families"] == [str(family.pk)]
    assert viewed.detail["count"] == 1  # the family's registration
    assert family.label.lower() not in str(viewed.detail)
    _csv(client)
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor == lead
    assert exported.detail["count"] == AuditEvent.objects.filter(service=lead.service).count() - 1


# --- The caseload, the roster and the match queue ---------------------------------------------


def test_the_caseload_records_which_families_it_listed(
    client: Client, clinician: StaffUser
) -> None:
    shown = factories.family(factories.service_of(clinician))
    sign_in(client, clinician)
    assert client.get(reverse("staff:caseload"), {"q": "secret search"}).status_code == 200
    event = AuditEvent.objects.get(action="caseload.viewed")
    assert event.actor == clinician and event.service_id == clinician.service_id
    assert event.detail == {"families": [], "page": 1, "filtered": True}
    assert "secret search" not in str(event.detail)
    client.get(reverse("staff:caseload"))
    latest = AuditEvent.objects.filter(action="caseload.viewed").order_by("-at").first()
    assert latest is not None and latest.detail["families"] == [str(shown.pk)]


def test_the_group_page_and_its_polls_write_one_roster_row(
    fran: Client, group: ParentGroup, start: GroupCollection, facilitator: StaffUser
) -> None:
    """The group page polls its roster every 5 seconds: one `roster.viewed` per session, group
    and 10-minute window, however many polls."""
    together_time.join_start(start, "Maryam", "mother", BABY)
    detail = reverse("groups:detail", kwargs={"group_id": group.pk})
    roster = reverse("groups:roster", kwargs={"group_id": group.pk})
    window_start = datetime.now(LONDON).replace(minute=0, second=1, microsecond=0)
    with time_machine.travel(window_start + timedelta(hours=1), tick=False) as clock:
        sign_in(fran, facilitator)  # signed in at the travelled-to time, so never idle here
        assert fran.get(detail).status_code == 200
        for _ in range(100):
            clock.shift(timedelta(seconds=5))
            assert fran.get(roster).status_code == 200
        assert AuditEvent.objects.filter(action="roster.viewed").count() == 1
        clock.shift(timedelta(minutes=2))
        fran.get(roster)
    events = AuditEvent.objects.filter(action="roster.viewed")
    assert events.count() == 2
    assert {(e.actor_id, e.object_id) for e in events} == {(facilitator.pk, str(group.pk))}


def test_the_match_queue_is_recorded(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    assert fran.get(reverse("groups:matches", kwargs={"group_id": group.pk})).status_code == 200
    event = AuditEvent.objects.get(action="matches.viewed")
    assert (event.object_type, event.object_id) == ("questionnaires.ParentGroup", str(group.pk))
