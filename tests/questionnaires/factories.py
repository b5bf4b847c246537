"""Builders for test data, through the same services the views use (no model shortcuts)."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from questionnaires.models import (
    Episode,
    Family,
    Programme,
    Response,
    ResponseMeasure,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.services import families, invitations, responses

_counter = iter(range(1, 1_000_000))


def service_of(user: StaffUser) -> Service:
    """The staff user's service. Only a superuser has none, and the tests' staff are never that."""
    assert user.service is not None
    return user.service


def family(
    service: Service,
    infant_age_days: int | None = 200,
    weeks_premature: int = 0,
    parent_name: str = "Maryam",
) -> Family:
    today = timezone.localdate()
    dob = today - timedelta(days=infant_age_days) if infant_age_days is not None else None
    due = None if dob else today + timedelta(days=40)
    return families.register_family(
        service,
        label=f"RV-{next(_counter):04d}",
        parent_name=parent_name,
        relationship="mother",
        infant_dob=dob,
        due_date=due,
        weeks_premature=weeks_premature,
    )


def invited_response(
    service: Service,
    actor: StaffUser | None = None,
    timepoint: str = Timepoint.T1,
    infant_age_days: int | None = 200,
) -> tuple[invitations.IssuedInvitation, Response]:
    fam = family(service, infant_age_days=infant_age_days)
    episode = families.open_episode(fam, Programme.PSYCHOTHERAPY, date.today(), actor)
    issued = invitations.issue_invitation(episode, timepoint, actor)
    return issued, responses.open_response(issued.invitation)


def answer_all(response: Response, values: dict[str, dict[str, str]]) -> None:
    """values: instrument code -> {item: stored value}"""
    for measure in response.measures.select_related("instrument"):
        for item, value in values.get(measure.instrument.code, {}).items():
            responses.save_answer(measure, item, value)


def episode(service: Service, clinician: StaffUser | None = None, **kwargs: Any) -> Episode:
    """A registered family with a psychotherapy episode opened today."""
    fam = family(service, **kwargs)
    return families.open_episode(fam, Programme.PSYCHOTHERAPY, timezone.localdate(), clinician)


PRFQ_ALL = {str(n): "6" for n in range(1, 19)}


def asq_answers(total_items: int, value: str = "sometimes", skip: int = 0) -> dict[str, str]:
    return {str(n): value for n in range(1 + skip, total_items + 1)}


def mors_answers(warmth: str, invasiveness: str, skip: tuple[str, ...] = ()) -> dict[str, str]:
    warm = {1, 3, 4, 6, 8, 11, 13}
    answers = {str(n): warmth if n in warm else invasiveness for n in range(1, 15)}
    return {key: value for key, value in answers.items() if key not in skip}


def send(
    episode: Episode,
    timepoint: str,
    values: dict[str, dict[str, str]],
    concerns: set[str] | None = None,
    asq_interval: int | None = None,
) -> Response:
    """Issue a link for the timepoint, consent, answer `values` and submit."""
    issued = invitations.issue_invitation(episode, timepoint)
    response = responses.open_response(issued.invitation)
    responses.record_consent(response, True)
    for measure in response.measures.select_related("instrument"):
        if asq_interval is not None and measure.instrument.code == "asq_se2":
            # A set-up shortcut: the baby's age picks the interval, so force a later one here.
            ResponseMeasure.objects.filter(pk=measure.pk).update(asq_interval=asq_interval)
            measure.asq_interval = asq_interval
        for item, value in values.get(measure.instrument.code, {}).items():
            concern = measure.instrument.code == "asq_se2" and item in (concerns or set())
            responses.save_answer(measure, item, value, concern=concern)
    return responses.submit_response(response)
