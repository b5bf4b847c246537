"""The outbox and its worker (issue 14, MSG-3): one row per message, one reason per row (a
unique idempotency key), sent by `manage.py run_worker`.

A worker claims due rows with a lease: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED` inside a
transaction, elsewhere (SQLite, `make run`) a compare-and-swap UPDATE on the lease, so two
workers never hold the same row. Before a message is handed to the provider its row is marked
handed over (committed); after, it is recorded as sent. A worker that dies between the two
leaves a handed-over row whose lease runs out: the next worker asks GOV.UK Notify for the
message by its reference (the idempotency key) and records it rather than sending again; SMTP
cannot be asked, so the row is marked "unknown — check" (at most once). A provider that is down
leaves the row queued, retried with exponential back-off, shown to staff as "not sent yet"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from questionnaires import credentials, languages
from questionnaires.messaging import compose, notify_sender
from questionnaires.messaging.base import (
    Outgoing,
    PermanentFailure,
    Receipt,
    Sender,
    TemporaryFailure,
)
from questionnaires.messaging.email_sender import EmailSender
from questionnaires.models import (
    ChannelChoice,
    Contact,
    DeliveryStatus,
    Episode,
    Family,
    Invitation,
    MessageChannel,
    MessageKind,
    MessageState,
    OutboundMessage,
    ResponseStatus,
    StaffUser,
    Timepoint,
    WorkerHeartbeat,
)
from questionnaires.selectors import messaging as messaging_reads
from questionnaires.selectors import messaging_settings
from questionnaires.selectors.messaging_settings import ReminderSettings
from questionnaires.services import audit, contacts, invitations

logger = logging.getLogger(__name__)

FINAL_DELIVERY = {
    DeliveryStatus.DELIVERED,
    DeliveryStatus.PERMANENT_FAILURE,
    DeliveryStatus.TEMPORARY_FAILURE,
    DeliveryStatus.TECHNICAL_FAILURE,
}
STATUS_CHECK_EVERY = timedelta(seconds=30)


# --- Sending window and back-off --------------------------------------------------------------


def in_sending_window(moment: datetime, chosen: ReminderSettings | None = None) -> datetime:
    """`moment`, or the start of the next daytime window (never at night), in the service's
    sending hours (`chosen`, from `selectors.messaging_settings.for_service`)."""
    local = timezone.localtime(moment)
    chosen = chosen or messaging_settings.site_defaults()
    start, until = chosen.send_from_hour, chosen.send_until_hour
    if start <= local.hour < until:
        return moment
    day = local.date() if local.hour < start else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(start)))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … at most 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


# --- Queueing ---------------------------------------------------------------------------------


def enqueue(
    kind: MessageKind,
    key: str,
    family: Family,
    due_at: datetime,
    *,
    invitation: Invitation | None = None,
    staff: StaffUser | None = None,
    actor: StaffUser | None = None,
) -> OutboundMessage | None:
    """A message for this reason, unless one exists (then None: the database decided)."""
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                kind=kind,
                idempotency_key=key,
                family=family,
                invitation=invitation,
                recipient_staff=staff,
                due_at=due_at,
                next_attempt_at=due_at,
                created_by=actor,
            )
            audit.record(
                "message.queued",
                actor,
                invitation or family,
                message=str(message.pk),
                kind=str(kind),
            )
    except IntegrityError:
        return None
    return message


class AlreadyScheduled(Exception):
    """An end (T2) link is already waiting to be sent for this episode."""


@transaction.atomic
def schedule_t2(episode: Episode, on: date, actor: StaffUser | None = None) -> OutboundMessage:
    """The end (T2) link, planned for `on`'s questionnaires, sent by the worker on that day
    (from the start of the daytime window). The link itself is made when it is sent."""
    Episode.objects.select_for_update().filter(pk=episode.pk).first()  # one scheduler at a time
    if OutboundMessage.objects.filter(
        kind=MessageKind.T2,
        invitation__episode=episode,
        state__in=[MessageState.QUEUED, MessageState.HANDED_OVER],
    ).exists():
        raise AlreadyScheduled
    # The family's preferred language, as staff last set it for this episode (MSG-8, I18N-2).
    language = (
        Invitation.objects.filter(episode=episode)
        .exclude(language="")
        .order_by("-created_at")
        .values_list("language", flat=True)
        .first()
    ) or ""
    issued = invitations.issue_invitation(
        episode, Timepoint.T2, actor=actor, available_from=on, language=language
    )
    due = max(timezone.make_aware(datetime.combine(on, time(0))), timezone.now())
    chosen = messaging_settings.for_service(episode.family.service)
    message = enqueue(
        MessageKind.T2,
        f"t2:{issued.invitation.pk}",
        episode.family,
        in_sending_window(due, chosen),
        invitation=issued.invitation,
        actor=actor,
    )
    assert message is not None  # a new invitation has no message yet
    return message


@transaction.atomic
def reschedule_t2(episode: Episode, on: date, actor: StaffUser | None = None) -> int:
    """A new end (T2) date moves a T2 link still waiting to that day."""
    due = in_sending_window(
        max(timezone.make_aware(datetime.combine(on, time(0))), timezone.now()),
        messaging_settings.for_service(episode.family.service),
    )
    waiting = OutboundMessage.objects.filter(
        kind=MessageKind.T2, invitation__episode=episode, state=MessageState.QUEUED
    )
    moved = waiting.update(due_at=due, next_attempt_at=due)
    if moved:
        audit.record("message.rescheduled", actor, episode, count=moved, due=on.isoformat())
    return moved


def plan_due_messages(now: datetime | None = None) -> int:
    """Rows for what has become due since the last loop: links whose `available_from` day has
    come (the parent has a contact), and clinician alerts for flagged answers. Idempotent: the
    keys make a second plan a no-op."""
    now = now or timezone.now()
    made = 0
    for invitation in messaging_reads.invitations_becoming_available(timezone.localdate(now)):
        made += (
            enqueue(
                MessageKind.INVITATION,
                f"invitation:{invitation.pk}",
                invitation.episode.family,
                in_sending_window(
                    now, messaging_settings.for_service(invitation.episode.family.service)
                ),
                invitation=invitation,
            )
            is not None
        )
    for response_id, invitation, clinician in messaging_reads.flagged_responses_to_alert(now):
        made += (
            enqueue(
                MessageKind.ALERT,
                f"alert:{response_id}",
                invitation.episode.family,
                now,
                invitation=invitation,
                staff=clinician,
            )
            is not None
        )
    return made


def _queue_reminders(message: OutboundMessage, sent_at: datetime) -> None:
    if message.kind not in (MessageKind.INVITATION, MessageKind.T2) or message.invitation is None:
        return
    chosen = messaging_settings.for_service(message.family.service)
    for number, days in enumerate(chosen.days_due, start=1):
        enqueue(
            MessageKind.REMINDER,
            f"reminder:{message.invitation_id}:{number}",
            message.family,
            in_sending_window(sent_at + timedelta(days=days), chosen),
            invitation=message.invitation,
        )


# --- Claiming ---------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    return Q(
        state__in=[MessageState.QUEUED, MessageState.HANDED_OVER],
        next_attempt_at__lte=now,
    ) & (Q(leased_until__isnull=True) | Q(leased_until__lt=now))


def claim(worker: str, now: datetime | None = None, limit: int = 10) -> list[OutboundMessage]:
    """Lease up to `limit` due rows for this worker; no other worker gets them until the lease
    runs out."""
    now = now or timezone.now()
    lease = {"leased_until": now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)}
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(
                OutboundMessage.objects.filter(_due(now))
                .order_by("next_attempt_at")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:limit]
            )
            OutboundMessage.objects.filter(pk__in=ids).update(leased_by=worker, **lease)
    else:
        ids = []
        candidates = OutboundMessage.objects.filter(_due(now)).order_by("next_attempt_at")
        for pk in candidates.values_list("pk", flat=True)[:limit]:
            # Compare and swap: only one UPDATE finds the lease still free.
            won = (
                OutboundMessage.objects.filter(pk=pk)
                .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
                .update(leased_by=worker, **lease)
            )
            if won == 1:
                ids.append(pk)
    return list(
        OutboundMessage.objects.filter(pk__in=ids)
        .select_related("family__service", "invitation__episode", "recipient_staff")
        .order_by("next_attempt_at")
    )


def _finish(message: OutboundMessage, worker: str, **fields: object) -> bool:
    """Record an outcome and release the lease, if the lease is still this worker's."""
    fields.setdefault("leased_until", None)
    fields.setdefault("leased_by", "")
    return OutboundMessage.objects.filter(pk=message.pk, leased_by=worker).update(**fields) == 1


