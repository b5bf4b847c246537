"""LOG-1: one function writes audit events, so every writer records the same shape. Reads that
must be audited (a record viewed, a PDF downloaded) go through `record_view`, the one helper
views call: a view never writes an audit row itself."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from questionnaires.models import AuditEvent, StaffUser


def record(
    action: str,
    actor: StaffUser | AnonymousUser | None = None,
    obj: models.Model | None = None,
    **detail: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        # A signed-in member of staff, or no one (a parent, the system, an anonymous request).
        actor=actor if isinstance(actor, StaffUser) else None,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )


class Read(StrEnum):
    """The reads that are audited (LOG-1): every view of a family's record and every PDF."""

    FAMILY_VIEWED = "family.viewed"
    FAMILY_REPORT_DOWNLOADED = "family.report_downloaded"
    PARENT_COPY_DOWNLOADED = "response.copy_downloaded"
    ROOM_CODE_SHOWN = "collection.room_shown"
    POSTER_DOWNLOADED = "collection.poster_downloaded"


def record_view(
    read: Read, actor: StaffUser | AnonymousUser | None, obj: models.Model
) -> AuditEvent:
    return record(str(read), actor, obj)
