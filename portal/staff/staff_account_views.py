"""Staff accounts, for the administrator role (journey: IT administration in the portal). They
see their own service's staff, roles, whether each can sign in and has an authenticator, and
nothing clinical. Another service's account, or a superuser, does not exist for them (AZ-2)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.security.access import role_required, staff_service, staff_user
from portal.staff.staff_account_forms import NewStaffForm, RolesForm
from questionnaires.roles import ACCOUNT_ROLES, Role
from questionnaires.selectors.staff import get_staff_for, staff_of
from questionnaires.services import mfa, staff

OWN_ACCOUNT = gettext_lazy(
    "You cannot switch off your own account or remove your own administrator role. "
    "Ask another administrator."
)


@role_required(ACCOUNT_ROLES)
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/accounts/list.html", {"rows": staff_of(staff_service(request))})


@role_required(ACCOUNT_ROLES)
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    form = NewStaffForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        user = staff.create_staff_user(
            data["username"],
            data["password"],
            staff_service(request),  # always the administrator's own service (AZ-4)
            [Role(value) for value in data["roles"]],
            first_name=data["first_name"],
            last_name=data["last_name"],
            actor=staff_user(request),
        )
        messages.success(
            request,
            _(
                "%(display_name)s can now sign in as %(username)s. At their first sign-in they "
                "set up an authenticator app."
            )
            % {"display_name": user.display_name, "username": user.username},
        )
        return redirect("staff:account_detail", staff_id=user.pk)
    return render(request, "staff/accounts/new.html", {"form": form})


@role_required(ACCOUNT_ROLES)
@require_http_methods(["GET", "POST"])
def account_detail(request: HttpRequest, staff_id: int) -> HttpResponse:
    row = get_staff_for(staff_user(request), staff_id)
    initial = {"roles": [role.value for role in row.roles]}
    form = RolesForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            staff.set_roles(
                row.user, [Role(value) for value in form.cleaned_data["roles"]], staff_user(request)
            )
        except staff.OwnAccount:
            messages.error(request, OWN_ACCOUNT)
        else:
            messages.success(
                request,
                _("%(display_name)s's roles are saved.") % {"display_name": row.user.display_name},
            )
        return redirect("staff:account_detail", staff_id=row.user.pk)
    context = {"row": row, "form": form, "is_you": row.user.pk == request.user.pk}
    return render(request, "staff/accounts/detail.html", context)


@role_required(ACCOUNT_ROLES)
@require_POST
def account_active(request: HttpRequest, staff_id: int) -> HttpResponse:
    row = get_staff_for(staff_user(request), staff_id)
    wanted = request.POST.get("active")
    if wanted not in ("yes", "no"):
        return render(request, "pages/400.html", status=400)
    try:
        staff.set_active(row.user, wanted == "yes", staff_user(request))
    except staff.OwnAccount:
        messages.error(request, OWN_ACCOUNT)
    else:
        if wanted == "yes":
            messages.success(
                request,
                _("%(display_name)s can sign in again.") % {"display_name": row.user.display_name},
            )
        else:
            messages.success(
                request,
                _("%(display_name)s is deactivated. They can no longer sign in.")
                % {"display_name": row.user.display_name},
            )
    return redirect("staff:account_detail", staff_id=row.user.pk)


@role_required(ACCOUNT_ROLES)
@require_POST
def account_reset_mfa(request: HttpRequest, staff_id: int) -> HttpResponse:
    """A lost phone: their authenticator and recovery codes stop working; they set up a new
    authenticator at their next sign-in (AUTH-3)."""
    row = get_staff_for(staff_user(request), staff_id)
    mfa.reset(row.user, actor=staff_user(request))
    messages.success(
        request,
        _(
            "%(display_name)s's authenticator is reset. They set up a new one the next time they "
            "sign in."
        )
        % {"display_name": row.user.display_name},
    )
    return redirect("staff:account_detail", staff_id=row.user.pk)
