"""One submitted questionnaire as staff see it: each score against its range and direction,
the ASQ:SE-2 zone and cut-off, its flags in words, and what the parent answered. Pure: the
measure arrives with its answers and current score already fetched."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

from questionnaires.language_names import language_name
from questionnaires.models import Answer, ResponseMeasure, ScoreRecord
from questionnaires.questions import Questions, questions_asked
from questionnaires.summary.flag_words import (
    Attention,
    ShownFlag,
    describe,
    read_stored,
    unrecognised,
)
from questionnaires.summary.wording import (
    ADJUSTED_NOTE,
    NOT_ANSWERED,
    NOT_SCORED,
    PRORATED_NOTE,
    YES_NO,
    ZONE_LABELS,
    direction_words,
    format_number,
    format_score,
    not_answered_words,
    range_words,
)
from scoring.definitions import Definition, Interval, Item, Measure
from scoring.flags import Flag, FlagKind
from scoring.rules import Score

NO_STORED_SCORE = "No stored score"


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
    points: str = ""  # ASQ:SE-2: what the answer adds to the total, e.g. "5 points"


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
    flags: list[ShownFlag]
    items: list[ItemAnswer]
    # I18N-3: the language of the definition version answered (and scored) with.
    language: str = "English"

    @property
    def has_prorated(self) -> bool:
        return any(sub.prorated for sub in self.subscales)

    # What the "Prorated" and "Adjusted" markers mean, beside them on the page.
    @property
    def prorated_note(self) -> str:
        return gettext(PRORATED_NOTE)

    @property
    def adjusted_note(self) -> str:
        return gettext(ADJUSTED_NOTE)

    @property
    def missing_words(self) -> str:
        return not_answered_words(self.missing_items)

    @property
    def clinical_flags(self) -> list[ShownFlag]:
        return [f for f in self.flags if f.attention == Attention.CLINICAL]

    @property
    def notices(self) -> list[ShownFlag]:
        return [f for f in self.flags if f.attention == Attention.NOTICE]

    @property
    def shown_flags(self) -> list[ShownFlag]:
        """Flags beside the scores; demo and unverified markers already head the measure."""
        headed = {str(Flag(FlagKind.DEMO_WORDING)), str(Flag(FlagKind.UNVERIFIED_CUTOFFS))}
        return [f for f in self.flags if f.code not in headed]


def stored_score(record: ScoreRecord) -> tuple[Score, list[str]]:
    """A stored score, and any stored flag text this version does not recognise (kept out of
    the Score, shown to staff as unrecognised rather than dropped)."""
    known, unknown = read_stored(record.result.get("flags") or [])
    return Score.from_dict({**record.result, "flags": [str(flag) for flag in known]}), unknown


def scale_words(definition: Definition) -> str:
    """'a scale from 1 Strongly disagree to 7 Strongly agree' when the options are numbers whose
    middle points have no labels (PRFQ), so a bare "4" is read against its anchors; else ""."""
    options = definition.options
    if len(options) < 3 or not all(str(o.value).isdigit() for o in options):
        return ""
    if not all(o.label == str(o.value) for o in options[1:-1]):
        return ""
    first, last = (o.label.replace(" – ", " ") for o in (options[0], options[-1]))
    return gettext("a scale from %(first)s to %(last)s") % {"first": first, "last": last}


def answer_words(definition: Definition, value: str) -> str:
    """A stored answer as the parent saw it: the option's label, or Yes/No. On an anchored
    number scale: '4 on a scale from 1 Strongly disagree to 7 Strongly agree'. The record, the
    family PDF and the parent's own copy all word answers here."""
    scale = scale_words(definition)
    if scale and value.isdigit():
        return gettext("%(value)s on %(scale)s") % {"value": value, "scale": scale}
    for option in definition.options:
        if str(option.value) == value:
            return option.label
    # In the language of the page: the parent's check page and copy are translated (I18N-9).
    return gettext(YES_NO[value]) if value in YES_NO else value


def item_points(definition: Definition, item: Item, value: str) -> int | None:
    """ASQ:SE-2: the points an answer adds, from the item's key letters and the definition's
    points per letter; None where the rule has no per-answer points."""
    points = definition.scoring.params.get("points")
    if not item.key or not isinstance(points, dict):
        return None
    values = [str(option.value) for option in definition.options]
    if value not in values:
        return None
    return int(points[item.key[values.index(value)]])


def points_words(points: int) -> str:
    return f"{points} point" if points == 1 else f"{points} points"


