"""The caseload: a service's families, the user's own first, searched and filtered in SQL, and
the rows of one page with their status and flags. Queries stay constant in the number of
families (tested at 5 and 500)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from questionnaires.models import (
    Answer,
    Episode,
    Family,
    MatchReview,
    Response,
    ResponseStatus,
    ScoreRecord,
    StaffUser,
    Timepoint,
)
from questionnaires.questions import questions_asked
from questionnaires.scoring_adapter import cached_definition
from questionnaires.selectors.scope import families_for, groups_for
from questionnaires.statuses import PENDING_MATCH, CaseStatus, answers_words
from questionnaires.summary.flag_words import CaseloadFlags, Names, StoredFlags, caseload_flags
from questionnaires.summary.wording import baby_age
from scoring.flags import Flag, FlagKind

NO_EPISODE = "No episode of care"


@dataclass(frozen=True)
class CaseloadFilters:
    """Validated search and filters; empty text means no filter (INJ-3: values only)."""

    q: str = ""
    programme: str = ""
    status: str = ""
    attention: str = ""  # ATTENTION_ONLY: families with a current clinical flag
    sort: str = ""  # SORT_ATTENTION: those families first; otherwise the user's own first

    @property
    def narrows(self) -> bool:
        """Whether anything leaves families out (sorting does not)."""
        return any((self.q, self.programme, self.status, self.attention))


ATTENTION_ONLY = "yes"
SORT_ATTENTION = "attention"


@dataclass(frozen=True)
class CaseloadRow:
    family: Family
    age: str
    is_mine: bool
    latest_episode: Episode | None
    status: str
    t1_sent: bool
    t2_sent: bool
    flags: CaseloadFlags

    @property
    def t1_words(self) -> str:
        return answers_words(self.t1_sent)

    @property
    def t2_words(self) -> str:
        return answers_words(self.t2_sent)


def _sent_responses() -> QuerySet[Response]:
    """Answers sent back, except those waiting for a facilitator to confirm whose they are:
    those are nobody's clinical data yet (LINK-8)."""
    return Response.objects.filter(status=ResponseStatus.SUBMITTED).exclude(
        invitation__match_review__status__in=PENDING_MATCH
    )


def _sent_through(path: str) -> Q:
    """`_sent_responses()`'s conditions on a response reached by a join (PERF-6): the database
    starts from the page's families and walks down, where `response IN (every sent response)`
    made SQLite build the whole set first (4.6 s at 20,000 families)."""
    return Q(**{f"{path}status": ResponseStatus.SUBMITTED}) & ~Q(
        **{f"{path}invitation__match_review__status__in": PENDING_MATCH}
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
    if filters.attention == ATTENTION_ONLY or filters.sort == SORT_ATTENTION:
        attention = needs_attention_ids(families)
        families = families.annotate(
            needs_attention=ExpressionWrapper(Q(pk__in=attention), output_field=BooleanField())
        )
        if filters.attention == ATTENTION_ONLY:
            families = families.filter(pk__in=attention)
    order = ["-is_mine", "label", "pk"]
    if filters.sort == SORT_ATTENTION:
        order.insert(0, "-needs_attention")
    return families.order_by(*order).prefetch_related(
        Prefetch("episodes", queryset=Episode.objects.order_by("-opened_on", "-pk"))
    )


class MineFirst:
    """The caseload in its default order (the user's own families first, then the rest, each by
    label) as a sequence `Paginator` can page, without sorting the whole service (PERF-6).

    Ordering by "is mine" made the database work out that flag for every family and sort them
    all to show 25 (26-55 ms of the page at 20,000 families on SQLite). Here the two parts are
    read separately, each in the order of the (service, label) unique index, so the database
    walks the index and stops after the page; "is mine" is one probe of the (family, clinician)
    index. Queries: a count of both parts, then the page's families (one query, both parts'
    slices inside it), then their episodes. A label is unique within a service, so label alone
    is a total order."""

    def __init__(self, families: QuerySet[Family], user: StaffUser) -> None:
        self._families = families
        # One probe of the (family, clinician) index per family walked, where an IN list of
        # the clinician's families is built afresh by every query that uses it.
        self._mine = Exists(Episode.objects.filter(family=OuterRef("pk"), clinician=user))
        # Counting the user's own families among all of them: the list of their families
        # (built once for the query) is cheaper there than one probe per family.
        self._mine_ids = Episode.objects.filter(clinician=user).values("family_id")
        self._counts: tuple[int, int] | None = None

    def _both_counts(self) -> tuple[int, int]:
        if self._counts is None:
            found = self._families.aggregate(
                total=Count("pk"), mine=Count("pk", filter=Q(pk__in=self._mine_ids))
            )
            self._counts = (found["total"], found["mine"])
        return self._counts

    def count(self) -> int:
        return self._both_counts()[0]

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Family]:
        return iter(self[0 : len(self)])

    @overload
    def __getitem__(self, window: int) -> Family: ...

    @overload
    def __getitem__(self, window: slice) -> list[Family]: ...

    def __getitem__(self, window: int | slice) -> Family | list[Family]:
        if isinstance(window, int):
            return self[window : window + 1][0]
        total, mine_count = self._both_counts()
        start, stop = (
            window.start or 0,
            min(window.stop if window.stop is not None else total, total),
        )
        # Both parts' slices go into the one query that reads the page's families (a LIMIT
        # inside IN): three queries in all, wherever the page falls.
        parts = Q(pk__in=[])
        if start < mine_count:
            parts |= Q(
                pk__in=self._families.filter(self._mine)
                .order_by("label")
                .values("pk")[start : min(stop, mine_count)]
            )
        if stop > mine_count:
            parts |= Q(
                pk__in=self._families.exclude(self._mine)
                .order_by("label")
                .values("pk")[max(start - mine_count, 0) : stop - mine_count]
            )
        page = (
            Family.objects.filter(parts)
            .annotate(is_mine=self._mine)
            .prefetch_related(
                Prefetch("episodes", queryset=Episode.objects.order_by("-opened_on", "-pk"))
            )
        )
        return sorted(
            page, key=lambda family: (not getattr(family, "is_mine", False), family.label)
        )


