"""The clinical summary of a family: what each submitted questionnaire scored, against what range
and cut-off, which way is better, what was flagged, what the parent answered, and what changed
from start (T1) to end (T2). The family record page and the PDF report both read it, so a label
or a rounding rule lives here once.

`fetch_episodes` runs a fixed number of queries for a whole family; everything else is a pure
function over the objects it returns (no queries, so no queries in loops)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import timezone

from questionnaires import scores
from questionnaires.models import (
    Answer,
    Episode,
    Family,
    Invitation,
    LoafRating,
    Response,
    ResponseMeasure,
    ResponseStatus,
    ScoreRecord,
    Timepoint,
)
from scoring import change as scoring_change
from scoring import loaf as scoring_loaf
from scoring.definitions import Definition, Interval, Item, Measure, OverallQuestion
from scoring.rules import DEMO_FLAG, Score
from scoring.rules.asq_points import UNVERIFIED_FLAG

NOT_SCORED = "Not scored"
NOT_ANSWERED = "Not answered"
ZONE_LABELS = {
    "below": "Below monitoring zone",
    "monitoring": "Monitoring zone",
    "above": "Above cut-off",
}
TIMEPOINTS = (Timepoint.T1, Timepoint.T2)

# Flag kinds: "clinical" flags need the clinician's attention; "notice" flags qualify a number.
CLINICAL = "clinical"
NOTICE = "notice"


# --- Fetching: a fixed number of queries per family -------------------------------------------


def fetch_episodes(family: Family) -> list[Episode]:
    """Every episode with its links, submitted answers, current scores and LOAF ratings."""
    measures = (
        ResponseMeasure.objects.select_related("instrument")
        # The definition JSON is large; `definitions_for` reads it once per version, cached.
        .defer("instrument__definition")
        .order_by("position")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("pk")),
            Prefetch(
                "scores",
                queryset=ScoreRecord.objects.filter(is_current=True),
                to_attr="current_scores",
            ),
        )
    )
    return list(
        Episode.objects.filter(family=family)
        .select_related("clinician")
        .order_by("-opened_on", "-pk")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("response").order_by("created_at"),
            ),
            Prefetch("invitations__response__measures", queryset=measures),
            Prefetch(
                "loaf_ratings",
                queryset=LoafRating.objects.select_related("rater").order_by("created_at"),
            ),
        )
    )


def definitions_for(episodes: Iterable[Episode]) -> dict[int, Definition]:
    """Parsed definitions by instrument version id (cached across requests by scores)."""
    found: dict[int, Definition] = {}
    for episode in episodes:
        for response in _responses(episode):
            for measure in response.measures.all():
                if measure.instrument_id not in found:
                    found[measure.instrument_id] = scores.definition_of(measure.instrument)
    return found


def _responses(episode: Episode) -> list[Response]:
    found = []
    for invitation in episode.invitations.all():
        response = getattr(invitation, "response", None)
        if response is not None and response.status == ResponseStatus.SUBMITTED:
            found.append(response)
    return found


# --- Words and numbers: one rule for the page and the PDF --------------------------------------


def format_score(value: float | None, unit: str = "points") -> str:
    """Averages always with two decimals (PRFQ 5.33); sums as whole numbers unless prorated or
    adjusted, then two decimals."""
    if value is None:
        return NOT_SCORED
    if unit == "average":
        return f"{value:.2f}"
    if math.isclose(value, round(value)):
        return str(round(value))
    return f"{value:.2f}"


def format_number(value: float) -> str:
    return str(round(value)) if math.isclose(value, round(value)) else f"{value:g}"


def format_difference(value: float | None, unit: str = "points") -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return sign + format_score(abs(value), unit)


def range_words(low: float, high: float) -> str:
    return f"{format_number(low)} to {format_number(high)}"


def direction_words(measure: Measure, is_total: bool = False) -> str:
    """'Higher = better (more warmth)' from the definition's `better` and the subscale's name."""
    name = measure.name.lower()
    if measure.better == "middle":
        assert measure.range is not None  # a middle-is-best measure always has a range
        return f"Middle of the range ({format_number(sum(measure.range) / 2)}) = best"
    if measure.better == "higher":
        return "Higher = better" if is_total else f"Higher = better (more {name})"
    return "Lower = better" if is_total else f"Lower = better (less {name})"


def local_datetime(value: datetime | None) -> str:
    # DATA-7: stored in UTC, shown in Europe/London (the project's TIME_ZONE).
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%-d %B %Y, %H:%M")


def local_date(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


# --- Flags -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    kind: str

    @property
    def severity(self) -> str:
        """For the tag's colour, which only repeats what the words say."""
        if self.code == "monitoring":
            return "watch"
        return "urgent" if self.kind == CLINICAL else "notice"


