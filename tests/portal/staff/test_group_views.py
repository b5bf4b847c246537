"""The facilitator's group pages (journey 2): setting up and changing groups, room codes on a
projector and a poster, and the live roster. Access is AZ-2/AZ-3/AZ-4, audit LOG-1, codes
LINK-4."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pytest_django import Settings

from questionnaires.models import (
    AuditEvent,
    GroupCollection,
    MatchReview,
    MatchStatus,
    ParentGroup,
    ScoreRecord,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.roles import Role
from questionnaires.selectors import entry
from questionnaires.services import responses, together_time
from tests.conftest import make_staff, sign_in
from tests.questionnaires import factories

BABY = timezone.localdate() - timedelta(days=150)


PRFQ_ALL_SIX = {str(i): "6" for i in range(1, 19)}


MORS_WARM = {str(i): ("5" if i in (1, 3, 4, 6, 8, 11, 13) else "0") for i in range(1, 15)}


def _signed_in(user: StaffUser) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _group_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Thursday Together Time",
        "venue": "Hill Street Family Hub",
        "start_date_day": "7",
        "start_date_month": "5",
        "start_date_year": "2026",
        "sessions": "10",
    }
    data.update(overrides)
    return data


def _url(name: str, group: ParentGroup, **kwargs: Any) -> str:
    return reverse(f"groups:{name}", kwargs={"group_id": group.pk, **kwargs})


def _submit(joined: together_time.Joined) -> None:
    response = responses.open_response(joined.invitation)
    responses.record_consent(response, True)
    factories.answer_all(response, {"prfq": PRFQ_ALL_SIX, "mors_sf": MORS_WARM})
    responses.submit_response(response)


def test_facilitator_sets_up_a_group_and_is_its_facilitator_by_default(
    fran: Client, facilitator: StaffUser, service: Service
) -> None:
    form = fran.get(reverse("groups:new")).content.decode()
    # The creator's own box starts ticked.
    assert re.search(rf'value="{facilitator.pk}"\s+checked', form)
    response = fran.post(reverse("groups:new"), {**_group_data(), "facilitators": [facilitator.pk]})
    group = ParentGroup.objects.get(name="Thursday Together Time")
    assert response.status_code == 302
    assert response["Location"] == _url("detail", group)
    assert group.service == service
    assert group.start_date == date(2026, 5, 7) and group.sessions == 10
    assert list(group.facilitators.all()) == [facilitator]
    assert AuditEvent.objects.filter(action="group.created", actor=facilitator).exists()


def test_setting_up_a_group_says_what_to_fix(fran: Client) -> None:
    response = fran.post(reverse("groups:new"), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    for message in (
        "Enter the group name",
        "Enter the start date",
        "Enter the number of sessions",
        "Select at least one facilitator",
    ):
        assert message in page
    assert 'href="#id_facilitators"' in page and 'id="id_facilitators"' in page
    assert ParentGroup.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sessions": "0"}, "Number of sessions must be a whole number from 1 to 52"),
        ({"sessions": "53"}, "Number of sessions must be a whole number from 1 to 52"),
        ({"sessions": "six"}, "Number of sessions must be a whole number from 1 to 52"),
        ({"start_date_month": ""}, "Start date must include a month"),
        ({"start_date_day": "31", "start_date_month": "2"}, "Start date must be a real date"),
        ({"name": "x" * 121}, "Group name must be 120 characters or fewer"),
    ],
)
def test_group_form_messages(
    fran: Client, facilitator: StaffUser, overrides: dict[str, str], message: str
) -> None:
    data = {**_group_data(**overrides), "facilitators": [facilitator.pk]}
    page = fran.post(reverse("groups:new"), data).content.decode()
    assert message in page
    assert "Invalid" not in page and "please" not in page.lower()
    # What was typed stays in the form.
    assert 'value="Hill Street Family Hub"' in page
    assert ParentGroup.objects.count() == 0


def test_only_facilitators_of_the_same_service_can_be_chosen(
    fran: Client, clinician: StaffUser, other_service: Service
) -> None:
    elsewhere = make_staff(other_service, "gwen", Role.FACILITATOR)
    form = fran.get(reverse("groups:new")).content.decode()
    # The facilitator boxes only: alice may be offered as the lead clinician, further down.
    boxes = form.split("Facilitators</legend>", 1)[1].split("</fieldset>", 1)[0]
    assert "gwen" not in form and "alice" not in boxes  # alice is a clinician, not a facilitator
    for chosen in (elsewhere, clinician):
        page = fran.post(
            reverse("groups:new"), {**_group_data(), "facilitators": [chosen.pk]}
        ).content.decode()
        assert "Select facilitators from the list" in page
    assert ParentGroup.objects.count() == 0


def test_changing_a_group_keeps_what_it_had(
    fran: Client, group: ParentGroup, facilitator: StaffUser, service: Service
) -> None:
    form = fran.get(_url("edit", group)).content.decode()
    assert 'value="Tuesday Together Time"' in form
    assert 'name="start_date_day" type="text" inputmode="numeric" value="14"' in form
    assert 'name="start_date_year" type="text" inputmode="numeric" value="2026"' in form
    gina = make_staff(service, "gina", Role.FACILITATOR)
    data = {**_group_data(sessions="12"), "facilitators": [facilitator.pk, gina.pk]}
    response = fran.post(_url("edit", group), data)
    assert response.status_code == 302 and response["Location"] == _url("detail", group)
    group.refresh_from_db()
    assert group.name == "Thursday Together Time" and group.sessions == 12
    assert set(group.facilitators.all()) == {facilitator, gina}


def test_handing_a_group_over_goes_back_to_the_list(
    fran: Client, group: ParentGroup, service: Service
) -> None:
    gina = make_staff(service, "gina", Role.FACILITATOR)
    response = fran.post(_url("edit", group), {**_group_data(), "facilitators": [gina.pk]})
    assert response["Location"] == reverse("groups:list")
    page = fran.get(reverse("groups:list")).content.decode()
    assert "You are no longer a facilitator of this group." in page


@pytest.fixture
def ginas_group(service: Service) -> ParentGroup:
    gina = make_staff(service, "gina", Role.FACILITATOR)
    return together_time.create_group(
        service, "Friday Together Time", date(2026, 4, 17), 8, "", [gina]
    )


def test_facilitator_sees_only_their_own_groups(
    fran: Client, group: ParentGroup, ginas_group: ParentGroup
) -> None:
    page = fran.get(reverse("groups:list")).content.decode()
    assert "Tuesday Together Time" in page and "Friday Together Time" not in page
    assert fran.get(_url("detail", ginas_group)).status_code == 404


def test_clinician_sees_every_group_in_their_service(
    clinician: StaffUser, group: ParentGroup, ginas_group: ParentGroup
) -> None:
    client = _signed_in(clinician)
    page = client.get(reverse("groups:list")).content.decode()
    assert "Tuesday Together Time" in page and "Friday Together Time" in page
    assert client.get(_url("detail", ginas_group)).status_code == 200


def test_staff_without_a_group_role_are_refused(service: Service, group: ParentGroup) -> None:
    nobody = make_staff(service, "nobody")
    assert _signed_in(nobody).get(reverse("groups:list")).status_code == 403
    anonymous = Client().get(_url("detail", group))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/staff/login")


def _every_url(group: ParentGroup, collection: GroupCollection, review: MatchReview) -> list[Any]:
    c, r = {"collection_id": collection.pk}, {"review_id": review.pk}
    return [
        ("get", _url("detail", group)),
        ("get", _url("edit", group)),
        ("post", _url("edit", group)),
        ("get", _url("roster", group)),
        ("get", _url("room", group, **c)),
        ("get", _url("poster", group, **c)),
        ("get", _url("matches", group)),
        ("post", _url("open", group)),
        ("post", _url("close", group, **c)),
        ("post", _url("rotate", group, **c)),
        ("post", _url("match_confirm", group, **r)),
        ("post", _url("match_reject", group, **r)),
    ]


def test_another_services_group_is_not_found(
    group: ParentGroup, start: GroupCollection, review: MatchReview, other_service: Service
) -> None:
    for user in (
        make_staff(other_service, "charlie", Role.CLINICIAN),
        make_staff(other_service, "gwen", Role.FACILITATOR),
        make_staff(other_service, "olive", Role.SERVICE_LEAD, Role.ADMIN),
    ):
        client = _signed_in(user)
        for method, url in _every_url(group, start, review):
            response = getattr(client, method)(url, {"timepoint": "T1"})
            assert response.status_code == 404, (user.username, method, url)
    start.refresh_from_db()
    review.refresh_from_db()
    assert start.closed_at is None and review.status == MatchStatus.PROVISIONAL


def test_a_group_someone_else_facilitates_is_not_found(
    group: ParentGroup, start: GroupCollection, review: MatchReview, service: Service
) -> None:
    client = _signed_in(make_staff(service, "gina", Role.FACILITATOR))
    for method, url in _every_url(group, start, review):
        assert getattr(client, method)(url, {"timepoint": "T1"}).status_code == 404, url


def test_a_collection_of_another_group_is_not_found_under_this_one(
    fran: Client, group: ParentGroup, service: Service, facilitator: StaffUser
) -> None:
    mine_too = together_time.create_group(
        service, "Second", date(2026, 4, 14), 8, "", [facilitator]
    )
    other = together_time.open_collection(mine_too, Timepoint.T1)
    assert fran.get(_url("room", group, collection_id=other.pk)).status_code == 404
    assert fran.post(_url("close", group, collection_id=other.pk)).status_code == 404


def test_open_close_and_new_code_are_post_only(
    fran: Client, group: ParentGroup, start: GroupCollection, review: MatchReview
) -> None:
    for name, kwargs in (
        ("open", {}),
        ("close", {"collection_id": start.pk}),
        ("rotate", {"collection_id": start.pk}),
        ("match_confirm", {"review_id": review.pk}),
        ("match_reject", {"review_id": review.pk}),
    ):
        assert fran.get(_url(name, group, **kwargs)).status_code == 405, name


def test_facilitator_opens_rotates_and_closes_a_collection(
    fran: Client, group: ParentGroup, facilitator: StaffUser
) -> None:
    page = fran.get(_url("detail", group)).content.decode()
    assert "Not opened yet." in page and "Open start collection (T1)" in page

    response = fran.post(_url("open", group), {"timepoint": "T1"})
    assert response.status_code == 302 and response["Location"] == _url("detail", group)
    collection = GroupCollection.objects.get(group=group)
    assert collection.timepoint == Timepoint.T1 and collection.opened_by == facilitator
    page = fran.get(_url("detail", group)).content.decode()
    assert " ".join(collection.code) in page
    assert _url("room", group, collection_id=collection.pk) in page
    assert _url("poster", group, collection_id=collection.pk) in page
    # A shared tablet: the parent side keeps no device cookie and offers "the next parent".
    assert f'href="/g/{collection.code}?shared=1">Use a shared tablet' in page

    old = collection.code
    fran.post(_url("rotate", group, collection_id=collection.pk))
    collection.refresh_from_db()
    assert collection.code != old
    assert entry.open_collection_by_code(old) is None
    assert entry.open_collection_by_code(collection.code) == collection

    fran.post(_url("close", group, collection_id=collection.pk))
    collection.refresh_from_db()
    assert collection.closed_at is not None
    assert entry.open_collection_by_code(collection.code) is None
    page = fran.get(_url("detail", group)).content.decode()
    assert "Its code no longer works." in page and "Open again with a new code" in page

    # A closed collection gets no new code: it would not work anyway.
    fran.post(_url("rotate", group, collection_id=collection.pk))
    collection.refresh_from_db()
    assert collection.code_hash is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"collection.opened", "collection.code_rotated", "collection.closed"} <= actions


def test_an_unknown_timepoint_is_a_bad_request(fran: Client, group: ParentGroup) -> None:
    assert fran.post(_url("open", group), {"timepoint": "T3"}).status_code == 400
    assert fran.post(_url("open", group), {}).status_code == 400
    assert not GroupCollection.objects.exists()


def test_room_page_shows_the_code_and_qr_and_nobody(
    fran: Client, group: ParentGroup, start: GroupCollection, settings: Settings
) -> None:
    settings.SITE_BASE_URL = "https://portal.example.nhs.uk"
    together_time.join_start(start, "Maryam", "mother", BABY)
    together_time.join_start(start, "Zofia", "mother", BABY)
    page = fran.get(_url("room", group, collection_id=start.pk)).content.decode()
    assert " ".join(start.code) in page
    assert "<svg" in page and 'aria-label="QR code to join the group"' in page
    assert f"https://portal.example.nhs.uk/g/{start.code}" in page
    assert "Or go to <strong" in page and "https://portal.example.nhs.uk/start" in page
    assert "Tuesday Together Time" in page
    # A shared screen: no names, no roster, no family records.
    assert "Maryam" not in page and "Zofia" not in page
    assert "TT-" not in page and "/staff/families/" not in page
    event = AuditEvent.objects.get(action="collection.room_shown")
    assert event.object_id == str(start.pk) and event.actor is not None


def test_room_page_says_plainly_when_the_code_no_longer_works(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    code = start.code
    together_time.close_collection(start)
    page = fran.get(_url("room", group, collection_id=start.pk)).content.decode()
    assert "This collection is closed. Its code no longer works." in page
    assert " ".join(code) not in page and "<svg role" not in page

    later = together_time.open_collection(group, Timepoint.T2)
    later.expires_at = timezone.now() - timedelta(minutes=1)
    later.save()
    page = fran.get(_url("room", group, collection_id=later.pk)).content.decode()
    assert "This code has expired." in page
    assert " ".join(later.code) not in page


def test_poster_is_a_pdf_with_the_code_and_is_audited(
    fran: Client, group: ParentGroup, start: GroupCollection, facilitator: StaffUser
) -> None:
    response = fran.get(_url("poster", group, collection_id=start.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="tuesday-together-time-poster.pdf"'
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Tuesday Together Time" in text
    assert start.code in text.replace(" ", "")
    assert "Call 01234 000000" in text  # the service's contact line
    event = AuditEvent.objects.get(action="collection.poster_downloaded")
    assert event.actor == facilitator and event.object_id == str(start.pk)


def test_no_poster_for_a_closed_collection(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    together_time.close_collection(start)
    response = fran.get(_url("poster", group, collection_id=start.pk))
    assert response.status_code == 302 and response["Location"] == _url("detail", group)
    assert not AuditEvent.objects.filter(action="collection.poster_downloaded").exists()


def _score_numbers() -> set[str]:
    """Every number in the stored scores, as text, long enough not to match by chance."""
    numbers: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            for text in (str(value), f"{value:.1f}", f"{value:.2f}"):
                if len(text.replace(".", "")) >= 2:
                    numbers.add(text)

    for record in ScoreRecord.objects.all():
        walk(record.result)
    return numbers


def _roster_row(fragment: str, name: str) -> str:
    """The roster row after the parent's name cell."""
    found = re.search(rf"{name}</td>(.*?)</tr>", fragment, re.S)
    assert found is not None, name
    return found.group(1)


