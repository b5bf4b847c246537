"""RET-1, DATA-8: "How long we keep records", read-only, for the service lead and the
administrator: the retention table (questionnaires.retention) with the periods this deployment
is set to. Nothing here is per service or per family, so nothing is audited."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.security.access import role_required
from questionnaires.retention import RULES, Action
from questionnaires.roles import ACCOUNT_ROLES, Role


@role_required(ACCOUNT_ROLES | {Role.SERVICE_LEAD})
@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "name": rule.name.capitalize(),
            "period": rule.period_words(),
            "counted_from": rule.counted_from,
            "description": rule.description,
            "reason": rule.reason,
            "setting": rule.setting,
            "deleted": rule.action is Action.DELETE,
        }
        for rule in RULES
    ]
    return render(request, "staff/retention.html", {"rows": rows})
