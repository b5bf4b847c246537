"""Staff a form may offer (the facilitators and the clinicians of a service), and the accounts
an administrator runs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_totp.models import TOTPDevice

from questionnaires.models import Service, StaffUser
from questionnaires.roles import ROLE_LABELS, Role
from questionnaires.selectors.mfa import has_second_factor


def facilitators_of(service: Service) -> QuerySet[StaffUser]:
    return StaffUser.objects.filter(
        service=service, is_active=True, groups__name=Role.FACILITATOR
    ).order_by("first_name", "last_name", "username")


def clinicians_of(service: Service) -> QuerySet[StaffUser]:
    """Who may lead a group's episodes: the service's clinicians and service leads."""
    return (
        StaffUser.objects.filter(
            service=service,
            is_active=True,
            groups__name__in=[Role.CLINICIAN, Role.SERVICE_LEAD],
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class StaffRow:
    """One account on the administrator's staff page: who, which roles, and whether they can
    sign in. Nothing clinical."""

    user: StaffUser
    roles: list[Role]
    has_authenticator: bool

    @property
    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[role] for role in self.roles]


def _roles_of(user: StaffUser) -> list[Role]:
    # From the prefetched groups, so the list costs one query, not one per account.
    names = {group.name for group in user.groups.all()}
    return [role for role in Role if role.value in names]


def staff_of(service: Service) -> list[StaffRow]:
    """The service's accounts, for its administrator. Superusers belong to no service and are
    never listed: an administrator cannot see or change them."""
    users = (
        StaffUser.objects.filter(service=service, is_superuser=False)
        .prefetch_related("groups")
        .annotate(has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .order_by("-is_active", "first_name", "last_name", "username")
    )
    return [StaffRow(user, _roles_of(user), bool(user.has_app)) for user in users]


def get_staff_for(admin: StaffUser, staff_id: int) -> StaffRow:
    """One account of the administrator's own service; another service's, or a superuser, is
    not found (AZ-2)."""
    user = get_object_or_404(
        StaffUser.objects.prefetch_related("groups"),
        pk=staff_id,
        service_id=admin.service_id,
        service__isnull=False,
        is_superuser=False,
    )
    return StaffRow(user, _roles_of(user), has_second_factor(user))


def username_taken(username: str) -> bool:
    return StaffUser.objects.filter(username__iexact=username).exists()
