"""Attacks on the group journey by someone in the room (or with a photo of the poster), each
reproduced against the code before the fix: taking over another parent's end answers by nickname
and baby's date, reading a previous parent's return code on a shared tablet, a quick exit that
did not leave, credentials in logs and session rows, floods of joins, double taps and
racing facilitators, and details stored before any privacy notice (LINK-8, LINK-9, LINK-10,
LOG-2)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from questionnaires.models import (
    Episode,
    Family,
    GroupCollection,
    GroupParticipant,
    Invitation,
    MatchReview,
    MatchStatus,
    ParentGroup,
    Response,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.selectors import family_record
from questionnaires.services import responses, together_time
from tests.conftest import ClientResponse

BABY = timezone.localdate() - timedelta(days=150)
SAMS_ANSWER = "Sam's own words about bath time"


@pytest.fixture
def group(service: Service) -> ParentGroup:
    return together_time.create_group(service, "Tuesday Together Time", timezone.localdate(), 8)


@pytest.fixture
def start(group: ParentGroup) -> GroupCollection:
    return together_time.open_collection(group, Timepoint.T1)


def agree(client: Client, code: str, **extra: str) -> None:
    """The privacy notice comes first: the parent agrees before giving any details."""
    client.post(f"/g/{code}", {"consent": "yes", **extra})


def details(client: Client, code: str, nickname: str, **extra: str) -> ClientResponse:
    return client.post(
        f"/g/{code}",
        {
            "nickname": nickname,
            "relationship": "mother",
            "baby_date_day": str(BABY.day),
            "baby_date_month": str(BABY.month),
            "baby_date_year": str(BABY.year),
            **extra,
        },
    )


def join(client: Client, code: str, nickname: str, **extra: str) -> ClientResponse:
    agree(client, code, **extra)
    return details(client, code, nickname, **extra)


def _episode_of(response: Response) -> Episode:
    assert response.invitation is not None
    return response.invitation.episode


def _response_of(client: Client) -> Response:
    """The response of this browser's session, once the parent has pressed "Start now"."""
    client.post("/questionnaire/")
    return Response.objects.get(invitation_id=client.session["parent_invitation"])


def _sams_end_answers(group: ParentGroup, start: GroupCollection, phone: Client) -> Response:
    """Sam joined at the start on her phone, came back on it at the end, and has begun."""
    join(phone, start.code, "Sam")
    end = together_time.open_collection(group, Timepoint.T2)
    phone.post(f"/g/{end.code}", {"continue_as": "1"})
    sams = responses.open_response(Invitation.objects.get(collection=end))
    responses.record_consent(sams, True)
    asq = sams.measures.get(instrument__code="asq_se2")
    responses.save_answer(asq, "overall_4", "", text=SAMS_ANSWER)
    return sams


# --- Finding 1: a details match never hands over an existing invitation (LINK-8) -------------


def test_details_never_reach_another_parents_end_answers(
    group: ParentGroup, start: GroupCollection
) -> None:
    sams = _sams_end_answers(group, start, Client())
    end = GroupCollection.objects.get(timepoint=Timepoint.T2)
    attacker = Client()
    join(attacker, end.code, "sam")
    assert _response_of(attacker) != sams
    check = attacker.get(reverse("parents:step", kwargs={"step": "check"}))
    assert SAMS_ANSWER not in check.content.decode()
    assert _response_of(attacker).consent_given is True  # their own consent, at the notice
    sams.refresh_from_db()
    assert _episode_of(sams) == GroupParticipant.objects.get(nickname="Sam").episode


def test_details_before_the_real_parent_comes_back_never_become_hers(
    group: ParentGroup, start: GroupCollection
) -> None:
    join(Client(), start.code, "Sam")
    sam = GroupParticipant.objects.get()
    end = together_time.open_collection(group, Timepoint.T2)
    join(Client(), end.code, "Sam")
    assert not Invitation.objects.filter(episode=sam.episode, timepoint=Timepoint.T2).exists()
    review = MatchReview.objects.get()
    assert review.status == MatchStatus.PROVISIONAL and review.proposed == sam
    assert review.invitation.episode.family != sam.family


