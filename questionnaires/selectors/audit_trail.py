"""Reads of the audit trail (LOG-3): a service's events, filtered by member of staff, family,
action and dates, for the audit page and its CSV; and every event about one family, for
`manage.py audit_trail` and the page's family filter. Queries stay fixed in number however many
events there are."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from questionnaires.models import (
    AuditEvent,
    Episode,
    Family,
    GroupParticipant,
    Invitation,
    LoafRating,
    MatchReview,
    Service,
    StaffUser,
)
from questionnaires.roles import Role

# Who may read their service's audit trail: the service lead and the administrator (LOG-3).
AUDIT_ROLES = frozenset({Role.SERVICE_LEAD, Role.ADMIN})

# Reads of a group as a whole that show its parents (nicknames, who has finished).
GROUP_READS = ("roster.viewed", "matches.viewed")


def staff_account(username: str | None) -> StaffUser | None:
    """The account a sign-in attempt named, if there is one (for the trail's service)."""
    if not username:
        return None
    return StaffUser.objects.filter(**{StaffUser.USERNAME_FIELD: username}).first()


def staff_of(service: Service) -> QuerySet[StaffUser]:
    """Everyone who has worked in the service, deactivated accounts too: they stay in the trail."""
    return StaffUser.objects.filter(service=service).order_by("first_name", "last_name", "username")


def actions_of(service: Service) -> list[str]:
    """The kinds of event the service's trail holds, for the page's filter."""
    return list(
        AuditEvent.objects.filter(service=service)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def families_labelled(label: str, service: Service | None = None) -> list[Family]:
    """Families with this label (labels are unique within a service), in any case."""
    found = Family.objects.filter(label__iexact=label.strip()).select_related("service")
    if service is not None:
        found = found.filter(service=service)
    return list(found.order_by("service__name"))


def _ids(values: Iterable[object]) -> list[str]:
    return [str(value) for value in values if value is not None]


def about_families(family_ids: list[uuid.UUID]) -> Q:
    """Every event about these families: written about the family or anything that belongs to
    it (as it was then, through the event's family, or as it is now: episodes, links, responses,
    LOAF ratings, group joins, match reviews), reads of lists that showed it (the caseload, the
    audit page) and reads of its group's roster and match queue. Five queries, whatever the
    family holds."""
    invitations = list(
        Invitation.objects.filter(episode__family__in=family_ids).values_list(
            "pk", "response__pk", "match_review__pk"
        )
    )
    participants = list(
        GroupParticipant.objects.filter(family__in=family_ids).values_list("pk", "group_id")
    )
    proposed = MatchReview.objects.filter(proposed__family__in=family_ids).values_list(
        "pk", flat=True
    )
    records = {
        "questionnaires.Family": _ids(family_ids),
        "questionnaires.Episode": _ids(
            Episode.objects.filter(family__in=family_ids).values_list("pk", flat=True)
        ),
        "questionnaires.Invitation": _ids(pk for pk, _, _ in invitations),
        "questionnaires.Response": _ids(response for _, response, _ in invitations),
        "questionnaires.MatchReview": _ids(
            [review for _, _, review in invitations] + list(proposed)
        ),
        "questionnaires.LoafRating": _ids(
            LoafRating.objects.filter(episode__family__in=family_ids).values_list("pk", flat=True)
        ),
        "questionnaires.GroupParticipant": _ids(pk for pk, _ in participants),
    }
    about = Q(family_id__in=family_ids)
    for object_type, ids in records.items():
        if ids:
            about |= Q(object_type=object_type, object_id__in=ids)
    groups = _ids(group for _, group in participants)
    if groups:
        about |= Q(
            object_type="questionnaires.ParentGroup", object_id__in=groups, action__in=GROUP_READS
        )
    # Lists name the families they showed by id in the event's detail.
    for family_id in family_ids:
        about |= Q(detail_text__contains=str(family_id))
    return about


def _with_detail_text(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return events.annotate(detail_text=Cast("detail", output_field=TextField()))


def family_trail(family: Family) -> QuerySet[AuditEvent]:
    """Who saw or changed this family, oldest first (for `manage.py audit_trail`)."""
    return (
        _with_detail_text(AuditEvent.objects.all())
        .filter(about_families([family.pk]))
        .select_related("actor")
        .order_by("at", "pk")
    )


@dataclass(frozen=True)
class AuditFilters:
    """Validated filters for the audit page; None or empty means no filter (INJ-3: values only)."""

    actor_id: int | None = None
    # The families a typed label was found to mean (see `families_labelled`); None for no
    # family filter.
    family_ids: tuple[uuid.UUID, ...] | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None


def _start_of(day: date) -> datetime:
    # DATA-7: the dates a lead types are days in Europe/London (the site's time zone).
    return timezone.make_aware(datetime.combine(day, time.min))


def service_events(service: Service, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The service's events, newest first, filtered. With a family, a fixed handful of queries
    find what belongs to it."""
    events: QuerySet[AuditEvent] = AuditEvent.objects.filter(service=service)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.since is not None:
        events = events.filter(at__gte=_start_of(filters.since))
    if filters.until is not None:
        events = events.filter(at__lt=_start_of(filters.until + timedelta(days=1)))
    if filters.family_ids is not None:
        events = _with_detail_text(events).filter(about_families(list(filters.family_ids)))
    return events.select_related("actor", "family").order_by("-at", "-pk")
