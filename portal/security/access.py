"""Who may open a staff page, and the only way staff views fetch a family's records (AZ-2).
A missing role is 403; another service's record is 404, so an id from elsewhere reveals nothing
(pretix's control permissions and healthchecks' `_get_check_for_user` work the same way)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeAlias, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from portal.security.roles import Role, roles_of
from questionnaires.models import (
    Episode,
    Family,
    GroupCollection,
    Invitation,
    MatchReview,
    ParentGroup,
)

View = TypeVar("View", bound=Callable[..., HttpResponse])
StaffUserLike: TypeAlias = AbstractBaseUser | AnonymousUser

# The roles that work with families' records: facilitators see group completion only (AZ-3).
CASE_ROLES = (Role.CLINICIAN, Role.SERVICE_LEAD, Role.ADMIN)


def role_required(*roles: Role) -> Callable[[View], View]:
    """Signed in (else to the login page) and holding one of `roles` in a service (else 403).
    Every record is scoped by service, so a user without one has nothing to see."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles_of(request.user) & set(roles) or _service_id(request.user) is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, login_required(wrapped))

    return decorator


def _service_id(user: StaffUserLike) -> uuid.UUID | None:
    return getattr(user, "service_id", None)


def families_for(user: StaffUserLike) -> QuerySet[Family]:
    """The user's service's families; nothing at all for a user without a service."""
    service_id = _service_id(user)
    if service_id is None:
        return Family.objects.none()
    return Family.objects.filter(service_id=service_id)


# Each getter looks only inside the user's scope, so another service's id is simply not found
# (404), exactly like an id that does not exist.
def get_family_for(user: StaffUserLike, family_id: uuid.UUID) -> Family:
    return get_object_or_404(families_for(user), pk=family_id)


def get_episode_for(user: StaffUserLike, episode_id: uuid.UUID) -> Episode:
    scope = Episode.objects.select_related("family").filter(family__in=families_for(user))
    return get_object_or_404(scope, pk=episode_id)


def get_invitation_for(user: StaffUserLike, invitation_id: uuid.UUID) -> Invitation:
    scope = Invitation.objects.select_related("episode__family").filter(
        episode__family__in=families_for(user)
    )
    return get_object_or_404(scope, pk=invitation_id)


# Everyone who works with groups: facilitators run them; case roles oversee them.
GROUP_ROLES = (Role.FACILITATOR, *CASE_ROLES)


def groups_for(user: StaffUserLike) -> QuerySet[ParentGroup]:
    """The user's service's groups; a facilitator who holds no case role sees only the groups
    they facilitate (AZ-2)."""
    service_id = _service_id(user)
    if service_id is None:
        return ParentGroup.objects.none()
    found = ParentGroup.objects.filter(service_id=service_id)
    if not roles_of(user) & set(CASE_ROLES):
        found = found.filter(facilitators=user)
    return found


def get_group_for(user: StaffUserLike, group_id: uuid.UUID) -> ParentGroup:
    return get_object_or_404(groups_for(user).select_related("service"), pk=group_id)


def get_collection_for(user: StaffUserLike, collection_id: uuid.UUID) -> GroupCollection:
    scope = GroupCollection.objects.select_related("group__service").filter(
        group__in=groups_for(user)
    )
    return get_object_or_404(scope, pk=collection_id)


def get_review_for(user: StaffUserLike, review_id: uuid.UUID) -> MatchReview:
    scope = MatchReview.objects.select_related("collection__group", "proposed").filter(
        collection__group__in=groups_for(user)
    )
    return get_object_or_404(scope, pk=review_id)
