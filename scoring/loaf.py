"""DC:0-5 Axis II relationship levels (LOAF), rated by the clinician. Levels are ordinal and not
equally spaced, so this module only counts and cross-tabulates them; it never averages."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scoring.definitions import SHIPPED_DIR
from scoring.errors import DefinitionError, ScoringError

IMPROVED = "improved"
UNCHANGED = "unchanged"
WORSENED = "worsened"


@dataclass(frozen=True, slots=True)
class Part:
    code: str
    name: str
    per_caregiver: bool


@dataclass(frozen=True, eq=False)
class LoafDefinition:
    version: str
    levels: dict[int, str]
    parts: tuple[Part, ...]
    names_verified: bool
    source: str
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


def shipped_path() -> Path:
    return SHIPPED_DIR / "loaf.yaml"


def load(path: str | Path) -> LoafDefinition:
    source = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DefinitionError(source, "", f"cannot read the file ({exc})") from exc
    if not isinstance(data, dict):
        raise DefinitionError(source, "", "the file must contain a mapping of fields")
    return parse(data, source)


def parse(data: Mapping[str, Any], source: str) -> LoafDefinition:
    def need(container: Mapping[str, Any], key: str, kind: type, path: str) -> Any:
        if key not in container:
            raise DefinitionError(source, path, "is required")
        value = container[key]
        if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
            raise DefinitionError(source, path, f"must be {kind.__name__}")
        return value

    version = need(data, "version", str, "version")
    block = need(data, "levels", dict, "levels")
    entries = need(block, "values", list, "levels.values")
    levels: dict[int, str] = {}
    for index, entry in enumerate(entries):
        path = f"levels.values[{index}]"
        if not isinstance(entry, dict):
            raise DefinitionError(source, path, "must be a mapping")
        number = need(entry, "level", int, f"{path}.level")
        if number != index + 1:
            raise DefinitionError(source, f"{path}.level", f"expected {index + 1}")
        levels[number] = need(entry, "name", str, f"{path}.name")
    if len(levels) < 2:
        raise DefinitionError(source, "levels.values", "at least two levels are needed")
    parts = []
    for index, entry in enumerate(need(data, "parts", list, "parts")):
        path = f"parts[{index}]"
        if not isinstance(entry, dict):
            raise DefinitionError(source, path, "must be a mapping")
        parts.append(
            Part(
                need(entry, "code", str, f"{path}.code"),
                need(entry, "name", str, f"{path}.name"),
                need(entry, "per_caregiver", bool, f"{path}.per_caregiver"),
            )
        )
    verify = need(
        block, "verify_against_licensed_materials", bool, "levels.verify_against_licensed_materials"
    )
    return LoafDefinition(version, levels, tuple(parts), not verify, source, dict(data))


@functools.cache
def shipped() -> LoafDefinition:
    return load(shipped_path())


def _levels(definition: LoafDefinition | None) -> dict[int, str]:
    return (definition or shipped()).levels


def level_names(definition: LoafDefinition | None = None) -> dict[int, str]:
    return dict(_levels(definition))


def validate_level(value: object, definition: LoafDefinition | None = None) -> int:
    levels = _levels(definition)
    number: int | None = None
    if type(value) is int:
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value)
    if number is None or number not in levels:
        raise ScoringError(
            f"LOAF level {value!r} is not a level ({min(levels)} to {max(levels)})", item="level"
        )
    return number


def change_category(t1: object, t2: object, definition: LoafDefinition | None = None) -> str:
    # Level 1 is the healthiest relationship, so a lower number is an improvement.
    before, after = validate_level(t1, definition), validate_level(t2, definition)
    if after < before:
        return IMPROVED
    return WORSENED if after > before else UNCHANGED


def change_counts(
    pairs: Iterable[tuple[object, object]], definition: LoafDefinition | None = None
) -> dict[str, int]:
    counts = {IMPROVED: 0, UNCHANGED: 0, WORSENED: 0}
    for t1, t2 in pairs:
        counts[change_category(t1, t2, definition)] += 1
    return counts


def shift_table(
    pairs: Iterable[tuple[object, object]], definition: LoafDefinition | None = None
) -> dict[tuple[int, int], int]:
    """Baseline level x follow-up level counts, with every cell present (zeros included) so a
    table renders without gaps."""
    levels = _levels(definition)
    table = {(before, after): 0 for before in levels for after in levels}
    for t1, t2 in pairs:
        table[(validate_level(t1, definition), validate_level(t2, definition))] += 1
    return table
