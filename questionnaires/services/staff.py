"""Services (teams) and staff accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role
from questionnaires.services import audit

# What an administrator may do in the admin site: staff accounts of their own service (the
# admin classes narrow it to that service), and read the audit trail. Nothing clinical.
ADMIN_PERMISSIONS = (
    ("questionnaires", "view_staffuser"),
    ("questionnaires", "add_staffuser"),
    ("questionnaires", "change_staffuser"),
    ("questionnaires", "view_auditevent"),
)


@transaction.atomic
def ensure_role_groups() -> None:
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        if role == Role.ADMIN:
            wanted = [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in ADMIN_PERMISSIONS
            ]
            group.permissions.add(*wanted)


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
    # AUTH-1: every path that sets a password runs the validators (this one accepted "a").
    validate_password(password, StaffUser(username=username, first_name=first_name))
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
