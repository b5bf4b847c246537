"""Staff a form may offer: the facilitators of a service."""

from __future__ import annotations

from django.db.models import QuerySet

from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role


def facilitators_of(service: Service) -> QuerySet[StaffUser]:
    return StaffUser.objects.filter(
        service=service, is_active=True, groups__name=Role.FACILITATOR
    ).order_by("first_name", "last_name", "username")
