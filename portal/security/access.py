"""Who may open a staff page: signed in (else to the login page), past the second factor
(else to set it up or type a code, AUTH-3), and holding one of the page's roles in a service
(else 403). Which records they then see is the domain's scoping (questionnaires.selectors.scope):
another service's record is 404, so an id from elsewhere reveals nothing (AZ-2)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role, roles_of
from questionnaires.selectors.mfa import has_second_factor
from questionnaires.selectors.scope import service_id_of

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def is_verified(user: object) -> bool:
    """Past the second factor in this session (django-otp's middleware adds `is_verified`)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def _second_factor_page(request: HttpRequest, user: StaffUser) -> HttpResponse:
    """Signed in with a password only: set up an authenticator, or type a code from it. There
    is no setting that skips this (AUTH-3)."""
    step = "staff:mfa_verify" if has_second_factor(user) else "staff:mfa_setup"
    return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def verified_staff_required(view: View) -> View:
    """Signed in and past the second factor; for staff pages open to every role."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, StaffUser):
            raise PermissionDenied
        if not is_verified(user):
            return _second_factor_page(request, user)
        return view(request, *args, **kwargs)

    return cast(View, login_required(wrapped))


def role_required(roles: Collection[Role]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not roles_of(request.user) & set(roles) or service_id_of(request.user) is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return verified_staff_required(cast(View, wrapped))

    return decorator


def staff_user(request: HttpRequest) -> StaffUser:
    """The signed-in member of staff, for a view behind `role_required`."""
    user = request.user
    if not isinstance(user, StaffUser) or user.service is None:
        raise PermissionDenied
    return user


def staff_service(request: HttpRequest) -> Service:
    """The signed-in member of staff's service, for a view behind `role_required`."""
    service = staff_user(request).service
    if service is None:  # staff_user has checked already; this tells the type checker
        raise PermissionDenied
    return service
