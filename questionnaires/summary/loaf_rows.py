"""LOAF (DC:0-5 relationship levels) ratings of an episode, side by side at T1 and T2."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

from questionnaires.models import LoafRating, Timepoint
from questionnaires.summary.wording import local_date
from scoring import loaf as scoring_loaf


@dataclass(frozen=True)
class LoafShown:
    level: int
    label: str
    rated_on: str
    rater: str


@dataclass(frozen=True)
class LoafRow:
    part: str
    relationship: str
    t1: LoafShown | None
    t2: LoafShown | None
    category: str


def loaf_label(level: int) -> str:
    return gettext("Level %(level)s: %(value)s") % {
        "level": level,
        "value": scoring_loaf.level_names()[level],
    }


def summarise_loaf(ratings: Iterable[LoafRating]) -> list[LoafRow]:
    grouped: dict[tuple[str, str], dict[str, LoafRating]] = {}
    names: dict[tuple[str, str], str] = {}
    for rating in ratings:
        key = (rating.part, rating.caregiver.casefold())
        grouped.setdefault(key, {})[rating.timepoint] = rating
        names.setdefault(key, rating.caregiver)
    rows = []
    for key in sorted(grouped):
        by_time = grouped[key]
        shown = {
            timepoint: LoafShown(
                r.level,
                loaf_label(r.level),
                local_date(r.rated_on),
                r.rater.display_name if r.rater else "",
            )
            for timepoint, r in by_time.items()
        }
        t1, t2 = by_time.get(Timepoint.T1), by_time.get(Timepoint.T2)
        category = (
            scoring_loaf.change_category(t1.level, t2.level).capitalize()
            if t1 and t2
            else gettext("Needs both start (T1) and end (T2)")
        )
        part = key[0]
        relationship = names[key] if part == "A" else gettext("Wider caregiving environment")
        rows.append(
            LoafRow(
                gettext("Part %(part)s") % {"part": part},
                relationship,
                shown.get("T1"),
                shown.get("T2"),
                category,
            )
        )
    return rows
