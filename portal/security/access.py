"""Who may open a staff page: signed in (else to the login page) and holding one of the page's
roles in a service (else 403). Which records they then see is the domain's scoping
(questionnaires.selectors.scope): another service's record is 404, so an id from elsewhere
reveals nothing (AZ-2)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role, roles_of
from questionnaires.selectors.scope import service_id_of

View = TypeVar("View", bound=Callable[..., HttpResponse])


def role_required(roles: Collection[Role]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles_of(request.user) & set(roles) or service_id_of(request.user) is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, login_required(wrapped))

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
