"""The window of dates a baby's date of birth or due date may fall in, for every form that asks
for one (staff registering a family, a parent joining a group): wide enough for every family a
parent–infant service sees (pregnancy to the child's second birthday, with room to spare), narrow
enough to catch a mistyped year."""

from __future__ import annotations

from datetime import date, timedelta

OLDEST_CHILD_YEARS = 5
LATEST_DUE = timedelta(days=300)  # about ten months ahead
MAX_WEEKS_PREMATURE = 20  # born at 19 weeks' gestation or later


def oldest_birth_date(today: date) -> date:
    try:
        return today.replace(year=today.year - OLDEST_CHILD_YEARS)
    except ValueError:  # 29 February in a year without one
        return today.replace(year=today.year - OLDEST_CHILD_YEARS, day=28)


def latest_due_date(today: date) -> date:
    return today + LATEST_DUE
