"""RET-1, DATA-8: remove what the retention table (questionnaires.retention) says is past its
period. A dry run (the default) counts; `apply=True` deletes. Running it again finds nothing
new, and it is safe while parents are answering: each kind is selected and deleted in one
transaction, under row locks on what is about to go, and re-read under those locks, so a row a
parent touched meanwhile (every save locks and stamps its response) no longer matches and stays.
Each run writes one audit event with the counts (never ids or contents)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from questionnaires.models import AuditEvent, Invitation, Response
from questionnaires.retention import RULES, Action, Kind, Rule
from questionnaires.selectors import retention as found
from questionnaires.services import audit


@dataclass(frozen=True)
class Line:
    rule: Rule
    count: int

    def words(self, applied: bool) -> str:
        rule = self.rule
        if rule.action is Action.KEEP:
            return (
                f"{rule.name}: {self.count} past their keep-until date "
                f"({rule.period_words()}); kept: purge never deletes these, review them by hand"
            )
        verb = "deleted" if applied else "to delete"
        return f"{rule.name}: {self.count} {verb} (older than {rule.period_words()})"


@dataclass(frozen=True)
class Report:
    applied: bool
    lines: tuple[Line, ...]

    def count(self, kind: Kind) -> int:
        return next(line.count for line in self.lines if line.rule.kind is kind)


def _locked_delete(rows: QuerySet[Any], model: type[Model]) -> int:
    """Lock the rows, then delete those that still match (re-read under the lock)."""
    ids = list(rows.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return 0
    _, per_model = rows.filter(pk__in=ids).delete()
    return per_model.get(model._meta.label, 0)


def _delete_unlinked_joins(now: datetime) -> int:
    families = found.unlinked_joins(now)
    ids = list(families.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return 0
    # Their responses too: a parent saving an answer holds their response's lock, so we wait
    # for it, and the re-read below then sees the fresh save and keeps the family.
    list(
        Response.objects.select_for_update(of=("self",))
        .filter(invitation__episode__family__in=ids)
        .values_list("pk", flat=True)
    )
    _, per_model = families.filter(pk__in=ids).delete()
    return per_model.get("questionnaires.Family", 0)


def _simple(selector: Callable[[datetime], QuerySet[Any]]) -> Callable[[datetime], int]:
    """One DELETE … WHERE: rows with no children and no writer but their own lock."""

    def delete(now: datetime) -> int:
        rows = selector(now)
        _, per_model = rows.delete()
        return per_model.get(rows.model._meta.label, 0)

    return delete


def _delete_audit_events(now: datetime) -> int:
    return AuditEvent.objects.remove_older_than(found.cutoff(Kind.AUDIT_EVENTS, now))


Counter = Callable[[datetime], int]

# In this order: a junk join goes whole first, so its parts are never counted under another kind.
_WORK: dict[Kind, tuple[Counter, Counter | None]] = {
    Kind.UNLINKED_JOINS: (lambda now: found.unlinked_joins(now).count(), _delete_unlinked_joins),
    Kind.ABANDONED: (
        lambda now: found.abandoned_responses(now).count(),
        lambda now: _locked_delete(found.abandoned_responses(now), Response),
    ),
    Kind.DECLINED: (
        lambda now: found.declined_responses(now).count(),
        lambda now: _locked_delete(found.declined_responses(now), Response),
    ),
    Kind.UNOPENED_LINKS: (
        lambda now: found.unopened_links(now).count(),
        lambda now: _locked_delete(found.unopened_links(now), Invitation),
    ),
    Kind.SESSIONS: (
        lambda now: found.expired_sessions(now).count(),
        _simple(found.expired_sessions),
    ),
    Kind.RATE_LIMITS: (
        lambda now: found.idle_rate_limit_buckets(now).count(),
        _simple(found.idle_rate_limit_buckets),
    ),
    Kind.SIGN_IN_ATTEMPTS: (
        lambda now: found.old_sign_in_attempts(now).count(),
        _simple(found.old_sign_in_attempts),
    ),
    Kind.SIGN_IN_LOGS: (
        lambda now: found.old_sign_in_logs(now).count(),
        _simple(found.old_sign_in_logs),
    ),
    Kind.SIGN_IN_FAILURES: (
        lambda now: found.old_sign_in_failures(now).count(),
        _simple(found.old_sign_in_failures),
    ),
    Kind.AUDIT_EVENTS: (
        lambda now: found.old_audit_events(now).count(),
        _delete_audit_events,
    ),
    Kind.CLINICAL_RECORDS: (
        lambda now: len(found.clinical_records_past_retention(timezone.localdate(now))),
        None,  # never deleted by the purge (Action.KEEP)
    ),
}


def run(apply: bool = False) -> Report:
    """Count (and with `apply`, delete) each kind past its period, in the table's order of
    work, each kind in its own transaction; then one audit event with the counts."""
    now = timezone.now()
    counts: dict[Kind, int] = {}
    for kind, (count, delete) in _WORK.items():
        with transaction.atomic():
            counts[kind] = delete(now) if apply and delete is not None else count(now)
    lines = tuple(Line(rule, counts[rule.kind]) for rule in RULES)
    audit.record(
        "records.purged" if apply else "records.purge_checked",
        None,
        None,
        applied=apply,
        counts={str(kind): counts[kind] for kind in counts},
    )
    return Report(apply, lines)
