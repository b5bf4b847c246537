"""The only way staff reads reach a family's or a group's records (AZ-2). Each getter looks
only inside the user's scope, so another service's id is simply not found (404), exactly like
an id that does not exist (pretix's control permissions and healthchecks'
`_get_check_for_user` work the same way)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from questionnaires.models import (
    Episode,
    Family,
    GroupCollection,
    GroupParticipant,
    Invitation,
    MatchReview,
    ParentGroup,
    StaffUser,
)
from questionnaires.roles import works_with_families

# What `request.user` is under this project's AUTH_USER_MODEL.
AnyUser = StaffUser | AnonymousUser


def service_id_of(user: AnyUser) -> uuid.UUID | None:
    """Every record is scoped by service, so a user without one has nothing to see."""
    return user.service_id if isinstance(user, StaffUser) else None


def families_for(user: AnyUser) -> QuerySet[Family]:
    """The user's service's families; nothing at all for a user without a service."""
    service_id = service_id_of(user)
    if service_id is None:
        return Family.objects.none()
    return Family.objects.filter(service_id=service_id)


def get_family_for(user: AnyUser, family_id: uuid.UUID) -> Family:
    return get_object_or_404(families_for(user).select_related("service"), pk=family_id)


def get_episode_for(user: AnyUser, episode_id: uuid.UUID) -> Episode:
    scope = Episode.objects.select_related("family").filter(family__in=families_for(user))
    return get_object_or_404(scope, pk=episode_id)


def get_invitation_for(user: AnyUser, invitation_id: uuid.UUID) -> Invitation:
    scope = Invitation.objects.select_related("episode__family").filter(
        episode__family__in=families_for(user)
    )
    return get_object_or_404(scope, pk=invitation_id)


def groups_for(user: AnyUser) -> QuerySet[ParentGroup]:
    """The user's service's groups; a facilitator who holds no case role sees only the groups
    they facilitate (AZ-2)."""
    service_id = service_id_of(user)
    if service_id is None or not isinstance(user, StaffUser):
        return ParentGroup.objects.none()
    found = ParentGroup.objects.filter(service_id=service_id)
    if not works_with_families(user):
        found = found.filter(facilitators=user)
    return found


def get_group_for(user: AnyUser, group_id: uuid.UUID) -> ParentGroup:
    return get_object_or_404(groups_for(user).select_related("service"), pk=group_id)


def get_collection_for(
    user: AnyUser, collection_id: uuid.UUID, group_id: uuid.UUID
) -> GroupCollection:
    """A collection of this group, only if the user may see the group."""
    scope = GroupCollection.objects.select_related("group__service").filter(
        group__in=groups_for(user), group_id=group_id
    )
    return get_object_or_404(scope, pk=collection_id)


def get_participant_for(
    user: AnyUser, participant_id: uuid.UUID, group_id: uuid.UUID
) -> GroupParticipant:
    """A parent in this group, only if the user may see the group."""
    scope = GroupParticipant.objects.select_related("group", "family").filter(
        group__in=groups_for(user), group_id=group_id
    )
    return get_object_or_404(scope, pk=participant_id)


def get_review_for(user: AnyUser, review_id: uuid.UUID, group_id: uuid.UUID) -> MatchReview:
    """A match waiting in this group's queue, only if the user may see the group."""
    scope = MatchReview.objects.select_related("collection__group", "proposed").filter(
        collection__group__in=groups_for(user), collection__group_id=group_id
    )
    return get_object_or_404(scope, pk=review_id)
