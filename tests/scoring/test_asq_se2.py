from typing import Any

import pytest

import scoring
from scoring.definitions import Definition, Interval, shipped_definition
from scoring.flags import Flag, FlagKind
from scoring.rules.asq_points import ZoneRule, zone_for

ASQ = shipped_definition("asq_se2")
MONTHS = [interval.months for interval in ASQ.intervals]


def option_for(interval: Interval, number: int, points: int) -> str:
    table = ASQ.scoring.params["points"]
    key = interval.items[number - 1].key
    assert key is not None
    for option, letter in zip(ASQ.options, key, strict=True):
        if table[letter] == points:
            return str(option.value)
    raise AssertionError("no option gives those points")


def answers_for_total(interval: Interval, total: int, skip: int = 0) -> dict[str, str]:
    """All items answered (except the last `skip`) adding up to `total` points."""
    assert total % 5 == 0
    remaining = total
    data = {}
    for item in interval.items[: interval.item_count - skip]:
        points = 10 if remaining >= 10 else remaining
        remaining -= points
        data[str(item.number)] = option_for(interval, item.number, points)
    assert remaining == 0, "total too large for the items"
    return data


def test_structure_counts() -> None:
    assert MONTHS == [2, 6, 12, 18, 24, 30, 36, 48, 60]
    assert [len(i.items) for i in ASQ.intervals] == [16, 23, 27, 31, 31, 33, 35, 36, 36]


def test_competence_and_problem_keys() -> None:
    interval = ASQ.interval(2)
    assert interval is not None
    result = scoring.score("asq_se2", {"1": "rarely_never", "2": "rarely_never"}, interval=2)
    # Item 1 has key ZVX (competence: rarely = X = 10), item 2 XVZ (problem: rarely = Z = 0).
    assert interval.items[0].key == "ZVX" and interval.items[1].key == "XVZ"
    assert result.missing == tuple(range(3, 17))
    assert result.total is None  # 14 missing


def test_all_zero_and_all_maximum() -> None:
    interval = ASQ.interval(12)
    assert interval is not None
    zero = answers_for_total(interval, 0)
    result = scoring.score("asq_se2", zero, interval=12)
    assert result.total == 0
    assert result.zone == "below"
    full = answers_for_total(interval, 270)
    result = scoring.score("asq_se2", full, interval=12, concerns=set(range(1, 28)))
    assert result.total == 270 + 27 * 5
    assert result.zone == "above"


def test_concern_adds_five() -> None:
    interval = ASQ.interval(6)
    assert interval is not None
    data = answers_for_total(interval, 20)
    assert scoring.score("asq_se2", data, interval=6).total == 20
    assert scoring.score("asq_se2", data, interval=6, concerns={3}).total == 25
    assert scoring.score("asq_se2", data, interval=6, concerns={3, "4"}).total == 30
    assert scoring.score("asq_se2", data, interval=6, concerns=["3", 3]).total == 25


def test_concern_on_unanswered_item_still_counts_and_is_flagged() -> None:
    interval = ASQ.interval(6)
    assert interval is not None
    data = answers_for_total(interval, 20, skip=1)
    result = scoring.score("asq_se2", data, interval=6, concerns={23})
    assert result.missing == (23,)
    assert result.total == 25
    assert Flag(FlagKind.CONCERN_WITHOUT_ANSWER, item="23") in result.flags


def test_two_missing_scored_as_usual() -> None:
    interval = ASQ.interval(2)
    assert interval is not None
    result = scoring.score("asq_se2", answers_for_total(interval, 30, skip=2), interval=2)
    assert result.total == 30
    assert result.missing == (15, 16)
    assert result.adjusted is False
    assert result.zone == "monitoring"


def test_three_missing_near_cutoff_adjusted() -> None:
    interval = ASQ.interval(2)  # 16 items, cut-off 35 (demo, unverified)
    assert interval is not None
    result = scoring.score("asq_se2", answers_for_total(interval, 30, skip=3), interval=2)
    assert result.adjusted is True
    assert result.total == pytest.approx(30 / 13 * 16)  # 36.92...
    assert result.zone == "above"
    assert result.missing == (14, 15, 16)
    assert Flag(FlagKind.ADJUSTED) in result.flags


def test_three_missing_exactly_five_above_cutoff_adjusted() -> None:
    interval = ASQ.interval(2)
    assert interval is not None
    result = scoring.score("asq_se2", answers_for_total(interval, 40, skip=3), interval=2)
    assert result.adjusted is True
    assert result.total == pytest.approx(40 / 13 * 16)


def test_three_missing_far_from_cutoff_scored_as_usual() -> None:
    interval = ASQ.interval(2)
    assert interval is not None
    result = scoring.score("asq_se2", answers_for_total(interval, 20, skip=3), interval=2)
    assert result.adjusted is False
    assert result.total == 20
    assert result.zone == "below"


def test_four_missing_not_scored() -> None:
    interval = ASQ.interval(2)
    assert interval is not None
    result = scoring.score("asq_se2", answers_for_total(interval, 30, skip=4), interval=2)
    assert result.total is None
    assert result.zone is None
    assert result.not_scored_reason == "More than 3 questions were not answered"
    assert result.missing == (13, 14, 15, 16)


