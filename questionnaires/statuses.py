"""Where things have got to, in one vocabulary per thing: a personal link, a group parent on the
roster, a family on the caseload, a group's room code. Each status is worked out here from
fetched rows (no queries); pages only show it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import TextChoices
from django.utils import timezone

from questionnaires.models import GroupCollection, Invitation, MatchStatus, ResponseStatus

# One vocabulary for links and answers on every staff page (caseload, family record, roster,
# PDF). "Sent" alone once meant "link issued" on one page and "answers received" on another:
# these words say who did what.
LINK_SENT = "Link sent – not opened"
OPENED = "Opened"
IN_PROGRESS = "In progress"
ANSWERS_RECEIVED = "Answers received"
DECLINED = "Declined"
WAITING_FOR_MATCHING = "Waiting for matching"
EXPIRED = "Expired"
REVOKED = "Revoked"
NOT_STARTED = "Not started"
NO_ANSWERS_YET = "No answers yet"


class InvitationStatus(TextChoices):
    """What became of a personal link, as the clinician sees it."""

    SENT = "sent", LINK_SENT
    OPENED = "opened", OPENED
    IN_PROGRESS = "in_progress", IN_PROGRESS
    SENT_BACK = "sent_back", ANSWERS_RECEIVED
    DECLINED = "declined", DECLINED
    EXPIRED = "expired", EXPIRED
    REVOKED = "revoked", REVOKED


def answers_words(received: bool) -> str:
    """A timepoint's answers on the caseload: received (and matched), or not yet."""
    return ANSWERS_RECEIVED if received else NO_ANSWERS_YET


# Statuses in which the link still lets a parent in, so revoking it means something.
REVOCABLE = frozenset(
    {InvitationStatus.SENT, InvitationStatus.OPENED, InvitationStatus.IN_PROGRESS}
)


def invitation_is_usable(invitation: Invitation, now: datetime | None = None) -> bool:
    """A link a parent can still come in with: not revoked and not expired (LINK-3)."""
    return invitation.revoked_at is None and invitation.expires_at > (now or timezone.now())


def invitation_status(invitation: Invitation, now: datetime | None = None) -> InvitationStatus:
    """Answers sent back or declined are facts about the parent and outrank what later happened
    to the link; then a revoked or expired link stops everything. Select the response with the
    invitation (select_related) to keep lists to one query."""
    now = now or timezone.now()
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


def can_resend(status: InvitationStatus) -> bool:
    """A lost or expired link can be sent again while nothing has been sent back."""
    return status in REVOCABLE or status == InvitationStatus.EXPIRED


class RosterStatus(TextChoices):
    """How far a group parent got at one timepoint, as the facilitator sees it (never answers,
    AZ-3)."""

    NOT_STARTED = "not_started", NOT_STARTED
    IN_PROGRESS = "in_progress", IN_PROGRESS
    SENT = "sent", ANSWERS_RECEIVED
    DECLINED = "declined", DECLINED
    WAITING_FOR_MATCHING = "waiting_for_matching", WAITING_FOR_MATCHING


_ROSTER_FROM_RESPONSE = {
    ResponseStatus.IN_PROGRESS: RosterStatus.IN_PROGRESS,
    ResponseStatus.SUBMITTED: RosterStatus.SENT,
    ResponseStatus.DECLINED: RosterStatus.DECLINED,
}


def _roster_status(invitation: Invitation) -> RosterStatus:
    response = getattr(invitation, "response", None)
    if response is None:
        return RosterStatus.NOT_STARTED
    status = _ROSTER_FROM_RESPONSE[ResponseStatus(response.status)]
    # Answers a facilitator has still to match are not yet this parent's (LINK-8).
    if status == RosterStatus.SENT and awaits_matching(invitation):
        return RosterStatus.WAITING_FOR_MATCHING
    return status


def roster_status(invitations: Iterable[Invitation]) -> RosterStatus | None:
    """One status per timepoint, even if the parent joined two collections (say the start was
    opened again for a late joiner): sent answers count; otherwise the latest invitation."""
    latest = sorted(invitations, key=lambda invitation: invitation.created_at, reverse=True)
    if not latest:
        return None
    statuses = [_roster_status(invitation) for invitation in latest]
    return RosterStatus.SENT if RosterStatus.SENT in statuses else statuses[0]


class CaseStatus(TextChoices):
    """Where a family's latest episode of care has got to, for the caseload."""

    AWAITING_T1 = "awaiting_t1", "Waiting for start (T1) answers"
    T1_DONE = "t1_done", "Start (T1) answers in"
    T2_DONE = "t2_done", "End (T2) answers in"
    CLOSED = "closed", "Closed"


class CollectionState(TextChoices):
    """A group's start or end collection: its room code works only while it is open."""

    OPEN = "open", "Open"
    EXPIRED = "expired", "Expired"
    CLOSED = "closed", "Closed"


def collection_state(collection: GroupCollection, now: datetime | None = None) -> CollectionState:
    if collection.closed_at is not None or collection.code_hash is None:
        return CollectionState.CLOSED
    if collection.expires_at <= (now or timezone.now()):
        return CollectionState.EXPIRED
    return CollectionState.OPEN


def collection_is_open(collection: GroupCollection) -> bool:
    return collection_state(collection) == CollectionState.OPEN


# End answers that came in by nickname and baby's date and wait for a facilitator: until then
# they are nobody's clinical data (LINK-8, HAZ-W4).
PENDING_MATCH = frozenset({MatchStatus.PROVISIONAL, MatchStatus.UNMATCHED})


def awaits_matching(invitation: Invitation) -> bool:
    """Select the match review with the invitation (select_related) to keep lists to a query."""
    review = getattr(invitation, "match_review", None)
    return review is not None and review.status in PENDING_MATCH
