"""Recording the clinician's LOAF (DC:0-5 relationship level) ratings. A second rating for the
same relationship and timepoint corrects the first: the audit log keeps what it was."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from questionnaires.models import Episode, LoafPart, LoafRating, StaffUser, Timepoint
from questionnaires.services import audit
from scoring import loaf as scoring_loaf
from scoring.errors import ScoringError


class LoafInvalid(ValueError):
    """A rating that cannot be stored; the message says why in plain words."""


# The rules and their words, once: the staff form shows these same messages beside its fields.
SELECT_TIMEPOINT = "Select start (T1) or end (T2)"
SELECT_PART = "Select Part A or Part B"
SELECT_LEVEL = "Select a level from 1 to 4"
ENTER_CAREGIVER = "Enter which caregiver this Part A rating is for"
NO_CAREGIVER_FOR_B = "Leave caregiver empty for Part B"
RATED_IN_THE_PAST = "Date rated must be today or in the past"


def check_caregiver(part: str, caregiver: str) -> str:
    """Part A is rated per caregiver, Part B for the whole caregiving environment."""
    name = " ".join(caregiver.split())
    if part == LoafPart.A and not name:
        raise LoafInvalid(ENTER_CAREGIVER)
    if part == LoafPart.B and name:
        raise LoafInvalid(NO_CAREGIVER_FOR_B)
    return name


def check_rated_on(rated_on: date) -> date:
    if rated_on > timezone.localdate():
        raise LoafInvalid(RATED_IN_THE_PAST)
    return rated_on


@transaction.atomic
def record_loaf(
    episode: Episode,
    timepoint: Timepoint | str,
    part: LoafPart | str,
    level: int | str,
    rated_on: date,
    rater: StaffUser | None,
    caregiver: str = "",
) -> LoafRating:
    if timepoint not in Timepoint.values:
        raise LoafInvalid(SELECT_TIMEPOINT)
    if part not in LoafPart.values:
        raise LoafInvalid(SELECT_PART)
    try:
        number = scoring_loaf.validate_level(level)
    except ScoringError as error:
        raise LoafInvalid(SELECT_LEVEL) from error
    check_rated_on(rated_on)
    name = check_caregiver(str(part), caregiver)
    # "Mother" and "mother" are the same relationship: match case-blind, keep the first spelling.
    existing = (
        LoafRating.objects.select_for_update()
        .filter(episode=episode, timepoint=timepoint, part=part, caregiver__iexact=name)
        .first()
    )
    if existing is None:
        rating = LoafRating.objects.create(
            episode=episode,
            timepoint=timepoint,
            part=part,
            caregiver=name,
            level=number,
            rated_on=rated_on,
            rater=rater,
        )
        audit.record("loaf.recorded", rater, rating, timepoint=str(timepoint), part=str(part))
        return rating
    previous = existing.level
    existing.level, existing.rated_on, existing.rater = number, rated_on, rater
    existing.save(update_fields=["level", "rated_on", "rater"])
    # Levels are clinician ratings, not parent answers, so the log may say what changed.
    audit.record(
        "loaf.corrected",
        rater,
        existing,
        timepoint=str(timepoint),
        part=str(part),
        previous_level=previous,
        level=number,
    )
    return existing
