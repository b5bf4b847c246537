"""Families, episodes of care, and what to ask them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from questionnaires.models import Episode, Family, Programme, Service, StaffUser, Stage, Timepoint
from questionnaires.selectors.families import label_is_taken
from questionnaires.selectors.plans import current_plan
from questionnaires.services import audit
from scoring import SCORING_CODES, asq_age

# Every questionnaire the portal scores, in the order parents answer them: what a group
# collection offers; the plan chooses from it per parent (plan_questionnaires).
DEFAULT_SET = SCORING_CODES


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
    notes: tuple[str, ...]  # what was left out and why, and cautions, for the clinician
    stage: str = Stage.POSTNATAL
    reasons: tuple[str, ...] = ()  # why each asked measure is asked, in the plan's words
    plan_version: str = ""


def stage_of(family: Family, on: date) -> Stage:
    """In pregnancy when a due date is given and no birth is recorded (or the recorded date is
    still to come); otherwise after the birth. A family with neither date is planned as after
    the birth with the baby's age unknown, as before plans had stages."""
    if family.infant_dob is None:
        return Stage.ANTENATAL if family.due_date is not None else Stage.POSTNATAL
    return Stage.ANTENATAL if family.infant_dob > on else Stage.POSTNATAL


def plan_questionnaires(
    family: Family,
    on: date,
    programme: Programme | str = Programme.PSYCHOTHERAPY,
    timepoint: Timepoint | str = Timepoint.T1,
) -> QuestionnairePlan:
    """The measures the current plan (selectors.plans) asks at this stage and timepoint, with
    its reasons; ASQ:SE-2 only when one of its age windows fits the (corrected) age."""
    plan = current_plan()
    stage = stage_of(family, on)
    months: int | None = None
    if stage == Stage.ANTENATAL:
        chosen = plan.antenatal(str(programme))
    else:
        if family.infant_dob is not None:
            months, _ = asq_age.age_in_months_and_days(family.infant_dob, on)
        chosen = plan.postnatal(str(programme), months or 0)
    codes: list[str] = []
    reasons: list[str] = []
    notes = [entry.reason for entry in chosen.left_out]
    interval: int | None = None
    for measure in chosen.measures:
        if str(timepoint) not in measure.at:
            continue
        if measure.code == asq_age.ASQ_CODE:
            if family.infant_dob is None:
                notes.append("ASQ:SE-2 left out: the baby's date of birth is not recorded.")
                continue
            choice = asq_age.select_interval(family.infant_dob, on, family.weeks_premature)
            if choice.interval is None:
                notes.append(f"ASQ:SE-2 left out: {choice.reason}")
                continue
            interval = choice.interval
        codes.append(measure.code)
        reasons.append(measure.reason)
        if measure.note:
            notes.append(measure.note)
    return QuestionnairePlan(
        tuple(codes), interval, tuple(notes), stage, tuple(reasons), plan.version
    )


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
