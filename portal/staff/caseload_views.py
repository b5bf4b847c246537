"""The caseload: the service's families, the user's own first, with their status and flags."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.security.access import role_required, staff_user
from portal.staff.family_forms import CaseloadFilterForm
from questionnaires.roles import CASE_ROLES
from questionnaires.selectors.caseload import caseload_families, caseload_rows
from questionnaires.selectors.messaging import new_answers_since
from questionnaires.selectors.scope import families_for
from questionnaires.services import audit, caseload_visits

FAMILIES_PER_PAGE = 25


@role_required(CASE_ROLES)
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadFilterForm(request.GET)
    filters = form.filters()
    families = caseload_families(staff_user(request), filters)
    page = Paginator(families, FAMILIES_PER_PAGE).get_page(request.GET.get("page"))
    # Page links keep the search and filters.
    kept = urlencode({key: value for key, value in asdict(filters).items() if value})
    # LOG-1: which families the page listed (ids only; never the search text).
    audit.record_caseload_view(request.user, list(page), page.number, filtered=filters.narrows)
    rows = caseload_rows(list(page), timezone.localdate())
    # Issue 14: answers sent since this member of staff last opened the caseload.
    new_since = new_answers_since(families_for(request.user), staff_user(request))
    caseload_visits.record_visit(staff_user(request))
    context = {
        "new_since": new_since,
        "page": page,
        "rows": rows,
        "form": form,
        "filtered": filters.narrows,
        "sorted": bool(filters.sort),
        # One notice for the page instead of a grey tag on every row.
        "unverified": any(row.flags.unverified for row in rows),
        "kept_query": kept + "&" if kept else "",
    }
    return render(request, "staff/caseload.html", context)
