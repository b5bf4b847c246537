"""Services (teams) and staff accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
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


class OwnAccount(Exception):
    """An administrator may not switch off their own account or take away their own admin role:
    the service would be left with nobody to run its accounts."""


def _check_not_superuser(user: StaffUser) -> None:
    # The portal's staff pages never change a superuser (they are run from the command line).
    if user.is_superuser:
        raise PermissionDenied


@transaction.atomic
def set_roles(user: StaffUser, roles: list[Role], actor: StaffUser) -> StaffUser:
    _check_not_superuser(user)
    if user.pk == actor.pk and Role.ADMIN not in roles:
        raise OwnAccount
    ensure_role_groups()
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    # The admin site's staff flag follows the administrator role, as at creation.
    user.is_staff = Role.ADMIN in roles
    user.save(update_fields=["is_staff"])
    audit.record(
        "staff.roles_changed",
        actor,
        user,
        before=before,
        after=sorted(role.value for role in roles),
    )
    return user


@transaction.atomic
def set_active(user: StaffUser, active: bool, actor: StaffUser) -> StaffUser:
    """Deactivate (they can no longer sign in; their sessions end at their next request) or
    reactivate. Accounts are never deleted: the audit trail names them."""
    _check_not_superuser(user)
    if user.pk == actor.pk and not active:
        raise OwnAccount
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record("staff.reactivated" if active else "staff.deactivated", actor, user)
    return user
