"""Services (teams) and staff accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role
from questionnaires.services import audit


@transaction.atomic
def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@transaction.atomic
def create_service(name: str, contact_line: str = "", crisis_text: str = "") -> Service:
    service, created = Service.objects.get_or_create(
        name=name, defaults={"contact_line": contact_line, "crisis_text": crisis_text}
    )
    if created:
        audit.record("service.created", None, service)
    return service


@transaction.atomic
def create_staff_user(
    username: str,
    password: str,
    service: Service,
    roles: list[Role],
    first_name: str = "",
    last_name: str = "",
    actor: StaffUser | None = None,
) -> StaffUser:
    ensure_role_groups()
    user = StaffUser.objects.create_user(
        username=username,
        password=password,
        service=service,
        first_name=first_name,
        last_name=last_name,
        is_staff=Role.ADMIN in roles,
    )
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    audit.record("staff.created", actor, user, roles=sorted(role.value for role in roles))
    return user