# --- Sending ----------------------------------------------------------------------------------

SenderFor = Callable[[str], Sender]


def sender_for(provider: str) -> Sender:
    """GOV.UK Notify when it is configured, else email through Django's backend."""
    if provider == "notify" or (provider == "" and notify_sender.configured()):
        return notify_sender.NotifySender()
    return EmailSender()


@dataclass(frozen=True)
class _Destination:
    channel: MessageChannel
    to: str


def _destination(message: OutboundMessage) -> _Destination | None:
    """Read at send time, never stored in the outbox."""
    if message.kind == MessageKind.ALERT:
        staff = message.recipient_staff
        if staff is None or not staff.email or not staff.is_active:
            return None
        return _Destination(MessageChannel.EMAIL, staff.email)
    assert message.invitation is not None
    contact = Contact.objects.filter(episode_id=message.invitation.episode_id).first()
    if contact is None:
        return None
    if contact.channel == ChannelChoice.TEXT and contact.mobile:
        return _Destination(MessageChannel.SMS, contact.mobile)
    if contact.channel == ChannelChoice.EMAIL and contact.email:
        return _Destination(MessageChannel.EMAIL, contact.email)
    return None


def _no_longer_needed(message: OutboundMessage) -> str:
    """Why a message to a parent must not go now (sent, revoked, closed), or ""."""
    if message.kind == MessageKind.ALERT or message.invitation_id is None:
        return ""
    invitation = Invitation.objects.select_related("episode").get(pk=message.invitation_id)
    if invitation.revoked_at is not None:
        return "The link was revoked."
    if invitation.episode.closed_on is not None:
        return "The episode is closed."
    status = (
        Invitation.objects.filter(pk=invitation.pk)
        .values_list("response__status", flat=True)
        .first()
    )
    if status in (ResponseStatus.SUBMITTED, ResponseStatus.DECLINED):
        return "The answers were sent."
    return ""


