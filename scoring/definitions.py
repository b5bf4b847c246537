"""Instrument definition files: loading, validation and the frozen dataclass tree the scoring
rules read. Every clinical number lives in the files, not here, so that a licensed import can
replace demo or unverified values without a code change."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from scoring.errors import DefinitionError
from scoring.yaml_files import read_yaml

# Shipped with the library: the published PRFQ, and structure plus demo wording for the
# licensed measures. A service imports its licensed files into the database instead.
SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema.json"

# The file name is part of the licensing story (".demo" warns anyone browsing the folder),
# so the mapping from code to file is explicit rather than derived.
_SHIPPED_FILES = {
    "prfq": "prfq.yaml",
    "mors_sf": "mors_sf.yaml",
    "asq_se2": "asq_se2.demo.yaml",
    "p_prfq": "p_prfq.demo.yaml",
}
# Translations shipped as their own definition versions, by (code, language). These are demo
# placeholders (translation.demo: true), never shown outside demo mode.
_SHIPPED_TRANSLATIONS = {
    ("mors_sf", "pt"): "mors_sf.pt.demo.yaml",
    ("mors_sf", "ar"): "mors_sf.ar.demo.yaml",
}


@dataclass(frozen=True, slots=True)
class Licence:
    owner: str
    citation: str
    demo: bool
    wording_is_demo: bool
    may_ship_wording: bool
    verify_against_licensed_materials: bool
    notes: str


@dataclass(frozen=True, slots=True)
class Translation:
    """Provenance of a translated definition version (I18N-3): who translated and validated it,
    the published reference, its licence and version. `demo` marks a placeholder that is not
    validated and is shown only in demo mode."""

    translated_by: str
    validated_by: str
    reference: str
    licence: str
    version: str
    demo: bool
    source_version: str = ""


@dataclass(frozen=True, slots=True)
class Explainer:
    title: str
    about: str
    why: str
    time: str
    how_to_answer: str

    def texts(self) -> dict[str, str]:
        return {
            "title": self.title,
            "about": self.about,
            "why": self.why,
            "time": self.time,
            "how_to_answer": self.how_to_answer,
        }


@dataclass(frozen=True, slots=True)
class Option:
    value: int | str
    label: str


@dataclass(frozen=True, slots=True)
class Item:
    number: int
    text: str
    subscale: str | None = None
    reverse: bool = False
    key: str | None = None
    confidence: str = "high"
    note: str = ""


@dataclass(frozen=True, slots=True)
class Measure:
    """A subscale, or the ASQ:SE-2 total (which has no fixed item list or range)."""

    code: str
    name: str
    items: tuple[int, ...]
    range: tuple[float, float] | None
    better: str
    unit: str
    interpretation: str
    sd: float | None
    reliability: float | None
    confidence: str


@dataclass(frozen=True, slots=True)
class AgeWindow:
    start: tuple[int, int]
    end: tuple[int, int]

    def contains(self, age: tuple[int, int]) -> bool:
        return self.start <= age <= self.end


@dataclass(frozen=True, slots=True)
class OverallQuestion:
    id: str
    text: str
    kind: str
    flag_on_yes: bool


@dataclass(frozen=True, slots=True)
class Interval:
    months: int
    item_count: int
    age_window: AgeWindow
    cutoff: float
    monitoring: tuple[float, float]
    verify_against_licensed_materials: bool
    items: tuple[Item, ...]
    overall: tuple[OverallQuestion, ...]


@dataclass(frozen=True, slots=True)
class Prematurity:
    min_weeks: int
    until_months: int
    term_weeks: int
    round_up_from_days: int
    confidence: str
    verify_against_licensed_materials: bool


@dataclass(frozen=True, slots=True)
class ScoringRule:
    rule: str
    params: Mapping[str, Any]
    # The keys themselves (which item belongs where, reversals, the scale, mean or sum) are
    # unverified: scoring refuses rather than guesses until a verified definition is imported.
    verify_against_licensed_materials: bool = False
    unverified: tuple[str, ...] = ()


# eq=False: definitions are compared and cached by identity, which lets the rule modules keep
# precomputed lookup tables per parsed definition in a WeakKeyDictionary.
@dataclass(frozen=True, eq=False)
class Definition:
    code: str
    name: str
    short_name: str
    version: str
    licence: Licence
    respondent: str
    explainer: Explainer
    options: tuple[Option, ...]
    scoring: ScoringRule
    items: tuple[Item, ...] = ()
    subscales: tuple[Measure, ...] = ()
    total: Measure | None = None
    intervals: tuple[Interval, ...] = ()
    prematurity: Prematurity | None = None
    concern_label: str | None = None
    source: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    # A translation is its own definition version with its own items and key (I18N-3).
    language: str = "en"
    translation: Translation | None = None
    # Recorded audio per item (item number or overall id → file under static/), I18N-7.
    audio: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return self.licence.demo or self.licence.wording_is_demo

    @property
    def is_validated_translation(self) -> bool:
        """English source versions count as validated; a translation only when not demo."""
        return self.translation is None or not self.translation.demo

    def measure(self, code: str) -> Measure | None:
        for subscale in self.subscales:
            if subscale.code == code:
                return subscale
        if self.total is not None and self.total.code == code:
            return self.total
        return None

    def interval(self, months: int) -> Interval | None:
        for interval in self.intervals:
            if interval.months == months:
                return interval
        return None


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator


def format_path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _schema_error(data: Mapping[str, Any], source: str) -> DefinitionError | None:
    errors = list(_validator().iter_errors(data))
    if not errors:
        return None
    # Report the deepest error first: "items[3].subscale is required" is more useful than the
    # top-level "does not match if/then" wrapper that jsonschema also produces.
    error = max(errors, key=lambda e: (len(e.absolute_path), e.validator != "if"))
    error = jsonschema.exceptions.best_match([error])
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, Mapping):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            return DefinitionError(source, format_path([*path, missing[0]]), "is required")
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        return DefinitionError(source, format_path(path), f"unexpected field: {error.message}")
    return DefinitionError(source, format_path(path), error.message)


def load_definition(path: str | Path) -> Definition:
    path = Path(path)
    source = str(path)
    data = read_yaml(path, source)
    if not isinstance(data, dict):
        raise DefinitionError(source, "", "the file must contain a mapping of fields")
    return parse_definition(data, source)


def parse_definition(data: Mapping[str, Any], source: str) -> Definition:
    error = _schema_error(data, source)
    if error is not None:
        raise error
    raw = copy.deepcopy(dict(data))
    checker = _SemanticChecks(raw, source)
    checker.run()
    return _build(raw, source)


def shipped_paths() -> dict[str, Path]:
    return {code: SHIPPED_DIR / name for code, name in _SHIPPED_FILES.items()}


def shipped_translation_paths() -> dict[tuple[str, str], Path]:
    return {key: SHIPPED_DIR / name for key, name in _SHIPPED_TRANSLATIONS.items()}


@functools.cache
def shipped_definition(code: str) -> Definition:
    path = shipped_paths().get(code)
    if path is None:
        raise KeyError(code)
    return load_definition(path)


def _pair(values: Sequence[Any]) -> tuple[Any, Any]:
    return (values[0], values[1])


def _measure(data: Mapping[str, Any]) -> Measure:
    range_ = data.get("range")
    return Measure(
        code=data["code"],
        name=data["name"],
        items=tuple(data.get("items", ())),
        range=None if range_ is None else (float(range_[0]), float(range_[1])),
        better=data["better"],
        unit=data["unit"],
        interpretation=data["interpretation"],
        sd=None if data["sd"] is None else float(data["sd"]),
        reliability=None if data["reliability"] is None else float(data["reliability"]),
        confidence=data["confidence"],
    )


def _item(data: Mapping[str, Any]) -> Item:
    return Item(
        number=data["number"],
        text=data["text"],
        subscale=data.get("subscale"),
        reverse=data.get("reverse", False),
        key=data.get("key"),
        confidence=data.get("confidence", "high"),
        note=data.get("note", ""),
    )


def _interval(data: Mapping[str, Any]) -> Interval:
    window = data["age_window"]
    return Interval(
        months=data["months"],
        item_count=data["item_count"],
        age_window=AgeWindow(_pair(window["from"]), _pair(window["to"])),
        cutoff=data["cutoff"],
        monitoring=_pair(data["monitoring"]),
        verify_against_licensed_materials=data["verify_against_licensed_materials"],
        items=tuple(_item(item) for item in data["items"]),
        overall=tuple(
            OverallQuestion(q["id"], q["text"], q["kind"], q["flag_on_yes"])
            for q in data["overall"]
        ),
    )


def _build(raw: dict[str, Any], source: str) -> Definition:
    prem = raw.get("prematurity")
    total = raw.get("total")
    return Definition(
        code=raw["code"],
        name=raw["name"],
        short_name=raw["short_name"],
        version=raw["version"],
        licence=Licence(**raw["licence"]),
        respondent=raw["respondent"],
        explainer=Explainer(**raw["explainer"]),
        options=tuple(Option(o["value"], o["label"]) for o in raw["options"]),
        scoring=ScoringRule(
            raw["scoring"]["rule"],
            raw["scoring"]["params"],
            raw["scoring"].get("verify_against_licensed_materials", False),
            tuple(raw["scoring"].get("unverified", ())),
        ),
        items=tuple(_item(item) for item in raw.get("items", ())),
        subscales=tuple(_measure(s) for s in raw.get("subscales", ())),
        total=None if total is None else _measure(total),
        intervals=tuple(_interval(i) for i in raw.get("intervals", ())),
        prematurity=None
        if prem is None
        else Prematurity(
            min_weeks=prem["min_weeks"],
            until_months=prem["until_months"],
            term_weeks=prem["term_weeks"],
            round_up_from_days=prem["round_up_from_days"],
            confidence=prem["confidence"],
            verify_against_licensed_materials=prem.get("verify_against_licensed_materials", False),
        ),
        concern_label=raw.get("concern", {}).get("label"),
        source=source,
        raw=raw,
        language=raw.get("language", "en"),
        translation=None if "translation" not in raw else Translation(**raw["translation"]),
        audio=dict(raw.get("audio", {})),
    )


class _SemanticChecks:
    """Rules JSON Schema cannot express. Runs after the schema check, so types are known."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    def fail(self, path: Iterable[str | int], problem: str) -> DefinitionError:
        return DefinitionError(self.source, format_path(path), problem)

    def run(self) -> None:
        self.check_options()
        rule = self.data["scoring"]["rule"]
        if rule == "asq_points":
            self.check_asq()
        else:
            self.check_items(self.data["items"], ["items"])
            self.check_subscales()
            self.check_rule_params(rule)
        self.check_unverified_keys()
        for index, subscale in enumerate(self.data.get("subscales", ())):
            self.check_measure(subscale, ["subscales", index])
        if "total" in self.data:
            self.check_measure(self.data["total"], ["total"])

    def check_unverified_keys(self) -> None:
        # Refusing to score must always say what is missing, and a list of unknowns under a
        # "verified" marker would be a contradiction a reader could not resolve.
        block = self.data["scoring"]
        marked = block.get("verify_against_licensed_materials", False)
        listed = block.get("unverified", [])
        if marked and not listed:
            raise self.fail(
                ["scoring", "unverified"],
                "must list what is not verified when verify_against_licensed_materials is true",
            )
        if listed and not marked:
            raise self.fail(
                ["scoring", "verify_against_licensed_materials"],
                "must be true while scoring.unverified lists anything (or empty the list)",
            )

    def check_options(self) -> None:
        options = self.data["options"]
        seen: set[int | str] = set()
        types = {type(option["value"]) for option in options}
        if len(types) > 1:
            raise self.fail(["options"], "option values must all be numbers or all be text")
        for index, option in enumerate(options):
            if option["value"] in seen:
                raise self.fail(["options", index, "value"], f"duplicate value {option['value']!r}")
            seen.add(option["value"])

    def check_items(self, items: Sequence[Mapping[str, Any]], path: list[str | int]) -> None:
        for index, item in enumerate(items):
            expected = index + 1
            if item["number"] != expected:
                raise self.fail(
                    [*path, index, "number"],
                    f"expected item number {expected}, found {item['number']} "
                    "(numbers must be unique and run 1, 2, 3, ... in order)",
                )

    def check_subscales(self) -> None:
        items = self.data["items"]
        subscales = self.data["subscales"]
        if not subscales:
            raise self.fail(["subscales"], "at least one subscale is needed")
        codes: dict[str, int] = {}
        for index, subscale in enumerate(subscales):
            if subscale["code"] in codes:
                raise self.fail(["subscales", index, "code"], "duplicate subscale code")
            codes[subscale["code"]] = index
        numbers = {item["number"] for item in items}
        for index, item in enumerate(items):
            if item["subscale"] not in codes:
                raise self.fail(
                    ["items", index, "subscale"],
                    f"item {item['number']} names subscale {item['subscale']!r}, "
                    f"which is not in subscales ({', '.join(codes)})",
                )
        for index, subscale in enumerate(subscales):
            listed = subscale["items"]
            for position, number in enumerate(listed):
                if number not in numbers:
                    raise self.fail(
                        ["subscales", index, "items", position],
                        f"item {number} does not exist",
                    )
            if len(set(listed)) != len(listed):
                raise self.fail(["subscales", index, "items"], "an item is listed twice")
            expected = sorted(i["number"] for i in items if i["subscale"] == subscale["code"])
            if sorted(listed) != expected:
                raise self.fail(
                    ["subscales", index, "items"],
                    f"lists items {sorted(listed)} but the items marked with subscale "
                    f"{subscale['code']!r} are {expected}",
                )

    def check_measure(self, measure: Mapping[str, Any], path: list[str | int]) -> None:
        range_ = measure.get("range")
        if range_ is not None and not range_[0] < range_[1]:
            raise self.fail([*path, "range"], "the minimum must be below the maximum")
        if range_ is None and measure["better"] == "middle":
            raise self.fail([*path, "range"], "'better: middle' needs a range to find the middle")
        if (measure["sd"] is None) != (measure["reliability"] is None):
            raise self.fail(
                [*path, "sd" if measure["sd"] is None else "reliability"],
                "sd and reliability must be configured together (both or neither)",
            )

    def check_rule_params(self, rule: str) -> None:
        params = self.data["scoring"]["params"]
        values = [option["value"] for option in self.data["options"]]
        if rule == "likert_mean":
            if not all(isinstance(value, int) for value in values):
                raise self.fail(["options"], "likert_mean needs numeric option values")
            reversed_items = [item for item in self.data["items"] if item.get("reverse")]
            if reversed_items and params["reverse_sum"] != min(values) + max(values):
                raise self.fail(
                    ["scoring", "params", "reverse_sum"],
                    f"must equal lowest + highest option value ({min(values) + max(values)}) "
                    "so that reversing maps the scale onto itself",
                )
        elif rule == "prorated_sum":
            if not all(isinstance(value, int) for value in values):
                raise self.fail(["options"], "prorated_sum needs numeric option values")
            if any(item.get("reverse") for item in self.data["items"]):
                raise self.fail(["items"], "prorated_sum does not support reversed items")
            smallest = min(len(s["items"]) for s in self.data["subscales"])
            if params["max_missing"] >= smallest:
                raise self.fail(
                    ["scoring", "params", "max_missing"],
                    "must leave at least one answered item in every subscale",
                )

    def check_asq(self) -> None:
        params = self.data["scoring"]["params"]
        options = self.data["options"]
        if not all(isinstance(option["value"], str) for option in options):
            raise self.fail(["options"], "asq_points needs text option values")
        if self.data.get("items") or self.data.get("subscales"):
            raise self.fail(["items"], "asq_points keeps its items under intervals[].items")
        points = params["points"]
        missing = params["missing"]
        if missing["adjust_when_missing"] > missing["max_missing"]:
            raise self.fail(
                ["scoring", "params", "missing", "adjust_when_missing"],
                "cannot exceed max_missing (such a response is never scored)",
            )
        previous_end: tuple[int, int] | None = None
        previous_months: int | None = None
        for index, interval in enumerate(self.data["intervals"]):
            path: list[str | int] = ["intervals", index]
            if previous_months is not None and interval["months"] <= previous_months:
                raise self.fail([*path, "months"], "intervals must be listed youngest first")
            previous_months = interval["months"]
            window = interval["age_window"]
            start, end = tuple(window["from"]), tuple(window["to"])
            for name, value in (("from", start), ("to", end)):
                # Day counts in a months-and-days age never exceed 30 (see asq_age).
                if value[1] > 30:
                    raise self.fail([*path, "age_window", name, 1], "days must be 0 to 30")
            if start > end:
                raise self.fail([*path, "age_window"], "'from' is after 'to'")
            if previous_end is not None and start <= previous_end:
                raise self.fail(
                    [*path, "age_window", "from"], "overlaps the previous interval's window"
                )
            previous_end = (end[0], end[1])
            low, high = interval["monitoring"]
            if not low <= high:
                raise self.fail([*path, "monitoring"], "low end is above high end")
            if high != interval["cutoff"]:
                raise self.fail(
                    [*path, "monitoring"],
                    f"the monitoring zone must end at the cut-off ({interval['cutoff']})",
                )
            items = interval["items"]
            if len(items) != interval["item_count"]:
                raise self.fail(
                    [*path, "items"],
                    f"has {len(items)} items but item_count says {interval['item_count']}",
                )
            self.check_items(items, [*path, "items"])
            for position, item in enumerate(items):
                key = item["key"]
                if len(key) != len(options) or any(letter not in points for letter in key):
                    raise self.fail(
                        [*path, "items", position, "key"],
                        f"key {key!r} must have one letter from {sorted(points)} per "
                        f"option ({len(options)} letters)",
                    )
            seen: set[str] = set()
            for position, question in enumerate(interval["overall"]):
                if question["id"] in seen:
                    raise self.fail([*path, "overall", position, "id"], "duplicate id")
                seen.add(question["id"])
                if question["kind"] == "text" and question["flag_on_yes"]:
                    raise self.fail(
                        [*path, "overall", position, "flag_on_yes"],
                        "a free-text question has no 'yes' answer to flag",
                    )
        total = self.data["total"]
        if total.get("items") or total.get("range") is not None:
            raise self.fail(["total"], "the ASQ:SE-2 total has no fixed items or range")
