"""Together Time groups: room codes, joining at the start, returning at the end, and the match
queue."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import Settings

from questionnaires import credentials
from questionnaires.models import (
    AuditEvent,
    Family,
    GroupCollection,
    MatchStatus,
    ParentGroup,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.selectors import entry
from questionnaires.services import responses, together_time

BABY = timezone.localdate() - timedelta(days=150)


@pytest.fixture
def group(service: Service, facilitator: StaffUser) -> ParentGroup:
    return together_time.create_group(
        service,
        "Tuesday Together Time",
        timezone.localdate(),
        8,
        "Riverside Children's Centre",
        actor=facilitator,
    )


@pytest.fixture
def start(group: ParentGroup, facilitator: StaffUser) -> GroupCollection:
    return together_time.open_collection(group, Timepoint.T1, facilitator)


def test_room_code_is_six_plain_characters_and_works_until_closed(
    start: GroupCollection, facilitator: StaffUser
) -> None:
    assert len(start.code) == 6
    assert set(start.code) <= set(credentials.CODE_ALPHABET)
    assert entry.open_collection_by_code(start.code.lower()) == start
    together_time.close_collection(start, facilitator)
    assert entry.open_collection_by_code(start.code) is None


def test_rotating_stops_the_old_code(start: GroupCollection) -> None:
    old = start.code
    together_time.rotate_code(start)
    assert entry.open_collection_by_code(old) is None
    assert entry.open_collection_by_code(start.code) == start


def test_codes_expire_by_themselves(start: GroupCollection) -> None:
    assert start.expires_at.date() == timezone.localdate()
    start.expires_at = timezone.now() - timedelta(seconds=1)
    start.save()
    assert entry.open_collection_by_code(start.code) is None


def test_opening_again_closes_the_earlier_collection(group: ParentGroup) -> None:
    first = together_time.open_collection(group, Timepoint.T1)
    second = together_time.open_collection(group, Timepoint.T1)
    first.refresh_from_db()
    assert first.closed_at is not None
    assert entry.open_collection_by_code(second.code) == second


def test_each_parent_gets_their_own_family_response_and_return_code(
    start: GroupCollection,
) -> None:
    a = together_time.join_start(start, "Maryam", "mother", BABY)
    b = together_time.join_start(start, "Maryam", "mother", BABY)
    assert a.participant.family != b.participant.family
    assert a.invitation != b.invitation
    a_code, b_code = entry.return_code_of(a.participant), entry.return_code_of(b.participant)
    assert a_code != b_code and len(a_code) == 8
    assert a.invitation.collection == start
    assert a.invitation.episode.programme == "together_time"
    assert entry.participant_by_return_code(a_code) == a.participant
    # The code is never stored: only its seed and its keyed hash (LINK-1, LOG-2).
    assert a_code not in str(list(a.participant.__dict__.values()))


def test_unborn_baby_date_is_a_due_date(start: GroupCollection) -> None:
    due = timezone.localdate() + timedelta(days=30)
    joined = together_time.join_start(start, "Ana", "mother", due)
    family = joined.participant.family
    assert family.infant_dob is None and family.due_date == due
    # Group joins follow the plan, as personal links do: a due date gets the pregnancy set.
    assert joined.invitation.instruments == ["p_prfq"]
    assert joined.invitation.stage == "antenatal"
    response = responses.open_response(joined.invitation)
    assert [m.instrument.code for m in response.measures.all()] == ["p_prfq"]


def test_recognised_parent_at_the_end_gets_a_t2_on_their_episode(
    group: ParentGroup, start: GroupCollection
) -> None:
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    invitation = together_time.return_for_end(end, joined.participant)
    assert invitation.timepoint == "T2"
    assert invitation.episode == joined.participant.episode
    assert together_time.return_for_end(end, joined.participant) == invitation  # no duplicate


def test_exactly_one_match_by_details_is_provisional(
    group: ParentGroup, start: GroupCollection, facilitator: StaffUser
) -> None:
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    together_time.join_start(start, "Zoe", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    invitation = together_time.return_by_details(end, "  maryam ", "mother", BABY)
    review = invitation.match_review
    assert review.status == MatchStatus.PROVISIONAL
    assert review.proposed == joined.participant
    # Proposed, not linked: until a facilitator confirms, the answers are on their own family
    # (LINK-8; before, a details match put them straight on the proposed parent's episode).
    assert invitation.episode != joined.participant.episode
    together_time.confirm_match(review, joined.participant, facilitator)
    review.refresh_from_db()
    assert review.status == MatchStatus.CONFIRMED and review.decided_by == facilitator
    invitation.refresh_from_db()
    assert invitation.episode == joined.participant.episode


def test_no_match_goes_to_the_queue_and_confirming_moves_it(
    group: ParentGroup, start: GroupCollection, facilitator: StaffUser
) -> None:
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    invitation = together_time.return_by_details(end, "Mariam", "mother", BABY)  # spelt differently
    review = invitation.match_review
    assert review.status == MatchStatus.UNMATCHED and review.proposed is None
    temporary = invitation.episode.family
    assert temporary.label.startswith(together_time.UNLINKED_PREFIX)
    together_time.confirm_match(review, joined.participant, facilitator)
    invitation.refresh_from_db()
    assert invitation.episode == joined.participant.episode
    assert not Family.objects.filter(pk=temporary.pk).exists()
    assert AuditEvent.objects.filter(action="group.match_confirmed").count() == 1


def test_two_matches_are_not_guessed(group: ParentGroup, start: GroupCollection) -> None:
    together_time.join_start(start, "Sam", "father", BABY)
    together_time.join_start(start, "Sam", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    review = together_time.return_by_details(end, "Sam", "father", BABY).match_review
    assert review.status == MatchStatus.UNMATCHED


def test_rejecting_a_provisional_match_unlinks_it(
    group: ParentGroup, start: GroupCollection, facilitator: StaffUser
) -> None:
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    invitation = together_time.return_by_details(end, "Maryam", "mother", BABY)
    together_time.reject_match(invitation.match_review, facilitator)
    invitation.refresh_from_db()
    assert invitation.episode != joined.participant.episode
    assert invitation.episode.family.label.startswith(together_time.UNLINKED_PREFIX)
    assert invitation.match_review.status == MatchStatus.REJECTED


def test_room_code_lifetime_can_be_shorter_than_the_day(
    group: ParentGroup, settings: Settings
) -> None:
    settings.ROOM_CODE_HOURS = 2
    collection = together_time.open_collection(group, Timepoint.T1)
    lifetime = collection.expires_at - timezone.now()
    assert lifetime <= timedelta(hours=2)
    assert collection.expires_at.date() == timezone.localdate()
