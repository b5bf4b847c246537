import dataclasses
import json
from typing import Any

import pytest

import scoring
from scoring.definitions import parse_definition, shipped_definition
from scoring.rules import Score


def test_exports() -> None:
    assert scoring.SCORING_CODES == ("prfq", "mors_sf", "asq_se2", "p_prfq")
    assert scoring.Score is Score
    assert issubclass(scoring.DefinitionError, ValueError)
    for module in ("asq_age", "change", "definitions", "loaf", "rules", "errors"):
        assert hasattr(scoring, module)


def test_unknown_code() -> None:
    with pytest.raises(scoring.ScoringError, match="bogus"):
        scoring.score("bogus", {})


def test_score_is_frozen_and_serialisable() -> None:
    result = scoring.score("asq_se2", {"1": "sometimes"}, interval=2, concerns={1})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.total = 3  # type: ignore[misc]  # the frozen dataclass must refuse at run time
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {f.name for f in dataclasses.fields(Score)}
    assert Score.from_dict(json.loads(json.dumps(data))) == result


def test_to_dict_prfq() -> None:
    data = scoring.score("prfq", {"1": 2}).to_dict()
    assert data["subscales"] == {"PM": None, "CMS": None, "IC": None}
    assert data["missing"] == list(range(2, 19))
    assert data["total"] is None and data["zone"] is None and data["interval"] is None


def test_definition_override_is_used() -> None:
    raw = dict(shipped_definition("prfq").raw)
    raw["version"] = "imported-9"
    definition = parse_definition(raw, "imported.yaml")
    result = scoring.score("prfq", {}, definition=definition)
    assert result.definition_version == "imported-9"


def test_definition_for_another_code_rejected() -> None:
    with pytest.raises(scoring.ScoringError):
        scoring.score("prfq", {}, definition=shipped_definition("mors_sf"))


def test_shared_context_is_accepted_by_every_rule() -> None:
    context: dict[str, Any] = {"interval": 2, "concerns": set(), "overall": {}}
    for code in scoring.SCORING_CODES:
        assert scoring.score(code, {}, **context).code == code


def test_misspelt_context_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="intervals"):
        scoring.score("prfq", {}, intervals=2)


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(scoring.ScoringError):
        scoring.score("prfq", [1, 2, 3])  # type: ignore[arg-type]  # a list, on purpose


def test_errors_pickle() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(scoring.ScoringError("Item 3: bad", item="3")))
    assert error.item == "3" and str(error) == "Item 3: bad"
    definition_error = pickle.loads(pickle.dumps(scoring.DefinitionError("f.yaml", "a.b", "bad")))
    assert definition_error.path == "a.b"
