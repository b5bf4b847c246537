import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import scoring
from scoring.definitions import (
    SHIPPED_DIR,
    load_definition,
    parse_definition,
    shipped_definition,
    shipped_paths,
)

PRFQ_WORDING = [
    "The only time I'm certain my child loves me is when he or she is smiling at me.",
    "I always know what my child wants.",
    "I like to think about the reasons behind the way my child behaves and feels.",
    "My child cries around strangers to embarrass me.",
    "I can completely read my child's mind.",
    "I wonder a lot about what my child is thinking and feeling.",
    "I find it hard to actively participate in make believe play with my child.",
    "I can always predict what my child will do.",
    "I am often curious to find out how my child feels.",
    "My child sometimes gets sick to keep me from doing what I want to do.",
    "I can sometimes misunderstand the reactions of my child.",
    "I try to see situations through the eyes of my child.",
    "When my child is fussy he or she does that just to annoy me.",
    "I always know why I do what I do to my child.",
    "I try to understand the reasons why my child misbehaves.",
    "Often, my child's behavior is too confusing to bother figuring out.",
    "I always know why my child acts the way he or she does.",
    "I believe there is no point in trying to guess what my child feels.",
]


def raw(code: str) -> dict[str, Any]:
    return copy.deepcopy(dict(shipped_definition(code).raw))


def error_for(data: dict[str, Any], source: str = "broken.yaml") -> scoring.DefinitionError:
    with pytest.raises(scoring.DefinitionError) as caught:
        parse_definition(data, source)
    return caught.value


@pytest.mark.parametrize("code", scoring.SCORING_CODES)
def test_shipped_definitions_validate(code: str) -> None:
    path = shipped_paths()[code]
    assert path.parent == SHIPPED_DIR
    assert path.is_file()
    definition = load_definition(path)
    assert definition.code == code
    assert definition.source == str(path)
    assert definition.raw == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_shipped_paths() -> None:
    assert set(shipped_paths()) == set(scoring.SCORING_CODES)
    assert shipped_paths()["asq_se2"].name == "asq_se2.demo.yaml"
    assert Path(scoring.__file__).resolve().parent / "instruments" == SHIPPED_DIR


def test_shipped_definition_is_cached() -> None:
    assert shipped_definition("prfq") is shipped_definition("prfq")


def test_prfq_wording_exact() -> None:
    definition = shipped_definition("prfq")
    assert [item.text for item in definition.items] == PRFQ_WORDING
    assert [item.number for item in definition.items if item.reverse] == [11, 18]
    assert definition.scoring.params["reverse_sum"] == 8
    assert [o.label for o in definition.options] == [
        "1 – Strongly disagree",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7 – Strongly agree",
    ]
    assert definition.licence.wording_is_demo is False


def test_mors_demo_wording_only() -> None:
    definition = shipped_definition("mors_sf")
    for item in definition.items:
        assert item.text == f"Demo item {item.number} – replace with the official MORS-SF wording"
    assert definition.licence.wording_is_demo and definition.licence.demo
    assert definition.licence.may_ship_wording is False
    assert [o.label for o in definition.options] == [
        "Never", "Rarely", "Sometimes", "Quite often", "Very often", "Always"
    ]  # fmt: skip
    assert definition.raw["options_confidence"] == "medium"
    assert {i.number for i in definition.items if i.confidence == "medium"} == {13, 14}
    assert definition.scoring.params["max_missing"] == 2


def test_asq_demo_wording_and_invented_keys_only() -> None:
    definition = shipped_definition("asq_se2")
    assert definition.code == "asq_se2"
    assert definition.licence.demo is True
    assert definition.licence.wording_is_demo is True
    assert definition.licence.may_ship_wording is False
    for interval in definition.intervals:
        for item in interval.items:
            assert item.text == f"Demo item {item.number} (licensed ASQ:SE-2 wording goes here)"
            # Invented keys: a plain alternation, nothing taken from the licensed forms.
            assert item.key == ("ZVX" if item.number % 2 else "XVZ")
        for question in interval.overall:
            number = question.id.removeprefix("overall_")
            assert question.text == (
                f"Demo overall question {number} (licensed ASQ:SE-2 wording goes here)"
            )
        assert any(q.kind == "text" and not q.flag_on_yes for q in interval.overall)
        assert any(q.flag_on_yes for q in interval.overall)


def test_unverified_numbers_carry_the_verify_flag() -> None:
    asq = raw("asq_se2")
    assert asq["licence"]["verify_against_licensed_materials"] is True
    for interval in asq["intervals"]:
        assert interval["verify_against_licensed_materials"] is True
        assert {"age_window", "cutoff", "monitoring"} <= set(interval)
    params = asq["scoring"]["params"]
    assert params["missing"]["verify_against_licensed_materials"] is True
    assert params["zone_rule"]["verify_against_licensed_materials"] is True
    loaf = yaml.safe_load((SHIPPED_DIR / "loaf.yaml").read_text(encoding="utf-8"))
    assert loaf["levels"]["verify_against_licensed_materials"] is True
    assert raw("mors_sf")["licence"]["verify_against_licensed_materials"] is True


def test_unverified_table_values() -> None:
    asq = shipped_definition("asq_se2")
    table = {
        i.months: (i.age_window.start, i.age_window.end, i.monitoring, i.cutoff)
        for i in asq.intervals
    }
    assert table[2] == ((1, 0), (2, 30), (25, 35), 35)
    assert table[36] == ((33, 0), (41, 30), (75, 105), 105)
    assert table[60] == ((54, 0), (72, 0), (70, 95), 95)


