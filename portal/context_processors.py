import functools

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from questionnaires.roles import ACCOUNT_ROLES, CASE_ROLES, GROUP_ROLES, Role, roles_of
from questionnaires.selectors.audit_trail import AUDIT_ROLES


def site(request: HttpRequest) -> dict[str, object]:
    # Lazy and computed once: only pages that show the staff menu pay for the role query.
    roles = functools.cache(lambda: roles_of(request.user))
    return {
        "service_name": settings.SERVICE_NAME,
        "demo_mode": settings.DEMO_MODE,
        # The staff sign-in pause (django-axes counts it in hours), said in minutes.
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
        "sees_families": SimpleLazyObject(lambda: bool(roles() & CASE_ROLES)),
        "sees_groups": SimpleLazyObject(lambda: bool(roles() & GROUP_ROLES)),
        "sees_audit": SimpleLazyObject(lambda: bool(roles() & AUDIT_ROLES)),
        "sees_accounts": SimpleLazyObject(lambda: bool(roles() & ACCOUNT_ROLES)),
        "sees_exports": SimpleLazyObject(lambda: Role.SERVICE_LEAD in roles()),
    }
