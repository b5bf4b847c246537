"""The caseload: a service's families, the user's own first, searched and filtered in SQL, and
the rows of one page with their status and flags. Queries stay constant in the number of
families (tested at 5 and 500)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from questionnaires.models import (
    Episode,
    Family,
    Response,
    ResponseStatus,
    ScoreRecord,
    StaffUser,
    Timepoint,
)
from questionnaires.selectors.scope import families_for
from questionnaires.statuses import PENDING_MATCH, CaseStatus
from questionnaires.summary.flag_words import CaseloadFlag, StoredFlags, caseload_flags
from questionnaires.summary.wording import baby_age

NO_EPISODE = "No episode of care"


@dataclass(frozen=True)
class CaseloadFilters:
    """Validated search and filters; empty text means no filter (INJ-3: values only)."""

    q: str = ""
    programme: str = ""
    status: str = ""


@dataclass(frozen=True)
class CaseloadRow:
    family: Family
    age: str
    is_mine: bool
    latest_episode: Episode | None
    status: str
    t1_sent: bool
    t2_sent: bool
    flags: list[CaseloadFlag]


def _sent_responses() -> QuerySet[Response]:
    """Answers sent back, except those waiting for a facilitator to confirm whose they are:
    those are nobody's clinical data yet (LINK-8)."""
    return Response.objects.filter(status=ResponseStatus.SUBMITTED).exclude(
        invitation__match_review__status__in=PENDING_MATCH
    )


def _sent(timepoint: str) -> Exists:
    # Inside an Episode subquery: answers sent back at this timepoint of that episode.
    return Exists(
        _sent_responses().filter(
            invitation__timepoint=timepoint, invitation__episode=OuterRef("pk")
        )
    )


def _latest_episodes() -> QuerySet[Episode]:
    """The family's latest episode, as a subquery of Family: no newer episode exists. Written
    with NOT EXISTS rather than ORDER BY ... LIMIT 1 so SQLite can use the family index."""
    newer = Episode.objects.filter(family=OuterRef("family")).filter(
        Q(opened_on__gt=OuterRef("opened_on"))
        | Q(opened_on=OuterRef("opened_on"), pk__gt=OuterRef("pk"))
    )
    return Episode.objects.filter(family=OuterRef("pk")).filter(~Exists(newer))


def caseload_queryset(user: StaffUser, filters: CaseloadFilters) -> QuerySet[Family]:
    """The user's service's families, theirs first, searched and filtered. Filters run in SQL,
    so filtering and counting stay one query each however many families there are; the
    status shown on a row is worked out for the page's rows only (see `caseload_rows`)."""
    # "Mine" as IN (an uncorrelated subquery): SQLite runs it once, where a correlated EXISTS
    # made it walk the clinician's episodes once per family.
    mine = Episode.objects.filter(clinician=user).values("family_id")
    families = families_for(user).annotate(
        is_mine=ExpressionWrapper(Q(pk__in=mine), output_field=BooleanField())
    )
    if filters.q:
        # Fixed lookups with the typed text as a value only (INJ-3).
        families = families.filter(
            Q(label__icontains=filters.q)
            | Q(parent_name__icontains=filters.q)
            | Q(participant__nickname__icontains=filters.q)
        )
    if filters.programme:
        families = families.filter(
            Exists(Episode.objects.filter(family=OuterRef("pk"), programme=filters.programme))
        )
    latest = _latest_episodes()
    still_open = latest.filter(closed_on__isnull=True)
    if filters.status == CaseStatus.CLOSED:
        families = families.filter(Exists(latest.filter(closed_on__isnull=False)))
    elif filters.status == CaseStatus.T2_DONE:
        families = families.filter(Exists(still_open.filter(_sent(Timepoint.T2))))
    elif filters.status == CaseStatus.T1_DONE:
        families = families.filter(
            Exists(still_open.filter(_sent(Timepoint.T1)).filter(~_sent(Timepoint.T2)))
        )
    elif filters.status == CaseStatus.AWAITING_T1:
        families = families.filter(
            Exists(still_open.filter(~_sent(Timepoint.T1)).filter(~_sent(Timepoint.T2)))
        )
    return families.order_by("-is_mine", "label", "pk").prefetch_related(
        Prefetch("episodes", queryset=Episode.objects.order_by("-opened_on", "-pk"))
    )


def _status_label(episode: Episode | None, sent: set[str]) -> str:
    if episode is None:
        return NO_EPISODE
    if episode.closed_on is not None:
        return CaseStatus.CLOSED.label
    if Timepoint.T2 in sent:
        return CaseStatus.T2_DONE.label
    if Timepoint.T1 in sent:
        return CaseStatus.T1_DONE.label
    return CaseStatus.AWAITING_T1.label


def _sent_timepoints(episode_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    found: dict[uuid.UUID, set[str]] = defaultdict(set)
    rows = (
        _sent_responses()
        .filter(invitation__episode_id__in=episode_ids)
        .values_list("invitation__episode_id", "invitation__timepoint")
    )
    for episode_id, timepoint in rows:
        found[episode_id].add(timepoint)
    return found


def _flags_by_family(family_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[CaseloadFlag]]:
    """Every page's flags in one query: the current scores' stored flags (set with the submit,
    DATA-6), never a rescoring on the fly."""
    rows = ScoreRecord.objects.filter(
        is_current=True,
        measure__response__in=_sent_responses(),
        measure__response__invitation__episode__family_id__in=family_ids,
    ).values_list(
        "measure__response__invitation__episode__family_id",
        "measure__response__invitation__timepoint",
        "flags",
        "measure__instrument__has_unverified_numbers",
    )
    grouped: dict[uuid.UUID, list[StoredFlags]] = defaultdict(list)
    for family_id, timepoint, flags, unverified in rows:
        grouped[family_id].append(StoredFlags(timepoint, list(flags or []), unverified))
    return {key: caseload_flags(value) for key, value in grouped.items()}


def caseload_rows(families: Sequence[Family], today: date) -> list[CaseloadRow]:
    """One page's rows: two queries whatever the page size (episodes come prefetched)."""
    latest = {f.pk: next(iter(f.episodes.all()), None) for f in families}
    sent = _sent_timepoints([e.pk for e in latest.values() if e is not None])
    flags = _flags_by_family([family.pk for family in families])
    rows = []
    for family in families:
        episode = latest[family.pk]
        done = sent.get(episode.pk, set()) if episode else set()
        rows.append(
            CaseloadRow(
                family=family,
                age=baby_age(family, today),
                is_mine=getattr(family, "is_mine", False),
                latest_episode=episode,
                status=_status_label(episode, done),
                t1_sent=Timepoint.T1 in done,
                t2_sent=Timepoint.T2 in done,
                flags=flags.get(family.pk, []),
            )
        )
    return rows