def _compose(message: OutboundMessage, destination: _Destination) -> Outgoing:
    service = message.family.service
    if message.kind == MessageKind.ALERT:
        words = compose.staff_alert(settings.SITE_BASE_URL + reverse("staff:login"))
        template = "email_alert"
        language = languages.ENGLISH
    else:
        assert message.invitation is not None
        # Tokens are stored only as hashes: a fresh link and code are made for each message,
        # and the one before stops working (the answers stay with the link).
        issued = invitations.resend_invitation(message.invitation)
        # MSG-8: in the family's preferred language when its catalogue may be used now (approved,
        # or demo mode), else English, by the same rules as the pages (I18N-4, I18N-8).
        with languages.override(message.invitation.language) as language:
            words = compose.invitation(
                service.name,
                settings.SITE_BASE_URL + reverse("parents:link", kwargs={"token": issued.token}),
                credentials.display_code(issued.short_code),
                settings.SITE_BASE_URL + reverse("parents:code"),
                service.contact_line,
                reminder=message.kind == MessageKind.REMINDER,
            )
        base = "reminder" if message.kind == MessageKind.REMINDER else "invitation"
        template = f"{destination.channel}_{base}"
    return Outgoing(
        channel=str(destination.channel),
        to=destination.to,
        template=template,
        reference=message.idempotency_key,
        subject=words.subject,
        body=words.body,
        fields=words.fields,
        language=language,
    )


