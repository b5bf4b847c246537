"""A family that touches every table with a path to a family: a Together Time parent who joined
with the room code, sent start (T1) answers, came back by nickname and baby's date for the end
(T2), was matched and confirmed, has scores and a LOAF rating; plus another parent's end answers
that only *proposed* this one (still waiting). Built through the services, as the views do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from questionnaires.models import Family, MatchReview, MessageKind, Response, StaffUser, Timepoint
from questionnaires.services import contacts, loaf_ratings, outbox, responses, together_time
from tests.questionnaires.factories import PRFQ_ALL, mors_answers

BABY = timezone.localdate() - timedelta(days=150)


@dataclass(frozen=True)
class WholeFamily:
    family: Family
    start: Response
    end: Response
    confirmed: MatchReview
    waiting: MatchReview  # another family's answers proposing this parent


def _answer_and_send(response: Response) -> Response:
    values = {"prfq": PRFQ_ALL, "mors_sf": mors_answers("4", "2")}
    for measure in response.measures.select_related("instrument"):
        for item, value in values.get(measure.instrument.code, {}).items():
            responses.save_answer(measure, item, value)
        if measure.instrument.code == "asq_se2":
            responses.save_answer(measure, "1", "sometimes", concern=True)
    return responses.submit_response(response)


def whole_family(clinician: StaffUser, nickname: str = "Sam") -> WholeFamily:
    service = clinician.service
    assert service is not None
    group = together_time.create_group(service, f"{nickname}'s group", timezone.localdate(), 8)
    group.lead_clinician = clinician
    group.save()
    start = together_time.open_collection(group, Timepoint.T1)
    joined = together_time.join_start(start, nickname, "mother", BABY)
    first = _answer_and_send(responses.open_response(joined.invitation))
    end = together_time.open_collection(group, Timepoint.T2)
    by_details = together_time.return_by_details(end, nickname, "mother", BABY)
    second = _answer_and_send(responses.open_response(by_details))
    review = MatchReview.objects.get(invitation=by_details)
    confirmed = together_time.confirm_match(review, joined.participant, clinician)
    # Someone else typing the same nickname and date: waits in the queue, proposing this parent.
    other = together_time.return_by_details(end, nickname, "mother", BABY)
    waiting = MatchReview.objects.get(invitation=other)
    loaf_ratings.record_loaf(
        joined.participant.episode, Timepoint.T1, "B", 2, timezone.localdate(), clinician
    )
    # Issue 14: contact details, a planned end (T2) date and a message waiting in the outbox.
    contacts.record_contact(
        joined.participant.episode, mobile="07911 123456", email="", channel="text"
    )
    contacts.plan_t2(joined.participant.episode, timezone.localdate())
    outbox.enqueue(
        MessageKind.REMINDER,
        f"reminder:{joined.invitation.pk}:1",
        joined.participant.family,
        timezone.now(),
        invitation=joined.invitation,
    )
    joined.participant.family.refresh_from_db()
    return WholeFamily(joined.participant.family, first, second, confirmed, waiting)
