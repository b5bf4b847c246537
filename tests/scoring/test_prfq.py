import pytest

import scoring
from scoring.definitions import shipped_definition
from scoring.flags import Flag, FlagKind

ALL = [str(n) for n in range(1, 19)]
PM = [1, 4, 7, 10, 13, 16]
CMS = [2, 5, 8, 11, 14, 17]
IC = [3, 6, 9, 12, 15, 18]


def answers(value: int = 6, **overrides: int | None) -> dict[str, int | None]:
    data: dict[str, int | None] = {key: value for key in ALL}
    data.update({key.removeprefix("i"): v for key, v in overrides.items()})
    return data


def test_worked_example_all_sixes() -> None:
    result = scoring.score("prfq", answers(6))
    assert result.subscales["PM"] == pytest.approx(6.0)
    assert result.subscales["CMS"] == pytest.approx(16 / 3)
    assert result.subscales["IC"] == pytest.approx(16 / 3)
    assert result.total is None
    assert result.zone is None
    assert result.missing == ()
    assert not result.prorated and not result.adjusted
    assert result.not_scored_reason is None
    assert result.scoring_version == "likert_mean/1"
    assert result.definition_version == shipped_definition("prfq").version


def test_all_minimum() -> None:
    result = scoring.score("prfq", answers(1))
    # Items 11 and 18 reverse to 7: (5 * 1 + 7) / 6 = 2.
    assert result.subscales == {"PM": 1.0, "CMS": 2.0, "IC": 2.0}


def test_all_maximum() -> None:
    result = scoring.score("prfq", answers(7))
    assert result.subscales == {"PM": 7.0, "CMS": 6.0, "IC": 6.0}


def test_reversal_item_11_answered_1_counts_7() -> None:
    result = scoring.score("prfq", answers(4, i11=1))
    assert result.subscales["CMS"] == pytest.approx((5 * 4 + 7) / 6)
    assert result.subscales["PM"] == 4.0


def test_reversal_item_18() -> None:
    result = scoring.score("prfq", answers(4, i18=7))
    assert result.subscales["IC"] == pytest.approx((5 * 4 + 1) / 6)


def test_subscale_membership() -> None:
    for number in PM:
        result = scoring.score("prfq", answers(4, **{f"i{number}": 7}))
        assert result.subscales == {"PM": pytest.approx(4.5), "CMS": 4.0, "IC": 4.0}


def test_one_missing_only_that_subscale_unscored() -> None:
    result = scoring.score("prfq", answers(6, i5=None))
    assert result.subscales["CMS"] is None
    assert result.subscales["PM"] == 6.0
    assert result.subscales["IC"] == pytest.approx(16 / 3)
    assert result.missing == (5,)
    assert result.not_scored_reason is not None
    assert "Certainty about Mental States" in result.not_scored_reason
    assert Flag(FlagKind.NOT_SCORED, subscale="CMS") in result.flags


def test_absent_and_none_are_both_missing() -> None:
    data = answers(3)
    del data["1"]
    data["18"] = None
    result = scoring.score("prfq", data)
    assert result.missing == (1, 18)
    assert result.subscales == {"PM": None, "CMS": pytest.approx((5 * 3 + 5) / 6), "IC": None}


def test_empty_answers() -> None:
    result = scoring.score("prfq", {})
    assert result.missing == tuple(range(1, 19))
    assert result.subscales == {"PM": None, "CMS": None, "IC": None}


@pytest.mark.parametrize("bad", [0, 8, -1, True, False, 6.0, "6", None.__class__])
def test_invalid_value_names_item(bad: object) -> None:
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("prfq", answers(6, i7=None) | {"7": bad})
    assert caught.value.item == "7"
    assert "Item 7" in str(caught.value)


@pytest.mark.parametrize("key", ["19", "0", "x", "01"])
def test_unknown_item_names_item(key: str) -> None:
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("prfq", answers(6) | {key: 6})
    assert caught.value.item == key
    assert key in str(caught.value)


def test_integer_keys_rejected() -> None:
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("prfq", {1: 6})  # type: ignore[dict-item]  # int keys, on purpose
    assert caught.value.item == "1"


def test_scoring_error_is_value_error() -> None:
    assert issubclass(scoring.ScoringError, ValueError)
