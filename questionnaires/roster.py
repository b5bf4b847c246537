"""What a group's facilitator may see about its parents: who joined and how far each got with
the start (T1) and end (T2) questionnaires. Never answers or scores (AZ-3); read only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, TextChoices

from questionnaires.models import (
    GroupParticipant,
    Invitation,
    MatchReview,
    MatchStatus,
    ParentGroup,
    ResponseStatus,
    Timepoint,
)


class RosterStatus(TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SENT = "sent", "Sent"
    DECLINED = "declined", "Declined"

    @property
    def colour(self) -> str:
        # The tag always says the status in words; the colour only repeats it.
        return _TAG_COLOURS[self]


_TAG_COLOURS = {
    RosterStatus.NOT_STARTED: "white",
    RosterStatus.IN_PROGRESS: "yellow",
    RosterStatus.SENT: "green",
    RosterStatus.DECLINED: "orange",
}

_FROM_RESPONSE = {
    ResponseStatus.IN_PROGRESS: RosterStatus.IN_PROGRESS,
    ResponseStatus.SUBMITTED: RosterStatus.SENT,
    ResponseStatus.DECLINED: RosterStatus.DECLINED,
}

PENDING_MATCH = (MatchStatus.PROVISIONAL, MatchStatus.UNMATCHED)


@dataclass(frozen=True)
class RosterRow:
    participant: GroupParticipant
    start: RosterStatus | None  # None: not asked (no invitation at this timepoint)
    end: RosterStatus | None

    @property
    def statuses(self) -> tuple[RosterStatus | None, RosterStatus | None]:
        return self.start, self.end


def _status(invitation: Invitation) -> RosterStatus:
    response = getattr(invitation, "response", None)
    if response is None:
        return RosterStatus.NOT_STARTED
    return _FROM_RESPONSE[ResponseStatus(response.status)]


def status_for(invitations: Iterable[Invitation]) -> RosterStatus | None:
    """One status per timepoint, even if the parent joined two collections (say the start was
    opened again for a late joiner): sent answers count; otherwise the latest invitation."""
    latest = sorted(invitations, key=lambda invitation: invitation.created_at, reverse=True)
    if not latest:
        return None
    statuses = [_status(invitation) for invitation in latest]
    return RosterStatus.SENT if RosterStatus.SENT in statuses else statuses[0]


def group_roster(group: ParentGroup) -> list[RosterRow]:
    """Two queries whatever the size of the group: the parents, then all their invitations
    with their responses' status."""
    participants = group.participants.prefetch_related(
        Prefetch(
            "episode__invitations",
            queryset=Invitation.objects.select_related("response"),
        )
    ).select_related("episode")
    rows = []
    for participant in participants:
        invitations = list(participant.episode.invitations.all())
        rows.append(
            RosterRow(
                participant,
                status_for(i for i in invitations if i.timepoint == Timepoint.T1),
                status_for(i for i in invitations if i.timepoint == Timepoint.T2),
            )
        )
    return rows


def pending_reviews(group: ParentGroup) -> QuerySet[MatchReview]:
    """End answers that came in by nickname and baby's date and still need the facilitator."""
    return (
        MatchReview.objects.filter(collection__group=group, status__in=PENDING_MATCH)
        .select_related("collection", "proposed__family")
        .order_by("created_at")
    )


def unlinked_participants(group: ParentGroup) -> QuerySet[GroupParticipant]:
    """Parents who have no end answers linked to them yet: the ones an unmatched end response
    could belong to."""
    has_end = Invitation.objects.filter(episode=OuterRef("episode"), timepoint=Timepoint.T2)
    return (
        group.participants.select_related("family")
        .annotate(has_end=Exists(has_end))
        .filter(has_end=False)
    )
