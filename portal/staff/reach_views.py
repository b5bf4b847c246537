"""Recording a family's referral details for the service outcomes (issue 13): case roles of
the family's own service (AZ-2); the write and its audit event are in services/reach."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.security.access import role_required, staff_user
from portal.staff.reach_forms import ReachForm
from questionnaires.roles import CASE_ROLES
from questionnaires.selectors.scope import get_family_for
from questionnaires.services import reach


@role_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def family_reach(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    family = get_family_for(request.user, family_id)
    form = ReachForm(request.POST if request.method == "POST" else None, family=family)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            reach.record_reach(
                family,
                staff_user(request),
                referral_source=data["referral_source"],
                pregnant_at_referral=form.pregnant(),
                imd_decile=data["imd_decile"],
                postcode=data["postcode"],
            )
        except reach.ReachInvalid as error:
            field = "postcode" if data["postcode"] else None
            form.add_error(field, str(error))
        else:
            messages.success(request, _("The referral details are saved."))
            return redirect("staff:family_detail", family_id=family.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "staff/family_reach.html", {"family": family, "form": form}, status=status
    )
