"""Questionnaire plans (scoring/plans.py): the shipped default validates and says what each
programme asks in pregnancy and after the birth; a bad plan is refused with the file, the field
and the problem in plain words."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scoring import SCORING_CODES, DefinitionError
from scoring.plans import DEFAULT_PLAN_PATH, default_plan, load_plan, parse_plan

PROGRAMMES = ("psychotherapy", "together_time")


def _default_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_PLAN_PATH.read_text(encoding="utf-8"))
    return data


def test_the_default_plan_validates_against_every_programme() -> None:
    plan = load_plan(DEFAULT_PLAN_PATH, SCORING_CODES, PROGRAMMES)
    assert plan.version == "2026.1"
    assert plan.sources  # the documented sources travel with the file
    for programme in PROGRAMMES:
        pregnancy = plan.antenatal(programme)
        assert pregnancy.codes_at("T1") == ("p_prfq",)
        assert pregnancy.codes_at("T2") == ("p_prfq",)
        assert {entry.code for entry in pregnancy.left_out} == {"prfq", "mors_sf", "asq_se2"}
        after = plan.postnatal(programme, 3)
        assert after.codes_at("T1") == ("prfq", "mors_sf", "asq_se2")
        assert plan.postnatal(programme, 30).label == "Baby 12 months or older"
    reasons = {entry.code: entry.reason for entry in plan.antenatal("psychotherapy").left_out}
    assert reasons["mors_sf"].startswith("MORS-SF is asked after the birth")
    assert (plan.postnatal_baseline.from_weeks, plan.postnatal_baseline.to_weeks) == (6, 8)


def test_default_plan_is_cached_and_the_same_plan() -> None:
    assert default_plan() is default_plan()
    assert default_plan().version == "2026.1"


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


P = ["programmes", "psychotherapy"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _set([*P, 0, "measures", 0, "code"], "epds"),
            "plan.yaml: programmes.psychotherapy[0].measures[0].code: 'epds' is not a "
            "questionnaire this portal knows (asq_se2, mors_sf, p_prfq, prfq)",
        ),
        (
            _set([*P, 0, "measures", 0, "reason"], "  "),
            "plan.yaml: programmes.psychotherapy[0].measures[0].reason: must be some words, "
            "not empty",
        ),
        (
            _delete([*P, 0, "measures", 0, "reason"]),
            "plan.yaml: programmes.psychotherapy[0].measures[0].reason: is required",
        ),
        (
            _set([*P, 0, "measures", 0, "at"], ["T3"]),
            "plan.yaml: programmes.psychotherapy[0].measures[0].at: must list T1, T2 or both, "
            "e.g. [T1, T2]",
        ),
        (
            _set([*P, 1, "from_months"], 1),
            "plan.yaml: programmes.psychotherapy[1].from_months: postnatal bands must run "
            "youngest first with no gap or overlap: expected 0, found 1",
        ),
        (
            _set([*P, 2, "from_months"], 10),
            "plan.yaml: programmes.psychotherapy[2].from_months: postnatal bands must run "
            "youngest first with no gap or overlap: expected 12, found 10",
        ),
        (
            _set([*P, 2, "to_months"], 24),
            "plan.yaml: programmes.psychotherapy[2].to_months: the last postnatal band must "
            "have no end",
        ),
        (
            _set([*P, 1, "to_months"], 0),
            "plan.yaml: programmes.psychotherapy[1].to_months: must be after from_months",
        ),
        (
            _set([*P, 1, "stage"], "antenatal"),
            "plan.yaml: programmes.psychotherapy[1].from_months: only postnatal stages have "
            "age bands",
        ),
        (
            _set([*P, 0, "left_out", 0, "code"], "p_prfq"),
            "plan.yaml: programmes.psychotherapy[0].left_out[0].code: 'p_prfq' is named twice "
            "in this stage",
        ),
        (
            _set([*P, 0, "extra"], 1),
            "plan.yaml: programmes.psychotherapy[0].extra: unexpected field (allowed: stage, "
            "label, from_months, to_months, measures, left_out)",
        ),
        (
            _set(["programmes", "yoga"], []),
            "plan.yaml: programmes.yoga: is not a programme (psychotherapy, together_time)",
        ),
        (
            _delete(["programmes", "together_time"]),
            "plan.yaml: programmes.together_time: is required (every programme needs one)",
        ),
        (
            _set(["postnatal_baseline", "to_weeks"], 4),
            "plan.yaml: postnatal_baseline.to_weeks: must not be before from_weeks",
        ),
        (
            _set(["sources"], []),
            "plan.yaml: sources: must list where the plan's choices come from",
        ),
        (
            _set([*P, 0, "measures"], []),
            "plan.yaml: programmes.psychotherapy[0].measures: must list at least one measure",
        ),
    ],
)
def test_a_bad_plan_fails_with_a_clear_message(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = copy.deepcopy(_default_data())
    # Break the anchor so a change to psychotherapy does not also change together_time.
    data["programmes"]["together_time"] = copy.deepcopy(data["programmes"]["together_time"])
    change(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DefinitionError) as caught:
        load_plan(path, SCORING_CODES, PROGRAMMES)
    assert str(caught.value) == message


def test_two_antenatal_stages_are_refused() -> None:
    data = _default_data()
    stages = data["programmes"]["psychotherapy"]
    data["programmes"]["psychotherapy"] = [stages[0], *stages]
    with pytest.raises(DefinitionError, match="needs exactly one antenatal stage, found 2"):
        parse_plan(data, "plan.yaml", SCORING_CODES, PROGRAMMES)


def test_not_yaml_and_not_a_file_are_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("plan: [unclosed")
    with pytest.raises(DefinitionError, match=r"broken.yaml: \(top level\): not valid YAML"):
        load_plan(broken, SCORING_CODES)
    with pytest.raises(DefinitionError, match="cannot read file"):
        load_plan(tmp_path / "missing.yaml", SCORING_CODES)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n")
    with pytest.raises(DefinitionError, match="must be a mapping of fields"):
        load_plan(listed, SCORING_CODES)
