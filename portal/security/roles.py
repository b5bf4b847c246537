"""Staff roles are Django groups; these are their names, in one place."""

from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


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


def roles_of(user: AbstractBaseUser | AnonymousUser) -> set[Role]:
    if not user.is_authenticated or not user.is_active:
        return set()
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[union-attr]
    return {role for role in Role if role.value in names}
