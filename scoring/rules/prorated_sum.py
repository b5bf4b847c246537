"""Sum of each subscale's items (MORS-SF). The scale's author allows up to `max_missing`
unanswered items per subscale, prorated to the full item count; more than that and the sum
would mostly be guesswork, so the subscale is not scored."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass

from scoring.definitions import Definition
from scoring.flags import Flag, FlagKind
from scoring.rules import Score, base_flags, check_context, questions, read_answers

SCORING_VERSION = "prorated_sum/1"


@dataclass(frozen=True, slots=True)
class _Plan:
    tables: dict[str, dict[int | str, int]]
    value_type: type
    numbers: tuple[tuple[int, str], ...]
    subscales: tuple[tuple[str, str, tuple[str, ...]], ...]
    max_missing: int
    flags: tuple[Flag, ...]


_plans: weakref.WeakKeyDictionary[Definition, _Plan] = weakref.WeakKeyDictionary()


def _compile(definition: Definition) -> _Plan:
    values = [option.value for option in definition.options]
    straight: dict[int | str, int] = {value: value for value in values if isinstance(value, int)}
    return _Plan(
        tables={str(item.number): straight for item in definition.items},
        value_type=type(values[0]),
        numbers=tuple((item.number, str(item.number)) for item in definition.items),
        subscales=tuple(
            (s.code, s.name, tuple(str(n) for n in s.items)) for s in definition.subscales
        ),
        max_missing=definition.scoring.params["max_missing"],
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
    flags = list(plan.flags)
    unscored: list[str] = []
    prorated = False
    for code, name, keys in plan.subscales:
        answered = [scored[key] for key in keys if key in scored]
        missing = len(keys) - len(answered)
        if missing == 0:
            subscales[code] = float(sum(answered))
        elif missing <= plan.max_missing:
            subscales[code] = sum(answered) / len(answered) * len(keys)
            prorated = True
            flags.append(Flag(FlagKind.PRORATED, subscale=code))
        else:
            subscales[code] = None
            flags.append(Flag(FlagKind.NOT_SCORED, subscale=code))
            unscored.append(
                f"{name} ({questions(missing)} not answered; "
                f"at most {plan.max_missing} can be missing)"
            )
    return Score(
        code=definition.code,
        subscales=subscales,
        total=None,
        zone=None,
        missing=tuple(number for number, key in plan.numbers if key not in scored),
        prorated=prorated,
        adjusted=False,
        flags=tuple(flags),
        interval=None,
        not_scored_reason="Not scored: " + "; ".join(unscored) if unscored else None,
        definition_version=definition.version,
        scoring_version=SCORING_VERSION,
    )
