"""Families, episodes of care, and what to ask them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from questionnaires import audit
from questionnaires.models import Episode, Family, Programme, Service, StaffUser
from scoring import asq_age

DEFAULT_SET = ("prfq", "mors_sf", "asq_se2")
# MORS-SF was validated with babies from a few weeks to about a year (instruments.md).
MORS_SF_UPPER_MONTHS = 12


@transaction.atomic
def register_family(
    service: Service,
    label: str,
    parent_name: str,
    relationship: str,
    infant_dob: date | None = None,
    due_date: date | None = None,
    weeks_premature: int = 0,
    actor: StaffUser | None = None,
) -> Family:
    family = Family.objects.create(
        service=service,
        label=label,
        parent_name=parent_name,
        relationship=relationship,
        infant_dob=infant_dob,
        due_date=due_date,
        weeks_premature=weeks_premature,
        created_by=actor,
    )
    audit.record("family.registered", actor, family)
    return family


@transaction.atomic
def open_episode(
    family: Family, programme: Programme | str, opened_on: date, actor: StaffUser | None = None
) -> Episode:
    episode = Episode.objects.create(
        family=family, programme=programme, opened_on=opened_on, clinician=actor
    )
    audit.record("episode.opened", actor, episode, programme=str(programme))
    return episode


@dataclass(frozen=True)
class QuestionnairePlan:
    codes: tuple[str, ...]
    asq_interval: int | None
    notes: tuple[str, ...]


def plan_questionnaires(family: Family, on: date) -> QuestionnairePlan:
    """The default set at the baby's age: ASQ:SE-2 only when an age window fits, and a warning
    when MORS-SF is used past the age it was validated for."""
    codes = ["prfq", "mors_sf"]
    notes: list[str] = []
    interval: int | None = None
    if family.infant_dob is None or family.infant_dob > on:
        notes.append("ASQ:SE-2 left out: the baby is not born yet.")
    else:
        choice = asq_age.select_interval(family.infant_dob, on, family.weeks_premature)
        if choice.interval is None:
            notes.append(f"ASQ:SE-2 left out: {choice.reason}")
        else:
            codes.append("asq_se2")
            interval = choice.interval
        months, _ = asq_age.age_in_months_and_days(family.infant_dob, on)
        if months >= MORS_SF_UPPER_MONTHS:
            notes.append(
                "MORS-SF was made for babies up to about 12 months; this baby is "
                f"{months} months old. Read its scores with care."
            )
    return QuestionnairePlan(tuple(codes), interval, tuple(notes))