def _audit(message: OutboundMessage, action: str, **detail: object) -> None:
    audit.record(
        action,
        None,
        message.invitation or message.family,
        message=str(message.pk),
        kind=message.kind,
        **detail,
    )


def _record_sent(message: OutboundMessage, worker: str, receipt: Receipt, provider: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        if _finish(
            message,
            worker,
            state=MessageState.SENT,
            provider=provider,
            provider_id=receipt.provider_id,
            delivery_status=receipt.status,
            sent_at=now,
            status_at=now,
            note="",
        ):
            _audit(message, "message.sent", channel=message.channel, provider=provider)
            _queue_reminders(message, now)


def _temporary(message: OutboundMessage, worker: str, state: MessageState, why: str) -> None:
    attempts = message.attempts + 1
    with transaction.atomic():
        if attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            _finish(message, worker, state=MessageState.FAILED, attempts=attempts, note=why)
            _audit(message, "message.failed", attempts=attempts)
        else:
            _finish(
                message,
                worker,
                state=state,
                attempts=attempts,
                next_attempt_at=timezone.now() + backoff(attempts),
                note=why,
            )
            _audit(message, "message.retry", attempts=attempts)


def process(message: OutboundMessage, worker: str, senders: SenderFor = sender_for) -> str:
    """Send one leased message, or record why not. Returns its new state."""
    if message.state == MessageState.HANDED_OVER:
        # Handed over before: a crash, or a provider that timed out. Never send twice.
        sender = senders(message.provider)
        if not sender.can_look_up:
            with transaction.atomic():
                _finish(
                    message,
                    worker,
                    state=MessageState.UNKNOWN,
                    note="It may have been sent: check with the parent before sending again.",
                )
                _audit(message, "message.unknown")
            return MessageState.UNKNOWN
        try:
            found = sender.find(message.idempotency_key)
        except TemporaryFailure as error:
            _temporary(message, worker, MessageState.HANDED_OVER, str(error))
            return MessageState.HANDED_OVER
        if found is not None:
            _record_sent(message, worker, found, sender.name)
            return MessageState.SENT
    why = _no_longer_needed(message)
    destination = _destination(message) if not why else None
    if not why and destination is None:
        why = "No contact details, or the parent chose not to be contacted."
    if why:
        with transaction.atomic():
            _finish(message, worker, state=MessageState.CANCELLED, note=why)
            _audit(message, "message.cancelled")
        return MessageState.CANCELLED
    assert destination is not None
    if message.kind != MessageKind.ALERT:
        chosen = messaging_settings.for_service(message.family.service)
        window = in_sending_window(timezone.now(), chosen)
        if window > timezone.now():
            _finish(message, worker, next_attempt_at=window)
            return str(message.state)
    sender = senders("")
    try:
        with transaction.atomic():
            outgoing = _compose(message, destination)
            _finish(
                message,
                worker,
                state=MessageState.HANDED_OVER,
                handed_over_at=timezone.now(),
                provider=sender.name,
                channel=destination.channel,
                # Keep the lease while the provider is called.
                leased_until=timezone.now() + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
                leased_by=worker,
            )
    except invitations.LinkRevoked:
        with transaction.atomic():
            _finish(message, worker, state=MessageState.CANCELLED, note="The link was revoked.")
            _audit(message, "message.cancelled")
        return MessageState.CANCELLED
    message.channel, message.provider = destination.channel, sender.name
    try:
        receipt = sender.send(outgoing)
    except PermanentFailure as error:
        with transaction.atomic():
            _finish(message, worker, state=MessageState.FAILED, note=str(error)[:200])
            _audit(message, "message.failed", attempts=message.attempts + 1)
        return MessageState.FAILED
    except TemporaryFailure as error:
        # Notify may have it even so (a timeout after it accepted): look it up before resending.
        # SMTP refused it: nothing was accepted, so it is queued again.
        state = MessageState.HANDED_OVER if sender.can_look_up else MessageState.QUEUED
        _temporary(message, worker, state, str(error)[:200])
        return state
    _record_sent(message, worker, receipt, sender.name)
    return MessageState.SENT


def refresh_statuses(senders: SenderFor = sender_for, limit: int = 50) -> int:
    """Ask Notify for the delivery status of messages not yet final."""
    if not notify_sender.configured():
        return 0
    now = timezone.now()
    rows = list(
        OutboundMessage.objects.filter(state=MessageState.SENT, provider="notify")
        .exclude(delivery_status__in=FINAL_DELIVERY)
        .filter(
            Q(status_checked_at__isnull=True) | Q(status_checked_at__lt=now - STATUS_CHECK_EVERY)
        )
        .select_related("invitation", "family")[:limit]
    )
    changed = 0
    for message in rows:
        try:
            receipt = senders(message.provider).status(message.provider_id)
        except TemporaryFailure:
            break
        fields: dict[str, object] = {"status_checked_at": now}
        if receipt is not None and receipt.status and receipt.status != message.delivery_status:
            fields.update(delivery_status=receipt.status, status_at=now)
            changed += 1
        with transaction.atomic():
            OutboundMessage.objects.filter(pk=message.pk).update(**fields)
            if "delivery_status" in fields:
                _audit(message, "message.status", status=str(fields["delivery_status"]))
    return changed


def record_delivery_receipt(provider_id: str, reference: str, status: str) -> str:
    """A delivery receipt GOV.UK Notify posted to our callback URL (MSG-4): the message's
    delivery status, found by Notify's id (or our reference, its idempotency key). Idempotent: a
    receipt repeated, or one older than a final status already held, changes nothing. Returns
    "updated", "unchanged", "unknown-status" or "not-found"."""
    try:
        delivery = DeliveryStatus(status)
    except ValueError:
        return "unknown-status"
    if delivery == DeliveryStatus.NONE:
        return "unknown-status"
    with transaction.atomic():
        found = OutboundMessage.objects.select_for_update().filter(provider="notify")
        message = (found.filter(provider_id=provider_id).first() if provider_id else None) or (
            found.filter(idempotency_key=reference).first() if reference else None
        )
        if message is None:
            return "not-found"
        if message.delivery_status == delivery or message.delivery_status in FINAL_DELIVERY:
            return "unchanged"
        now = timezone.now()
        OutboundMessage.objects.filter(pk=message.pk).update(
            delivery_status=delivery, status_at=now, status_checked_at=now
        )
        _audit(message, "message.status", status=str(delivery), via="callback")
    return "updated"


# --- The loop ---------------------------------------------------------------------------------


def heartbeat(worker: str) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name=worker, defaults={"beat_at": now})
    # Workers that stopped long ago (each run has its own name) leave no rows behind.
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()


@dataclass
class LoopResult:
    planned: int = 0
    handled: int = 0
    statuses: int = 0


def run_once(worker: str, senders: SenderFor = sender_for) -> LoopResult:
    """One pass: heartbeat, plan what became due, send what is due, refresh statuses."""
    heartbeat(worker)
    contacts.remove_closed_contacts()
    result = LoopResult(planned=plan_due_messages())
    for message in claim(worker):
        try:
            process(message, worker, senders)
        except Exception:  # noqa: BLE001 - one bad row must not stop the worker
            logger.exception("outbox: message %s failed unexpectedly", message.pk)
            # Keep the state the row reached: a handed-over message is looked up (Notify) or
            # marked "unknown" (SMTP) on its next try, never simply sent again.
            state = (
                OutboundMessage.objects.filter(pk=message.pk)
                .values_list("state", flat=True)
                .first()
            )
            _temporary(message, worker, MessageState(state or message.state), "Unexpected error")
        result.handled += 1
    result.statuses = refresh_statuses(senders)
    return result
