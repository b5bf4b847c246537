"""Together Time groups: room codes, joining, returning at the end, and the match queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from questionnaires import credentials
from questionnaires.models import (
    Family,
    GroupCollection,
    GroupParticipant,
    Invitation,
    MatchReview,
    MatchStatus,
    ParentGroup,
    Programme,
    Response,
    ResponseStatus,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.roles import works_with_families
from questionnaires.services import audit
from questionnaires.services.families import DEFAULT_SET, open_episode, register_family
from questionnaires.services.invitations import issue_invitation
from questionnaires.statuses import collection_is_open

GROUP_CODE_LENGTH = 6
UNLINKED_PREFIX = "TT-UNLINKED-"


@transaction.atomic
def create_group(
    service: Service,
    name: str,
    start_date: date,
    sessions: int,
    venue: str = "",
    facilitators: list[StaffUser] | None = None,
    actor: StaffUser | None = None,
    lead_clinician: StaffUser | None | Literal["creator"] = "creator",
) -> ParentGroup:
    """By default the creator leads if they work with families, so a group set up by a
    clinician has a named clinician for its episodes; None sets it up without a lead."""
    if lead_clinician == "creator":
        lead_clinician = actor if actor is not None and works_with_families(actor) else None
    group = ParentGroup.objects.create(
        service=service,
        name=name,
        venue=venue,
        start_date=start_date,
        sessions=sessions,
        lead_clinician=lead_clinician,
    )
    group.facilitators.set(facilitators or ([actor] if actor else []))
    audit.record(
        "group.created",
        actor,
        group,
        lead_clinician=str(lead_clinician.pk) if lead_clinician else "",
    )
    return group


@transaction.atomic
def update_group(
    group: ParentGroup,
    name: str,
    start_date: date,
    sessions: int,
    venue: str,
    facilitators: list[StaffUser],
    actor: StaffUser | None = None,
    lead_clinician: StaffUser | None = None,
) -> ParentGroup:
    """`lead_clinician` None means the group has no lead: new joiners' episodes get none.
    Episodes already open keep their clinician (a change of lead is not a handover)."""
    lead_changed = group.lead_clinician_id != (lead_clinician.pk if lead_clinician else None)
    group.name, group.start_date, group.sessions, group.venue = name, start_date, sessions, venue
    group.lead_clinician = lead_clinician
    group.save()
    group.facilitators.set(facilitators)
    details = {"lead_clinician": str(lead_clinician.pk) if lead_clinician else ""}
    audit.record("group.updated", actor, group, **(details if lead_changed else {}))
    return group


def room_code_expiry() -> datetime:
    """Room codes stop at the end of the day (Europe/London), or after ROOM_CODE_HOURS when
    the service sets it, unless the facilitator closes them sooner."""
    end_of_day = timezone.make_aware(datetime.combine(timezone.localdate(), time.max))
    if settings.ROOM_CODE_HOURS > 0:
        return min(end_of_day, timezone.now() + timedelta(hours=settings.ROOM_CODE_HOURS))
    return end_of_day


def _new_room_code(collection: GroupCollection) -> None:
    code = credentials.new_code(GROUP_CODE_LENGTH)
    collection.code = code
    collection.code_hash = credentials.credential_hash(code)


@transaction.atomic
def open_collection(
    group: ParentGroup,
    timepoint: Timepoint | str,
    actor: StaffUser | None = None,
    codes: tuple[str, ...] = DEFAULT_SET,
    expires_at: datetime | None = None,
) -> GroupCollection:
    # One open collection per timepoint at a time: opening again closes the earlier one.
    for earlier in group.collections.filter(timepoint=timepoint, closed_at__isnull=True):
        _close(earlier)
    collection = GroupCollection(
        group=group,
        timepoint=timepoint,
        instruments=list(codes),
        expires_at=expires_at or room_code_expiry(),
        opened_by=actor,
    )
    _save_with_fresh_code(collection)
    audit.record("collection.opened", actor, collection, timepoint=str(timepoint))
    return collection


def _save_with_fresh_code(
    collection: GroupCollection, update_fields: list[str] | None = None
) -> None:
    # A clash of random 6-character codes is rare (31⁶ ≈ 887 million); try again if it happens.
    for _ in range(5):
        _new_room_code(collection)
        try:
            with transaction.atomic():
                collection.save(update_fields=update_fields)
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free room code")


def _close(collection: GroupCollection) -> None:
    collection.closed_at = timezone.now()
    collection.code_hash = None  # the code stops working at once
    collection.save(update_fields=["closed_at", "code_hash"])


@transaction.atomic
def close_collection(collection: GroupCollection, actor: StaffUser | None = None) -> None:
    if collection.closed_at is None:
        _close(collection)
        audit.record("collection.closed", actor, collection)


@transaction.atomic
def rotate_code(collection: GroupCollection, actor: StaffUser | None = None) -> GroupCollection:
    """A new room code (e.g. the old one was shared outside the room); the old one stops."""
    _save_with_fresh_code(collection, update_fields=["code", "code_hash"])
    audit.record("collection.code_rotated", actor, collection)
    return collection


@dataclass(frozen=True)
class Joined:
    participant: GroupParticipant
    invitation: Invitation


class MatchAlreadyDecided(Exception):
    """Someone else decided this match first; nothing was changed."""


class AlreadyHasEndAnswers(Exception):
    """The parent already has end answers from this collection (by their own phone or return
    code), so these cannot be linked to them as well."""


class JoinHasAnswers(Exception):
    """A join whose parent has sent answers is not junk; it is not removed."""


# The wording version of the privacy notice and consent a group parent agrees to before giving
# any details (finding 9 of the parent review); bump it when the notice's words change.
GROUP_CONSENT_WORDING_VERSION = "group-2026-12"


def _split_baby_date(baby_date: date) -> tuple[date | None, date | None]:
    """A date in the future is a due date; otherwise it is the date of birth."""
    if baby_date > timezone.localdate():
        return None, baby_date
    return baby_date, None


def _group_invitation(
    collection: GroupCollection,
    family: Family,
    timepoint: str,
    clinician: StaffUser | None = None,
) -> Invitation:
    """`clinician` owns a new episode (the group's lead clinician for a joiner); the temporary
    family of unmatched end answers gets none: those answers are nobody's yet (LINK-8)."""
    episode = family.episodes.order_by("opened_on").first() or open_episode(
        family, Programme.TOGETHER_TIME, timezone.localdate(), clinician
    )
    # The plan chooses each parent's set (a due date gets the pregnancy set), as for a
    # personal link; the collection's own list records what the room offered.
    issued = issue_invitation(episode, timepoint, valid_days=14)
    issued.invitation.collection = collection
    issued.invitation.save(update_fields=["collection"])
    return issued.invitation


def _register_group_family(
    service: Service, nickname: str, relationship: str, baby_date: date, prefix: str
) -> Family:
    dob, due = _split_baby_date(baby_date)
    for _ in range(5):
        try:
            with transaction.atomic():
                return register_family(
                    service,
                    label=f"{prefix}{credentials.new_code(6)}",
                    parent_name=nickname,
                    relationship=relationship,
                    infant_dob=dob,
                    due_date=due,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not find a free family label")


def _agreed_to_notice(invitation: Invitation) -> None:
    """The parent agreed to the group's privacy notice before giving their details; the
    agreement, with the notice's wording version, becomes their consent when they start."""
    invitation.notice_agreed_at = timezone.now()
    invitation.notice_wording_version = GROUP_CONSENT_WORDING_VERSION
    invitation.save(update_fields=["notice_agreed_at", "notice_wording_version"])


@transaction.atomic
def join_start(
    collection: GroupCollection, nickname: str, relationship: str, baby_date: date
) -> Joined:
    """A parent who agreed to the privacy notice joins a start (T1) collection: their own
    family record, episode, consented response and return code. Two phones never share a
    response."""
    group = collection.group
    family = _register_group_family(group.service, nickname, relationship, baby_date, "TT-")
    invitation = _group_invitation(collection, family, Timepoint.T1, group.lead_clinician)
    seed = credentials.new_seed()
    participant = GroupParticipant.objects.create(
        group=group,
        family=family,
        episode=invitation.episode,
        nickname=nickname,
        return_code_seed=seed,
        return_code_hash=credentials.credential_hash(credentials.derived_code(seed)),
    )
    _agreed_to_notice(invitation)
    audit.record("group.joined", None, participant, collection=str(collection.pk))
    return Joined(participant, invitation)


@transaction.atomic
def return_for_end(collection: GroupCollection, participant: GroupParticipant) -> Invitation:
    """A recognised parent (same phone, or their return code) at the end collection: their T2
    answers go on their own episode. Coming back again, or tapping twice, resumes the same one
    (a unique constraint decides between simultaneous taps)."""
    existing = Invitation.objects.filter(collection=collection, episode=participant.episode).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            invitation = _group_invitation(collection, participant.family, Timepoint.T2)
    except IntegrityError:
        return Invitation.objects.get(collection=collection, episode=participant.episode)
    audit.record("group.returned", None, participant, collection=str(collection.pk))
    return invitation


def _candidates(group: ParentGroup, nickname: str, baby_date: date) -> list[GroupParticipant]:
    wanted = nickname.strip().casefold()
    return [
        participant
        for participant in group.participants.select_related("family")
        if participant.nickname.strip().casefold() == wanted
        and baby_date in (participant.family.infant_dob, participant.family.due_date)
    ]


@transaction.atomic
def return_by_details(
    collection: GroupCollection, nickname: str, relationship: str, baby_date: date
) -> Invitation:
    """No device cookie and no return code: the parent gives their nickname and baby's date.
    That never grants access to anyone's existing invitation, answers or consent (LINK-8): the
    parent always starts a new response of their own, on a temporary family, and the match
    queue holds it until a facilitator says whose it is. Exactly one parent with those details
    is proposed; none or several are not guessed. What the parent sees is the same either way."""
    family = _register_group_family(
        collection.group.service, nickname, relationship, baby_date, UNLINKED_PREFIX
    )
    invitation = _group_invitation(collection, family, Timepoint.T2)
    matches = _candidates(collection.group, nickname, baby_date)
    proposed = matches[0] if len(matches) == 1 else None
    status = MatchStatus.PROVISIONAL if proposed else MatchStatus.UNMATCHED
    review = MatchReview.objects.create(
        invitation=invitation,
        collection=collection,
        nickname=nickname,
        infant_dob=baby_date,
        proposed=proposed,
        status=status,
    )
    _agreed_to_notice(invitation)
    audit.record("group.match_queued", None, review, status=str(status))
    return invitation


def _locked_pending(review: MatchReview) -> MatchReview:
    """The review, locked, still waiting for a decision: a second facilitator (or a stale page)
    finds it decided and changes nothing."""
    locked = MatchReview.objects.select_for_update().get(pk=review.pk)
    if locked.status not in (MatchStatus.PROVISIONAL, MatchStatus.UNMATCHED):
        raise MatchAlreadyDecided(str(locked.pk))
    return locked


def _give_episode_a_clinician(participant: GroupParticipant) -> None:
    """Matched end answers reach a named clinician: an episode opened before the group had a
    lead gets the group's lead now (an episode's own clinician is never replaced)."""
    episode, lead = participant.episode, participant.group.lead_clinician
    if episode.clinician_id is None and lead is not None:
        episode.clinician = lead
        episode.save(update_fields=["clinician"])
        audit.record("episode.clinician_set", None, episode, clinician=str(lead.pk))


@transaction.atomic
def confirm_match(
    review: MatchReview, participant: GroupParticipant, actor: StaffUser | None = None
) -> MatchReview:
    """Link the end response to this participant's episode, off its temporary family."""
    review = _locked_pending(review)
    invitation = review.invitation
    if Invitation.objects.filter(
        collection=review.collection, episode=participant.episode
    ).exists():
        raise AlreadyHasEndAnswers(str(participant.pk))
    temporary = invitation.episode.family
    invitation.episode = participant.episode
    invitation.save(update_fields=["episode"])
    if not temporary.episodes.filter(invitations__isnull=False).exists():
        temporary.delete()
    _give_episode_a_clinician(participant)
    review.proposed = participant
    review.status = MatchStatus.CONFIRMED
    review.decided_by, review.decided_at = actor, timezone.now()
    review.save()
    audit.record("group.match_confirmed", actor, review, participant=str(participant.pk))
    return review


@transaction.atomic
def reject_match(review: MatchReview, actor: StaffUser | None = None) -> MatchReview:
    """Not this parent: the answers stay on their own temporary family, unlinked. Nothing moves:
    only answers that came in by details are ever in the queue, so a parent's own answers (by
    their phone, return code or personal link) cannot be detached here."""
    review = _locked_pending(review)
    review.status = MatchStatus.REJECTED
    review.decided_by, review.decided_at = actor, timezone.now()
    review.save()
    audit.record("group.match_rejected", actor, review)
    return review


@transaction.atomic
def remove_join(participant: GroupParticipant, actor: StaffUser | None = None) -> None:
    """A junk join (a stranger with the room code, a double tap): the family, episode, links and
    any unsent answers go. A join whose answers were sent is kept for the team."""
    family = participant.family
    if Response.objects.filter(
        invitation__episode__family=family, status=ResponseStatus.SUBMITTED
    ).exists():
        raise JoinHasAnswers(str(participant.pk))
    audit.record("group.join_removed", actor, participant.group, participant=str(participant.pk))
    family.delete()


@transaction.atomic
def remove_unmatched(review: MatchReview, actor: StaffUser | None = None) -> None:
    """Junk in the match queue: the temporary family that came in by details, unless sent."""
    review = _locked_pending(review)
    family = review.invitation.episode.family
    if Response.objects.filter(
        invitation=review.invitation, status=ResponseStatus.SUBMITTED
    ).exists():
        raise JoinHasAnswers(str(review.pk))
    audit.record("group.unmatched_removed", actor, review.collection, review=str(review.pk))
    family.delete()


def _open_end_collection(group: ParentGroup) -> GroupCollection | None:
    for collection in group.collections.filter(timepoint=Timepoint.T2, closed_at__isnull=True):
        if collection_is_open(collection):
            return collection
    return None


@transaction.atomic
def invitation_for_return_code(participant: GroupParticipant) -> Invitation | None:
    """Where a typed return code leads: the group's open end collection if there is one,
    otherwise back into their unfinished start answers. None when there is nothing to do."""
    end = _open_end_collection(participant.group)
    if end is not None:
        return return_for_end(end, participant)
    unfinished = (
        Invitation.objects.filter(episode=participant.episode, revoked_at__isnull=True)
        .exclude(response__status__in=[ResponseStatus.SUBMITTED, ResponseStatus.DECLINED])
        .order_by("-created_at")
        .first()
    )
    if unfinished is not None and unfinished.expires_at > timezone.now():
        return unfinished
    return None
