"""The MHSDS-shaped export for the service's information team: the service lead downloads
their own service's scores as CSV (cells neutralised against formula injection, INJ-2); the
download is audited (LOG-1)."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.security.access import role_required, staff_user
from portal.staff.audit_views import spreadsheet_safe
from questionnaires.mhsds_export import mhsds_export
from questionnaires.roles import Role
from questionnaires.services import audit


def _cell(value: object) -> object:
    # Numbers are never formulas (and a negative score must stay a number); text is neutralised.
    return value if isinstance(value, int | float) else spreadsheet_safe(value)


@role_required({Role.SERVICE_LEAD})
@require_GET
def mhsds_csv(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    export = mhsds_export(user)
    audit.record_export(
        user, audit.Read.MHSDS_EXPORTED, export.row_count, export.pending_match_left_out
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # The notes first, each a "#" line, so the file says what it leaves out.
    for note in export.notes:
        response.write(f"# {note}\r\n")
    writer = csv.writer(response)
    writer.writerow(list(export.table.columns))
    for row in export.table.itertuples(index=False):
        writer.writerow([_cell(value) for value in row])
    filename = f"mhsds-scores-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
