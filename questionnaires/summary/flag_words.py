"""Score flags in words, for the family record, the PDF and the caseload.

Every kind in `scoring.flags.FlagKind` has an entry in `RECORD_WORDS` and in `CASELOAD_SHOWS`
(a test checks both are complete). Stored text that is not in the vocabulary, or a kind without
words here, is shown as "Unrecognised flag" for someone to check: never guessed at, and never
hidden."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

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
    FlagKind.ABOVE_CUTOFF: lambda flag, names: "Above cut-off",
    FlagKind.MONITORING: lambda flag, names: "Monitoring zone",
    FlagKind.ADJUSTED: lambda flag, names: "Adjusted score (3 questions not answered)",
    FlagKind.NOT_SCORED: lambda flag, names: (
        f"Not scored: {_subscale(flag, names)}" if flag.subscale else "Not scored"
    ),
    FlagKind.PRORATED: lambda flag, names: f"Prorated: {_subscale(flag, names)}",
    FlagKind.DEMO_WORDING: lambda flag, names: "Demo wording – not for clinical use",
    FlagKind.UNVERIFIED_CUTOFFS: lambda flag, names: "Unverified cut-offs",
    FlagKind.OVERALL_YES: lambda flag, names: (
        f"Answered yes: {names.get(flag.item or '', 'an overall question')}"
    ),
    FlagKind.CONCERN: lambda flag, names: f"Concern ticked: question {flag.item}",
    FlagKind.CONCERN_WITHOUT_ANSWER: lambda flag, names: (
        f"Concern ticked on unanswered question {flag.item}"
    ),
}


def unrecognised(text: str) -> ShownFlag:
    """A flag this version cannot read (a newer scoring release, or a damaged record)."""
    return ShownFlag(
        text,
        f"Unrecognised flag “{text}”: check this result with the team that runs the portal",
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


# --- The caseload: stored flags only, so no definitions are loaded for a list -----------------


class CaseloadFlagKey(StrEnum):
    ABOVE_CUTOFF = "above_cutoff"
    OVERALL_YES = "overall_yes"
    MONITORING = "monitoring"
    UNVERIFIED = "unverified"
    UNRECOGNISED = "unrecognised"


# In the order the caseload lists them, the most urgent first.
CASELOAD_WORDS: dict[CaseloadFlagKey, tuple[str, Severity]] = {
    CaseloadFlagKey.UNRECOGNISED: ("Unrecognised flag – open the record", Severity.URGENT),
    CaseloadFlagKey.ABOVE_CUTOFF: ("ASQ:SE-2 above cut-off", Severity.URGENT),
    CaseloadFlagKey.OVERALL_YES: ("Overall question answered yes", Severity.URGENT),
    CaseloadFlagKey.MONITORING: ("ASQ:SE-2 monitoring zone", Severity.WATCH),
    CaseloadFlagKey.UNVERIFIED: ("Unverified instrument", Severity.NOTICE),
}

# Which caseload tag each kind raises; None: shown in the record only (qualifiers of a number,
# and concerns, which the record lists beside the question).
CASELOAD_SHOWS: dict[FlagKind, CaseloadFlagKey | None] = {
    FlagKind.ABOVE_CUTOFF: CaseloadFlagKey.ABOVE_CUTOFF,
    FlagKind.MONITORING: CaseloadFlagKey.MONITORING,
    FlagKind.OVERALL_YES: CaseloadFlagKey.OVERALL_YES,
    FlagKind.UNVERIFIED_CUTOFFS: CaseloadFlagKey.UNVERIFIED,
    FlagKind.DEMO_WORDING: None,
    FlagKind.NOT_SCORED: None,
    FlagKind.PRORATED: None,
    FlagKind.ADJUSTED: None,
    FlagKind.CONCERN: None,
    FlagKind.CONCERN_WITHOUT_ANSWER: None,
}


@dataclass(frozen=True)
class CaseloadFlag:
    label: str
    times: list[str]
    severity: Severity


@dataclass(frozen=True)
class StoredFlags:
    """One current score's stored flags, as the caseload query returns them."""

    timepoint: str
    texts: list[str]
    instrument_unverified: bool


def caseload_flags(rows: Iterable[StoredFlags]) -> list[CaseloadFlag]:
    """One family's stored flags → its caseload tags with the timepoints they came from."""
    found: dict[CaseloadFlagKey, set[str]] = {key: set() for key in CASELOAD_WORDS}
    for row in rows:
        known, unknown = read_stored(row.texts)
        if unknown:
            found[CaseloadFlagKey.UNRECOGNISED].add(row.timepoint)
        for flag in known:
            if flag.kind not in CASELOAD_SHOWS:
                found[CaseloadFlagKey.UNRECOGNISED].add(row.timepoint)
            elif (key := CASELOAD_SHOWS[flag.kind]) is not None:
                found[key].add(row.timepoint)
        if row.instrument_unverified:
            found[CaseloadFlagKey.UNVERIFIED].add(row.timepoint)
    return [
        CaseloadFlag(CASELOAD_WORDS[key][0], sorted(times), CASELOAD_WORDS[key][1])
        for key, times in found.items()
        if times
    ]
