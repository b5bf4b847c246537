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
    nhs_number: str = "",
) -> Family:
    family = Family.objects.create(
        service=service,
        label=label,
        parent_name=parent_name,
        relationship=relationship,
        infant_dob=infant_dob,
        due_date=due_date,
        weeks_premature=weeks_premature,
        nhs_number=nhs_number,
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
    nhs_number: str = "",
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
                nhs_number=nhs_number,
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


# The family details a lead may correct (SAR-4), in the order the form shows them.
CORRECTABLE_FIELDS = (
    "label",
    "parent_name",
    "relationship",
    "infant_dob",
    "due_date",
    "weeks_premature",
    "nhs_number",
)


@transaction.atomic
def correct_family(
    family: Family, changes: dict[str, object], actor: StaffUser | None = None
) -> list[str]:
    """Rectification: set the given details and return the names of those that changed. The
    audit event (`family.corrected`) names the changed fields only: the old and new values are
    a parent's name and a baby's dates, which never go into the trail (LOG-2). Answers already
    sent keep the ASQ:SE-2 interval they were asked at; new links use the corrected dates."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"not a correctable field: {sorted(unknown)}")
    locked = Family.objects.select_for_update().get(pk=family.pk)
    new_label = changes.get("label")
    # Case-blind, like registering; the family's own label is not "taken" by itself.
    if (
        isinstance(new_label, str)
        and Family.objects.filter(service_id=locked.service_id, label__iexact=new_label)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise FamilyLabelTaken(new_label)
    changed = [
        name
        for name in CORRECTABLE_FIELDS
        if name in changes and getattr(locked, name) != changes[name]
    ]
    if not changed:
        return []
    for name in changed:
        setattr(locked, name, changes[name])
    try:
        with transaction.atomic():
            locked.save(update_fields=changed)
    except IntegrityError as error:
        raise FamilyLabelTaken(str(new_label)) from error
    audit.record("family.corrected", actor, locked, fields=changed)
    return changed
