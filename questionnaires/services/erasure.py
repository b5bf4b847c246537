"""Erasing a family (SAR-3, SAR-1): every row about it, in every table, in one transaction,
leaving one audit event without personal data.

The rows come from `selectors.family_data.family_rows`, the same list subject access shows, and
are deleted children first, so a PROTECT foreign key never stops the erasure half-way and each
table's count is exact. Audit events are append-only (LOG-3; a PostgreSQL trigger refuses
DELETE): they hold ids, action names and keyed hashes, never the family's details, so they stay,
and once the family is gone its id leads nowhere."""

from __future__ import annotations

from django.db import transaction

from questionnaires.models import Family, MatchStatus, StaffUser
from questionnaires.selectors.family_data import family_rows
from questionnaires.services import audit


class ErasureReason:
    """Why a family is erased: a closed vocabulary, so the tombstone holds a code, never the
    lead's words (free text stays out of the audit trail, LOG-2)."""

    PARENT_ASKED = "parent_asked"
    REGISTERED_IN_ERROR = "registered_in_error"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    OTHER = "other"

    CHOICES = (
        (PARENT_ASKED, "The parent asked for their information to be erased"),
        (CONSENT_WITHDRAWN, "The parent withdrew their consent"),
        (REGISTERED_IN_ERROR, "The family was registered in error or is a test record"),
        (OTHER, "Another lawful reason, recorded in the service's own records"),
    )
    CODES = frozenset(code for code, _ in CHOICES)


class ErasureRefused(ValueError):
    """The reason is not one of the vocabulary's codes."""


class ErasureIncomplete(RuntimeError):
    """The rows deleted were not the rows counted: the transaction is rolled back."""


@transaction.atomic
def erase_family(family: Family, reason: str, actor: StaffUser | None = None) -> dict[str, int]:
    """Delete every row about the family; return the number of rows removed per table, which is
    also what the tombstone (`family.erased`) records with the reason's code."""
    if reason not in ErasureReason.CODES:
        raise ErasureRefused(reason)
    # Lock the family so two leads erasing at once (or a parent sending) wait for each other.
    locked = Family.objects.select_for_update().filter(pk=family.pk).first()
    if locked is None:
        return {}
    rows = family_rows(locked.pk)
    # Another family's answers that only proposed this parent go back to the queue unproposed:
    # a facilitator decides again, and nothing points at the erased family.
    unproposed = rows.proposed_reviews.filter(status=MatchStatus.PROVISIONAL).update(
        proposed=None, status=MatchStatus.UNMATCHED
    )
    rows.proposed_reviews.update(proposed=None)
    planned = {name: queryset.count() for name, queryset in rows.erasable()}
    # The tombstone, written while the family still names its service: ids, counts and a code
    # only. In the same transaction, so it exists exactly when the erasure happened.
    audit.record(
        "family.erased",
        actor,
        locked,
        reason=reason,
        rows=planned,
        match_reviews_unproposed=unproposed,
    )
    counts: dict[str, int] = {}
    for name, queryset in rows.erasable():
        _, per_model = queryset.delete()
        counts[name] = per_model.get(queryset.model._meta.label, 0)
    if counts != planned:
        # Something changed between counting and deleting (the lock covers the family, not
        # every child): undo everything rather than leave a tombstone that misstates it.
        raise ErasureIncomplete(f"planned {planned}, deleted {counts}")
    return counts
