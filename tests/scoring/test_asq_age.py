from datetime import date, timedelta

import pytest

from scoring.asq_age import (
    add_months,
    age_in_months_and_days,
    corrected_age,
    interval_for,
    select_interval,
    weeks_premature_from_gestation,
)
from scoring.definitions import shipped_definition

ASQ = shipped_definition("asq_se2")


def test_prematurity_rules_live_in_the_definition() -> None:
    assert ASQ.raw["prematurity"]["min_weeks"] == 3
    assert ASQ.raw["prematurity"]["until_months"] == 24
    assert ASQ.raw["prematurity"]["term_weeks"] == 39


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        (date(2025, 3, 10), date(2025, 3, 10), (0, 0)),
        (date(2025, 3, 10), date(2025, 4, 9), (0, 30)),
        (date(2025, 3, 10), date(2025, 4, 10), (1, 0)),
        (date(2025, 3, 10), date(2026, 3, 9), (11, 27)),
        (date(2025, 3, 10), date(2026, 3, 10), (12, 0)),
        # Month ends: the clamped last day counts as the whole month.
        (date(2025, 1, 31), date(2025, 2, 27), (0, 27)),
        (date(2025, 1, 31), date(2025, 2, 28), (1, 0)),
        (date(2025, 1, 31), date(2025, 3, 1), (1, 1)),
        (date(2025, 1, 31), date(2025, 3, 30), (1, 30)),
        (date(2025, 1, 31), date(2025, 3, 31), (2, 0)),
        (date(2025, 1, 31), date(2025, 4, 30), (3, 0)),
        (date(2024, 1, 31), date(2024, 2, 29), (1, 0)),  # leap year
        (date(2024, 2, 29), date(2025, 2, 28), (12, 0)),
        (date(2025, 12, 31), date(2026, 2, 28), (2, 0)),
    ],
)
def test_age_in_months_and_days(dob: date, on: date, expected: tuple[int, int]) -> None:
    assert age_in_months_and_days(dob, on) == expected


def test_age_never_skips_or_repeats_across_a_year_of_month_ends() -> None:
    dob = date(2024, 1, 31)
    previous = age_in_months_and_days(dob, dob)
    for offset in range(1, 800):
        age = age_in_months_and_days(dob, dob + timedelta(days=offset))
        assert age > previous
        assert 0 <= age[1] <= 30
        previous = age


def test_add_months_clamps() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_age_before_birth_raises() -> None:
    with pytest.raises(ValueError):
        age_in_months_and_days(date(2025, 5, 1), date(2025, 4, 30))


def test_window_edges() -> None:
    dob = date(2025, 1, 15)
    # Demo windows (unverified): 2-month window ends at 2m30d, 6-month starts at 3m0d.
    assert select_interval(dob, date(2025, 4, 14)).age == (2, 30)
    assert interval_for(dob, date(2025, 4, 14)) == 2
    assert select_interval(dob, date(2025, 4, 15)).age == (3, 0)
    assert interval_for(dob, date(2025, 4, 15)) == 6
    # First day of the first window.
    assert interval_for(dob, date(2025, 2, 15)) == 2
    # Last day of the 6-month window and first of the 12-month one.
    assert interval_for(dob, date(2025, 10, 14)) == 6
    assert interval_for(dob, date(2025, 10, 15)) == 12


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 1, 15), 12),
        (date(2026, 10, 15), 24),
        (date(2027, 4, 15), 30),
        (date(2027, 10, 15), 36),
        (date(2028, 7, 15), 48),
        (date(2029, 7, 15), 60),
        (date(2031, 1, 15), 60),  # 72m0d: last day of the 60-month window
    ],
)
def test_each_interval_reachable(on: date, expected: int) -> None:
    assert interval_for(date(2025, 1, 15), on) == expected


def test_too_young_is_outside_every_window() -> None:
    choice = select_interval(date(2025, 1, 1), date(2025, 1, 21))
    assert choice.interval is None
    assert choice.age == (0, 20)
    assert choice.reason == "Baby's age (0 months 20 days) is outside every ASQ:SE-2 age window"


def test_too_old_is_outside_every_window() -> None:
    choice = select_interval(date(2020, 1, 1), date(2026, 1, 2))
    assert choice.interval is None
    assert choice.reason is not None and "outside every" in choice.reason


def test_unborn_baby() -> None:
    choice = select_interval(date(2025, 6, 1), date(2025, 5, 1))
    assert choice.interval is None
    assert choice.reason == "Baby is not born yet"
    assert interval_for(date(2025, 6, 1), date(2025, 5, 1)) is None


def test_no_correction_under_three_weeks() -> None:
    dob, on = date(2025, 1, 1), date(2025, 4, 5)  # 3m4d
    assert corrected_age(dob, on, 2) == (3, 4)
    assert select_interval(dob, on, 2).corrected is False
    assert interval_for(dob, on, 2) == 6


def test_correction_at_three_weeks() -> None:
    dob, on = date(2025, 1, 1), date(2025, 4, 5)
    # Corrected from dob + 21 days = Jan 22 -> 2m14d.
    assert corrected_age(dob, on, 3) == (2, 14)
    choice = select_interval(dob, on, 3)
    assert choice.corrected is True
    assert choice.age == (2, 14)
    assert choice.chronological_age == (3, 4)
    assert choice.interval == 2


def test_correction_at_23_months_but_not_24() -> None:
    dob = date(2023, 1, 10)
    at_23 = date(2024, 12, 20)  # 23m10d chronological
    assert select_interval(dob, at_23, 6).corrected is True
    assert corrected_age(dob, at_23, 6) == age_in_months_and_days(dob + timedelta(weeks=6), at_23)
    at_24 = date(2025, 1, 10)  # 24m0d chronological
    choice = select_interval(dob, at_24, 6)
    assert choice.corrected is False
    assert choice.age == (24, 0)
    assert corrected_age(dob, at_24, 6) == (24, 0)


def test_corrected_age_before_due_date() -> None:
    choice = select_interval(date(2025, 1, 1), date(2025, 1, 20), 8)
    assert choice.interval is None
    assert choice.corrected is True
    assert choice.reason is not None and "due date" in choice.reason
    with pytest.raises(ValueError):
        corrected_age(date(2025, 1, 1), date(2025, 1, 20), 8)


@pytest.mark.parametrize(
    ("weeks", "days", "expected"),
    [
        (39, 0, 0),
        (40, 2, 0),
        (42, 0, 0),
        (36, 0, 3),
        (36, 3, 3),
        (36, 4, 2),
        (35, 6, 3),
        (28, 0, 11),
    ],
)
def test_weeks_premature_from_gestation(weeks: int, days: int, expected: int) -> None:
    assert weeks_premature_from_gestation(weeks, days) == expected


@pytest.mark.parametrize(("weeks", "days"), [(-1, 0), (30, 7), (30, -1)])
def test_bad_gestation(weeks: int, days: int) -> None:
    with pytest.raises(ValueError):
        weeks_premature_from_gestation(weeks, days)
