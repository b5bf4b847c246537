import uuid
from datetime import datetime, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """An audit event was about to be changed or removed: the trail is append-only (LOG-3)."""


def _refuse(what: str) -> NoReturn:
    raise AppendOnlyError(f"Audit events are append-only: {what} is refused (LOG-3).")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Rows are only ever added: bulk changes and deletes are refused as well."""

    def update(self, **kwargs: Any) -> int:
        _refuse("update")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse("bulk_update")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("update_or_create")

    def delete(self) -> NoReturn:
        _refuse("delete")

    def remove_older_than(self, cutoff: datetime) -> int:
        """RET-1: the one path that deletes events, used by the retention purge only, and only
        for events older than `cutoff`, which must itself be at least AUDIT_MINIMUM_DAYS (eight
        years) ago. On PostgreSQL the table's trigger (migration 0010) checks the same floor
        against the database's clock, whoever sends the DELETE."""
        floor = timezone.now() - timedelta(days=settings.AUDIT_MINIMUM_DAYS)
        if cutoff > floor:
            _refuse(f"deleting events younger than {settings.AUDIT_MINIMUM_DAYS} days")
        # The plain QuerySet's delete, past this class's refusal: one DELETE … WHERE at < cutoff
        # (nothing cascades from the table, so Django deletes in one statement).
        deleted, _ = models.QuerySet.delete(self.filter(at__lt=cutoff))
        return deleted


class AuditEvent(models.Model):
    """LOG-1 and LOG-3: who did what, to which record, when, from which session and client.
    Never answers, free text, tokens, passwords or contact details (LOG-2); the session key and
    the client address are stored only as keyed hashes.

    Append-only: saving an existing row, deleting a row and queryset updates or deletes are
    refused here, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table as well
    (migration 0007). The one exception is retention (RET-1): `remove_older_than` deletes
    events older than eight years at least, and the trigger allows exactly that (migration
    0010). Nothing on the table cascades: staff users are deactivated, never deleted,
    and services are never deleted, so those foreign keys PROTECT (a delete that would need to
    touch the trail fails instead); the family reference is a plain id (DO_NOTHING, no
    database constraint), so removing a family leaves its trail as it was."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The service whose record (or member of staff) the event is about; empty for events that
    # belong to no service (a sign-in attempt with an unknown username, a system job).
    service = models.ForeignKey(
        "questionnaires.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The family the record belongs to, when it belongs to one, as it was when the event was
    # written. Not a constraint: the trail outlives a family that is removed (a junk group
    # join), and nothing on this table may change when another row goes.
    family = models.ForeignKey(
        "questionnaires.Family",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    # Keyed hashes (questionnaires.credentials.credential_hash) of the session key and the
    # client address of the request the event came from; empty outside a request.
    session_hash = models.CharField(max_length=64, blank=True, default="")
    client_hash = models.CharField(max_length=64, blank=True, default="")
    # For reads that are written at most once in a window (the polled group roster): a keyed
    # hash of the read, the session and the window. Unique, so a second write in the same window
    # is a conflict the insert skips; empty (NULL) for every other event.
    coalesce_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["service", "-at"], name="audit_service_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("changing a saved event")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete")
