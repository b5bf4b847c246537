"""Families waiting for their end (T2) answers past the planned date (issue 14)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.security.access import role_required
from questionnaires.roles import CASE_ROLES
from questionnaires.selectors.messaging import overdue_t2
from questionnaires.selectors.scope import families_for
from questionnaires.services import audit


@role_required(CASE_ROLES)
@require_GET
def overdue_t2_list(request: HttpRequest) -> HttpResponse:
    rows = overdue_t2(families_for(request.user), timezone.localdate())
    # LOG-1: a list of families is an audited read, recorded as the caseload's is.
    audit.record_caseload_view(request.user, [row.family for row in rows], 1, filtered=True)
    return render(request, "staff/overdue_t2.html", {"rows": rows})
