"""P-PRFQ (Pajulo et al. 2015): 14 items in three factors. The shipped definition has the
structure with demo wording, and its scoring keys are unverified, so scoring refuses rather than
guesses (instruments.md). A service that imports a verified definition gets the factor scores
its keys give; the numbers below are worked by hand from such a (test-only) definition."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import scoring
from scoring import DefinitionError, FlagKind
from scoring.definitions import parse_definition, shipped_definition, shipped_paths


def _shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(shipped_paths()["p_prfq"].read_text(encoding="utf-8"))
    return data


def test_structure_is_fourteen_items_in_the_three_published_factors() -> None:
    definition = shipped_definition("p_prfq")
    assert definition.short_name == "P-PRFQ"
    assert len(definition.items) == 14
    assert [s.name for s in definition.subscales] == [
        "Opacity of mental states",
        "Reflecting on the fetus-child",
        "The dynamic nature of mental states",
    ]
    # Licensed wording is never shipped: every item is demo text, and the licence says so.
    assert all(item.text.startswith("Demo item ") for item in definition.items)
    assert definition.licence.wording_is_demo and not definition.licence.may_ship_wording
    assert definition.licence.verify_against_licensed_materials


def test_every_unverified_number_is_flagged_in_the_definition() -> None:
    data = _shipped_data()
    assert data["scoring"]["verify_against_licensed_materials"] is True
    unknown = " ".join(data["scoring"]["unverified"])
    for what in ("response scale", "which item belongs to which factor", "reverse", "mean or"):
        assert what in unknown
    assert data["options_confidence"] == "unverified"
    assert all(item["confidence"] == "unverified" for item in data["items"])
    assert all(s["confidence"] == "unverified" for s in data["subscales"])
    assert not any(item.get("reverse") for item in data["items"])  # none guessed


def test_shipped_definition_refuses_to_score_and_says_why() -> None:
    result = scoring.score("p_prfq", {str(n): 5 for n in range(1, 15)})
    assert result.subscales == {"OMS": None, "RFC": None, "DNMS": None}
    assert result.total is None
    assert result.missing == ()
    assert result.not_scored_reason is not None
    assert result.not_scored_reason.startswith(
        "Not scored: the P-PRFQ scoring rules in this definition are not verified ("
    )
    assert "which item belongs to which factor" in result.not_scored_reason
    assert "Import a verified definition" in result.not_scored_reason
    kinds = [(flag.kind, flag.subscale) for flag in result.flags]
    assert (FlagKind.DEMO_WORDING, None) in kinds
    assert {s for k, s in kinds if k == FlagKind.NOT_SCORED} == {"OMS", "RFC", "DNMS"}


def test_refusing_still_checks_the_answers() -> None:
    with pytest.raises(scoring.ScoringError, match="Item 3: 9 is not an allowed answer"):
        scoring.score("p_prfq", {"3": 9})
    with pytest.raises(scoring.ScoringError, match="Item 15 is not a question in P-PRFQ"):
        scoring.score("p_prfq", {"15": 4})


def _verified(**changes: Any) -> scoring.Definition:
    """A test-only definition as a service would import it after checking the licensed
    materials: marker off, the unverified list emptied, keys filled in. These keys are test
    fixtures, not the published ones."""
    data = copy.deepcopy(_shipped_data())
    data["version"] = "2027.1-test-verified"
    data["scoring"]["verify_against_licensed_materials"] = False
    data["scoring"].pop("unverified")
    for number in (2, 9):  # fixture reversals
        data["items"][number - 1]["reverse"] = True
    data.update(changes)
    return parse_definition(data, "p_prfq.verified.yaml")


def test_a_verified_definition_scores_factor_means_worked_by_hand() -> None:
    definition = _verified()
    given = [7, 2, 5, 4, 6, 1, 3, 5, 6, 7, 2, 2, 3, 4]
    answers = {str(n): v for n, v in enumerate(given, start=1)}
    result = scoring.score("p_prfq", answers, definition=definition)
    # OMS = items 1-5 with item 2 reversed (8 - 2 = 6): (7 + 6 + 5 + 4 + 6) / 5 = 28 / 5 = 5.6
    # RFC = items 6-10 with item 9 reversed (8 - 6 = 2): (1 + 3 + 5 + 2 + 7) / 5 = 18 / 5 = 3.6
    # DNMS = items 11-14: (2 + 2 + 3 + 4) / 4 = 11 / 4 = 2.75
    assert result.subscales == pytest.approx({"OMS": 5.6, "RFC": 3.6, "DNMS": 2.75})
    assert result.not_scored_reason is None
    assert [f.kind for f in result.flags] == [FlagKind.DEMO_WORDING]


def test_a_verified_definition_with_a_missing_item_leaves_that_factor_unscored() -> None:
    answers = {str(n): 4 for n in range(1, 15) if n != 12}
    result = scoring.score("p_prfq", answers, definition=_verified())
    # All 4s: a reversed 4 is 8 - 4 = 4 too.
    assert result.subscales == {"OMS": 4.0, "RFC": 4.0, "DNMS": None}
    assert result.missing == (12,)
    assert result.not_scored_reason == (
        "Not scored: The dynamic nature of mental states (1 question was not answered)"
    )


def test_marker_on_with_nothing_listed_is_refused(tmp_path: Path) -> None:
    data = _shipped_data()
    data["scoring"]["unverified"] = []
    with pytest.raises(DefinitionError, match=r"scoring.unverified: must list what is not"):
        parse_definition(data, "p.yaml")
    data = _shipped_data()
    data["scoring"]["verify_against_licensed_materials"] = False
    with pytest.raises(
        DefinitionError, match=r"scoring.verify_against_licensed_materials: must be true"
    ):
        parse_definition(data, "p.yaml")
