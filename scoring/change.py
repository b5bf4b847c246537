"""Change between two timepoints for one person: difference, whether it is in the better
direction, the Reliable Change Index where the definition configures a published SD and
reliability, and ASQ:SE-2 cut-off crossings."""

from __future__ import annotations

import math
from dataclasses import dataclass

from scoring.definitions import Definition, Measure, shipped_definition
from scoring.errors import ScoringError
from scoring.rules import Score

# Two-tailed 95% point of the standard normal, as in Jacobson & Truax (1991): a statistical
# convention, not an instrument parameter.
RCI_THRESHOLD = 1.96
NO_RCI_NOTE = "no reliable-change threshold configured"
CROSSED_ABOVE = "crossed above cut-off"
CROSSED_BELOW = "crossed below cut-off"


@dataclass(frozen=True, slots=True)
class Change:
    code: str
    subscale: str
    t1: float | None
    t2: float | None
    difference: float | None
    better: str
    verdict: str | None
    rci: float | None
    reliable: bool | None
    rci_note: str | None
    crossing: str | None = None
    different_intervals: bool = False


def _measure(code: str, subscale: str, definition: Definition | None) -> tuple[Definition, Measure]:
    if definition is None:
        try:
            definition = shipped_definition(code)
        except KeyError:
            raise ScoringError(f"Unknown questionnaire code {code!r}") from None
    measure = definition.measure(subscale)
    if measure is None:
        raise ScoringError(f"{definition.short_name} has no subscale {subscale!r}", item=subscale)
    return definition, measure


def _verdict(measure: Measure, t1: float, t2: float) -> str:
    if measure.better == "middle":
        assert measure.range is not None  # guaranteed by definition validation
        middle = (measure.range[0] + measure.range[1]) / 2
        before, after = abs(t1 - middle), abs(t2 - middle)
        if math.isclose(before, after):
            return "no change"
        return "better" if after < before else "worse"
    if math.isclose(t1, t2):
        return "no change"
    went_up = t2 > t1
    return "better" if went_up == (measure.better == "higher") else "worse"


def reliable_change_index(difference: float, sd: float, reliability: float) -> float:
    return difference / (sd * math.sqrt(2) * math.sqrt(1 - reliability))


def compare(
    code: str,
    subscale: str,
    t1: float | None,
    t2: float | None,
    definition: Definition | None = None,
) -> Change:
    definition, measure = _measure(code, subscale, definition)
    configured = measure.sd is not None and measure.reliability is not None
    if t1 is None or t2 is None:
        return Change(
            definition.code, subscale, t1, t2, None, measure.better, None, None, None,
            None if configured else NO_RCI_NOTE,
        )  # fmt: skip
    difference = t2 - t1
    rci: float | None = None
    reliable: bool | None = None
    if measure.sd is not None and measure.reliability is not None:
        rci = reliable_change_index(difference, measure.sd, measure.reliability)
        reliable = abs(rci) > RCI_THRESHOLD
    return Change(
        code=definition.code,
        subscale=subscale,
        t1=t1,
        t2=t2,
        difference=difference,
        better=measure.better,
        verdict=_verdict(measure, t1, t2),
        rci=rci,
        reliable=reliable,
        rci_note=None if configured else NO_RCI_NOTE,
    )


def compare_asq(t1_score: Score, t2_score: Score, definition: Definition | None = None) -> Change:
    """Compare two ASQ:SE-2 totals. Each score's zone was computed against its own interval's
    cut-off, so a crossing is read from the zones rather than from the raw totals."""
    code = t1_score.code
    if t2_score.code != code:
        raise ScoringError("Both scores must be for the same questionnaire")
    if definition is None:
        definition = shipped_definition(code)
    total = definition.total
    if total is None:
        raise ScoringError(f"{definition.short_name} has no total score")
    change = compare(code, total.code, t1_score.total, t2_score.total, definition)
    crossing = None
    if t1_score.zone is not None and t2_score.zone is not None:
        was_above, is_above = t1_score.zone == "above", t2_score.zone == "above"
        if is_above and not was_above:
            crossing = CROSSED_ABOVE
        elif was_above and not is_above:
            crossing = CROSSED_BELOW
    return Change(
        code=change.code,
        subscale=change.subscale,
        t1=change.t1,
        t2=change.t2,
        difference=change.difference,
        better=change.better,
        verdict=change.verdict,
        rci=change.rci,
        reliable=change.reliable,
        rci_note=change.rci_note,
        crossing=crossing,
        different_intervals=t1_score.interval != t2_score.interval,
    )