def _item_answers(
    definition: Definition, asked: Questions, answers: Mapping[str, Answer]
) -> list[ItemAnswer]:
    rows = []
    for item in asked.items:
        given = answers.get(str(item.number))
        value = given.value if given else ""
        points = item_points(definition, item, value) if value else None
        rows.append(
            ItemAnswer(
                number=str(item.number),
                text=item.text,
                answer=answer_words(definition, value) if value else gettext(NOT_ANSWERED),
                # Staff only: the parent's own copy shows no scores.
                points=points_words(points) if points is not None else "",
                answered=bool(value),
                concern=bool(given and given.concern),
            )
        )
    for position, question in enumerate(asked.overall, start=1):
        given = answers.get(question.id)
        value = given.value if given else ""
        comment = given.text if given else ""
        shown = YES_NO.get(value, value)
        rows.append(
            ItemAnswer(
                number=f"Overall {position}",
                text=question.text,
                answer=shown or ("—" if comment else gettext(NOT_ANSWERED)),
                answered=bool(value or comment),
                concern=False,
                comment=comment,
            )
        )
    return rows


REFUSED_SEE_BELOW = "The reason is below the table"
UNVERIFIED_MARK = " (unverified)"
# A direction the definition marks unverified is not shown as if it were known.
UNVERIFIED_DIRECTION = "Not verified: see the licensed scoring guide"


def _subscale_result(measure: Measure, score: Score | None) -> SubscaleResult:
    value = score.subscales.get(measure.code) if score else None
    missing = tuple(n for n in (score.missing if score else ()) if n in measure.items)
    reason = ""
    if score is None:
        reason = NO_STORED_SCORE
    elif value is None and missing:
        reason = f"{len(missing)} of {len(measure.items)} questions not answered"
    elif value is None:
        # Every question answered and still no number: the definition refused (its scoring
        # keys are unverified); the measure's own reason says why, once, below the table.
        reason = REFUSED_SEE_BELOW
    assert measure.range is not None  # every subscale has a range (definition schema)
    unverified = measure.confidence == "unverified"
    prorated = Flag(FlagKind.PRORATED, subscale=measure.code)
    return SubscaleResult(
        code=measure.code,
        name=measure.name,
        value=value,
        shown=format_score(value, measure.unit),
        unit=measure.unit,
        range=range_words(*measure.range) + (UNVERIFIED_MARK if unverified else ""),
        direction=UNVERIFIED_DIRECTION if unverified else direction_words(measure),
        interpretation=measure.interpretation,
        prorated=bool(score and prorated in score.flags),
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
        zone_label=gettext(ZONE_LABELS.get(zone or "", NOT_SCORED)),
        cutoff=interval.cutoff,
        monitoring=interval.monitoring,
        cutoff_words=cutoff_words(interval),
        missing_count=missing,
        adjusted=bool(score and score.adjusted),
        direction=direction_words(total_measure, is_total=True),
        interpretation=total_measure.interpretation,
        not_scored_reason=(score.not_scored_reason or "") if score else NO_STORED_SCORE,
    )


def _flag_names(definition: Definition, asked: Questions) -> dict[str, str]:
    names = {s.code: s.name for s in definition.subscales}
    names.update({q.id: f"overall question {n}" for n, q in enumerate(asked.overall, start=1)})
    return names


def summarise_measure(measure: ResponseMeasure, definition: Definition) -> MeasureResult:
    """`measure` comes with `current_scores` and `answers` prefetched (selectors.family)."""
    records: list[ScoreRecord] = getattr(measure, "current_scores", [])
    record = records[0] if records else None
    score, unknown = stored_score(record) if record else (None, [])
    answers = {answer.item: answer for answer in measure.answers.all()}
    asked = questions_asked(definition, measure.asq_interval)
    names = _flag_names(definition, asked)
    flags = [describe(flag, names) for flag in (score.flags if score else ())]
    flags += [unrecognised(text) for text in unknown]
    flags += [
        describe(Flag(FlagKind.CONCERN, item=str(item.number)))
        for item in asked.items
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
        language=language_name(measure.instrument.language),
        has_unverified_numbers=measure.instrument.has_unverified_numbers,
        score=score,
        subscales=[_subscale_result(s, score) for s in definition.subscales],
        asq=(
            _asq_result(definition, asked.interval, score, len(missing)) if asked.interval else None
        ),
        missing_items=tuple(missing),
        not_scored_reason=(score.not_scored_reason or "") if score else NO_STORED_SCORE,
        flags=flags,
        items=_item_answers(definition, asked, answers),
    )
