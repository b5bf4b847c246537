"""Scoring rules, one module per rule named in a definition's `scoring.rule`, and the result
type they share. Each rule precomputes lookup tables once per parsed definition so the per-call
path is a few dict lookups (the outcomes views rescore whole cohorts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, cast

from scoring.definitions import Definition
from scoring.errors import ScoringError
from scoring.flags import Flag, FlagKind, dump_all, parse_all

# Context keyword names any rule may receive through scoring.score(); rules ignore the ones they
# do not use so callers can pass one context for every questionnaire. Anything else is a typo.
CONTEXT_KEYS = frozenset({"interval", "concerns", "overall"})


@dataclass(frozen=True, slots=True)
class Score:
    code: str
    subscales: dict[str, float | None]
    total: float | None
    zone: str | None
    missing: tuple[int, ...]
    prorated: bool
    adjusted: bool
    flags: tuple[Flag, ...]
    interval: int | None
    not_scored_reason: str | None
    definition_version: str
    scoring_version: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["subscales"] = dict(self.subscales)
        data["missing"] = list(self.missing)
        data["flags"] = dump_all(self.flags)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Score:
        return cls(
            code=data["code"],
            subscales=dict(data["subscales"]),
            total=data["total"],
            zone=data["zone"],
            missing=tuple(data["missing"]),
            prorated=data["prorated"],
            adjusted=data["adjusted"],
            flags=parse_all(data["flags"]),
            interval=data["interval"],
            not_scored_reason=data["not_scored_reason"],
            definition_version=data["definition_version"],
            scoring_version=data["scoring_version"],
        )


def check_context(context: Mapping[str, object]) -> None:
    unknown = sorted(set(context) - CONTEXT_KEYS)
    if unknown:
        raise TypeError(f"unexpected scoring context: {', '.join(unknown)}")


def read_answers(
    answers: Mapping[str, object],
    tables: Mapping[str, Mapping[int | str, int]],
    value_type: type,
    describe: str,
) -> dict[str, int]:
    if not isinstance(answers, Mapping):
        raise ScoringError("Answers must be a mapping of item number to answer")
    scored: dict[str, int] = {}
    for key, raw in answers.items():
        if raw is None:
            continue
        table = tables.get(key)
        if table is None:
            raise unknown_item(key, describe)
        # type() rather than isinstance(): True == 1 and 1.0 == 1, but neither is a valid answer.
        points = table.get(cast("int | str", raw)) if type(raw) is value_type else None
        if points is None:
            raise ScoringError(
                f"Item {key}: {raw!r} is not an allowed answer (allowed: {allowed(table)})",
                item=key,
            )
        scored[key] = points
    return scored


def allowed(table: Mapping[int | str, int]) -> str:
    return ", ".join(str(value) for value in table)


def unknown_item(key: object, describe: str) -> ScoringError:
    if not isinstance(key, str):
        return ScoringError(
            f"Item {key!r}: item numbers must be given as text, like '1'", item=str(key)
        )
    return ScoringError(f"Item {key} is not a question in {describe}", item=key)


def base_flags(definition: Definition) -> tuple[Flag, ...]:
    return (Flag(FlagKind.DEMO_WORDING),) if definition.licence.wording_is_demo else ()


def questions(count: int) -> str:
    return "1 question was" if count == 1 else f"{count} questions were"


def refused(result: Score, definition: Definition) -> Score:
    """The answers kept, no number given: the definition says its scoring keys are unverified
    (`scoring.verify_against_licensed_materials`), so every subscale is "not scored" with the
    reason, until a service imports a verified definition."""
    unknown = "; ".join(definition.scoring.unverified)
    return Score(
        code=result.code,
        subscales=dict.fromkeys(result.subscales),
        total=None,
        zone=None,
        missing=result.missing,
        prorated=False,
        adjusted=False,
        flags=base_flags(definition)
        + tuple(Flag(FlagKind.NOT_SCORED, subscale=code) for code in result.subscales),
        interval=result.interval,
        not_scored_reason=(
            f"Not scored: the {definition.short_name} scoring rules in this definition are not "
            f"verified ({unknown}). Import a verified definition to score these answers."
        ),
        definition_version=result.definition_version,
        scoring_version=result.scoring_version,
    )
