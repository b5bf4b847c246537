"""The flags a score can carry, as a small typed vocabulary.

A flag is a kind, plus the subscale or item it is about where the kind needs one. Stored scores
keep flags as text (`str(flag)`: "adjusted", "prorated:warmth", "overall_yes:overall_1"), and
`Flag.parse` reads that text back strictly: text that is not in the vocabulary raises
`UnknownFlag`. Nothing downstream may guess what an unrecognised flag means (a clinician once
saw any unknown flag as an "overall question answered yes"), and every consumer maps the kinds
exhaustively, so a kind added here fails the consumers' tests until they say how to show it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FlagKind(StrEnum):
    DEMO_WORDING = "demo_wording"  # the definition's wording is a demo placeholder
    UNVERIFIED_CUTOFFS = "unverified_cutoffs"  # cut-offs or rules not yet checked
    NOT_SCORED = "not_scored"  # a subscale (or, without one, the total) could not be scored
    PRORATED = "prorated"  # a subscale was prorated from fewer answered items
    ADJUSTED = "adjusted"  # the ASQ:SE-2 total was adjusted for missing items
    ABOVE_CUTOFF = "above_cutoff"  # ASQ:SE-2 total above the cut-off
    MONITORING = "monitoring"  # ASQ:SE-2 total in the monitoring zone
    OVERALL_YES = "overall_yes"  # "yes" to an overall question that flags on yes
    CONCERN = "concern"  # the parent ticked "this is a concern" on an answered item
    CONCERN_WITHOUT_ANSWER = "concern_without_answer"  # ticked on an unanswered item


class Target(StrEnum):
    """What a kind's detail names."""

    NONE = "none"
    SUBSCALE = "subscale"
    OPTIONAL_SUBSCALE = "optional_subscale"
    ITEM = "item"


TARGETS: dict[FlagKind, Target] = {
    FlagKind.DEMO_WORDING: Target.NONE,
    FlagKind.UNVERIFIED_CUTOFFS: Target.NONE,
    FlagKind.NOT_SCORED: Target.OPTIONAL_SUBSCALE,
    FlagKind.PRORATED: Target.SUBSCALE,
    FlagKind.ADJUSTED: Target.NONE,
    FlagKind.ABOVE_CUTOFF: Target.NONE,
    FlagKind.MONITORING: Target.NONE,
    FlagKind.OVERALL_YES: Target.ITEM,
    FlagKind.CONCERN: Target.ITEM,
    FlagKind.CONCERN_WITHOUT_ANSWER: Target.ITEM,
}

SEPARATOR = ":"


class UnknownFlag(ValueError):
    """Stored flag text that is not in the vocabulary (for example from a newer version)."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__(f"Unrecognised flag {text!r}: {problem}")
        self.text = text


@dataclass(frozen=True, slots=True, order=True)
class Flag:
    kind: FlagKind
    subscale: str | None = None
    item: str | None = None

    def __post_init__(self) -> None:
        target = TARGETS[self.kind]
        wants_subscale = target in (Target.SUBSCALE, Target.OPTIONAL_SUBSCALE)
        if self.subscale is not None and not wants_subscale:
            raise ValueError(f"a {self.kind} flag names no subscale")
        if target == Target.SUBSCALE and not self.subscale:
            raise ValueError(f"a {self.kind} flag names its subscale")
        if (target == Target.ITEM) != bool(self.item):
            raise ValueError(
                f"a {self.kind} flag {'names' if target == Target.ITEM else 'has no'} item"
            )
        for detail in (self.subscale, self.item):
            if detail is not None and (not detail or SEPARATOR in detail):
                raise ValueError(f"flag detail {detail!r} must be non-empty text without ':'")

    def __str__(self) -> str:
        detail = self.subscale or self.item
        return f"{self.kind}{SEPARATOR}{detail}" if detail else str(self.kind)

    @property
    def detail(self) -> str | None:
        return self.subscale or self.item

    @classmethod
    def parse(cls, text: str) -> Flag:
        if not isinstance(text, str):
            raise UnknownFlag(repr(text), "a stored flag is text")
        name, separator, detail = text.partition(SEPARATOR)
        try:
            kind = FlagKind(name)
        except ValueError:
            raise UnknownFlag(text, "no such kind") from None
        target = TARGETS[kind]
        if separator and not detail:
            raise UnknownFlag(text, "empty detail")
        try:
            if target == Target.ITEM:
                return cls(kind, item=detail or None)
            if target in (Target.SUBSCALE, Target.OPTIONAL_SUBSCALE):
                return cls(kind, subscale=detail or None)
            if separator:
                raise ValueError(f"a {kind} flag has no detail")
            return cls(kind)
        except ValueError as error:
            raise UnknownFlag(text, str(error)) from None


def parse_all(texts: object) -> tuple[Flag, ...]:
    """Stored flags back to the vocabulary; any unknown text raises `UnknownFlag`."""
    if not isinstance(texts, list | tuple):
        raise UnknownFlag(repr(texts), "stored flags are a list")
    return tuple(Flag.parse(text) for text in texts)


def dump_all(flags: tuple[Flag, ...]) -> list[str]:
    return [str(flag) for flag in flags]


# The flags that need a clinician's attention, rather than qualify how a number was made.
CLINICAL_KINDS = frozenset(
    {
        FlagKind.ABOVE_CUTOFF,
        FlagKind.MONITORING,
        FlagKind.OVERALL_YES,
        FlagKind.CONCERN,
        FlagKind.CONCERN_WITHOUT_ANSWER,
    }
)
