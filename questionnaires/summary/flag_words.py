"""Score flags in words, for the family record, the PDF and the caseload.

Every kind in `scoring.flags.FlagKind` has an entry in `RECORD_WORDS` and in `CASELOAD_SHOWS`,
and every kind the caseload tags has words in `CASELOAD_WORDS` (tests check all three). Stored
text that is not in the vocabulary, or a kind without words here, is shown as "Unrecognised
flag" for someone to check: never guessed at, and never hidden."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext, gettext_noop

from scoring.flags import CLINICAL_KINDS, Flag, FlagKind, UnknownFlag


class Attention(StrEnum):
    CLINICAL = "clinical"  # needs the clinician's attention
    NOTICE = "notice"  # qualifies how a number was made


class Severity(StrEnum):
    """How loudly a flag is shown. The words carry the meaning; the tag colour repeats it."""

    URGENT = "urgent"
    WATCH = "watch"
    NOTICE = "notice"


@dataclass(frozen=True)
class ShownFlag:
    code: str  # the stored text, e.g. "prorated:warmth"
    label: str
    attention: Attention
    severity: Severity


# Names of what a flag's detail points at, from the definition: subscale codes → names,
# overall-question ids → "overall question 2".
Names = Mapping[str, str]
_Words = Callable[[Flag, Names], str]


def _subscale(flag: Flag, names: Names) -> str:
    return names.get(flag.subscale or "", flag.subscale or "")


RECORD_WORDS: dict[FlagKind, _Words] = {
    FlagKind.ABOVE_CUTOFF: lambda flag, names: gettext("Above cut-off"),
    FlagKind.MONITORING: lambda flag, names: gettext("Monitoring zone"),
    FlagKind.ADJUSTED: lambda flag, names: gettext("Adjusted score (3 questions not answered)"),
    FlagKind.NOT_SCORED: lambda flag, names: (
        gettext("Not scored: %(subscale)s") % {"subscale": _subscale(flag, names)}
        if flag.subscale
        else gettext("Not scored")
    ),
    FlagKind.PRORATED: lambda flag, names: (
        gettext("Prorated: %(subscale)s") % {"subscale": _subscale(flag, names)}
    ),
    FlagKind.DEMO_WORDING: lambda flag, names: gettext("Demo wording – not for clinical use"),
    FlagKind.UNVERIFIED_CUTOFFS: lambda flag, names: gettext("Unverified cut-offs"),
    FlagKind.OVERALL_YES: lambda flag, names: (
        gettext("Answered yes: %(question)s")
        % {"question": names.get(flag.item or "", gettext("an overall question"))}
    ),
    FlagKind.CONCERN: lambda flag, names: (
        gettext("Concern ticked: question %(item)s") % {"item": flag.item}
    ),
    FlagKind.CONCERN_WITHOUT_ANSWER: lambda flag, names: (
        gettext("Concern ticked on unanswered question %(item)s") % {"item": flag.item}
    ),
}


def unrecognised(text: str) -> ShownFlag:
    """A flag this version cannot read (a newer scoring release, or a damaged record)."""
    return ShownFlag(
        text,
        gettext(
            "Unrecognised flag “%(text)s”: check this result with the team that runs the portal"
        )
        % {"text": text},
        Attention.CLINICAL,
        Severity.URGENT,
    )


def describe(flag: Flag, names: Names | None = None) -> ShownFlag:
    words = RECORD_WORDS.get(flag.kind)
    if words is None:
        return unrecognised(str(flag))
    attention = Attention.CLINICAL if flag.kind in CLINICAL_KINDS else Attention.NOTICE
    if flag.kind == FlagKind.MONITORING:
        severity = Severity.WATCH
    else:
        severity = Severity.URGENT if attention == Attention.CLINICAL else Severity.NOTICE
    return ShownFlag(str(flag), words(flag, names or {}), attention, severity)


def read_stored(texts: Iterable[str]) -> tuple[list[Flag], list[str]]:
    """Stored flag texts → (flags in the vocabulary, texts that are not)."""
    known, unknown = [], []
    for text in texts:
        try:
            known.append(Flag.parse(text))
        except UnknownFlag:
            unknown.append(str(text))
    return known, unknown


# --- The caseload: stored flags only, so no scoring is redone for a list ---------------------


class CaseloadShows(StrEnum):
    """How the caseload presents a kind. Every kind has one (a test checks)."""

    TAG = "tag"  # a clinical flag: a tag on the family's row, current or earlier
    PAGE_NOTICE = "page_notice"  # about the instrument: one notice above the table
    RECORD_ONLY = "record_only"  # qualifies how a number was made: shown on the record


CASELOAD_SHOWS: dict[FlagKind, CaseloadShows] = {
    FlagKind.ABOVE_CUTOFF: CaseloadShows.TAG,
    FlagKind.MONITORING: CaseloadShows.TAG,
    FlagKind.OVERALL_YES: CaseloadShows.TAG,
    FlagKind.CONCERN: CaseloadShows.TAG,
    FlagKind.CONCERN_WITHOUT_ANSWER: CaseloadShows.TAG,
    FlagKind.UNVERIFIED_CUTOFFS: CaseloadShows.PAGE_NOTICE,
    FlagKind.DEMO_WORDING: CaseloadShows.PAGE_NOTICE,
    FlagKind.NOT_SCORED: CaseloadShows.RECORD_ONLY,
    FlagKind.PRORATED: CaseloadShows.RECORD_ONLY,
    FlagKind.ADJUSTED: CaseloadShows.RECORD_ONLY,
}


def _question(flag: Flag, names: Names) -> str:
    """An overall question by its number in the questionnaire, as the record numbers it;
    without the definition's numbering, the stored id (never an invented number)."""
    return names.get(flag.item or "", flag.item or "")