_FIXED_FLAGS = {
    "above_cutoff": ("Above cut-off", CLINICAL),
    "monitoring": ("Monitoring zone", CLINICAL),
    "adjusted": ("Adjusted score (3 questions not answered)", NOTICE),
    "not_scored": ("Not scored", NOTICE),
    DEMO_FLAG: ("Demo wording – not for clinical use", NOTICE),
    UNVERIFIED_FLAG: ("Unverified cut-offs", NOTICE),
}


def flag(code: str, names: Mapping[str, str] | None = None) -> Flag:
    """A stored score flag in words. The ASQ:SE-2 rule adds an overall question's id when the
    parent answered "yes"; every other flag has a fixed name or prefix, so anything unknown is
    an overall "yes" (this is how the caseload reads flags without loading definitions)."""
    names = names or {}
    if code in _FIXED_FLAGS:
        label, kind = _FIXED_FLAGS[code]
        return Flag(code, label, kind)
    prefix, _, rest = code.partition(":")
    if prefix == "prorated":
        return Flag(code, f"Prorated: {names.get(rest, rest)}", NOTICE)
    if prefix == "not_scored":
        return Flag(code, f"Not scored: {names.get(rest, rest)}", NOTICE)
    if prefix == "concern_without_answer":
        return Flag(code, f"Concern ticked on unanswered question {rest}", CLINICAL)
    if prefix == "concern":
        return Flag(code, f"Concern ticked: question {rest}", CLINICAL)
    return Flag(code, f"Answered yes: {names.get(code, 'an overall question')}", CLINICAL)


def is_overall_yes(code: str) -> bool:
    return flag(code).label.startswith("Answered yes")


# --- One questionnaire ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscaleResult:
    code: str
    name: str
    value: float | None
    shown: str
    unit: str
    range: str
    direction: str
    interpretation: str
    prorated: bool
    missing_items: tuple[int, ...]
    not_scored_reason: str


@dataclass(frozen=True)
class AsqResult:
    interval: int
    total: float | None
    shown: str
    range: str
    maximum: float
    zone: str | None
    zone_label: str
    cutoff: float
    monitoring: tuple[float, float]
    cutoff_words: str
    missing_count: int
    adjusted: bool
    direction: str
    interpretation: str
    not_scored_reason: str


@dataclass(frozen=True)
class ItemAnswer:
    number: str
    text: str
    answer: str
    answered: bool
    concern: bool
    comment: str = ""


@dataclass(frozen=True)
class MeasureResult:
    code: str
    name: str
    short_name: str
    definition_version: str
    scoring_version: str
    is_demo: bool
    has_unverified_numbers: bool
    score: Score | None
    subscales: list[SubscaleResult]
    asq: AsqResult | None
    missing_items: tuple[int, ...]
    not_scored_reason: str
    flags: list[Flag]
    items: list[ItemAnswer]

    @property
    def clinical_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.kind == CLINICAL]

    @property
    def notices(self) -> list[Flag]:
        return [f for f in self.flags if f.kind == NOTICE]

    @property
    def shown_flags(self) -> list[Flag]:
        """Flags beside the scores; demo and unverified markers already head the measure."""
        return [f for f in self.flags if f.code not in (DEMO_FLAG, UNVERIFIED_FLAG)]