def test_roster_shows_status_and_never_answers_or_scores(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    sent = together_time.join_start(start, "Maryam", "mother", BABY)
    together_time.join_start(start, "Zofia", "mother", BABY)
    busy = together_time.join_start(start, "Amara", "mother", BABY)
    declined = together_time.join_start(start, "Bea", "father", BABY)
    _submit(sent)
    responses.record_consent(responses.open_response(busy.invitation), True)
    responses.record_consent(responses.open_response(declined.invitation), False)
    assert ScoreRecord.objects.exists()

    fragment = fran.get(_url("roster", group)).content.decode()
    rows = {name: _roster_row(fragment, name) for name in ("Maryam", "Zofia", "Amara", "Bea")}
    assert ">Answers received</strong>" in rows["Maryam"]
    assert ">Not started</strong>" in rows["Zofia"]
    assert ">In progress</strong>" in rows["Amara"]
    assert ">Declined</strong>" in rows["Bea"]
    assert all("—" in row for row in rows.values())  # nobody has end answers yet
    assert "4 parents joined" in fragment
    assert "<html" not in fragment  # only the table, for the page to swap in

    text = re.sub(r"<[^>]+>", " ", fragment)
    assert "score" not in text.lower() and "warmth" not in text.lower()
    for number in _score_numbers():
        assert number not in text, number
    assert "TT-" not in fragment  # no family labels for a facilitator
    assert "/staff/families/" not in fragment

    page = fran.get(_url("detail", group)).content.decode()
    assert ">Answers received</strong>" in page and "Refresh the list" in page
    assert 'src="/static/js/roster.js"' in page
    assert f'data-roster-url="{_url("roster", group)}"' in page


def test_roster_follows_the_end_answers(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_for_end(end, joined.participant)
    fragment = fran.get(_url("roster", group)).content.decode()
    row = _roster_row(fragment, "Maryam")
    assert row.count(">Not started</strong>") == 2


def test_roster_escapes_what_parents_typed(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    together_time.join_start(start, "<script>alert(1)</script>", "mother", BABY)
    fragment = fran.get(_url("roster", group)).content.decode()
    assert "<script>" not in fragment
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fragment


def test_clinician_who_facilitates_gets_a_link_to_each_family(
    group: ParentGroup, start: GroupCollection, service: Service
) -> None:
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    both = make_staff(service, "hana", Role.FACILITATOR, Role.CLINICIAN)
    group.facilitators.add(both)
    family_url = reverse("staff:family_detail", kwargs={"family_id": joined.participant.family_id})
    fragment = _signed_in(both).get(_url("roster", group)).content.decode()
    assert f'<a href="{family_url}">Maryam</a>' in fragment


def test_facilitator_only_gets_no_family_link(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    family_url = reverse("staff:family_detail", kwargs={"family_id": joined.participant.family_id})
    for url in (_url("roster", group), _url("detail", group)):
        assert family_url not in fran.get(url).content.decode()


def _roster_queries(client: Client, group: ParentGroup) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("roster", group)).status_code == 200
    return len(queries)


def test_roster_queries_do_not_grow_with_the_group(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    for n in range(3):
        _submit(together_time.join_start(start, f"Parent {n}", "mother", BABY))
    few = _roster_queries(fran, group)
    end = together_time.open_collection(group, Timepoint.T2)
    for n in range(3, 20):
        joined = together_time.join_start(start, f"Parent {n}", "mother", BABY)
        together_time.return_for_end(end, joined.participant)
    assert _roster_queries(fran, group) == few


def test_groups_are_in_the_staff_menu_for_those_who_see_them(
    fran: Client, clinician: StaffUser, service: Service
) -> None:
    home = fran.get(reverse("staff:home")).content.decode()
    assert f'href="{reverse("groups:list")}">Groups</a>' in home
    assert "See your Together Time groups" in home
    nobody = _signed_in(make_staff(service, "nobody")).get(reverse("staff:home")).content.decode()
    assert reverse("groups:list") not in nobody
