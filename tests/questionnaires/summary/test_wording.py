"""The baby's age reads as a clinician says it."""

from __future__ import annotations

from datetime import date

import pytest

from questionnaires.models import (
    Family,
)
from questionnaires.summary.wording import baby_age


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (None, "Not born yet"),
        (date(2026, 3, 10), "Not born yet"),
        (date(2026, 3, 9), "Born today"),
        (date(2026, 3, 8), "1 day"),
        (date(2026, 2, 20), "2 weeks"),
        (date(2026, 2, 9), "1 month"),
        (date(2025, 8, 1), "7 months"),
        (date(2024, 3, 9), "2 years"),
        (date(2023, 12, 1), "2 years 3 months"),
    ],
)
def test_baby_age_reads_as_a_clinician_says_it(dob: date | None, expected: str) -> None:
    family = Family(label="x", parent_name="x", relationship="mother", infant_dob=dob)
    assert baby_age(family, date(2026, 3, 9)) == expected
