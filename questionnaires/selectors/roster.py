"""What a group's facilitator may see about its parents: who joined and how far each got with
the start (T1) and end (T2) questionnaires. Never answers or scores (AZ-3); read only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from questionnaires.models import (
    GroupCollection,
    GroupParticipant,
    Invitation,
    MatchReview,
    ParentGroup,
    Timepoint,
)
from questionnaires.statuses import PENDING_MATCH, RosterStatus, roster_status


@dataclass(frozen=True)
class RosterRow:
    participant: GroupParticipant
    start: RosterStatus | None  # None: not asked (no invitation at this timepoint)
    end: RosterStatus | None

    @property
    def statuses(self) -> tuple[RosterStatus | None, RosterStatus | None]:
        return self.start, self.end

    @property
    def can_remove(self) -> bool:
        """A join with no answers sent may be junk (a stranger with the code, a double tap)."""
        return RosterStatus.SENT not in self.statuses


def group_roster(group: ParentGroup) -> list[RosterRow]:
    """Two queries whatever the size of the group: the parents, then all their invitations
    with their responses' status."""
    participants = group.participants.prefetch_related(
        Prefetch(
            "episode__invitations",
            queryset=Invitation.objects.select_related("response", "match_review"),
        )
    ).select_related("episode")
    rows = []
    for participant in participants:
        invitations = list(participant.episode.invitations.all())
        rows.append(
            RosterRow(
                participant,
                roster_status(i for i in invitations if i.timepoint == Timepoint.T1),
                roster_status(i for i in invitations if i.timepoint == Timepoint.T2),
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


def latest_collections(group: ParentGroup) -> dict[str, GroupCollection]:
    """The latest start (T1) and end (T2) collection of a group, by timepoint."""
    latest: dict[str, GroupCollection] = {}
    for collection in group.collections.order_by("-opened_at"):
        latest.setdefault(collection.timepoint, collection)
    return latest


def group_list(groups: QuerySet[ParentGroup]) -> QuerySet[ParentGroup]:
    """Groups with how many parents have joined each."""
    return groups.annotate(parent_count=Count("participants", distinct=True))


def facilitator_names(group: ParentGroup) -> list[str]:
    return [
        user.display_name
        for user in group.facilitators.order_by("first_name", "last_name", "username")
    ]
