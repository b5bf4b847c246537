"""Child's age and the ASQ:SE-2 interval to use. Ages are whole calendar months plus leftover
days, as parents and the printed forms count them; the windows and prematurity rule come from
the ASQ:SE-2 definition file."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from scoring.definitions import Definition, Prematurity, shipped_definition

ASQ_CODE = "asq_se2"
DAYS_PER_WEEK = 7


@dataclass(frozen=True, slots=True)
class IntervalChoice:
    interval: int | None
    age: tuple[int, int] | None
    corrected: bool
    reason: str | None
    chronological_age: tuple[int, int] | None = None


def _definition(definition: Definition | None) -> Definition:
    return definition if definition is not None else shipped_definition(ASQ_CODE)


def _prematurity(definition: Definition | None) -> Prematurity:
    rules = _definition(definition).prematurity
    if rules is None:
        raise ValueError("this definition has no prematurity rules")
    return rules


def add_months(start: date, months: int) -> date:
    """Same day `months` later; a day the month lacks becomes its last day (Jan 31 + 1 = Feb 28)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last_day))


def age_in_months_and_days(dob: date, on: date) -> tuple[int, int]:
    if on < dob:
        raise ValueError("the date is before the date of birth")
    months = (on.year - dob.year) * 12 + on.month - dob.month
    # The clamped month-end counts as a whole month (born Jan 31, on Feb 28 = 1 month 0 days),
    # which keeps ages increasing one day at a time with no gaps.
    if add_months(dob, months) > on:
        months -= 1
    return months, (on - add_months(dob, months)).days


def correction_applies(
    dob: date, on: date, weeks_premature: int, definition: Definition | None = None
) -> bool:
    rules = _prematurity(definition)
    if weeks_premature < rules.min_weeks:
        return False
    return age_in_months_and_days(dob, on)[0] < rules.until_months


def corrected_age(
    dob: date, on: date, weeks_premature: int, definition: Definition | None = None
) -> tuple[int, int]:
    """Age used for ASQ:SE-2: corrected (from the due date) when the prematurity rule applies.
    Raises ValueError when the corrected age would fall before the due date."""
    if not correction_applies(dob, on, weeks_premature, definition):
        return age_in_months_and_days(dob, on)
    return age_in_months_and_days(dob + timedelta(days=DAYS_PER_WEEK * weeks_premature), on)


def weeks_premature_from_gestation(
    weeks: int, days: int, definition: Definition | None = None
) -> int:
    if weeks < 0 or not 0 <= days < DAYS_PER_WEEK:
        raise ValueError("gestation must be whole weeks plus 0 to 6 days")
    rules = _prematurity(definition)
    rounded = weeks + (1 if days >= rules.round_up_from_days else 0)
    return max(0, rules.term_weeks - rounded)


def _describe(age: tuple[int, int]) -> str:
    months, days = age
    return f"{months} month{'' if months == 1 else 's'} {days} day{'' if days == 1 else 's'}"


def select_interval(
    dob: date, on: date, weeks_premature: int = 0, definition: Definition | None = None
) -> IntervalChoice:
    asq = _definition(definition)
    if weeks_premature < 0:
        raise ValueError("weeks_premature cannot be negative")
    if on < dob:
        return IntervalChoice(None, None, False, "Baby is not born yet")
    chronological = age_in_months_and_days(dob, on)
    corrected = correction_applies(dob, on, weeks_premature, asq)
    if corrected:
        due = dob + timedelta(days=DAYS_PER_WEEK * weeks_premature)
        if on < due:
            return IntervalChoice(
                None,
                None,
                True,
                "Baby has not reached their due date yet, so there is no corrected age",
                chronological,
            )
        age = age_in_months_and_days(due, on)
    else:
        age = chronological
    for interval in asq.intervals:
        if interval.age_window.contains(age):
            return IntervalChoice(interval.months, age, corrected, None, chronological)
    kind = "corrected age" if corrected else "age"
    return IntervalChoice(
        None,
        age,
        corrected,
        f"Baby's {kind} ({_describe(age)}) is outside every {asq.short_name} age window",
        chronological,
    )


def interval_for(
    dob: date, on: date, weeks_premature: int = 0, definition: Definition | None = None
) -> int | None:
    return select_interval(dob, on, weeks_premature, definition).interval