@pytest.mark.parametrize("months", MONTHS)
def test_zone_at_monitoring_low_is_monitoring(months: int) -> None:
    interval = ASQ.interval(months)
    assert interval is not None
    low = int(interval.monitoring[0])
    assert scoring.score("asq_se2", answers_for_total(interval, low), interval=months).zone == (
        "monitoring"
    )
    below = answers_for_total(interval, low - 5)
    assert scoring.score("asq_se2", below, interval=months).zone == "below"


@pytest.mark.parametrize("months", MONTHS)
def test_zone_at_cutoff_is_monitoring_and_above_is_above(months: int) -> None:
    interval = ASQ.interval(months)
    assert interval is not None
    cutoff = int(interval.cutoff)
    at = scoring.score("asq_se2", answers_for_total(interval, cutoff), interval=months)
    assert at.zone == "monitoring"
    assert Flag(FlagKind.MONITORING) in at.flags
    over = scoring.score("asq_se2", answers_for_total(interval, cutoff + 5), interval=months)
    assert over.zone == "above"
    assert Flag(FlagKind.ABOVE_CUTOFF) in over.flags


@pytest.mark.parametrize("months", MONTHS)
def test_zone_function_one_point_either_side(months: int) -> None:
    interval = ASQ.interval(months)
    assert interval is not None
    rule = ZoneRule(above_cutoff_inclusive=False, monitoring_low_inclusive=True)
    low, cutoff = interval.monitoring[0], interval.cutoff
    assert zone_for(low - 1, interval, rule) == "below"
    assert zone_for(low, interval, rule) == "monitoring"
    assert zone_for(cutoff, interval, rule) == "monitoring"
    assert zone_for(cutoff + 1, interval, rule) == "above"


def test_zone_inclusivity_comes_from_the_definition() -> None:
    interval = ASQ.interval(2)
    assert interval is not None
    rule = ZoneRule(above_cutoff_inclusive=True, monitoring_low_inclusive=False)
    assert zone_for(interval.cutoff, interval, rule) == "above"
    assert zone_for(interval.monitoring[0], interval, rule) == "below"


def test_overall_yes_flags() -> None:
    overall = {"overall_1": "yes", "overall_2": "no", "overall_3": None, "overall_4": "Her smile"}
    result = scoring.score("asq_se2", {}, interval=24, overall=overall)
    assert Flag(FlagKind.OVERALL_YES, item="overall_1") in result.flags
    assert Flag(FlagKind.OVERALL_YES, item="overall_2") not in result.flags
    assert Flag(FlagKind.OVERALL_YES, item="overall_4") not in result.flags


def test_free_text_yes_never_flags() -> None:
    result = scoring.score("asq_se2", {}, interval=24, overall={"overall_4": "yes"})
    assert Flag(FlagKind.OVERALL_YES, item="overall_4") not in result.flags


@pytest.mark.parametrize(
    ("overall", "item"),
    [({"overall_9": "yes"}, "overall_9"), ({"overall_1": "maybe"}, "overall_1")],
)
def test_bad_overall(overall: dict[str, str], item: str) -> None:
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("asq_se2", {}, interval=24, overall=overall)
    assert caught.value.item == item


@pytest.mark.parametrize("interval", [None, 3, "2", 2.0, True])
def test_bad_or_missing_interval(interval: object) -> None:
    context: dict[str, Any] = {} if interval is None else {"interval": interval}
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("asq_se2", {}, **context)
    assert caught.value.item == "interval"


def test_item_beyond_interval_rejected() -> None:
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("asq_se2", {"17": "sometimes"}, interval=2)
    assert caught.value.item == "17"


@pytest.mark.parametrize("value", ["never", 1, "Sometimes", True])
def test_bad_answer_value(value: object) -> None:
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("asq_se2", {"4": value}, interval=2)
    assert caught.value.item == "4"
    assert "Item 4" in str(caught.value)


@pytest.mark.parametrize("concern", [17, "x", True, 1.0])
def test_bad_concern(concern: object) -> None:
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("asq_se2", {}, interval=2, concerns={concern})
    assert caught.value.item == str(concern)


def test_result_carries_interval_and_flags() -> None:
    result = scoring.score("asq_se2", {}, interval=60)
    assert result.interval == 60
    assert result.subscales == {}
    assert Flag(FlagKind.DEMO_WORDING) in result.flags
    assert Flag(FlagKind.UNVERIFIED_CUTOFFS) in result.flags
    assert result.scoring_version == "asq_points/1"


def test_verified_definition_drops_unverified_flag() -> None:
    raw = dict(ASQ.raw)
    params = dict(raw["scoring"]["params"])
    params["missing"] = dict(params["missing"], verify_against_licensed_materials=False)
    params["zone_rule"] = dict(params["zone_rule"], verify_against_licensed_materials=False)
    raw["scoring"] = {"rule": "asq_points", "params": params}
    raw["intervals"] = [dict(i, verify_against_licensed_materials=False) for i in raw["intervals"]]
    verified: Definition = scoring.definitions.parse_definition(raw, "test")
    result = scoring.score("asq_se2", {}, interval=2, definition=verified)
    assert Flag(FlagKind.UNVERIFIED_CUTOFFS) not in result.flags
