"""Mean of each subscale's items, with reversed items mapped as `reverse_sum - answer` (PRFQ).
There is no published missing-data rule, so a subscale with any unanswered item is not scored:
a mean of fewer items would silently change what the number means."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass

from scoring.definitions import Definition
from scoring.flags import Flag, FlagKind
from scoring.rules import Score, base_flags, check_context, questions, read_answers

SCORING_VERSION = "likert_mean/1"


@dataclass(frozen=True, slots=True)
class _Plan:
    tables: dict[str, dict[int | str, int]]
    value_type: type
    numbers: tuple[tuple[int, str], ...]
    subscales: tuple[tuple[str, str, tuple[str, ...]], ...]
    flags: tuple[Flag, ...]


_plans: weakref.WeakKeyDictionary[Definition, _Plan] = weakref.WeakKeyDictionary()


def _compile(definition: Definition) -> _Plan:
    reverse_sum = definition.scoring.params["reverse_sum"]
    values = [option.value for option in definition.options]
    straight: dict[int | str, int] = {value: value for value in values if isinstance(value, int)}
    flipped: dict[int | str, int] = {
        value: reverse_sum - value for value in values if isinstance(value, int)
    }
    return _Plan(
        tables={str(i.number): flipped if i.reverse else straight for i in definition.items},
        value_type=type(values[0]),
        numbers=tuple((item.number, str(item.number)) for item in definition.items),
        subscales=tuple(
            (s.code, s.name, tuple(str(n) for n in s.items)) for s in definition.subscales
        ),
        flags=base_flags(definition),
    )


def plan_for(definition: Definition) -> _Plan:
    plan = _plans.get(definition)
    if plan is None:
        plan = _plans[definition] = _compile(definition)
    return plan


def score(
    definition: Definition, answers: Mapping[str, object], context: Mapping[str, object]
) -> Score:
    if context:
        check_context(context)
    plan = plan_for(definition)
    scored = read_answers(answers, plan.tables, plan.value_type, definition.short_name)
    subscales: dict[str, float | None] = {}
    unscored: list[str] = []
    for code, name, keys in plan.subscales:
        values = [scored[key] for key in keys if key in scored]
        if len(values) < len(keys):
            subscales[code] = None
            unscored.append(f"{name} ({questions(len(keys) - len(values))} not answered)")
        else:
            subscales[code] = sum(values) / len(values)
    flags = plan.flags + tuple(
        Flag(FlagKind.NOT_SCORED, subscale=code) for code, v in subscales.items() if v is None
    )
    return Score(
        code=definition.code,
        subscales=subscales,
        total=None,
        zone=None,
        missing=tuple(number for number, key in plan.numbers if key not in scored),
        prorated=False,
        adjusted=False,
        flags=flags,
        interval=None,
        not_scored_reason="Not scored: " + "; ".join(unscored) if unscored else None,
        definition_version=definition.version,
        scoring_version=SCORING_VERSION,
    )
