"""ASQ:SE-2 points: each answer maps to a letter through the item's key, each letter to points,
and a ticked concern adds points. The missing-item handling and zone boundaries come from the
definition's `missing` and `zone_rule` blocks because the published values are unverified."""

from __future__ import annotations

import weakref
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from scoring.definitions import Definition, Interval
from scoring.errors import ScoringError
from scoring.flags import Flag, FlagKind
from scoring.rules import Score, base_flags, check_context, read_answers, unknown_item

SCORING_VERSION = "asq_points/1"

# Overall questions are answered yes/no by contract with the forms, independent of instrument.
YES = "yes"
NO = "no"

ZONE_FLAGS = {"above": Flag(FlagKind.ABOVE_CUTOFF), "monitoring": Flag(FlagKind.MONITORING)}
# Shown to staff beside any result computed from numbers not yet checked against the licensed
# Information Summary sheets.
UNVERIFIED = Flag(FlagKind.UNVERIFIED_CUTOFFS)


@dataclass(frozen=True, slots=True)
class ZoneRule:
    above_cutoff_inclusive: bool
    monitoring_low_inclusive: bool


@dataclass(frozen=True, slots=True)
class _IntervalPlan:
    interval: Interval
    tables: dict[str, dict[int | str, int]]
    numbers: tuple[tuple[int, str], ...]
    overall: dict[str, tuple[str, bool]]
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    intervals: dict[int, _IntervalPlan]
    concern_points: int
    max_missing: int
    adjust_when_missing: int
    adjust_within_points: float
    concern_counts_when_unanswered: bool
    zone_rule: ZoneRule
    flags: tuple[Flag, ...]


_plans: weakref.WeakKeyDictionary[Definition, _Plan] = weakref.WeakKeyDictionary()


def _compile(definition: Definition) -> _Plan:
    params = definition.scoring.params
    points: Mapping[str, int] = params["points"]
    values = [option.value for option in definition.options]
    # Items share a handful of distinct keys, so share one table per key.
    by_key: dict[str, dict[int | str, int]] = {}
    intervals: dict[int, _IntervalPlan] = {}
    missing = params["missing"]
    zone_rule = params["zone_rule"]
    rules_unverified = (
        missing["verify_against_licensed_materials"]
        or zone_rule["verify_against_licensed_materials"]
    )
    for interval in definition.intervals:
        tables: dict[str, dict[int | str, int]] = {}
        for item in interval.items:
            key = item.key or ""
            if key not in by_key:
                by_key[key] = {
                    value: points[letter] for value, letter in zip(values, key, strict=True)
                }
            tables[str(item.number)] = by_key[key]
        intervals[interval.months] = _IntervalPlan(
            interval=interval,
            tables=tables,
            numbers=tuple((item.number, str(item.number)) for item in interval.items),
            overall={q.id: (q.kind, q.flag_on_yes) for q in interval.overall},
            flags=(UNVERIFIED,)
            if rules_unverified or interval.verify_against_licensed_materials
            else (),
        )
    return _Plan(
        intervals=intervals,
        concern_points=params["concern_points"],
        max_missing=missing["max_missing"],
        adjust_when_missing=missing["adjust_when_missing"],
        adjust_within_points=missing["adjust_within_points"],
        concern_counts_when_unanswered=missing["concern_counts_when_unanswered"],
        zone_rule=ZoneRule(
            above_cutoff_inclusive=zone_rule["above_cutoff_inclusive"],
            monitoring_low_inclusive=zone_rule["monitoring_low_inclusive"],
        ),
        flags=base_flags(definition),
    )


def plan_for(definition: Definition) -> _Plan:
    plan = _plans.get(definition)
    if plan is None:
        plan = _plans[definition] = _compile(definition)
    return plan


def zone_for(total: float, interval: Interval, rule: ZoneRule) -> str:
    cutoff = interval.cutoff
    low = interval.monitoring[0]
    above = total >= cutoff if rule.above_cutoff_inclusive else total > cutoff
    if above:
        return "above"
    monitoring = total >= low if rule.monitoring_low_inclusive else total > low
    return "monitoring" if monitoring else "below"


def zone_rule(definition: Definition) -> ZoneRule:
    return plan_for(definition).zone_rule


