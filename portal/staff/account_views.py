"""Signing in and out, and the staff home page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.staff.account_forms import StaffLoginForm
from questionnaires.roles import CASE_ROLES, ROLE_LABELS, roles_of


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True


class StaffLogoutView(auth_views.LogoutView):
    # SES-1: Django only logs out on POST; a GET gets 405.
    http_method_names = ["post", "options"]


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = sorted(roles_of(request.user))
    return render(
        request,
        "staff/home.html",
        {
            "role_labels": [ROLE_LABELS[role] for role in roles],
            "works_with_families": bool(set(roles) & CASE_ROLES),
        },
    )
