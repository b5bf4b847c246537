"""Baselines: which start (T1) answers change is measured from, when a parent sent more than
one set (the clinician chooses; the choice is audited, LOG-1, and a later set never replaces
it); and, for an episode that began in pregnancy, recording the birth and offering the
postnatal baseline the plan times."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from questionnaires.baby_dates import MAX_WEEKS_PREMATURE
from questionnaires.models import (
    Episode,
    Family,
    Invitation,
    Response,
    ResponseStatus,
    StaffUser,
    Stage,
    Timepoint,
)
from questionnaires.selectors.plans import postnatal_baseline_from
from questionnaires.services import audit, invitations
from questionnaires.services.invitations import IssuedInvitation
from questionnaires.statuses import awaits_matching


class NotABaseline(Exception):
    """The answers are not sent start (T1) answers of this episode."""


@transaction.atomic
def choose_baseline(episode: Episode, response: Response, actor: StaffUser | None) -> None:
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    invitation = response.invitation
    if (
        invitation is None
        or invitation.episode_id != episode.pk
        or invitation.timepoint != Timepoint.T1
        or response.status != ResponseStatus.SUBMITTED
        or awaits_matching(invitation)
    ):
        raise NotABaseline("These are not start (T1) answers sent in this episode.")
    previous = episode.baseline_response_id
    episode.baseline_response = response
    episode.save(update_fields=["baseline_response"])
    audit.record(
        "episode.baseline_chosen",
        actor,
        episode,
        response=str(response.pk),
        previous=str(previous) if previous else "",
    )


class BirthNotRecordable(Exception):
    """The date of birth cannot be recorded (in the future, or before the episode's records
    could make sense of it); the message says why in plain words."""


class NoPostnatalBaseline(Exception):
    """A postnatal baseline is not offered here; the message says why in plain words."""


@transaction.atomic
def record_birth(
    episode: Episode, born_on: date, weeks_premature: int, actor: StaffUser | None
) -> Family:
    """The baby has arrived: the family's date of birth (and prematurity, for ASQ:SE-2's
    corrected age). The due date is kept: it is what the pregnancy answers were given under."""
    if born_on > timezone.localdate():
        raise BirthNotRecordable("The date of birth cannot be in the future.")
    if not 0 <= weeks_premature <= MAX_WEEKS_PREMATURE:
        raise BirthNotRecordable(f"Weeks born early must be between 0 and {MAX_WEEKS_PREMATURE}.")
    family = Family.objects.select_for_update().get(pk=episode.family_id)
    family.infant_dob = born_on
    family.weeks_premature = weeks_premature
    family.save(update_fields=["infant_dob", "weeks_premature"])
    audit.record("family.birth_recorded", actor, family, episode=str(episode.pk))
    return family


@transaction.atomic
def offer_postnatal_baseline(episode: Episode, actor: StaffUser | None) -> IssuedInvitation:
    """A start (T1) link with the plan's postnatal measures, for an episode that began in
    pregnancy. It is planned for the day the plan times it (`available_from`, e.g. 6 weeks
    after the birth, or today if that has passed); the scheduled sender (the reminders worker)
    sends a link on its `available_from` day, so this only creates and offers it."""
    episode = Episode.objects.select_for_update().select_related("family").get(pk=episode.pk)
    family = episode.family
    if family.infant_dob is None or family.infant_dob > timezone.localdate():
        raise NoPostnatalBaseline("Record the baby's date of birth first.")
    links = Invitation.objects.filter(episode=episode, timepoint=Timepoint.T1)
    if not links.filter(stage=Stage.ANTENATAL).exists():
        raise NoPostnatalBaseline(
            "This episode has no start answers from pregnancy, so its start link already "
            "follows the plan for after the birth."
        )
    if links.filter(stage=Stage.POSTNATAL, revoked_at__isnull=True).exists():
        raise NoPostnatalBaseline(
            "A postnatal baseline link already exists. Send it again, or revoke it first."
        )
    when = max(timezone.localdate(), postnatal_baseline_from(family.infant_dob))
    issued = invitations.issue_invitation(episode, Timepoint.T1, actor, available_from=when)
    audit.record(
        "episode.postnatal_baseline_offered",
        actor,
        episode,
        invitation=str(issued.invitation.pk),
        available_from=when.isoformat(),
    )
    return issued
