"""Families, episodes of care, and what to ask them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from questionnaires.models import Episode, Family, Programme, Service, StaffUser
from questionnaires.selectors.families import label_is_taken
from questionnaires.services import audit
from scoring import SCORING_CODES, asq_age

# Every questionnaire the portal scores, in the order parents answer them.
DEFAULT_SET = SCORING_CODES
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


class FamilyLabelTaken(Exception):
    """Another family in the same service already has this label."""


@transaction.atomic
def register_family_with_episode(
    service: Service,
    *,
    label: str,
    parent_name: str,
    relationship: str,
    infant_dob: date | None,
    due_date: date | None,
    weeks_premature: int,
    programme: Programme | str,
    actor: StaffUser | None = None,
) -> Episode:
    """One step for the clinician, one transaction: a family is never left without its episode."""
    if label_is_taken(service, label):
        raise FamilyLabelTaken(label)
    try:
        with transaction.atomic():
            family = register_family(
                service,
                label=label,
                parent_name=parent_name,
                relationship=relationship,
                infant_dob=infant_dob,
                due_date=due_date,
                weeks_premature=weeks_premature,
                actor=actor,
            )
    except IntegrityError as error:
        # Two people registered the same label at the same moment: the constraint decided.
        if label_is_taken(service, label):
            raise FamilyLabelTaken(label) from error
        raise
    return open_episode(family, programme, timezone.localdate(), actor)


@dataclass(frozen=True)
class QuestionnairePlan:
    codes: tuple[str, ...]
    asq_interval: int | None
    notes: tuple[str, ...]


def plan_questionnaires(family: Family, on: date) -> QuestionnairePlan:
    """The default set at the baby's age: ASQ:SE-2 only when an age window fits, and a warning
    when MORS-SF is used past the age it was validated for."""
    codes = [code for code in DEFAULT_SET if code != asq_age.ASQ_CODE]
    notes: list[str] = []
    interval: int | None = None
    if family.infant_dob is None or family.infant_dob > on:
        notes.append("ASQ:SE-2 left out: the baby is not born yet.")
    else:
        choice = asq_age.select_interval(family.infant_dob, on, family.weeks_premature)
        if choice.interval is None:
            notes.append(f"ASQ:SE-2 left out: {choice.reason}")
        else:
            codes.append(asq_age.ASQ_CODE)
            interval = choice.interval
        months, _ = asq_age.age_in_months_and_days(family.infant_dob, on)
        if months >= MORS_SF_UPPER_MONTHS:
            notes.append(
                "MORS-SF was made for babies up to about 12 months; this baby is "
                f"{months} months old. Read its scores with care."
            )
    return QuestionnairePlan(tuple(codes), interval, tuple(notes))
