"""The second factor (AUTH-3): setting up an authenticator app after the first sign-in, typing a
code from it at every sign-in, and the recovery codes shown once after set-up. These pages need
the password step only; every other staff page needs both (portal.security.access)."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from portal.security.access import is_verified
from portal.staff.mfa_forms import CodeForm, SetupCodeForm
from portal.staff.passkey_views import passkey_configuration
from questionnaires import qr
from questionnaires.models import StaffUser
from questionnaires.roles import Role, roles_of
from questionnaires.selectors import mfa as mfa_selectors
from questionnaires.services import mfa

WRONG_CODE = gettext_lazy(
    "The code is not right. Check your authenticator app and enter the code it shows now"
)
WAIT = gettext_lazy(
    "You entered a wrong code. Wait a few seconds, then enter the code your app shows now"
)
RECOVERY_KEY = "staff_new_recovery_codes"
QR_LABEL = gettext_lazy("QR code for your authenticator app")


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    target = wanted if wanted and safe else "/staff/"
    # Issue 13: a service lead signing in lands on the service outcomes.
    if target == reverse("staff:home") and Role.SERVICE_LEAD in roles_of(request.user):
        return reverse("staff:outcomes")
    return target


def _user(request: HttpRequest) -> StaffUser:
    # Every signed-in account needs a second factor, superusers without a service included.
    if not isinstance(request.user, StaffUser):
        raise PermissionDenied
    return request.user


def _spaced(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if mfa_selectors.has_second_factor(user):
        return redirect("staff:mfa_verify")
    device = mfa_selectors.pending_authenticator(user) or mfa.start_enrolment(user)
    form = SetupCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid() and mfa_selectors.must_wait(user):
        form.add_error("code", WAIT)
    elif form.is_bound and form.is_valid():
        codes = mfa.confirm_enrolment(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            request.session[RECOVERY_KEY] = codes
            url = reverse("staff:mfa_recovery_codes")
            return redirect(f"{url}?{urlencode({'next': _next(request)})}")
        form.add_error("code", WRONG_CODE)
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": _next(request),
        # Safe to mark: the library draws this SVG from our own otpauth URL; no user text.
        "qr_svg": mark_safe(
            qr.svg_for_url(device.config_url, "QR code for your authenticator app")
        ),
        "secret": _spaced(secret),
    }
    # The secret is in the page, never the address, so the site's same-origin referrer policy
    # leaks nothing; no-referrer here would make Chromium send "Origin: null" and fail CSRF.
    return render(request, "staff/mfa_setup.html", context)


@login_required
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shown once, straight after set-up: the session forgets them as the page is made."""
    codes = request.session.pop(RECOVERY_KEY, None)
    if not codes:
        return redirect(_next(request))
    return render(
        request, "staff/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not mfa_selectors.has_second_factor(user):
        return redirect("staff:mfa_setup")
    if is_verified(user):
        return redirect(_next(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid() and mfa_selectors.must_wait(user):
        form.add_error("code", WAIT)
    elif form.is_bound and form.is_valid():
        device = mfa.verify(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", WRONG_CODE)
    # A passkey is offered to those who have added one (the page's script shows the button only
    # where the browser supports passkeys); the code form stays for everyone.
    has_passkey = mfa_selectors.passkey_count(user) > 0
    context = {
        "form": form,
        "next": _next(request),
        "passkey_config": passkey_configuration(request) if has_passkey else None,
    }
    return render(request, "staff/mfa_verify.html", context)