def test_a_match_and_a_miss_look_the_same_to_the_parent(
    group: ParentGroup, start: GroupCollection
) -> None:
    """Whether Sam exists, has started or has sent must not show in what the guesser sees."""
    _sams_end_answers(group, start, Client())
    end = GroupCollection.objects.get(timepoint=Timepoint.T2)
    pages = []
    for nickname in ("Sam", "Nobody"):
        client = Client()
        agree(client, end.code)
        sent = details(client, end.code, nickname)
        page = client.get("/questionnaire/").content.decode()
        pages.append((sent.status_code, sent["Location"], _strip_tokens(page)))
    assert pages[0] == pages[1]


def _strip_tokens(page: str) -> str:
    import re

    return re.sub(r'value="[^"]{32,}"', 'value=""', page)


def test_details_attempts_are_rate_limited_per_client(
    group: ParentGroup, start: GroupCollection, settings: Settings
) -> None:
    settings.GROUP_JOINS_PER_CLIENT = 3
    end = together_time.open_collection(group, Timepoint.T2)
    attacker = Client()
    for guess in range(3):
        assert join(attacker, end.code, f"Guess{guess}").status_code == 302
    limited = join(attacker, end.code, "Guess3")
    assert limited.status_code == 429
    assert "Too many people have joined from this device" in limited.content.decode()
    assert Invitation.objects.filter(collection=end).count() == 3
    # Another phone in the room is not blocked by the attacker (LINK-10).
    assert join(Client(REMOTE_ADDR="10.0.0.9"), end.code, "Real").status_code == 302


# --- Finding 2: unconfirmed matches are not clinical data; rejecting moves nothing genuine --


def test_an_unconfirmed_match_appears_nowhere_as_clinical_data(
    group: ParentGroup, start: GroupCollection
) -> None:
    sam_phone = Client()
    join(sam_phone, start.code, "Sam")
    sam = GroupParticipant.objects.get()
    end = together_time.open_collection(group, Timepoint.T2)
    other = Client()
    join(other, end.code, "Sam")
    pending = _response_of(other)
    responses.record_consent(pending, True)
    responses.submit_response(pending)
    sams_record = family_record.family_summary(sam.family)
    assert [t.timepoint for e in sams_record.episodes for t in e.timepoints] == []
    temporary = family_record.family_summary(_episode_of(pending).family)
    assert [t.timepoint for e in temporary.episodes for t in e.timepoints] == []
    assert [a.response for e in temporary.episodes for a in e.awaiting_confirmation] == [pending]


def test_rejecting_a_match_never_moves_answers_that_came_by_the_parents_own_phone(
    group: ParentGroup, start: GroupCollection
) -> None:
    sams = _sams_end_answers(group, start, Client())
    end = GroupCollection.objects.get(timepoint=Timepoint.T2)
    join(Client(), end.code, "Sam")
    review = MatchReview.objects.get()
    together_time.reject_match(review)
    sams.refresh_from_db()
    assert _episode_of(sams) == GroupParticipant.objects.get(nickname="Sam").episode
    unlinked = Family.objects.filter(label__startswith="TT-UNLINKED")
    assert not unlinked.filter(episodes__invitations__response=sams).exists()


# --- Finding 3: a shared tablet forgets the previous parent ------------------------------------


def test_the_next_parent_on_a_shared_tablet_cannot_reach_the_last_ones_return_code(
    start: GroupCollection,
) -> None:
    tablet = Client()
    join(tablet, start.code, "Sam", shared="1")
    code = GroupParticipant.objects.get()
    sams = _response_of(tablet)
    responses.record_consent(sams, True)
    responses.submit_response(sams)
    sent = tablet.get(reverse("parents:sent")).content.decode()
    assert "Your return code" in sent
    tablet.post(reverse("parents:next_parent"))
    for url in (reverse("parents:sent"), "/questionnaire/", f"/g/{start.code}?shared=1"):
        page = tablet.get(url).content.decode()
        assert "Your return code" not in page, url
        assert "Sam" not in page, url
    assert code.pk  # the parent's own record is still there for the team


