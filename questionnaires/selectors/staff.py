"""Staff a form may offer: the facilitators and the clinicians of a service."""

from __future__ import annotations

from django.db.models import QuerySet

from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role


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
