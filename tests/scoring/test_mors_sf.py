import pytest

import scoring
from scoring.flags import Flag, FlagKind

WARMTH = [1, 3, 4, 6, 8, 11, 13]
INVASIVENESS = [2, 5, 7, 9, 10, 12, 14]


def answers(warmth: int, invasiveness: int) -> dict[str, int | None]:
    data: dict[str, int | None] = {str(n): warmth for n in WARMTH}
    data.update({str(n): invasiveness for n in INVASIVENESS})
    return data


def test_worked_example() -> None:
    result = scoring.score("mors_sf", answers(5, 0))
    assert result.subscales == {"warmth": 35.0, "invasiveness": 0.0}
    assert result.prorated is False
    assert result.missing == ()
    assert result.scoring_version == "prorated_sum/1"


def test_all_minimum_and_maximum() -> None:
    assert scoring.score("mors_sf", answers(0, 0)).subscales == {"warmth": 0, "invasiveness": 0}
    assert scoring.score("mors_sf", answers(5, 5)).subscales == {"warmth": 35, "invasiveness": 35}


def test_mixed_sum() -> None:
    data = answers(0, 0) | {"1": 1, "3": 2, "4": 3, "6": 4, "8": 5, "11": 0, "13": 1}
    assert scoring.score("mors_sf", data).subscales["warmth"] == 16


def test_one_missing_prorated() -> None:
    data = answers(4, 1) | {"3": None}
    result = scoring.score("mors_sf", data)
    assert result.subscales["warmth"] == pytest.approx(24 / 6 * 7)  # = 28
    assert result.subscales["invasiveness"] == 7
    assert result.prorated is True
    assert result.missing == (3,)
    assert Flag(FlagKind.PRORATED, subscale="warmth") in result.flags


def test_two_missing_prorated_exact_value() -> None:
    data = answers(0, 0) | {"2": 5, "5": 4, "7": 3, "9": 2, "10": 1, "12": None, "14": None}
    result = scoring.score("mors_sf", data)
    assert result.subscales["invasiveness"] == pytest.approx(15 / 5 * 7)  # = 21
    assert result.subscales["warmth"] == 0
    assert result.prorated is True
    assert result.missing == (12, 14)


def test_two_missing_non_integer_proration() -> None:
    data = answers(0, 0) | {"1": 1, "3": 1, "4": 1, "6": 1, "8": 0, "11": None, "13": None}
    assert scoring.score("mors_sf", data).subscales["warmth"] == pytest.approx(4 / 5 * 7)


def test_three_missing_not_scored() -> None:
    data = answers(3, 2) | {"1": None, "3": None, "4": None}
    result = scoring.score("mors_sf", data)
    assert result.subscales["warmth"] is None
    assert result.subscales["invasiveness"] == 14
    assert result.prorated is False
    assert result.missing == (1, 3, 4)
    assert result.not_scored_reason is not None and "Warmth" in result.not_scored_reason


def test_invalid_value() -> None:
    with pytest.raises(scoring.ScoringError) as caught:
        scoring.score("mors_sf", answers(3, 3) | {"14": 6})
    assert caught.value.item == "14"
    assert "Item 14" in str(caught.value)


def test_demo_wording_flag() -> None:
    assert Flag(FlagKind.DEMO_WORDING) in scoring.score("mors_sf", answers(3, 3)).flags
