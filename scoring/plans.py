"""Questionnaire plans: which measures a programme asks at the start (T1) and end (T2), in
pregnancy and after the birth by the baby's age, each with the reason a clinician sees. A plan
is data (`scoring/plans/default.yaml`; a service imports its own with `manage.py import_plan`),
so the choice of measures is never a code change. Pure: no Django."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.definitions import format_path, shipped_paths
from scoring.errors import DefinitionError
from scoring.yaml_files import read_yaml

DEFAULT_PLAN_PATH = Path(__file__).resolve().parent / "plans" / "default.yaml"

ANTENATAL = "antenatal"
POSTNATAL = "postnatal"
STAGES = (ANTENATAL, POSTNATAL)
TIMEPOINTS = ("T1", "T2")


@dataclass(frozen=True, slots=True)
class PlannedMeasure:
    code: str
    at: tuple[str, ...]
    reason: str
    note: str = ""  # a caution the clinician reads with the scores (e.g. past a validated age)


@dataclass(frozen=True, slots=True)
class LeftOut:
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class Stage:
    stage: str
    label: str
    from_months: int | None  # postnatal bands: baby's age, from (inclusive) ...
    to_months: int | None  # ... to (exclusive); None = no upper end
    measures: tuple[PlannedMeasure, ...]
    left_out: tuple[LeftOut, ...]

    def contains(self, months: int) -> bool:
        assert self.from_months is not None
        return self.from_months <= months and (self.to_months is None or months < self.to_months)

    def codes_at(self, timepoint: str) -> tuple[str, ...]:
        return tuple(m.code for m in self.measures if timepoint in m.at)


@dataclass(frozen=True, slots=True)
class PostnatalBaseline:
    from_weeks: int
    to_weeks: int
    reason: str


@dataclass(frozen=True, eq=False)
class Plan:
    name: str
    version: str
    sources: tuple[str, ...]
    postnatal_baseline: PostnatalBaseline
    programmes: Mapping[str, tuple[Stage, ...]]
    raw: Mapping[str, Any]

    def antenatal(self, programme: str) -> Stage:
        return next(s for s in self.programmes[programme] if s.stage == ANTENATAL)

    def postnatal(self, programme: str, months: int) -> Stage:
        # Validation guarantees the bands start at 0 and leave no gap, so one always fits.
        return next(
            s for s in self.programmes[programme] if s.stage == POSTNATAL and s.contains(months)
        )


class _Checker:
    def __init__(self, source: str, known_codes: frozenset[str]) -> None:
        self.source = source
        self.known_codes = known_codes

    def fail(self, path: Iterable[str | int], problem: str) -> DefinitionError:
        return DefinitionError(self.source, format_path(path), problem)

    def mapping(self, value: Any, path: list[str | int], keys: Sequence[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping of fields")
        for key in value:
            if key not in keys:
                raise self.fail([*path, str(key)], f"unexpected field (allowed: {', '.join(keys)})")
        return value

    def required(self, value: dict[str, Any], key: str, path: list[str | int]) -> Any:
        if key not in value:
            raise self.fail([*path, key], "is required")
        return value[key]

    def text(self, value: dict[str, Any], key: str, path: list[str | int]) -> str:
        found = self.required(value, key, path)
        if not isinstance(found, str) or not found.strip():
            raise self.fail([*path, key], "must be some words, not empty")
        return found.strip()

    def whole(self, value: Any, path: list[str | int]) -> int:
        if type(value) is not int or value < 0:
            raise self.fail(path, "must be a whole number, 0 or more")
        return value

    def code(self, value: dict[str, Any], path: list[str | int]) -> str:
        code = self.text(value, "code", path)
        if code not in self.known_codes:
            raise self.fail(
                [*path, "code"],
                f"{code!r} is not a questionnaire this portal knows "
                f"({', '.join(sorted(self.known_codes))})",
            )
        return code

    def measure(self, value: Any, path: list[str | int]) -> PlannedMeasure:
        data = self.mapping(value, path, ("code", "at", "reason", "note"))
        code = self.code(data, path)
        at = self.required(data, "at", path)
        if not isinstance(at, list) or not at or any(t not in TIMEPOINTS for t in at):
            raise self.fail([*path, "at"], "must list T1, T2 or both, e.g. [T1, T2]")
        note = data.get("note", "")
        if not isinstance(note, str):
            raise self.fail([*path, "note"], "must be words")
        return PlannedMeasure(code, tuple(at), self.text(data, "reason", path), note.strip())

    def left_out(self, value: Any, path: list[str | int]) -> LeftOut:
        data = self.mapping(value, path, ("code", "reason"))
        return LeftOut(self.code(data, path), self.text(data, "reason", path))

    def stage(self, value: Any, path: list[str | int]) -> Stage:
        keys = ("stage", "label", "from_months", "to_months", "measures", "left_out")
        data = self.mapping(value, path, keys)
        kind = self.required(data, "stage", path)
        if kind not in STAGES:
            raise self.fail([*path, "stage"], "must be antenatal or postnatal")
        start: int | None = None
        end: int | None = None
        if kind == POSTNATAL:
            start = self.whole(self.required(data, "from_months", path), [*path, "from_months"])
            if data.get("to_months") is not None:
                end = self.whole(data["to_months"], [*path, "to_months"])
                if end <= start:
                    raise self.fail([*path, "to_months"], "must be after from_months")
        elif "from_months" in data or "to_months" in data:
            raise self.fail([*path, "from_months"], "only postnatal stages have age bands")
        raw_measures = self.required(data, "measures", path)
        if not isinstance(raw_measures, list) or not raw_measures:
            raise self.fail([*path, "measures"], "must list at least one measure")
        measures = tuple(
            self.measure(m, [*path, "measures", i]) for i, m in enumerate(raw_measures)
        )
        raw_left = data.get("left_out", [])
        if not isinstance(raw_left, list):
            raise self.fail([*path, "left_out"], "must be a list")
        left = tuple(self.left_out(m, [*path, "left_out", i]) for i, m in enumerate(raw_left))
        seen: set[str] = set()
        named: list[tuple[str, str, int]] = [
            *(("measures", m.code, i) for i, m in enumerate(measures)),
            *(("left_out", m.code, i) for i, m in enumerate(left)),
        ]
        for where, code, index in named:
            if code in seen:
                raise self.fail(
                    [*path, where, index, "code"], f"{code!r} is named twice in this stage"
                )
            seen.add(code)
        return Stage(kind, self.text(data, "label", path), start, end, measures, left)

    def stages(self, value: Any, path: list[str | int]) -> tuple[Stage, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(path, "must list the stages (one antenatal, postnatal age bands)")
        stages = tuple(self.stage(s, [*path, i]) for i, s in enumerate(value))
        antenatal = [i for i, s in enumerate(stages) if s.stage == ANTENATAL]
        if len(antenatal) != 1:
            raise self.fail(path, f"needs exactly one antenatal stage, found {len(antenatal)}")
        reached = 0
        bands = [(i, s) for i, s in enumerate(stages) if s.stage == POSTNATAL]
        if not bands:
            raise self.fail(path, "needs at least one postnatal stage")
        for position, (index, band) in enumerate(bands):
            if band.from_months != reached:
                raise self.fail(
                    [*path, index, "from_months"],
                    f"postnatal bands must run youngest first with no gap or overlap: "
                    f"expected {reached}, found {band.from_months}",
                )
            if band.to_months is None:
                if position != len(bands) - 1:
                    raise self.fail([*path, index, "to_months"], "only the last band is open")
                return stages
            reached = band.to_months
        last = bands[-1][0]
        raise self.fail([*path, last, "to_months"], "the last postnatal band must have no end")

    def plan(self, data: Any, programmes: Sequence[str] | None) -> Plan:
        keys = ("plan", "version", "notes", "sources", "postnatal_baseline", "programmes")
        top = self.mapping(data, [], keys)
        sources = self.required(top, "sources", [])
        if (
            not isinstance(sources, list)
            or not sources
            or not all(isinstance(s, str) and s.strip() for s in sources)
        ):
            raise self.fail(["sources"], "must list where the plan's choices come from")
        baseline = self.mapping(
            self.required(top, "postnatal_baseline", []),
            ["postnatal_baseline"],
            ("from_weeks", "to_weeks", "reason"),
        )
        path: list[str | int] = ["postnatal_baseline"]
        start = self.whole(self.required(baseline, "from_weeks", path), [*path, "from_weeks"])
        end = self.whole(self.required(baseline, "to_weeks", path), [*path, "to_weeks"])
        if end < start:
            raise self.fail([*path, "to_weeks"], "must not be before from_weeks")
        raw_programmes = self.required(top, "programmes", [])
        if not isinstance(raw_programmes, dict) or not raw_programmes:
            raise self.fail(["programmes"], "must give the stages of each programme")
        if programmes is not None:
            for name in raw_programmes:
                if name not in programmes:
                    raise self.fail(
                        ["programmes", name],
                        f"is not a programme ({', '.join(programmes)})",
                    )
            for name in programmes:
                if name not in raw_programmes:
                    raise self.fail(["programmes", name], "is required (every programme needs one)")
        version = self.required(top, "version", [])
        if not isinstance(version, str) or not version:
            raise self.fail(["version"], 'must be text, e.g. "2026.1"')
        return Plan(
            name=self.text(top, "plan", []),
            version=version,
            sources=tuple(s.strip() for s in sources),
            postnatal_baseline=PostnatalBaseline(start, end, self.text(baseline, "reason", path)),
            programmes={
                str(name): self.stages(stages, ["programmes", str(name)])
                for name, stages in raw_programmes.items()
            },
            raw=data,
        )


def parse_plan(
    data: Any,
    source: str,
    known_codes: Iterable[str],
    programmes: Sequence[str] | None = None,
) -> Plan:
    """Validate a plan. `known_codes` are the questionnaires it may name; `programmes`, when
    given, are the programme codes it must cover, each exactly once."""
    return _Checker(source, frozenset(known_codes)).plan(data, programmes)


def load_plan(
    path: str | Path, known_codes: Iterable[str], programmes: Sequence[str] | None = None
) -> Plan:
    path = Path(path)
    source = path.name
    data = read_yaml(path, source)
    return parse_plan(data, source, known_codes, programmes)


@functools.cache
def default_plan() -> Plan:
    """The shipped plan, checked against the shipped questionnaires (no database needed)."""
    return load_plan(DEFAULT_PLAN_PATH, shipped_paths())