# --- Finding 4: "Exit this page" really leaves (LINK-9) ----------------------------------------


def test_exit_ends_the_session_clears_site_data_and_leaves(
    start: GroupCollection, settings: Settings
) -> None:
    settings.EXIT_PAGE_URL = "https://www.bbc.co.uk/weather"
    phone = Client()
    join(phone, start.code, "Sam")
    assert phone.get("/questionnaire/").status_code == 200
    left = phone.get(reverse("parents:exit"))
    assert left.status_code == 303 and left["Location"] == "https://www.bbc.co.uk/weather"
    assert left["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert left["Referrer-Policy"] == "no-referrer"
    again = phone.get("/questionnaire/")
    assert again.status_code == 403 and "Sam" not in again.content.decode()


def test_parent_sessions_end_when_the_browser_closes(start: GroupCollection) -> None:
    phone = Client()
    response = join(phone, start.code, "Sam")
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]


# --- Finding 7: no plain return code in session rows -------------------------------------------


def test_session_rows_hold_no_return_code(start: GroupCollection) -> None:
    phone = Client()
    join(phone, start.code, "Sam")
    welcome = phone.get("/questionnaire/").content.decode()
    code = welcome.split('class="app-return-code__code">', 1)[1].split("<", 1)[0].strip()
    assert len(code.replace("-", "")) == 8
    stored = " ".join(json.dumps(s.get_decoded()) for s in Session.objects.all())
    assert code.replace("-", "") not in stored.replace("-", "")


# --- Findings 6 and 9: no flood of records, nothing stored before the notice -------------------


def test_nothing_is_stored_before_the_privacy_notice_is_agreed(start: GroupCollection) -> None:
    phone = Client()
    notice = phone.get(f"/g/{start.code}").content.decode()
    assert "How we use your answers" in notice
    assert 'name="nickname"' not in notice
    assert details(phone, start.code, "Sam").status_code in (200, 400)
    assert not Family.objects.exists()
    declined = phone.post(f"/g/{start.code}", {"consent": "no"})
    assert "Nothing about you has been saved" in declined.content.decode()
    assert not Family.objects.exists() and not Episode.objects.exists()


def test_joins_are_limited_per_room_code(start: GroupCollection, settings: Settings) -> None:
    settings.GROUP_JOINS_PER_CODE = 4
    for n in range(4):
        assert join(Client(REMOTE_ADDR=f"10.0.1.{n}"), start.code, f"P{n}").status_code == 302
    assert join(Client(REMOTE_ADDR="10.0.1.99"), start.code, "P5").status_code == 429
    assert GroupParticipant.objects.count() == 4
    together_time.rotate_code(start)  # the facilitator's answer to a leaked code
    assert join(Client(REMOTE_ADDR="10.0.1.99"), start.code, "P5").status_code == 302


def test_a_facilitator_can_remove_a_junk_join(
    start: GroupCollection, facilitator: StaffUser
) -> None:
    join(Client(), start.code, "Junk")
    participant = GroupParticipant.objects.get()
    together_time.remove_join(participant, actor=facilitator)
    assert not GroupParticipant.objects.exists() and not Family.objects.exists()


# --- Finding 8: double taps and racing decisions (the concurrent cases: test_group_races.py) ----


def test_a_decided_match_cannot_be_decided_again(
    group: ParentGroup, start: GroupCollection
) -> None:
    join(Client(), start.code, "Sam")
    end = together_time.open_collection(group, Timepoint.T2)
    join(Client(), end.code, "Sam")
    review = MatchReview.objects.get()
    stale = MatchReview.objects.get(pk=review.pk)
    together_time.reject_match(review)
    with pytest.raises(together_time.MatchAlreadyDecided):
        together_time.confirm_match(stale, GroupParticipant.objects.get())
    review.refresh_from_db()
    assert review.status == MatchStatus.REJECTED
