"""The facilitator's side of the parent-side safety fixes: removing junk joins from the roster and
the match queue, and plain refusals when a match was already decided or would give a parent two
sets of end answers (LINK-8, LINK-10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import (
    Family,
    GroupCollection,
    GroupParticipant,
    MatchReview,
    MatchStatus,
    ParentGroup,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.roles import Role
from questionnaires.services import responses, together_time
from tests.conftest import make_staff, sign_in

BABY = timezone.localdate() - timedelta(days=150)


@pytest.fixture
def group(service: Service, facilitator: StaffUser) -> ParentGroup:
    return together_time.create_group(
        service, "Tuesday Together Time", timezone.localdate(), 8, "", [facilitator]
    )


@pytest.fixture
def start(group: ParentGroup) -> GroupCollection:
    return together_time.open_collection(group, Timepoint.T1)


@pytest.fixture
def fran(client: Client, facilitator: StaffUser) -> Client:
    sign_in(client, facilitator)
    return client


def _remove_url(group: ParentGroup, participant: GroupParticipant) -> str:
    return reverse(
        "groups:remove_join", kwargs={"group_id": group.pk, "participant_id": participant.pk}
    )


def test_a_facilitator_removes_a_junk_join_from_the_roster(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    junk = together_time.join_start(start, "Junk", "mother", BABY).participant
    page = fran.get(reverse("groups:detail", kwargs={"group_id": group.pk})).content.decode()
    assert _remove_url(group, junk) in page
    answer = fran.post(_remove_url(group, junk), follow=True)
    assert "Junk is removed from the group." in answer.content.decode()
    assert not GroupParticipant.objects.exists() and not Family.objects.exists()


def test_a_join_with_sent_answers_is_kept(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    joined = together_time.join_start(start, "Sam", "mother", BABY)
    sams = responses.open_response(joined.invitation)
    responses.submit_response(sams)
    page = fran.get(reverse("groups:detail", kwargs={"group_id": group.pk})).content.decode()
    assert _remove_url(group, joined.participant) not in page
    answer = fran.post(_remove_url(group, joined.participant), follow=True).content.decode()
    assert "Sam has sent answers, so they are kept." in answer
    assert "Important" in answer and GroupParticipant.objects.count() == 1


def test_another_groups_facilitator_cannot_remove_anyone(
    client: Client, service: Service, group: ParentGroup, start: GroupCollection
) -> None:
    junk = together_time.join_start(start, "Junk", "mother", BABY).participant
    sign_in(client, make_staff(service, "gina", Role.FACILITATOR))
    assert client.post(_remove_url(group, junk)).status_code == 404
    assert GroupParticipant.objects.count() == 1


def test_junk_in_the_match_queue_can_be_removed(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_by_details(end, "Stranger", "mother", BABY)
    review = MatchReview.objects.get()
    url = reverse("groups:match_remove", kwargs={"group_id": group.pk, "review_id": review.pk})
    answer = fran.post(url, follow=True).content.decode()
    assert "The answers from Stranger are removed." in answer
    assert not MatchReview.objects.exists() and not Family.objects.exists()


def test_a_decided_match_gives_a_plain_refusal_not_a_success(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    together_time.join_start(start, "Sam", "mother", BABY)
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_by_details(end, "Sam", "mother", BABY)
    review = MatchReview.objects.get()
    together_time.reject_match(review)
    url = reverse("groups:match_confirm", kwargs={"group_id": group.pk, "review_id": review.pk})
    answer = fran.post(url, follow=True).content.decode()
    assert "Someone has already decided that match." in answer
    assert "Important" in answer and "Success" not in answer
    review.refresh_from_db()
    assert review.status == MatchStatus.REJECTED


def test_a_parent_never_gets_two_sets_of_end_answers_from_one_session(
    fran: Client, group: ParentGroup, start: GroupCollection
) -> None:
    sam = together_time.join_start(start, "Sam", "mother", BABY).participant
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_for_end(end, sam)  # Sam came back on her own phone
    together_time.return_by_details(end, "Sam", "mother", BABY)  # and someone typed her details
    review = MatchReview.objects.get()
    url = reverse("groups:match_confirm", kwargs={"group_id": group.pk, "review_id": review.pk})
    answer = fran.post(url, follow=True).content.decode()
    assert "Sam already has end answers from this session" in answer
    review.refresh_from_db()
    assert review.status == MatchStatus.PROVISIONAL
    assert review.invitation.episode.family != sam.family
