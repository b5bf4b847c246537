"""Reads for messaging (issue 14): what the worker must plan, a family's messages and contact
as the record shows them, the overdue end (T2) list, and the worker's health."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from questionnaires.models import (
    Answer,
    CaseloadVisit,
    ChannelChoice,
    Contact,
    Episode,
    Family,
    GroupParticipant,
    Invitation,
    MessageKind,
    MessageState,
    OutboundMessage,
    Programme,
    Response,
    ResponseStatus,
    ScoreRecord,
    StaffUser,
    Timepoint,
    WorkerHeartbeat,
)
from questionnaires.selectors import messaging_settings
from questionnaires.statuses import PENDING_MATCH
from questionnaires.summary.flag_words import CASELOAD_SHOWS, CaseloadShows, read_stored

ALERT_LOOKBACK = timedelta(days=7)


def invitations_becoming_available(today: date) -> QuerySet[Invitation]:
    """Links planned for a later day whose day has come, for parents who agreed to messages,
    that no message has been queued for yet."""
    wants_messages = Contact.objects.filter(episode=OuterRef("episode")).exclude(
        channel=ChannelChoice.NEITHER
    )
    return (
        Invitation.objects.filter(
            available_from__isnull=False,
            available_from__lte=today,
            available_from__gte=today - timedelta(days=14),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            episode__closed_on__isnull=True,
        )
        .filter(Exists(wants_messages))
        .exclude(Exists(OutboundMessage.objects.filter(invitation=OuterRef("pk"))))
        .exclude(
            response__status__in=[ResponseStatus.SUBMITTED, ResponseStatus.DECLINED],
        )
        .select_related("episode__family")
    )


def flagged_responses_to_alert(
    now: datetime,
) -> list[tuple[uuid.UUID, Invitation, StaffUser]]:
    """Answers sent in the last week with a clinical flag (ASQ:SE-2 above its cut-off or in the
    monitoring zone, an overall question answered yes, a concern ticked) whose clinician has not
    been alerted: (response id, its invitation, the episode's clinician)."""
    recent = (
        Response.objects.filter(
            status=ResponseStatus.SUBMITTED,
            submitted_at__gte=now - ALERT_LOOKBACK,
            invitation__episode__clinician__isnull=False,
        )
        .exclude(invitation__messages__kind=MessageKind.ALERT)
        # Group answers waiting for a facilitator to confirm whose they are are nobody's
        # clinical data yet (LINK-8): the alert waits for the confirmation.
        .exclude(invitation__match_review__status__in=PENDING_MATCH)
    )
    ids = list(recent.values_list("pk", flat=True)[:200])
    if not ids:
        return []
    flagged: set[uuid.UUID] = set()
    for response_id, texts in ScoreRecord.objects.filter(
        is_current=True, measure__response_id__in=ids
    ).values_list("measure__response_id", "flags"):
        known, unknown = read_stored(str(text) for text in texts or [])
        if unknown or any(CASELOAD_SHOWS.get(flag.kind) == CaseloadShows.TAG for flag in known):
            flagged.add(response_id)
    flagged.update(
        Answer.objects.filter(concern=True, measure__response_id__in=ids).values_list(
            "measure__response_id", flat=True
        )
    )
    found = []
    for response in Response.objects.filter(pk__in=flagged).select_related(
        "invitation__episode__family", "invitation__episode__clinician"
    ):
        invitation = response.invitation
        if invitation is None or invitation.episode.clinician is None:
            continue
        found.append((response.pk, invitation, invitation.episode.clinician))
    return found


# --- The family record ------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageRow:
    kind: str
    channel: str
    state: str
    delivery_status: str
    due_at: datetime
    sent_at: datetime | None
    status_at: datetime | None
    note: str
    timepoint: str
    # Why a message still waiting will not go (answers sent, link revoked): the worker marks
    # it "not needed" when it comes to it; the record says so at once.
    stopped: str = ""


def family_messages(family: Family) -> list[MessageRow]:
    """Messages to the parent (not clinician alerts), newest due first."""
    rows = (
        OutboundMessage.objects.filter(family=family)
        .exclude(kind=MessageKind.ALERT)
        .select_related("invitation")
        .annotate(answer_status=F("invitation__response__status"))
        .order_by("-due_at")[:20]
    )  # one query
    return [
        MessageRow(
            row.kind,
            row.channel,
            row.state,
            row.delivery_status,
            row.due_at,
            row.sent_at,
            row.status_at,
            row.note,
            row.invitation.timepoint if row.invitation else "",
            _stopped(row) if row.state == MessageState.QUEUED else "",
        )
        for row in rows
    ]


def _stopped(row: OutboundMessage) -> str:
    if row.invitation is not None and row.invitation.revoked_at is not None:
        return "The link was revoked."
    if getattr(row, "answer_status", None) in (ResponseStatus.SUBMITTED, ResponseStatus.DECLINED):
        return "The answers were sent."
    return ""


# --- Overdue end (T2) -------------------------------------------------------------------------


def default_t2_date(episode: Episode) -> date:
    """Together Time: the group's last session (weekly sessions from its start); otherwise the
    configured number of weeks after the episode opened."""
    if episode.programme == Programme.TOGETHER_TIME:
        participant = (
            GroupParticipant.objects.filter(episode=episode).select_related("group").first()
        )
        if participant is not None:
            group = participant.group
            return group.start_date + timedelta(weeks=max(group.sessions - 1, 0))
    weeks = messaging_settings.for_service(episode.family.service).t2_weeks
    return episode.opened_on + timedelta(weeks=weeks)


@dataclass(frozen=True)
class OverdueRow:
    family: Family
    planned_on: date
    days_waiting: int


def overdue_t2(families: QuerySet[Family], today: date) -> list[OverdueRow]:
    """Open episodes whose planned end (T2) date (set by the clinician, else the programme's
    default) has passed and whose T2 answers have not been sent: who is waiting, since when."""
    t2_sent = Response.objects.filter(
        invitation__episode=OuterRef("pk"),
        invitation__timepoint=Timepoint.T2,
        status=ResponseStatus.SUBMITTED,
    )
    episodes = (
        Episode.objects.filter(family__in=families, closed_on__isnull=True)
        .exclude(Exists(t2_sent))
        .select_related("family", "t2_plan")
    )
    rows = []
    for episode in episodes:
        plan = getattr(episode, "t2_plan", None)
        planned = plan.planned_on if plan is not None else default_t2_date(episode)
        if planned < today:
            rows.append(OverdueRow(episode.family, planned, (today - planned).days))
    return sorted(rows, key=lambda row: row.planned_on)


# --- Health -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerHealth:
    alive: bool
    seconds_since_heartbeat: float | None
    oldest_waiting_seconds: float | None


def worker_health(stale_after: int, now: datetime | None = None) -> WorkerHealth:
    now = now or timezone.now()
    last = WorkerHeartbeat.objects.aggregate(latest=Max("beat_at"))["latest"]
    oldest = OutboundMessage.objects.filter(
        Q(state__in=[MessageState.QUEUED, MessageState.HANDED_OVER]),
        next_attempt_at__lte=now,
    ).aggregate(oldest=Min("due_at"))["oldest"]
    since = (now - last).total_seconds() if last else None
    return WorkerHealth(
        alive=since is not None and since <= stale_after,
        seconds_since_heartbeat=round(since, 1) if since is not None else None,
        oldest_waiting_seconds=round((now - oldest).total_seconds(), 1) if oldest else None,
    )


# --- The family record's messaging panel ------------------------------------------------------


@dataclass(frozen=True)
class MessagingPanel:
    episode: Episode
    contact: Contact | None
    t2_planned_on: date
    t2_planned_by_default: bool
    messages: list[MessageRow]
    t2_scheduled: bool


def messaging_panel(family: Family) -> MessagingPanel | None:
    """The open episode's contact, planned end (T2) date and messages, in three queries (four
    for a Together Time parent): None when no episode is open."""
    episode = (
        Episode.objects.filter(family=family, closed_on__isnull=True)
        .select_related("contact", "t2_plan", "family")
        .order_by("-opened_on")
        .first()
    )
    if episode is None:
        return None
    contact = getattr(episode, "contact", None)
    plan = getattr(episode, "t2_plan", None)
    messages = family_messages(family)
    return MessagingPanel(
        episode=episode,
        contact=contact,
        t2_planned_on=plan.planned_on if plan is not None else default_t2_date(episode),
        t2_planned_by_default=plan is None,
        messages=messages,
        t2_scheduled=any(
            row.kind == MessageKind.T2
            and row.state not in (MessageState.CANCELLED, MessageState.FAILED)
            for row in messages
        ),
    )


# --- The caseload: new since you last looked --------------------------------------------------


def new_answers_since(families: QuerySet[Family], staff: StaffUser) -> list[Family]:
    """Families (of this scope) with answers sent since this member of staff last opened the
    caseload (none the first time), each annotated with `looked_before`; one query."""
    marker = Subquery(CaseloadVisit.objects.filter(staff=staff).values("looked_at")[:1])
    sent = Response.objects.filter(
        invitation__episode__family=OuterRef("pk"),
        status=ResponseStatus.SUBMITTED,
        submitted_at__gt=marker,
    )
    return list(families.filter(Exists(sent)).annotate(looked_before=marker).order_by("label")[:20])


# --- The parent's own contact details (the confirmation page) ---------------------------------


@dataclass(frozen=True)
class ParentContactOffer:
    """What the confirmation page may say about the details held: never the details themselves,
    at most the last three digits of the mobile number."""

    episode: Episode
    mobile_ending: str
    has_email: bool
    channel: str


def parent_contact_offer(response_id: str) -> ParentContactOffer | None:
    """For a parent who has just sent their answers through a personal link: their open
    episode and a hint of what is held; None when there is nothing to offer."""
    response = (
        Response.objects.select_related("invitation__episode")
        .filter(pk=response_id, status=ResponseStatus.SUBMITTED, invitation__isnull=False)
        .first()
    )
    if response is None or response.invitation is None:
        return None
    episode = response.invitation.episode
    if episode.closed_on is not None:
        return None
    contact = Contact.objects.filter(episode=episode).first()
    if contact is None:
        return ParentContactOffer(episode, "", False, "")
    return ParentContactOffer(
        episode, contact.mobile[-3:] if contact.mobile else "", bool(contact.email), contact.channel
    )
