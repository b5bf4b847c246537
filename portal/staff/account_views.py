"""Signing in and out, changing one's password, and the staff home page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.security.access import verified_staff_required
from portal.staff.account_forms import StaffLoginForm, StaffPasswordChangeForm
from questionnaires.models import StaffUser
from questionnaires.roles import CASE_ROLES, ROLE_LABELS, roles_of
from questionnaires.selectors.caseload import home_counts


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True


class StaffLogoutView(auth_views.LogoutView):
    # SES-1: Django only logs out on POST; a GET gets 405.
    http_method_names = ["post", "options"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        # The browser forgets this site's cookies, storage and cached pages as well (SES-1).
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


class StaffPasswordChangeView(auth_views.PasswordChangeView):
    """Self-service password change: Django checks the old password and runs every password
    validator (AUTH-1); the user's other sessions end, this one continues (SES-1)."""

    template_name = "staff/password_change.html"
    form_class = StaffPasswordChangeForm
    success_url = reverse_lazy("staff:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


password_change = verified_staff_required(StaffPasswordChangeView.as_view())


@require_GET
@verified_staff_required
def home(request: HttpRequest) -> HttpResponse:
    roles = sorted(roles_of(request.user))
    works_with_families = bool(set(roles) & CASE_ROLES)
    user = request.user
    counted = isinstance(user, StaffUser) and user.service_id is not None and works_with_families
    return render(
        request,
        "staff/home.html",
        {
            "role_labels": [ROLE_LABELS[role] for role in roles],
            "works_with_families": works_with_families,
            "counts": home_counts(user) if counted and isinstance(user, StaffUser) else None,
        },
    )