def _interval_plan(plan: _Plan, months: object, describe: str) -> _IntervalPlan:
    if months is None:
        raise ScoringError(f"{describe} needs the questionnaire interval in months", "interval")
    found = plan.intervals.get(months) if type(months) is int else None
    if found is None:
        choices = ", ".join(str(m) for m in plan.intervals)
        raise ScoringError(
            f"{months!r} is not a {describe} interval (choose from {choices} months)", "interval"
        )
    return found


def _concern_keys(concerns: object, tables: Mapping[str, object], describe: str) -> set[str]:
    if concerns is None:
        return set()
    if isinstance(concerns, str | bytes) or not isinstance(concerns, Collection):
        raise ScoringError("Concerns must be a set of item numbers", item="concerns")
    keys: set[str] = set()
    for number in concerns:
        if isinstance(number, bool) or not isinstance(number, int | str):
            raise ScoringError(f"Concern {number!r}: not an item number", item=str(number))
        key = str(number)
        if key not in tables:
            raise unknown_item(key, describe)
        keys.add(key)
    return keys


def _overall_flags(overall: object, questions: Mapping[str, tuple[str, bool]]) -> list[Flag]:
    if overall is None:
        return []
    if not isinstance(overall, Mapping):
        raise ScoringError("Overall answers must be a mapping of question id to answer", "overall")
    flags: list[Flag] = []
    for question_id, answer in overall.items():
        spec = questions.get(question_id)
        if spec is None:
            raise ScoringError(
                f"Overall question {question_id!r} is not part of this interval",
                item=str(question_id),
            )
        kind, flag_on_yes = spec
        if answer is None:
            continue
        if kind == "yes_no":
            if answer not in (YES, NO) or type(answer) is not str:
                raise ScoringError(
                    f"Overall question {question_id}: {answer!r} is not 'yes' or 'no'",
                    item=question_id,
                )
            if answer == YES and flag_on_yes:
                flags.append(Flag(FlagKind.OVERALL_YES, item=question_id))
        elif not isinstance(answer, str):
            raise ScoringError(
                f"Overall question {question_id}: the answer must be text", item=question_id
            )
    return sorted(flags)


def score(
    definition: Definition, answers: Mapping[str, object], context: Mapping[str, object]
) -> Score:
    check_context(context)
    plan = plan_for(definition)
    describe = definition.short_name
    found = _interval_plan(plan, context.get("interval"), describe)
    interval = found.interval
    scored = read_answers(answers, found.tables, str, describe)
    concerns = _concern_keys(context.get("concerns"), found.tables, describe)
    flags = [*plan.flags, *found.flags]
    flags += _overall_flags(context.get("overall"), found.overall)
    unanswered_concerns = sorted((k for k in concerns if k not in scored), key=int)
    flags += [Flag(FlagKind.CONCERN_WITHOUT_ANSWER, item=key) for key in unanswered_concerns]
    counted = concerns if plan.concern_counts_when_unanswered else concerns & scored.keys()

    missing = tuple(number for number, key in found.numbers if key not in scored)
    raw_total = sum(scored.values()) + plan.concern_points * len(counted)
    total: float | None = raw_total
    adjusted = False
    reason = None
    if len(missing) > plan.max_missing:
        total = None
        reason = f"More than {plan.max_missing} questions were not answered"
    elif (
        len(missing) == plan.adjust_when_missing
        and scored
        and abs(raw_total - interval.cutoff) <= plan.adjust_within_points
    ):
        total = raw_total / len(scored) * interval.item_count
        adjusted = True
        flags.append(Flag(FlagKind.ADJUSTED))
    zone = None if total is None else zone_for(total, interval, plan.zone_rule)
    if zone in ZONE_FLAGS:
        flags.append(ZONE_FLAGS[zone])
    if total is None:
        flags.append(Flag(FlagKind.NOT_SCORED))
    return Score(
        code=definition.code,
        subscales={},
        total=total,
        zone=zone,
        missing=missing,
        prorated=False,
        adjusted=adjusted,
        flags=tuple(flags),
        interval=interval.months,
        not_scored_reason=reason,
        definition_version=definition.version,
        scoring_version=SCORING_VERSION,
    )
