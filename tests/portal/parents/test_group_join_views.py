"""Joining a Together Time group, parent side: joining with the room code, the return code, the
phone remembering the parent, and coming back at the end (LINK-4)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from portal.parents.group_join_views import DEVICE_COOKIE
from questionnaires import credentials
from questionnaires.models import (
    GroupCollection,
    GroupParticipant,
    Invitation,
    MatchStatus,
    ParentGroup,
    Service,
    Timepoint,
)
from questionnaires.selectors import entry
from questionnaires.services import together_time
from tests.conftest import ClientResponse

BABY = timezone.localdate() - timedelta(days=150)


@pytest.fixture
def group(service: Service) -> ParentGroup:
    return together_time.create_group(service, "Tuesday Together Time", timezone.localdate(), 8)


@pytest.fixture
def start(group: ParentGroup) -> GroupCollection:
    return together_time.open_collection(group, Timepoint.T1)


def _agree(client: Client, code: str, **extra: str) -> None:
    """The privacy notice comes first (LINK-8's finding 9): agree, then give details."""
    client.post(f"/g/{code}", {"consent": "yes", **extra})


def _return_code(client: Client) -> str:
    welcome = client.get("/questionnaire/").content.decode()
    return welcome.split('class="app-return-code__code">', 1)[1].split("<", 1)[0].strip()


def _join(client: Client, code: str, nickname: str = "Maryam", **extra: str) -> ClientResponse:
    _agree(client, code, **extra)
    data = {
        "nickname": nickname,
        "relationship": "mother",
        "baby_date_day": str(BABY.day),
        "baby_date_month": str(BABY.month),
        "baby_date_year": str(BABY.year),
        **extra,
    }
    return client.post(f"/g/{code}", data)


def test_join_page_is_plain_and_changes_nothing_on_get(
    client: Client, start: GroupCollection
) -> None:
    """LINK-6: showing the join page creates nobody."""
    page = client.get(f"/g/{start.code}")
    assert page.status_code == 200
    assert "Join Tuesday Together Time" in page.content.decode()
    assert GroupParticipant.objects.count() == 0


def test_joining_binds_a_new_response_and_shows_the_return_code(
    client: Client, start: GroupCollection
) -> None:
    response = _join(client, start.code)
    assert response.status_code == 302 and response["Location"] == "/questionnaire/"
    participant = GroupParticipant.objects.get()
    assert participant.nickname == "Maryam"
    assert DEVICE_COOKIE in response.cookies
    cookie = response.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "Maryam" not in cookie.value  # the cookie holds no personal data
    welcome = client.get("/questionnaire/").content.decode()
    assert "Your return code" in welcome
    code = _return_code(client)
    assert code == credentials.display_code(entry.return_code_of(participant))
    assert entry.participant_by_return_code(code) == participant


def test_two_phones_never_share_a_response(start: GroupCollection) -> None:
    _join(Client(), start.code, "Maryam")
    _join(Client(), start.code, "Maryam")
    assert GroupParticipant.objects.count() == 2
    assert Invitation.objects.filter(collection=start).count() == 2


def test_join_errors_are_plain_and_save_nothing(client: Client, start: GroupCollection) -> None:
    _agree(client, start.code)
    page = client.post(
        f"/g/{start.code}",
        {"nickname": "", "baby_date_day": "31", "baby_date_month": "2", "baby_date_year": "2026"},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Error: " in html
    assert "Enter your first name or a nickname" in html
    assert "Select who you are to the baby" in html
    assert "must be a real date" in html
    assert GroupParticipant.objects.count() == 0


def test_closed_or_rotated_code_stops_joins_at_once(client: Client, start: GroupCollection) -> None:
    """LINK-4: closing or rotating stops new joins immediately, with the same page as a bad code."""
    old = start.code
    together_time.rotate_code(start)
    assert client.get(f"/g/{old}").status_code == 404
    together_time.close_collection(start)
    assert _join(client, start.code).status_code == 404
    assert GroupParticipant.objects.count() == 0


def test_typed_room_code_leads_to_the_join_page(client: Client, start: GroupCollection) -> None:
    response = client.post("/start", {"code": start.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/g/{start.code}"


def test_same_phone_is_welcomed_back_at_the_end(
    client: Client, group: ParentGroup, start: GroupCollection
) -> None:
    _join(client, start.code, "Maryam")
    participant = GroupParticipant.objects.get()
    end = together_time.open_collection(group, Timepoint.T2)
    page = client.get(f"/g/{end.code}").content.decode()
    assert "Welcome back, Maryam" in page
    response = client.post(f"/g/{end.code}", {"continue_as": "1"})
    assert response["Location"] == "/questionnaire/"
    invitation = Invitation.objects.get(collection=end)
    assert invitation.episode == participant.episode and invitation.timepoint == "T2"


def test_return_code_on_another_phone_reaches_the_end_questions(
    group: ParentGroup, start: GroupCollection
) -> None:
    first = Client()
    _join(first, start.code, "Maryam")
    code = _return_code(first)
    end = together_time.open_collection(group, Timepoint.T2)
    other = Client()
    response = other.post("/start", {"code": code})
    assert response["Location"] == "/questionnaire/"
    invitation = Invitation.objects.get(collection=end)
    assert invitation.episode == GroupParticipant.objects.get().episode


def test_return_code_before_the_end_resumes_the_start(start: GroupCollection) -> None:
    first = Client()
    _join(first, start.code, "Maryam")
    code = _return_code(first)
    other = Client()
    assert other.post("/start", {"code": code})["Location"] == "/questionnaire/"
    assert other.session["parent_invitation"] == first.session["parent_invitation"]


def test_details_match_goes_to_the_queue(group: ParentGroup, start: GroupCollection) -> None:
    _join(Client(), start.code, "Maryam")
    end = together_time.open_collection(group, Timepoint.T2)
    newcomer = Client()  # a new phone, no cookie, no return code
    page = newcomer.get(f"/g/{end.code}").content.decode()
    assert "Welcome back to Tuesday Together Time" in page
    assert "Maryam" not in page  # no parent sees another parent's name
    _join(newcomer, end.code, "maryam")
    invitation = Invitation.objects.get(collection=end)
    assert invitation.match_review.status == MatchStatus.PROVISIONAL


def test_shared_tablet_remembers_nobody(client: Client, start: GroupCollection) -> None:
    response = _join(client, start.code, "Maryam", shared="1")
    assert DEVICE_COOKIE not in response.cookies
    # The tablet knows where the next parent starts, by the collection's id: no code is kept.
    assert client.session.get("parent_shared_collection") == str(start.pk)
