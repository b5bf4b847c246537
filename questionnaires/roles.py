"""Staff roles and what each may work with. Roles are Django groups named after `Role`; the
web layer checks them, the selectors scope records by them (AZ-2, AZ-3)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from questionnaires.models import StaffUser


class Role(StrEnum):
    FACILITATOR = "facilitator"
    CLINICIAN = "clinician"
    SERVICE_LEAD = "service_lead"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.FACILITATOR: "Group facilitator",
    Role.CLINICIAN: "Clinician",
    Role.SERVICE_LEAD: "Service lead",
    Role.ADMIN: "Administrator",
}

# The roles that work with families' records: facilitators see group completion only (AZ-3),
# and an administrator runs staff accounts and reads the audit trail, never answers (least
# privilege: IT administration needs no clinical data).
CASE_ROLES = frozenset({Role.CLINICIAN, Role.SERVICE_LEAD})
# Everyone who works with groups: facilitators run them; case roles oversee them.
GROUP_ROLES = frozenset({Role.FACILITATOR, *CASE_ROLES})
# Who runs the service's staff accounts (and their second factors) in the admin site.
ACCOUNT_ROLES = frozenset({Role.ADMIN})


def roles_of(user: StaffUser | AnonymousUser) -> set[Role]:
    if not user.is_authenticated or not user.is_active:
        return set()
    names = set(user.groups.values_list("name", flat=True))
    return {role for role in Role if role.value in names}


def works_with_families(user: StaffUser | AnonymousUser) -> bool:
    return bool(roles_of(user) & CASE_ROLES)
