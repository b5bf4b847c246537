"""RET-1, DATA-8: how long each kind of record is kept, in one table. `manage.py purge`
(questionnaires.services.purge) acts on it, the admin's "How long we keep records" page shows
it, and docs/retention.md explains it. The periods are settings (portal/settings.py, read from
the environment); the rules, their words and their reasons live only here.

A row is removed when it is older than its period: one exactly at the limit is kept."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings


class Kind(StrEnum):
    ABANDONED = "abandoned"
    DECLINED = "declined"
    UNOPENED_LINKS = "unopened_links"
    UNLINKED_JOINS = "unlinked_joins"
    SESSIONS = "sessions"
    RATE_LIMITS = "rate_limits"
    SIGN_IN_ATTEMPTS = "sign_in_attempts"
    SIGN_IN_LOGS = "sign_in_logs"
    SIGN_IN_FAILURES = "sign_in_failures"
    AUDIT_EVENTS = "audit_events"
    CLINICAL_RECORDS = "clinical_records"


class Action(StrEnum):
    DELETE = "delete"  # purge --apply deletes what is past its period
    KEEP = "keep"  # purge only counts: a person decides (clinical records)


@dataclass(frozen=True)
class Rule:
    kind: Kind
    name: str  # what the purge prints and the page shows
    setting: str  # the setting holding the period
    unit: str  # "days" (after the date named in `counted_from`) or "years of age"
    counted_from: str
    description: str
    reason: str
    action: Action = Action.DELETE

    @property
    def period(self) -> int:
        return int(getattr(settings, self.setting))

    def period_words(self) -> str:
        if self.unit == "years of age":
            return f"until the child is {self.period} (or {self.period + 1})"
        return f"{self.period} day" if self.period == 1 else f"{self.period} days"


RULES: tuple[Rule, ...] = (
    Rule(
        Kind.ABANDONED,
        "abandoned partial responses",
        "RETENTION_ABANDONED_DAYS",
        "days",
        "the last answer or step the parent saved",
        "Answers a parent started and never sent, once their link no longer works (expired or "
        "revoked): the answers, the consent and the About you details.",
        "Nobody uses unsent answers (they are never scored or shown as clinical data), and the "
        "parent can no longer reach them; keeping them only keeps health data without a purpose.",
    ),
    Rule(
        Kind.DECLINED,
        "declined responses",
        "RETENTION_DECLINED_DAYS",
        "days",
        "when the parent said no",
        "A parent's 'no' to answering, once their link no longer works. The audit trail keeps "
        "the fact (response.consent), never answers.",
        "The team sees a decline on the family record for a year, enough to talk it through; "
        "after that the audit trail is the record that it happened.",
    ),
    Rule(
        Kind.UNOPENED_LINKS,
        "links never opened",
        "RETENTION_UNOPENED_LINK_DAYS",
        "days",
        "when the link expired or was revoked",
        "Personal links that expired or were revoked without ever being opened (no response). "
        "Only their keyed hashes were ever stored.",
        "A link that never worked for anyone holds nothing about the parent; the audit trail "
        "keeps that it was issued.",
    ),
    Rule(
        Kind.UNLINKED_JOINS,
        "unlinked group joins with no answers",
        "RETENTION_UNLINKED_JOIN_DAYS",
        "days",
        "the join, and the last answer saved",
        "Together Time joins (and TT-UNLINKED families that came in by nickname and baby's "
        "date) where nothing was ever sent, nothing was saved within the period and no match "
        "is waiting for a facilitator: the family, episode, links and unsent answers.",
        "Junk joins (a double tap, a stranger with the room code) or parents who stopped before "
        "sending. Six months outlasts a group's 8 weekly sessions, so a parent who comes back "
        "for the end questionnaires still finds their record.",
    ),
    Rule(
        Kind.SESSIONS,
        "expired sessions",
        "RETENTION_SESSION_DAYS",
        "days",
        "when the session expired",
        "Django's session rows (staff and parents) after they expire. They hold ids only.",
        "An expired session can never be used again. Django's `clearsessions` does the same.",
    ),
    Rule(
        Kind.RATE_LIMITS,
        "idle rate-limit buckets",
        "RETENTION_RATE_LIMIT_DAYS",
        "days",
        "the last attempt counted",
        "Token buckets of failed look-ups and group joins (keyed hashes, no address).",
        "An idle bucket has refilled (the windows are minutes long), so it limits nothing.",
    ),
    Rule(
        Kind.SIGN_IN_ATTEMPTS,
        "sign-in attempt counts",
        "RETENTION_SIGN_IN_LOG_DAYS",
        "days",
        "the attempt",
        "django-axes' failed sign-in counts per (username, client); they hold the client's "
        "address.",
        "Needed only while a lockout can apply (30 minutes) and to look into an attack soon "
        "after; the audit trail keeps sign-in events with hashed identifiers.",
    ),
    Rule(
        Kind.SIGN_IN_LOGS,
        "sign-in logs",
        "RETENTION_SIGN_IN_LOG_DAYS",
        "days",
        "the sign-in",
        "django-axes' record of each staff sign-in; it holds the client's address.",
        "For looking into a suspicious sign-in; the audit trail keeps the sign-in event for "
        "longer, without the address.",
    ),
    Rule(
        Kind.SIGN_IN_FAILURES,
        "sign-in failure logs",
        "RETENTION_SIGN_IN_LOG_DAYS",
        "days",
        "the failure",
        "django-axes' record of each failed sign-in; it holds the client's address.",
        "As sign-in logs.",
    ),
    Rule(
        Kind.AUDIT_EVENTS,
        "audit events",
        "RETENTION_AUDIT_DAYS",
        "days",
        "the event",
        "Who saw or changed which record, when (never answers). Append-only: the purge is the "
        "one path that removes events, and only those older than the period; on PostgreSQL "
        "the table's trigger refuses to delete anything younger than eight years.",
        "Eight years, as the adult health records they account for under the NHS Records "
        "Management Code of Practice 2021, so any later question about access can be answered.",
    ),
    Rule(
        Kind.CLINICAL_RECORDS,
        "clinical records of closed episodes",
        "RETENTION_CLINICAL_AGE_YEARS",
        "years of age",
        "the baby's date of birth (due date if not born) and the last episode's end",
        "A family whose episodes are all closed: answers sent, scores, LOAF ratings. Kept until "
        "the child's 25th birthday, or 26th if they were 17 when care ended (8 years after "
        "death is not recorded here, so the later date always applies).",
        "NHS Records Management Code of Practice 2021, children's records. Purge never deletes "
        "these: it counts the families past that date so the service can review and destroy "
        "them under its records policy.",
        Action.KEEP,
    ),
)

BY_KIND: dict[Kind, Rule] = {rule.kind: rule for rule in RULES}


def rule(kind: Kind) -> Rule:
    return BY_KIND[kind]