def caseload_families(user: StaffUser, filters: CaseloadFilters) -> QuerySet[Family] | MineFirst:
    """What the caseload page pages through: `caseload_queryset`, except in the default order,
    which `MineFirst` reads a page at a time along the label index."""
    if filters.sort == SORT_ATTENTION:
        return caseload_queryset(user, filters)
    families = caseload_queryset(user, filters).order_by().prefetch_related(None)
    return MineFirst(families, user)


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


def _stored_flags(
    families: QuerySet[Family, Any] | list[uuid.UUID], names: bool
) -> dict[uuid.UUID, list[StoredFlags]]:
    """The current scores' stored flags (set with the submit, DATA-6), never a rescoring on the
    fly, for the given families in one query. With `names`, overall questions are numbered as
    the record numbers them, from the (cached) definitions."""
    rows = ScoreRecord.objects.filter(
        _sent_through("measure__response__"),
        is_current=True,
        measure__response__invitation__episode__family_id__in=families,
    ).values_list(
        "measure__response__invitation__episode__family_id",
        "measure__response__invitation__episode__opened_on",
        "measure__response__invitation__episode_id",
        "measure__response__invitation__timepoint",
        "flags",
        "measure__instrument__code",
        "measure__instrument__has_unverified_numbers",
        "measure__instrument_id",
        "measure__instrument__sha256",
        "measure__asq_interval",
    )
    grouped: dict[uuid.UUID, list[StoredFlags]] = defaultdict(list)
    for family_id, opened, episode, timepoint, flags, code, unverified, pk, sha, interval in rows:
        texts = [str(text) for text in flags or []]
        wants = names and any(text.startswith("overall_yes") for text in texts)
        grouped[family_id].append(
            StoredFlags(
                timepoint,
                texts,
                unverified,
                instrument=code,
                position=(opened.isoformat(), str(episode)),
                names=_overall_numbers(pk, sha, interval) if wants else {},
            )
        )
    # A concern ticked on an answered question is kept with the answer, not in the score's
    # flags (the scoring counts it in the total): read it from there, in one more query.
    concerns = Answer.objects.filter(
        _sent_through("measure__response__"),
        concern=True,
        measure__response__invitation__episode__family_id__in=families,
    ).exclude(value="")
    for family_id, opened, episode, timepoint, code, item in concerns.values_list(
        "measure__response__invitation__episode__family_id",
        "measure__response__invitation__episode__opened_on",
        "measure__response__invitation__episode_id",
        "measure__response__invitation__timepoint",
        "measure__instrument__code",
        "item",
    ):
        grouped[family_id].append(
            StoredFlags(
                timepoint,
                [str(Flag(FlagKind.CONCERN, item=str(item)))],
                False,
                instrument=code,
                position=(opened.isoformat(), str(episode)),
            )
        )
    return grouped


def _overall_numbers(pk: int, sha256: str, interval: int | None) -> Names:
    """Overall-question ids → "question 2", numbered as the family record numbers them. The
    definitions are cached per instrument version: at most one read per version, whatever the
    number of families."""
    asked = questions_asked(cached_definition(pk, sha256), interval)
    return {question.id: f"question {n}" for n, question in enumerate(asked.overall, start=1)}


def needs_attention_ids(families: QuerySet[Family]) -> list[uuid.UUID]:
    """The families (of this queryset) with a current clinical flag: one query, whatever the
    number of families, worked out by the same words the rows show."""
    stored = _stored_flags(families.values("pk"), names=False)
    return [family for family, rows in stored.items() if caseload_flags(rows).needs_attention]


def caseload_rows(families: Sequence[Family], today: date) -> list[CaseloadRow]:
    """One page's rows: two queries whatever the page size (episodes come prefetched)."""
    latest = {f.pk: next(iter(f.episodes.all()), None) for f in families}
    sent = _sent_timepoints([e.pk for e in latest.values() if e is not None])
    stored = _stored_flags([family.pk for family in families], names=True)
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
                flags=caseload_flags(stored.get(family.pk, [])),
            )
        )
    return rows


@dataclass(frozen=True)
class HomeCounts:
    """What the staff home page counts for someone who works with families."""

    needs_attention: int
    awaiting_end: int
    awaiting_matching: int


def home_counts(user: StaffUser) -> HomeCounts:
    """The same filters the caseload and the match queues use, counted, so a number on the
    home page always equals the list its link opens."""
    attention = caseload_queryset(user, CaseloadFilters(attention=ATTENTION_ONLY))
    awaiting_end = caseload_queryset(user, CaseloadFilters(status=CaseStatus.T1_DONE))
    matching = MatchReview.objects.filter(
        collection__group__in=groups_for(user), status__in=PENDING_MATCH
    )
    return HomeCounts(attention.count(), awaiting_end.count(), matching.count())
