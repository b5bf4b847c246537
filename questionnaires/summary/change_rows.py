"""Change from start (T1) to end (T2) for one questionnaire: each score's difference in words,
reliable change where the definition allows it, ASQ:SE-2 cut-off crossing, and what the chart
draws. Pure: works on two summarised measures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext

from questionnaires.summary.measures import MeasureResult, SubscaleResult
from questionnaires.summary.wording import (
    ADJUSTED_NOTE,
    NOT_SCORED,
    PRORATED_NOTE,
    format_difference,
    format_number,
    format_score,
)
from scoring import change as scoring_change
from scoring.definitions import Definition

PRORATED = " (prorated)"
ADJUSTED = " (adjusted)"


def _marked(result: SubscaleResult) -> str:
    return result.shown + (PRORATED if result.prorated else "")


@dataclass(frozen=True)
class ChangeRow:
    name: str
    t1: str
    t2: str
    difference: str
    words: str
    reliable: str
    crossing: str = ""


@dataclass(frozen=True)
class ChartSeries:
    """What a chart draws for one measure: T1 and T2 per subscale, on the subscale's range."""

    code: str
    title: str
    labels: list[str]
    t1: list[float | None]
    t2: list[float | None]
    low: float
    high: float
    cutoff: float | None = None
    monitoring: tuple[float, float] | None = None
    axis_label: str = ""


@dataclass(frozen=True)
class MeasureChange:
    code: str
    short_name: str
    rows: list[ChangeRow]
    note: str
    chart: ChartSeries
    markers: list[str] = field(default_factory=list)  # what "(prorated)"/"(adjusted)" mean
    baseline: str = ""  # which start set the change is from, e.g. "Postnatal baseline (T1), sent …"


class NotComparable(ValueError):
    """Two answers to different questionnaires: change is never measured between them."""


def check_same_questionnaire(t1: MeasureResult, t2: MeasureResult) -> None:
    """Change pairs like with like: the same instrument code (its versions are one family, so
    a licensed import still compares with the demo-worded answers). A pregnancy P-PRFQ is
    never differenced against a postnatal PRFQ."""
    if t1.code != t2.code:
        raise NotComparable(
            gettext(
                "%(short_name)s and %(short_name2)s are different questionnaires: change is only "
                "measured between answers to the same questionnaire."
            )
            % {"short_name": t1.short_name, "short_name2": t2.short_name}
        )


def _amount(value: float, unit: str) -> str:
    shown = format_score(abs(value), unit)
    return (
        gettext("%(shown)s point") % {"shown": shown}
        if shown == "1"
        else gettext("%(shown)s points") % {"shown": shown}
    )


def change_words(found: scoring_change.Change, name: str, unit: str = "points") -> str:
    """The change in words, never claiming more than the numbers show: "better" or "worse"
    only when the change passes the reliable-change threshold configured in the definition
    file; otherwise the direction and size alone, and why it is not judged."""
    if found.difference is None:
        return gettext("%(name)s: cannot compare (a score is missing)") % {"name": name}
    if math.isclose(found.difference, 0, abs_tol=1e-9):
        return gettext("%(name)s: no change") % {"name": name}
    moved = (
        gettext("%(name)s up %(amount)s")
        if found.difference > 0
        else gettext("%(name)s down %(amount)s")
    ) % {"name": name, "amount": _amount(found.difference, unit)}
    if found.rci is None:
        return gettext("%(moved)s (no reliable-change threshold, so not judged)") % {"moved": moved}
    if not found.reliable:
        return gettext("%(moved)s (not a reliable change, so not judged)") % {"moved": moved}
    return gettext("%(moved)s: %(verdict)s, a reliable change") % {
        "moved": moved,
        "verdict": found.verdict,
    }


def _reliable_words(found: scoring_change.Change) -> str:
    if found.rci is None:
        return found.rci_note or "–"
    verdict = gettext("reliable change") if found.reliable else gettext("not a reliable change")
    return gettext("RCI %(rci)s: %(verdict)s") % {"rci": f"{found.rci:.2f}", "verdict": verdict}


def _crossing_words(found: scoring_change.Change, t1: MeasureResult, t2: MeasureResult) -> str:
    if found.crossing:
        return found.crossing.capitalize()
    if t1.asq and t2.asq and t1.asq.zone and t2.asq.zone:
        return gettext("No cut-off crossing (%(zone_label)s → %(zone_label2)s)") % {
            "zone_label": t1.asq.zone_label,
            "zone_label2": t2.asq.zone_label,
        }
    return gettext("Cannot tell (a score is missing)")


