"""What the clinician's pages need beyond the shared services: registering a family together
with its first episode of care, and the plain status of each personal link."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from questionnaires.models import (
    Episode,
    InstrumentVersion,
    Invitation,
    Programme,
    ResponseStatus,
    Service,
    StaffUser,
)
from questionnaires.services.families import open_episode, register_family


class FamilyLabelTaken(Exception):
    """Another family in the same service already has this label."""


def label_is_taken(service: Service, label: str) -> bool:
    # Case-blind, so "rv-0042" cannot sit beside "RV-0042" and be mistaken for it.
    return service.families.filter(label__iexact=label).exists()


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


class InvitationStatus(models.TextChoices):
    SENT = "sent", "Sent"
    OPENED = "opened", "Opened"
    IN_PROGRESS = "in_progress", "In progress"
    SENT_BACK = "sent_back", "Sent back"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


# Statuses in which the link still lets a parent in, so revoking it means something.
REVOCABLE = frozenset(
    {InvitationStatus.SENT, InvitationStatus.OPENED, InvitationStatus.IN_PROGRESS}
)


def invitation_status(invitation: Invitation, now: datetime | None = None) -> InvitationStatus:
    """What became of a link. Answers sent back or declined are facts about the parent and
    outrank what later happened to the link; then a revoked or expired link stops everything."""
    now = now or timezone.now()
    # Select the response with the invitation (select_related) to keep lists to one query.
    response = getattr(invitation, "response", None)
    if response is not None and response.status == ResponseStatus.SUBMITTED:
        return InvitationStatus.SENT_BACK
    if response is not None and response.status == ResponseStatus.DECLINED:
        return InvitationStatus.DECLINED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at <= now:
        return InvitationStatus.EXPIRED
    if response is not None and response.consent_given:
        return InvitationStatus.IN_PROGRESS
    if response is not None or invitation.first_opened_at is not None:
        return InvitationStatus.OPENED
    return InvitationStatus.SENT


def questionnaire_names(codes: Iterable[str]) -> dict[str, str]:
    """Short names (PRFQ, MORS-SF, ASQ:SE-2) of the current instrument versions, by code."""
    versions = InstrumentVersion.objects.filter(code__in=list(codes), is_current=True)
    return {
        version.code: str(version.definition.get("short_name") or version.name)
        for version in versions
    }
