"""Passkeys (WebAuthn) as a second factor (AUTH-3), through django-otp-webauthn: its views run
the ceremonies and store the credential, which is a django-otp device, so signing in with one
makes the session verified as an authenticator code does. These subclasses narrow who may use
them: only staff with an authenticator app, past it in this session, add a passkey; only staff
past the password use one; nobody signs in with a passkey alone (passwordless sign-in is off
in settings, and refused here as well)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware import csrf
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as library

from portal.security.access import is_verified, verified_staff_required
from questionnaires.models import StaffUser
from questionnaires.selectors import mfa as mfa_selectors
from questionnaires.services import mfa

NOT_SIGNED_IN = gettext_lazy("Sign in with your password first.")
NOT_VERIFIED = gettext_lazy("Enter a code from your authenticator app before you add a passkey.")


def _staff(request: HttpRequest) -> StaffUser:
    user = request.user
    if not isinstance(user, StaffUser) or not user.is_active:
        raise exceptions.NotAuthenticated(detail=NOT_SIGNED_IN)
    return user


class _Registration:
    """Adding a passkey: the library lets someone with no second factor at all add one (and be
    verified by it); here the authenticator app comes first, and this session must be past it."""

    request: HttpRequest

    def check_can_register(self) -> None:
        user = _staff(self.request)
        if not mfa_selectors.has_second_factor(user) or not is_verified(user):
            raise exceptions.NotVerified(detail=NOT_VERIFIED)


class BeginRegistration(_Registration, library.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_Registration, library.CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post(*args, **kwargs)
        mfa.passkey_added(_staff(self.request))
        return response


class _Authentication:
    """Using a passkey: for staff past the password only, never instead of it."""

    request: HttpRequest

    def check_can_authenticate(self) -> None:
        _staff(self.request)


class BeginAuthentication(_Authentication, library.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(_Authentication, library.CompleteCredentialAuthenticationView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        user = request.user
        if isinstance(user, StaffUser):
            # Success or failure both go in the trail; an anonymous attempt was refused outright.
            mfa.passkey_checked(user, accepted=response.status_code == 200)
        return response


def _configuration(request: HttpRequest) -> dict[str, Any]:
    """What django-otp-webauthn's script reads from the page (as JSON data, not script: the
    CSP allows no inline script)."""
    return {
        "autocompleteLoginFieldSelector": None,
        "nextFieldSelector": "input[name='next']",
        "csrfToken": csrf.get_token(request),
        "beginAuthenticationUrl": reverse("staff:passkey_authentication_begin"),
        "completeAuthenticationUrl": reverse("staff:passkey_authentication_complete"),
        "beginRegistrationUrl": reverse("staff:passkey_registration_begin"),
        "completeRegistrationUrl": reverse("staff:passkey_registration_complete"),
    }


def passkey_configuration(request: HttpRequest) -> dict[str, Any]:
    """For the code page, which offers a passkey to those who have one."""
    return _configuration(request)


@require_http_methods(["GET"])
@verified_staff_required
def add(request: HttpRequest) -> HttpResponse:
    # verified_staff_required has let only staff through; every one of them may add a passkey.
    user = _staff(request)
    return render(
        request,
        "staff/passkey_add.html",
        {"passkey_config": _configuration(request), "passkeys": mfa_selectors.passkey_count(user)},
    )