def test_no_real_asq_wording_or_keys_in_repository_files() -> None:
    root = SHIPPED_DIR.parent.parent
    for path in [*root.glob("scoring/**/*.py"), *SHIPPED_DIR.glob("*.yaml")]:
        text = path.read_text(encoding="utf-8")
        # Real per-item keys would appear as key lists or letters other than our alternation.
        assert not re.search(r"key:\s*(?!ZVX|XVZ)[ZVX]{3}\b", text), path


# --- broken definitions ---------------------------------------------------------------------


def test_missing_top_level_field() -> None:
    data = raw("prfq")
    del data["version"]
    error = error_for(data)
    assert error.source == "broken.yaml"
    assert error.path == "version"
    assert "required" in error.problem
    assert str(error).startswith("broken.yaml: version:")


def test_missing_nested_field() -> None:
    data = raw("prfq")
    del data["items"][3]["subscale"]
    error = error_for(data)
    assert error.path == "items[3].subscale"
    assert "required" in error.problem


def test_wrong_type() -> None:
    data = raw("prfq")
    data["items"][2]["number"] = "three"
    error = error_for(data)
    assert error.path == "items[2].number"
    assert "integer" in error.problem


def test_wrong_type_in_licence() -> None:
    data = raw("mors_sf")
    data["licence"]["demo"] = "yes"
    error = error_for(data)
    assert error.path == "licence.demo"
    assert "boolean" in error.problem


def test_item_names_missing_subscale() -> None:
    data = raw("prfq")
    data["items"][0]["subscale"] = "XX"
    error = error_for(data)
    assert error.path == "items[0].subscale"
    assert "'XX'" in error.problem


def test_subscale_names_missing_item() -> None:
    data = raw("prfq")
    data["subscales"][0]["items"].append(19)
    error = error_for(data)
    assert error.path == "subscales[0].items[6]"
    assert "item 19 does not exist" in error.problem


def test_subscale_item_lists_inconsistent() -> None:
    data = raw("mors_sf")
    data["subscales"][0]["items"] = [1, 3, 4, 6, 8, 11, 14]
    assert error_for(data).path == "subscales[0].items"


def test_duplicate_item_numbers() -> None:
    data = raw("prfq")
    data["items"][5]["number"] = 5
    error = error_for(data)
    assert error.path == "items[5].number"
    assert "unique" in error.problem


def test_duplicate_option_values() -> None:
    data = raw("mors_sf")
    data["options"][1]["value"] = 0
    assert error_for(data).path == "options[1].value"


def test_reverse_sum_must_fit_scale() -> None:
    data = raw("prfq")
    data["scoring"]["params"]["reverse_sum"] = 7
    assert error_for(data).path == "scoring.params.reverse_sum"


def test_unknown_rule() -> None:
    data = raw("prfq")
    data["scoring"]["rule"] = "magic"
    assert error_for(data).path == "scoring.rule"


def test_sd_without_reliability() -> None:
    data = raw("prfq")
    data["subscales"][1]["sd"] = 1.2
    assert error_for(data).path == "subscales[1].reliability"


def test_asq_interval_item_count() -> None:
    data = raw("asq_se2")
    data["intervals"][1]["items"].pop()
    error = error_for(data)
    assert error.path == "intervals[1].items"
    assert "item_count" in error.problem


def test_asq_bad_key() -> None:
    data = raw("asq_se2")
    data["intervals"][0]["items"][4]["key"] = "ZVQ"
    assert error_for(data).path == "intervals[0].items[4].key"


def test_asq_zones_inconsistent() -> None:
    data = raw("asq_se2")
    data["intervals"][2]["monitoring"] = [55, 50]
    assert error_for(data).path == "intervals[2].monitoring"
    data = raw("asq_se2")
    data["intervals"][2]["monitoring"] = [40, 45]
    assert "cut-off" in error_for(data).problem


def test_asq_overlapping_windows() -> None:
    data = raw("asq_se2")
    data["intervals"][1]["age_window"]["from"] = [2, 30]
    assert error_for(data).path == "intervals[1].age_window.from"


def test_asq_missing_interval_field() -> None:
    data = raw("asq_se2")
    del data["intervals"][4]["cutoff"]
    assert error_for(data).path == "intervals[4].cutoff"


def test_load_definition_names_the_file(tmp_path: Path) -> None:
    data = raw("prfq")
    del data["items"][3]["subscale"]
    path = tmp_path / "imported.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(scoring.DefinitionError) as caught:
        load_definition(path)
    assert str(path) in str(caught.value)
    assert "items[3].subscale" in str(caught.value)


def test_load_definition_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(scoring.DefinitionError, match="bad.yaml"):
        load_definition(path)
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(scoring.DefinitionError, match="mapping"):
        load_definition(path)


def test_imported_definition_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "asq.yaml"
    path.write_text(yaml.safe_dump(raw("asq_se2"), allow_unicode=True), encoding="utf-8")
    definition = load_definition(path)
    answers = {str(n): "sometimes" for n in range(1, 17)}
    assert scoring.score("asq_se2", answers, interval=2, definition=definition).total == 80


def test_documented_example_is_valid() -> None:
    docs = SHIPPED_DIR.parent.parent / "docs" / "instruments.md"
    section = docs.read_text(encoding="utf-8").split("## Complete example", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    definition = parse_definition(yaml.safe_load(block), "docs/instruments.md")
    result = scoring.score("example", {"1": 3, "2": 1, "3": 2}, definition=definition)
    assert result.subscales == {"calm": 3.0, "joy": None}
    change = scoring.change.compare("example", "joy", 2.0, 3.0, definition=definition)
    assert change.reliable is True
