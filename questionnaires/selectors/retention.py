"""RET-1, DATA-8: which rows each retention rule (questionnaires.retention) finds past its
period at a given moment. The purge service counts these, and deletes them under row locks; a
row exactly at its limit is kept (`__lt` the cut-off, never `__lte`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.db.models import Exists, Max, OuterRef, Q, QuerySet

from questionnaires.models import (
    AuditEvent,
    Family,
    Invitation,
    LoafRating,
    MatchReview,
    MatchStatus,
    RateLimitBucket,
    Response,
    ResponseStatus,
)
from questionnaires.retention import Kind, rule

# The label prefix of a temporary family that came in by nickname and baby's date
# (questionnaires.services.together_time.UNLINKED_PREFIX; a read must not import a writer).
UNLINKED_PREFIX = "TT-UNLINKED-"
PENDING_MATCH = (MatchStatus.PROVISIONAL, MatchStatus.UNMATCHED)


def cutoff(kind: Kind, now: datetime) -> datetime:
    return now - timedelta(days=rule(kind).period)


def _link_not_working(now: datetime, prefix: str = "") -> Q:
    """The parent can no longer reach it: expired or revoked (or no link at all)."""
    q = Q(**{f"{prefix}expires_at__lte": now}) | Q(**{f"{prefix}revoked_at__isnull": False})
    if prefix:
        q |= Q(**{f"{prefix.removesuffix('__')}__isnull": True})
    return q


def unlinked_joins(now: datetime) -> QuerySet[Family]:
    """Group joins and TT-UNLINKED families with nothing sent, nothing saved within the period,
    no LOAF rating and no match waiting for a facilitator."""
    limit = cutoff(Kind.UNLINKED_JOINS, now)
    of_family = {"invitation__episode__family": OuterRef("pk")}
    sent = Response.objects.filter(**of_family, status=ResponseStatus.SUBMITTED)
    recent = Response.objects.filter(**of_family, updated_at__gte=limit)
    pending = MatchReview.objects.filter(**of_family, status__in=PENDING_MATCH)
    rated = LoafRating.objects.filter(episode__family=OuterRef("pk"))
    return (
        Family.objects.filter(
            Q(participant__isnull=False) | Q(label__startswith=UNLINKED_PREFIX),
            created_at__lt=limit,
        )
        .exclude(Exists(sent))
        .exclude(Exists(recent))
        .exclude(Exists(pending))
        .exclude(Exists(rated))
    )


def _outside_unlinked_joins(now: datetime, family_path: str) -> Q:
    """Kinds do not overlap: a junk join goes whole, under its own rule, so its parts are not
    counted twice."""
    return ~Q(**{f"{family_path}__in": unlinked_joins(now).values("pk")})


def abandoned_responses(now: datetime) -> QuerySet[Response]:
    return Response.objects.filter(
        _link_not_working(now, "invitation__"),
        _outside_unlinked_joins(now, "invitation__episode__family"),
        status=ResponseStatus.IN_PROGRESS,
        updated_at__lt=cutoff(Kind.ABANDONED, now),
    )


def declined_responses(now: datetime) -> QuerySet[Response]:
    return Response.objects.filter(
        _link_not_working(now, "invitation__"),
        _outside_unlinked_joins(now, "invitation__episode__family"),
        status=ResponseStatus.DECLINED,
        updated_at__lt=cutoff(Kind.DECLINED, now),
    )


def unopened_links(now: datetime) -> QuerySet[Invitation]:
    """Never opened, no response, no match review (that belongs to the match queue); stopped
    working (expired or revoked, whichever came first) before the cut-off."""
    limit = cutoff(Kind.UNOPENED_LINKS, now)
    return Invitation.objects.filter(
        Q(expires_at__lt=limit) | Q(revoked_at__lt=limit),
        _outside_unlinked_joins(now, "episode__family"),
        first_opened_at__isnull=True,
        response__isnull=True,
        match_review__isnull=True,
    )


def expired_sessions(now: datetime) -> QuerySet[Session]:
    return Session.objects.filter(expire_date__lt=cutoff(Kind.SESSIONS, now))


def idle_rate_limit_buckets(now: datetime) -> QuerySet[RateLimitBucket]:
    return RateLimitBucket.objects.filter(updated__lt=cutoff(Kind.RATE_LIMITS, now))


def old_sign_in_attempts(now: datetime) -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__lt=cutoff(Kind.SIGN_IN_ATTEMPTS, now))


def old_sign_in_logs(now: datetime) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(attempt_time__lt=cutoff(Kind.SIGN_IN_LOGS, now))


def old_sign_in_failures(now: datetime) -> QuerySet[AccessFailureLog]:
    return AccessFailureLog.objects.filter(attempt_time__lt=cutoff(Kind.SIGN_IN_FAILURES, now))


def old_audit_events(now: datetime) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(at__lt=cutoff(Kind.AUDIT_EVENTS, now))


def _birthday(born: date, age: int) -> date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # born on 29 February: the birthday is 1 March that year
        return date(born.year + age, 3, 1)


def keep_clinical_until(born: date, care_ended: date, age: int) -> date:
    """The child's `age`th birthday, or the next one if they were `age` - 8 (17 for 25) or
    older when care ended (NHS Records Management Code of Practice 2021)."""
    if care_ended >= _birthday(born, age - 8):
        return _birthday(born, age + 1)
    return _birthday(born, age)


@dataclass(frozen=True)
class ClinicalRecordDue:
    family_id: object
    keep_until: date


def clinical_records_past_retention(today: date) -> list[ClinicalRecordDue]:
    """Families whose episodes are all closed and whose keep-until date has passed. Counted
    only; nothing deletes them. A family with neither a date of birth nor a due date cannot be
    dated, so it is never listed."""
    age = rule(Kind.CLINICAL_RECORDS).period
    rows = (
        Family.objects.filter(episodes__isnull=False)
        .exclude(episodes__closed_on__isnull=True)
        .annotate(care_ended=Max("episodes__closed_on"))
        .values_list("pk", "infant_dob", "due_date", "care_ended")
    )
    due = []
    for pk, dob, due_date, care_ended in rows:
        born = dob or due_date
        if born is None or care_ended is None:
            continue
        keep_until = keep_clinical_until(born, care_ended, age)
        if keep_until < today:
            due.append(ClinicalRecordDue(pk, keep_until))
    return due