def _questions(
    definition: Definition, interval_months: int | None
) -> tuple[Interval | None, Sequence[Item], Sequence[OverallQuestion]]:
    if interval_months is None:
        return None, definition.items, ()
    interval = definition.interval(interval_months)
    if interval is None:
        return None, (), ()
    return interval, interval.items, interval.overall


def _item_answers(
    definition: Definition,
    items: Sequence[Item],
    overall: Sequence[OverallQuestion],
    answers: Mapping[str, Answer],
) -> list[ItemAnswer]:
    labels = {str(option.value): option.label for option in definition.options}
    rows = []
    for item in items:
        given = answers.get(str(item.number))
        value = given.value if given else ""
        rows.append(
            ItemAnswer(
                number=str(item.number),
                text=item.text,
                answer=labels.get(value, value) if value else NOT_ANSWERED,
                answered=bool(value),
                concern=bool(given and given.concern),
            )
        )
    for position, question in enumerate(overall, start=1):
        given = answers.get(question.id)
        value = given.value if given else ""
        shown = {"yes": "Yes", "no": "No"}.get(value, value)
        comment = given.text if given else ""
        rows.append(
            ItemAnswer(
                number=f"Overall {position}",
                text=question.text,
                answer=shown or ("—" if comment else NOT_ANSWERED),
                answered=bool(value or comment),
                concern=False,
                comment=comment,
            )
        )
    return rows


def _subscale_result(measure: Measure, score: Score | None) -> SubscaleResult:
    value = score.subscales.get(measure.code) if score else None
    missing = tuple(n for n in (score.missing if score else ()) if n in measure.items)
    reason = ""
    if score is None:
        reason = "No stored score"
    elif value is None:
        count = len(missing)
        reason = f"{count} of {len(measure.items)} questions not answered"
    assert measure.range is not None  # every subscale has a range (definition schema)
    return SubscaleResult(
        code=measure.code,
        name=measure.name,
        value=value,
        shown=format_score(value, measure.unit),
        unit=measure.unit,
        range=range_words(*measure.range),
        direction=direction_words(measure),
        interpretation=measure.interpretation,
        prorated=bool(score and f"prorated:{measure.code}" in score.flags),
        missing_items=missing,
        not_scored_reason=reason,
    )


def asq_maximum(definition: Definition, interval: Interval) -> float:
    params = definition.scoring.params
    return interval.item_count * (max(params["points"].values()) + params["concern_points"])


def cutoff_words(interval: Interval) -> str:
    low, high = interval.monitoring
    return (
        f"Cut-off {format_number(interval.cutoff)}; "
        f"monitoring zone {format_number(low)} to {format_number(high)}"
    )


def _asq_result(
    definition: Definition, interval: Interval, score: Score | None, missing: int
) -> AsqResult:
    total_measure = definition.total
    assert total_measure is not None  # the ASQ:SE-2 definition always has a total
    total = score.total if score else None
    zone = score.zone if score else None
    maximum = asq_maximum(definition, interval)
    return AsqResult(
        interval=interval.months,
        total=total,
        shown=format_score(total),
        range=range_words(0, maximum),
        maximum=maximum,
        zone=zone,
        zone_label=ZONE_LABELS.get(zone or "", NOT_SCORED),
        cutoff=interval.cutoff,
        monitoring=interval.monitoring,
        cutoff_words=cutoff_words(interval),
        missing_count=missing,
        adjusted=bool(score and score.adjusted),
        direction=direction_words(total_measure, is_total=True),
        interpretation=total_measure.interpretation,
        not_scored_reason=(score.not_scored_reason or "") if score else "No stored score",
    )