# A tag's words (current, earlier) per kind, in the order the caseload lists them.
CASELOAD_WORDS: dict[FlagKind, Callable[[Flag, Names], tuple[str, str]]] = {
    FlagKind.ABOVE_CUTOFF: lambda flag, names: (
        gettext("ASQ:SE-2 above cut-off"),
        gettext("ASQ:SE-2 was above cut-off"),
    ),
    FlagKind.OVERALL_YES: lambda flag, names: (
        gettext("Overall question answered yes: %(question)s")
        % {"question": _question(flag, names)},
        gettext("Overall question was answered yes: %(question)s")
        % {"question": _question(flag, names)},
    ),
    FlagKind.CONCERN: lambda flag, names: (
        gettext("Concern ticked: question %(item)s") % {"item": flag.item},
        gettext("Concern was ticked: question %(item)s") % {"item": flag.item},
    ),
    FlagKind.CONCERN_WITHOUT_ANSWER: lambda flag, names: (
        gettext("Concern ticked on unanswered question %(item)s") % {"item": flag.item},
        gettext("Concern was ticked on unanswered question %(item)s") % {"item": flag.item},
    ),
    FlagKind.MONITORING: lambda flag, names: (
        gettext("ASQ:SE-2 monitoring zone"),
        gettext("ASQ:SE-2 was in the monitoring zone"),
    ),
}
UNRECOGNISED_TAG = gettext_noop("Unrecognised flag – open the record")


@dataclass(frozen=True)
class CaseloadFlag:
    label: str
    times: list[str]
    severity: Severity


@dataclass(frozen=True)
class CaseloadFlags:
    """One family's caseload tags. `current`: from each questionnaire's latest answers (these
    need attention); `earlier`: clinical flags of earlier answers that the latest answers no
    longer carry, in a neutral tag; `unverified`: a score came from an instrument with demo
    wording or unchecked cut-offs (one notice for the page, not a tag per row)."""

    current: list[CaseloadFlag] = field(default_factory=list)
    earlier: list[CaseloadFlag] = field(default_factory=list)
    unverified: bool = False

    @property
    def needs_attention(self) -> bool:
        return bool(self.current)


@dataclass(frozen=True)
class StoredFlags:
    """One current score's stored flags, as the caseload query returns them. `instrument` and
    `position` (the episode's place in time, oldest first) say which answers are the latest
    for each questionnaire; `names` numbers the overall questions as the record does."""

    timepoint: str
    texts: list[str]
    instrument_unverified: bool
    instrument: str = ""
    position: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)


def _order(row: StoredFlags) -> tuple[tuple[str, ...], str]:
    return (row.position, row.timepoint)


def caseload_flags(rows: Iterable[StoredFlags]) -> CaseloadFlags:
    """One family's stored flags → its caseload tags with the timepoints they came from.
    A questionnaire's latest answers decide what is current: a flag of earlier answers that the
    latest do not repeat is shown as earlier (above the cut-off at the start, below at the end);
    one they repeat is current, with every timepoint it was raised at."""
    rows = sorted(rows, key=_order)
    latest = {row.instrument: _order(row) for row in rows}  # sorted: the last one wins
    # Per flag (kind and question): its list position, words, severity, timepoints, currency.
    found: dict[str, _Found] = {}
    unverified = False
    for row in rows:
        is_latest = _order(row) == latest[row.instrument]
        known, unknown = read_stored(row.texts)
        unverified = unverified or row.instrument_unverified
        if unknown:
            # Never judged stale or settled: nobody here knows what it means.
            _unrecognised(found).times.add(row.timepoint)
        for flag in known:
            shows = CASELOAD_SHOWS.get(flag.kind)
            words = CASELOAD_WORDS.get(flag.kind)
            if shows == CaseloadShows.PAGE_NOTICE:
                unverified = True
            elif shows == CaseloadShows.RECORD_ONLY:
                continue
            elif shows is None or words is None:
                _unrecognised(found).times.add(row.timepoint)
            else:
                severity = Severity.WATCH if flag.kind == FlagKind.MONITORING else Severity.URGENT
                now, before = words(flag, row.names)
                entry = found.setdefault(
                    f"{row.instrument}|{flag}",
                    _Found(_RANK[flag.kind], now, before, severity),
                )
                entry.times.add(row.timepoint)
                entry.current = entry.current or is_latest
    ordered = sorted(found.values(), key=lambda entry: (entry.rank, entry.now))
    return CaseloadFlags(
        current=[
            CaseloadFlag(entry.now, sorted(entry.times), entry.severity)
            for entry in ordered
            if entry.current
        ],
        earlier=[
            CaseloadFlag(entry.before, sorted(entry.times), Severity.NOTICE)
            for entry in ordered
            if not entry.current
        ],
        unverified=unverified,
    )


_RANK = {kind: n for n, kind in enumerate(CASELOAD_WORDS)}


@dataclass
class _Found:
    rank: int
    now: str
    before: str
    severity: Severity
    times: set[str] = field(default_factory=set)
    current: bool = False


def _unrecognised(found: dict[str, _Found]) -> _Found:
    entry = found.setdefault(
        "unrecognised",
        _Found(-1, gettext(UNRECOGNISED_TAG), gettext(UNRECOGNISED_TAG), Severity.URGENT),
    )
    entry.current = True
    return entry
