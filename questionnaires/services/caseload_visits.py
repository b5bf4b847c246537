"""When a member of staff last looked at their caseload, for "new since you last looked" (issue
14). The caseload view itself is the audited event (`caseload.viewed`); this row only moves the
marker, so it writes no audit event of its own."""

from __future__ import annotations

from django.utils import timezone

from questionnaires.models import CaseloadVisit, StaffUser


def record_visit(staff: StaffUser) -> None:
    """Move the marker to now, in one statement (an upsert)."""
    CaseloadVisit.objects.bulk_create(
        [CaseloadVisit(staff=staff, looked_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["staff"],
        update_fields=["looked_at"],
    )
