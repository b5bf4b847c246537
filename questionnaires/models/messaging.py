"""Messages to parents and staff (issue 14): the parent's contact details and consent, the T2
plan of an episode, the outbox the background worker sends from, and the worker's heartbeat.

The outbox holds no destination and no message text: the number or address is read from the
contact record when the message is sent, so deleting the contact (episode closed, parent opted
out) stops every message still waiting."""

import uuid

from django.conf import settings
from django.db import models

from questionnaires.models.families import Episode


class ChannelChoice(models.TextChoices):
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    NEITHER = "neither", "Neither"


class Contact(models.Model):
    """How the parent of an episode agreed to be contacted. Kept only while the episode is
    open; never shown to facilitators, never exported."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="contact")
    mobile = models.CharField(max_length=20, blank=True, help_text="E.164, a UK mobile.")
    email = models.EmailField(blank=True)
    channel = models.CharField(
        max_length=10, choices=ChannelChoice.choices, default=ChannelChoice.NEITHER
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Contact for {self.episode_id}"


class T2Plan(models.Model):
    """When the end (T2) questionnaire is due for an episode: planned when the episode opens,
    editable by the clinician."""

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="t2_plan")
    planned_on = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"T2 of {self.episode_id} on {self.planned_on}"


class MessageKind(models.TextChoices):
    INVITATION = "invitation", "Invitation"
    T2 = "t2", "End (T2) invitation"
    REMINDER = "reminder", "Reminder"
    ALERT = "alert", "Clinician alert"


class MessageChannel(models.TextChoices):
    SMS = "sms", "Text"
    EMAIL = "email", "Email"


class MessageState(models.TextChoices):
    """Our side of a message's life."""

    QUEUED = "queued", "Not sent yet"
    HANDED_OVER = "handed_over", "Being sent"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Not needed"
    FAILED = "failed", "Could not be sent"
    UNKNOWN = "unknown", "Unknown — check"


class DeliveryStatus(models.TextChoices):
    """The provider's side (GOV.UK Notify's vocabulary; SMTP accepted = sending)."""

    NONE = "", "—"
    CREATED = "created", "Created"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Permanent failure"
    TEMPORARY_FAILURE = "temporary-failure", "Temporary failure"
    TECHNICAL_FAILURE = "technical-failure", "Technical failure"


class OutboundMessage(models.Model):
    """One message to send, once. `idempotency_key` names the reason ("t2:<invitation>",
    "reminder:<invitation>:1", "alert:<response>"): the database refuses a second row for the
    same reason, and it is the reference GOV.UK Notify keeps, so a worker that crashed after
    handing a message over can ask Notify whether it went."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    channel = models.CharField(max_length=6, choices=MessageChannel.choices, blank=True)
    provider = models.CharField(max_length=10, blank=True, help_text="notify or smtp")
    idempotency_key = models.CharField(max_length=120)
    family = models.ForeignKey(
        "questionnaires.Family", on_delete=models.CASCADE, related_name="messages"
    )
    invitation = models.ForeignKey(
        "questionnaires.Invitation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    recipient_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        max_length=12, choices=MessageState.choices, default=MessageState.QUEUED
    )
    delivery_status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, blank=True, default=DeliveryStatus.NONE
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, in plain words.")
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    leased_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=80, blank=True)
    handed_over_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_checked_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="one_message_per_reason"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key} ({self.state})"


class WorkerHeartbeat(models.Model):
    """One row per worker name, touched every loop: /healthz/worker reads it."""

    name = models.CharField(max_length=80, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class CaseloadVisit(models.Model):
    """When a member of staff last looked at their caseload ("new since you last looked")."""

    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload_visit"
    )
    looked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.staff_id} at {self.looked_at}"


class MessagingSettings(models.Model):
    """A service's own reminder days, number of reminders, sending hours and psychotherapy's end
    (T2) weeks, set by its lead (MSG-5). Without a row the site-wide settings apply; read only
    through `selectors.messaging_settings.for_service`."""

    service = models.OneToOneField(
        "questionnaires.Service", on_delete=models.CASCADE, related_name="messaging_settings"
    )
    reminder_days = models.CharField(
        max_length=20, help_text='Days after the link is sent, ascending, e.g. "3,7".'
    )
    max_reminders = models.PositiveSmallIntegerField()
    send_from_hour = models.PositiveSmallIntegerField()
    send_until_hour = models.PositiveSmallIntegerField()
    t2_weeks = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "messaging settings"

    def __str__(self) -> str:
        return f"Messaging settings of {self.service_id}"
