"""Builders for test data, through the same services the views use (no model shortcuts)."""

from datetime import date, timedelta

from django.utils import timezone

from questionnaires.models import Family, Programme, Response, Service, StaffUser, Timepoint
from questionnaires.services import families, invitations, responses

_counter = iter(range(1, 1_000_000))


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
