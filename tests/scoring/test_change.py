import copy
import math

import pytest

import scoring
from scoring.change import compare, compare_asq, reliable_change_index
from scoring.definitions import parse_definition, shipped_definition


def test_higher_is_better() -> None:
    change = compare("mors_sf", "warmth", 20, 26)
    assert change.difference == 6
    assert change.better == "higher"
    assert change.verdict == "better"
    assert change.rci is None and change.reliable is None
    assert change.rci_note == "no reliable-change threshold configured"


def test_lower_is_better() -> None:
    assert compare("mors_sf", "invasiveness", 20, 26).verdict == "worse"
    assert compare("mors_sf", "invasiveness", 20, 12).verdict == "better"
    assert compare("prfq", "PM", 3.0, 2.5).verdict == "better"
    assert compare("prfq", "IC", 3.0, 2.5).verdict == "worse"


def test_no_change() -> None:
    change = compare("prfq", "IC", 4.5, 4.5)
    assert change.difference == 0
    assert change.verdict == "no change"


def test_missing_score() -> None:
    change = compare("prfq", "IC", None, 4.5)
    assert change.difference is None and change.verdict is None


@pytest.mark.parametrize(
    ("t1", "t2", "verdict"),
    [
        (6.5, 5.0, "better"),  # towards the middle (4) from above
        (1.5, 3.0, "better"),  # towards the middle from below
        (4.0, 6.0, "worse"),  # away from the middle
        (3.0, 5.0, "no change"),  # same distance either side
        (5.0, 2.5, "worse"),
    ],
)
def test_cms_middle_is_better(t1: float, t2: float, verdict: str) -> None:
    change = compare("prfq", "CMS", t1, t2)
    assert change.better == "middle"
    assert change.verdict == verdict


def _with_rci(sd: float, reliability: float) -> scoring.Definition:
    raw = copy.deepcopy(dict(shipped_definition("mors_sf").raw))
    raw["subscales"][0]["sd"] = sd
    raw["subscales"][0]["reliability"] = reliability
    return parse_definition(raw, "test-rci.yaml")


def test_rci_configured() -> None:
    definition = _with_rci(sd=5.0, reliability=0.8)
    change = compare("mors_sf", "warmth", 20, 26, definition=definition)
    expected = 6 / (5.0 * math.sqrt(2) * math.sqrt(0.2))  # 1.897
    assert change.rci == pytest.approx(expected)
    assert change.reliable is False
    assert change.rci_note is None
    big = compare("mors_sf", "warmth", 20, 27, definition=definition)
    assert big.rci == pytest.approx(7 / (5.0 * math.sqrt(2) * math.sqrt(0.2)))  # 2.21
    assert big.reliable is True
    worse = compare("mors_sf", "warmth", 27, 20, definition=definition)
    assert worse.reliable is True and worse.verdict == "worse"


def test_rci_formula() -> None:
    assert reliable_change_index(10, 10, 0.5) == pytest.approx(
        10 / (10 * math.sqrt(2) * math.sqrt(0.5))
    )


def test_unknown_subscale_and_code() -> None:
    with pytest.raises(scoring.ScoringError):
        compare("prfq", "warmth", 1, 2)
    with pytest.raises(scoring.ScoringError):
        compare("nope", "x", 1, 2)


def _asq(total: int, months: int) -> scoring.Score:
    zone_interval = shipped_definition("asq_se2").interval(months)
    assert zone_interval is not None
    zone = "above" if total > zone_interval.cutoff else "below"
    return scoring.Score(
        "asq_se2", {}, total, zone, (), False, False, (), months, None, "v", "asq_points/1"
    )


def test_asq_crossings() -> None:
    down = compare_asq(_asq(60, 12), _asq(30, 12))
    assert down.crossing == "crossed below cut-off"
    assert down.verdict == "better"
    assert down.better == "lower"
    assert down.different_intervals is False
    up = compare_asq(_asq(30, 12), _asq(70, 18))
    assert up.crossing == "crossed above cut-off"
    assert up.verdict == "worse"
    assert up.different_intervals is True
    assert compare_asq(_asq(10, 12), _asq(20, 12)).crossing is None


def test_asq_compare_with_real_scores() -> None:
    t1 = scoring.score("asq_se2", {}, interval=12)  # not scored
    t2 = scoring.score("asq_se2", {str(n): "sometimes" for n in range(1, 28)}, interval=12)
    change = compare_asq(t1, t2)
    assert change.difference is None
    assert change.crossing is None
