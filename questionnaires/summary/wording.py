"""Words and numbers as staff read them, one rule for the pages and the PDFs: how a score is
rounded, how a range or direction is said, how dates and ages are written."""

from __future__ import annotations

import math
from datetime import date, datetime

from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_noop

from questionnaires.models import Family
from scoring import asq_age
from scoring.definitions import Measure

NOT_SCORED = gettext_noop("Not scored")
NOT_ANSWERED = gettext_noop("Not answered")
# Marked here, translated where shown (gettext(NOT_SCORED)), so that these stay plain strings.
# How a yes/no answer (overall questions, stored as "yes"/"no") is written.
YES_NO = {"yes": "Yes", "no": "No"}
ZONE_LABELS = {
    "below": gettext_noop("Below monitoring zone"),
    "monitoring": gettext_noop("Monitoring zone"),
    "above": gettext_noop("Above cut-off"),
}


def format_score(value: float | None, unit: str = "points") -> str:
    """Averages always with two decimals (PRFQ 5.33); sums as whole numbers unless prorated or
    adjusted, then two decimals."""
    if value is None:
        return gettext(NOT_SCORED)
    if unit == "average":
        return f"{value:.2f}"
    if math.isclose(value, round(value)):
        return str(round(value))
    return f"{value:.2f}"


def format_number(value: float) -> str:
    return str(round(value)) if math.isclose(value, round(value)) else f"{value:g}"


def format_difference(value: float | None, unit: str = "points") -> str:
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return sign + format_score(abs(value), unit)


def not_answered_words(numbers: tuple[int, ...] | list[int]) -> str:
    """'Question 3 not answered', 'Questions 3 and 7 not answered', 'Questions 3, 5 and 7 not
    answered'; "" when every question was answered."""
    shown = [str(n) for n in numbers]
    if not shown:
        return ""
    if len(shown) == 1:
        return gettext("Question %(value)s not answered") % {"value": shown[0]}
    return gettext("Questions %(join)s and %(value)s not answered") % {
        "join": ", ".join(shown[:-1]),
        "value": shown[-1],
    }


# What a "(prorated)" or "(adjusted)" marker means, wherever one is shown.
PRORATED_NOTE = gettext_noop(
    "Prorated: some questions in this subscale were not answered, so the score was worked out "
    "from the questions that were, as the questionnaire's scoring rules allow."
)
ADJUSTED_NOTE = gettext_noop(
    "Adjusted: some questions were not answered, so the total was adjusted for them, as the "
    "ASQ:SE-2 scoring rules allow."
)


def range_words(low: float, high: float) -> str:
    return gettext("%(format_number)s to %(format_number2)s") % {
        "format_number": format_number(low),
        "format_number2": format_number(high),
    }


def direction_words(measure: Measure, is_total: bool = False) -> str:
    """'Higher = better (more warmth)' from the definition's `better` and the subscale's name."""
    name = measure.name.lower()
    if measure.better == "middle":
        assert measure.range is not None  # a middle-is-best measure always has a range
        return gettext("Middle of the range (%(format_number)s) = best") % {
            "format_number": format_number(sum(measure.range) / 2)
        }
    if measure.better == "higher":
        return (
            gettext("Higher = better")
            if is_total
            else gettext("Higher = better (more %(name)s)") % {"name": name}
        )
    return (
        gettext("Lower = better")
        if is_total
        else gettext("Lower = better (less %(name)s)") % {"name": name}
    )


def local_datetime(value: datetime | None) -> str:
    # DATA-7: stored in UTC, shown in Europe/London (the project's TIME_ZONE).
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%-d %B %Y, %H:%M")


def local_date(value: date | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def baby_age(family: Family, today: date) -> str:
    """The baby's age as a clinician says it: days, then weeks, then months, then years."""
    if family.infant_dob is None or family.infant_dob > today:
        return gettext("Not born yet")
    months, days = asq_age.age_in_months_and_days(family.infant_dob, today)
    if months == 0 and days == 0:
        return gettext("Born today")
    if months == 0:
        return _plural(days, "day") if days < 7 else _plural(days // 7, "week")
    if months < 24:
        return _plural(months, "month")
    years, months = divmod(months, 12)
    return _plural(years, "year") + (f" {_plural(months, 'month')}" if months else "")


def baby_date_words(family: Family) -> str:
    """How a parent gave their baby's date when they joined a group: born, or due."""
    if family.infant_dob is not None:
        return gettext("baby born %(format)s") % {
            "format": dateformat.format(family.infant_dob, "j F Y")
        }
    if family.due_date is not None:
        return gettext("baby due %(format)s") % {
            "format": dateformat.format(family.due_date, "j F Y")
        }
    return gettext("no baby's date given")