def _asq_change(t1: MeasureResult, t2: MeasureResult, definition: Definition) -> MeasureChange:
    assert t1.asq and t2.asq and t1.score and t2.score
    total = definition.total
    assert total is not None
    found = scoring_change.compare_asq(t1.score, t2.score, definition)
    rows = [
        ChangeRow(
            name=total.name,
            t1=f"{t1.asq.shown}{ADJUSTED if t1.asq.adjusted else ''} ({t1.asq.zone_label})",
            t2=f"{t2.asq.shown}{ADJUSTED if t2.asq.adjusted else ''} ({t2.asq.zone_label})",
            difference=format_difference(found.difference),
            words=change_words(found, total.name),
            reliable=_reliable_words(found),
            crossing=_crossing_words(found, t1, t2),
        )
    ]
    note = ""
    if found.different_intervals:
        note = gettext(
            "Start used the %(interval)s-month questionnaire and end the %(interval2)s-month "
            "one: cut-offs differ, so compare zones, not points."
        ) % {"interval": t1.asq.interval, "interval2": t2.asq.interval}
    same = t1.asq.interval == t2.asq.interval
    # The full ASQ:SE-2 range (up to 15 points a question) would squash every real total
    # into the left edge: draw to twice the cut-off or past the highest total, and say so.
    maximum = max(t1.asq.maximum, t2.asq.maximum)
    highest = max(t1.asq.total or 0, t2.asq.total or 0, t1.asq.cutoff, t2.asq.cutoff)
    high = min(maximum, math.ceil(max(2 * t2.asq.cutoff, highest * 1.15) / 10) * 10)
    axis = gettext("Total score (range 0 to %(format_number)s") % {
        "format_number": format_number(maximum)
    }
    axis += (
        gettext("; chart shows 0 to %(format_number)s)") % {"format_number": format_number(high)}
        if high < maximum
        else ")"
    )
    chart = ChartSeries(
        code=t2.code,
        title=gettext("%(short_name)s total") % {"short_name": t2.short_name},
        labels=[total.name + (ADJUSTED if t1.asq.adjusted or t2.asq.adjusted else "")],
        t1=[t1.asq.total],
        t2=[t2.asq.total],
        low=0,
        high=high,
        cutoff=t2.asq.cutoff if same else None,
        monitoring=t2.asq.monitoring if same else None,
        axis_label=axis,
    )
    markers = [gettext(ADJUSTED_NOTE)] if t1.asq.adjusted or t2.asq.adjusted else []
    return MeasureChange(t2.code, t2.short_name, rows, note, chart, markers)


def compare_measures(t1: MeasureResult, t2: MeasureResult, definition: Definition) -> MeasureChange:
    check_same_questionnaire(t1, t2)
    change = _compare(t1, t2, definition)
    if t1.language != t2.language:
        # I18N-3: each language version has its own items and key; say so beside the change.
        note = gettext(
            "The start answers used the %(language)s version and the end answers the "
            "%(language2)s version. Check the two versions are comparable before reading this "
            "change."
        ) % {"language": t1.language, "language2": t2.language}
        return replace(change, note=f"{change.note} {note}".strip())
    return change


def _compare(t1: MeasureResult, t2: MeasureResult, definition: Definition) -> MeasureChange:
    if t1.asq is not None and t2.asq is not None and t1.score and t2.score:
        return _asq_change(t1, t2, definition)
    rows: list[ChangeRow] = []
    before = {s.code: s for s in t1.subscales}
    lows, highs = [], []
    for after in t2.subscales:
        earlier = before.get(after.code)
        first = earlier.value if earlier else None
        found = scoring_change.compare(t2.code, after.code, first, after.value, definition)
        rows.append(
            ChangeRow(
                name=after.name,
                t1=_marked(earlier) if earlier else gettext(NOT_SCORED),
                t2=_marked(after),
                difference=format_difference(found.difference, after.unit),
                words=change_words(found, after.name, after.unit),
                reliable=_reliable_words(found),
            )
        )
        measure = definition.measure(after.code)
        if measure and measure.range:
            lows.append(measure.range[0])
            highs.append(measure.range[1])
    chart = ChartSeries(
        code=t2.code,
        title=t2.short_name,
        # The chart names a prorated score too, so a picture never hides what the table says.
        labels=[
            s.name
            + (PRORATED if s.prorated or (s.code in before and before[s.code].prorated) else "")
            for s in t2.subscales
        ],
        t1=[before[s.code].value if s.code in before else None for s in t2.subscales],
        t2=[s.value for s in t2.subscales],
        low=min(lows, default=0),
        high=max(highs, default=1),
    )
    prorated = any(PRORATED in row.t1 or PRORATED in row.t2 for row in rows)
    return MeasureChange(
        t2.code, t2.short_name, rows, "", chart, [gettext(PRORATED_NOTE)] if prorated else []
    )
