"""The audit page (LOG-3): a service lead or administrator sees who saw or changed their own
service's records, and when, filtered and paged, and can download the filtered events as CSV
(cells neutralised against formula injection, INJ-2). Both reads are audited themselves."""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.security.access import role_required, staff_service, staff_user
from portal.staff.audit_forms import AuditFilterForm
from questionnaires.models import AuditEvent
from questionnaires.selectors.audit_trail import AUDIT_ROLES, service_events
from questionnaires.services import audit
from questionnaires.spreadsheet import spreadsheet_safe

EVENTS_PER_PAGE = 50
CSV_HEADER = [
    "Time (Europe/London)",
    "Username",
    "Name",
    "Action",
    "Record type",
    "Record id",
    "Family label",
    "Session (keyed hash)",
    "Client (keyed hash)",
    "Detail",
]
# INJ-2: `spreadsheet_safe` lives in questionnaires.spreadsheet (one rule for every export);
# imported here under its old name for the views and tests that use it from this module.


def _local(event: AuditEvent) -> str:
    return timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S %Z")


def record_words(event: AuditEvent) -> str:
    """What the event was about, in a few words: the record's kind and its family's label."""
    kind = event.object_type.rpartition(".")[2]
    family = event.family.label if event.family is not None else ""
    if kind == "Family":
        return f"Family {family}".strip()
    if kind and family:
        return f"{kind} of family {family}"
    return kind


def _csv_row(event: AuditEvent) -> list[str]:
    actor = event.actor
    return [
        spreadsheet_safe(cell)
        for cell in (
            _local(event),
            actor.get_username() if actor else "",
            actor.display_name if actor else "",
            event.action,
            event.object_type,
            event.object_id,
            event.family.label if event.family is not None else "",
            event.session_hash,
            event.client_hash,
            audit_detail_text(event.detail),
        )
    ]


def audit_detail_text(detail: Any) -> str:
    if not detail:
        return ""
    return "; ".join(f"{key}={value}" for key, value in sorted(dict(detail).items()))


def _write_csv(response: HttpResponse, events: QuerySet[AuditEvent]) -> None:
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=1000):
        writer.writerow(_csv_row(event))


@role_required(AUDIT_ROLES)
@require_GET
def audit_trail(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    service = staff_service(request)
    form = AuditFilterForm(request.GET, service=service)
    if not form.is_valid():
        return render(request, "staff/audit.html", {"form": form, "page": None}, status=200)
    events = service_events(service, form.filters())
    if request.GET.get("download") == "csv":
        audit.record_audit_view(user, audit.Read.AUDIT_EXPORTED, form.recorded(), events.count())
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        _write_csv(response, events)
        filename = f"audit-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    audit.record_audit_view(user, audit.Read.AUDIT_VIEWED, form.recorded(), page.paginator.count)
    kept = urlencode(
        [(key, value) for key, value in request.GET.items() if key not in ("page", "download")]
    )
    context = {
        "form": form,
        "page": page,
        "rows": [(event, record_words(event)) for event in page],
        "kept_query": kept + "&" if kept else "",
        "filtered": any(value for key, value in request.GET.items() if key != "page"),
    }
    return render(request, "staff/audit.html", context)