def summarise_measure(measure: ResponseMeasure, definition: Definition) -> MeasureResult:
    records: list[ScoreRecord] = getattr(measure, "current_scores", [])
    record = records[0] if records else None
    score = Score.from_dict(record.result) if record else None
    answers = {answer.item: answer for answer in measure.answers.all()}
    interval, items, overall = _questions(definition, measure.asq_interval)
    names = {s.code: s.name for s in definition.subscales}
    names.update({q.id: f"overall question {n}" for n, q in enumerate(overall, start=1)})
    flags = [flag(code, names) for code in (score.flags if score else ())]
    flags += [
        flag(f"concern:{item.number}")
        for item in items
        if (a := answers.get(str(item.number))) and a.concern and a.value
    ]
    missing = score.missing if score else ()
    return MeasureResult(
        code=definition.code,
        name=definition.name,
        short_name=definition.short_name,
        definition_version=record.definition_version if record else definition.version,
        scoring_version=record.scoring_version if record else "",
        is_demo=measure.instrument.is_demo,
        has_unverified_numbers=measure.instrument.has_unverified_numbers,
        score=score,
        subscales=[_subscale_result(s, score) for s in definition.subscales],
        asq=_asq_result(definition, interval, score, len(missing)) if interval else None,
        missing_items=tuple(missing),
        not_scored_reason=(score.not_scored_reason or "") if score else "No stored score",
        flags=flags,
        items=_item_answers(definition, items, overall, answers),
    )


# --- Change from T1 to T2 ------------------------------------------------------------------------


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


def _reliable_words(found: scoring_change.Change) -> str:
    if found.rci is None:
        return found.rci_note or "–"
    verdict = "reliable change" if found.reliable else "not a reliable change"
    return f"RCI {found.rci:.2f}: {verdict}"


def _crossing_words(found: scoring_change.Change, t1: MeasureResult, t2: MeasureResult) -> str:
    if found.crossing:
        text = found.crossing.capitalize()
    elif t1.asq and t2.asq and t1.asq.zone and t2.asq.zone:
        text = f"No cut-off crossing ({t1.asq.zone_label} → {t2.asq.zone_label})"
    else:
        text = "Cannot tell (a score is missing)"
    return text


def compare_measures(t1: MeasureResult, t2: MeasureResult, definition: Definition) -> MeasureChange:
    rows: list[ChangeRow] = []
    note = ""
    if t1.asq is not None and t2.asq is not None and t1.score and t2.score:
        total = definition.total
        assert total is not None
        found = scoring_change.compare_asq(t1.score, t2.score, definition)
        rows.append(
            ChangeRow(
                name=total.name,
                t1=f"{t1.asq.shown} ({t1.asq.zone_label})",
                t2=f"{t2.asq.shown} ({t2.asq.zone_label})",
                difference=format_difference(found.difference),
                words=scoring_change.words(found, total.name),
                reliable=_reliable_words(found),
                crossing=_crossing_words(found, t1, t2),
            )
        )
        if found.different_intervals:
            note = (
                f"Start used the {t1.asq.interval}-month questionnaire and end the "
                f"{t2.asq.interval}-month one: cut-offs differ, so compare zones, not points."
            )
        same = t1.asq.interval == t2.asq.interval
        # The full ASQ:SE-2 range (up to 15 points a question) would squash every real total
        # into the left edge: draw to twice the cut-off or past the highest total, and say so.
        maximum = max(t1.asq.maximum, t2.asq.maximum)
        highest = max(t1.asq.total or 0, t2.asq.total or 0, t1.asq.cutoff, t2.asq.cutoff)
        high = min(maximum, math.ceil(max(2 * t2.asq.cutoff, highest * 1.15) / 10) * 10)
        axis = f"Total score (range 0 to {format_number(maximum)}"
        axis += f"; chart shows 0 to {format_number(high)})" if high < maximum else ")"
        chart = ChartSeries(
            code=t2.code,
            title=f"{t2.short_name} total",
            labels=[total.name],
            t1=[t1.asq.total],
            t2=[t2.asq.total],
            low=0,
            high=high,
            cutoff=t2.asq.cutoff if same else None,
            monitoring=t2.asq.monitoring if same else None,
            axis_label=axis,
        )
        return MeasureChange(t2.code, t2.short_name, rows, note, chart)
    before = {s.code: s for s in t1.subscales}
    lows, highs = [], []
    for after in t2.subscales:
        earlier = before.get(after.code)
        first = earlier.value if earlier else None
        found = scoring_change.compare(t2.code, after.code, first, after.value, definition)
        rows.append(
            ChangeRow(
                name=after.name,
                t1=earlier.shown if earlier else NOT_SCORED,
                t2=after.shown,
                difference=format_difference(found.difference, after.unit),
                words=scoring_change.words(found, after.name),
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
        labels=[s.name for s in t2.subscales],
        t1=[before[s.code].value if s.code in before else None for s in t2.subscales],
        t2=[s.value for s in t2.subscales],
        low=min(lows, default=0),
        high=max(highs, default=1),
    )
    return MeasureChange(t2.code, t2.short_name, rows, note, chart)


# --- LOAF ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoafShown:
    level: int
    label: str
    rated_on: str
    rater: str


@dataclass(frozen=True)
class LoafRow:
    part: str
    relationship: str
    t1: LoafShown | None
    t2: LoafShown | None
    category: str


def loaf_label(level: int) -> str:
    return f"Level {level}: {scoring_loaf.level_names()[level]}"


def summarise_loaf(ratings: Iterable[LoafRating]) -> list[LoafRow]:
    grouped: dict[tuple[str, str], dict[str, LoafRating]] = {}
    names: dict[tuple[str, str], str] = {}
    for rating in ratings:
        key = (rating.part, rating.caregiver.casefold())
        grouped.setdefault(key, {})[rating.timepoint] = rating
        names.setdefault(key, rating.caregiver)
    rows = []
    for key in sorted(grouped):
        by_time = grouped[key]
        shown = {
            tp: LoafShown(
                r.level,
                loaf_label(r.level),
                local_date(r.rated_on),
                (r.rater.get_full_name() or r.rater.get_username()) if r.rater else "",
            )
            for tp, r in by_time.items()
        }
        t1, t2 = by_time.get(Timepoint.T1), by_time.get(Timepoint.T2)
        category = (
            scoring_loaf.change_category(t1.level, t2.level).capitalize()
            if t1 and t2
            else "Needs both start (T1) and end (T2)"
        )
        part = key[0]
        relationship = names[key] if part == "A" else "Wider caregiving environment"
        rows.append(
            LoafRow(f"Part {part}", relationship, shown.get("T1"), shown.get("T2"), category)
        )
    return rows


# --- Episodes and the family ---------------------------------------------------------------------


@dataclass(frozen=True)
class TimepointResult:
    timepoint: str
    label: str
    submitted_at: str
    measures: list[MeasureResult]
    earlier_sets: int


@dataclass(frozen=True)
class EpisodeSummary:
    episode: Episode
    timepoints: list[TimepointResult]
    changes: list[MeasureChange]
    loaf: list[LoafRow]
    clinical_flags: list[tuple[str, str, Flag]] = field(default_factory=list)

    def timepoint(self, code: str) -> TimepointResult | None:
        return next((t for t in self.timepoints if t.timepoint == code), None)


def summarise_episode(episode: Episode, definitions: Mapping[int, Definition]) -> EpisodeSummary:
    by_time: dict[str, list[Response]] = {}
    for invitation in episode.invitations.all():
        response = getattr(invitation, "response", None)
        if response is not None and response.status == ResponseStatus.SUBMITTED:
            by_time.setdefault(invitation.timepoint, []).append(response)
    timepoints: list[TimepointResult] = []
    latest_sent: dict[str, Response] = {}
    for code in TIMEPOINTS:
        sent = sorted(by_time.get(code, []), key=lambda r: r.submitted_at or r.started_at)
        if not sent:
            continue
        # The latest set sent at a timepoint is the one compared; earlier ones are counted.
        latest = latest_sent[code] = sent[-1]
        measures = [
            summarise_measure(m, definitions[m.instrument_id]) for m in latest.measures.all()
        ]
        timepoints.append(
            TimepointResult(
                code,
                Timepoint(code).label,
                local_datetime(latest.submitted_at),
                measures,
                len(sent) - 1,
            )
        )
    changes: list[MeasureChange] = []
    start = next((t for t in timepoints if t.timepoint == Timepoint.T1), None)
    end = next((t for t in timepoints if t.timepoint == Timepoint.T2), None)
    if start and end:
        earlier = {m.code: m for m in start.measures}
        by_code = {m.instrument.code: m for m in latest_sent[Timepoint.T2].measures.all()}
        for result in end.measures:
            if result.code in earlier:
                definition = definitions[by_code[result.code].instrument_id]
                changes.append(compare_measures(earlier[result.code], result, definition))
    flags = [
        (t.label, m.short_name, f) for t in timepoints for m in t.measures for f in m.clinical_flags
    ]
    return EpisodeSummary(
        episode, timepoints, changes, summarise_loaf(episode.loaf_ratings.all()), flags
    )


@dataclass(frozen=True)
class FamilySummary:
    family: Family
    episodes: list[EpisodeSummary]

    @property
    def measures(self) -> list[MeasureResult]:
        return [m for e in self.episodes for t in e.timepoints for m in t.measures]

    @property
    def has_demo(self) -> bool:
        return any(m.is_demo for m in self.measures)

    @property
    def has_unverified(self) -> bool:
        return any(m.has_unverified_numbers for m in self.measures)

    @property
    def versions(self) -> list[tuple[str, str, str]]:
        """(questionnaire, definition version, scoring version), each once."""
        seen: dict[tuple[str, str, str], None] = {}
        for m in self.measures:
            seen[(m.short_name, m.definition_version, m.scoring_version)] = None
        return list(seen)


def summarise_family(
    family: Family, episodes: Sequence[Episode], definitions: Mapping[int, Definition]
) -> FamilySummary:
    return FamilySummary(family, [summarise_episode(e, definitions) for e in episodes])


def family_summary(family: Family) -> FamilySummary:
    """Fetch and summarise: the one call the page and the PDF make."""
    episodes = fetch_episodes(family)
    return summarise_family(family, episodes, definitions_for(episodes))


# --- The caseload's flags, from stored score flags only -----------------------------------------


CASELOAD_FLAGS = {
    "above_cutoff": ("ASQ:SE-2 above cut-off", "urgent"),
    "overall_yes": ("Overall question answered yes", "urgent"),
    "monitoring": ("ASQ:SE-2 monitoring zone", "watch"),
    "unverified": ("Unverified instrument", "notice"),
}


@dataclass(frozen=True)
class CaseloadFlag:
    label: str
    times: list[str]
    severity: str


def caseload_flags(rows: Iterable[tuple[str, list[str], bool]]) -> list[CaseloadFlag]:
    """(timepoint, stored flags, instrument has unverified numbers) rows for one family →
    its flags with the timepoints they came from, the most urgent first."""
    found: dict[str, set[str]] = {key: set() for key in CASELOAD_FLAGS}
    for timepoint, flags, unverified in rows:
        for code in flags:
            if code in ("above_cutoff", "monitoring"):
                found[code].add(timepoint)
            elif is_overall_yes(code):
                found["overall_yes"].add(timepoint)
        if unverified or UNVERIFIED_FLAG in flags:
            found["unverified"].add(timepoint)
    return [
        CaseloadFlag(CASELOAD_FLAGS[key][0], sorted(times), CASELOAD_FLAGS[key][1])
        for key, times in found.items()
        if times
    ]
