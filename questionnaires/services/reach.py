"""Who the service reaches (issue 13): a family's referral source, whether the mother was
pregnant at referral and their area's deprivation decile, recorded by staff; the postcode →
decile lookup the service imports (`manage.py import_imd`); and the end of an episode, which
makes it count as finished in the outcomes. A postcode is used to look a decile up and is never
stored on the family, nor written to the audit trail."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from questionnaires.models import Episode, Family, ImdPostcode, ReferralSource, StaffUser
from questionnaires.services import audit

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


class ReachInvalid(Exception):
    """A plain message for the person entering the details."""


def normalise_postcode(text: str) -> str:
    """Upper case, no spaces: "sw1a 1aa" → "SW1A1AA"; anything else that is not a UK postcode
    raises ReachInvalid."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if not _POSTCODE.match(compact):
        raise ReachInvalid("Enter a full UK postcode, like SW1A 1AA")
    return compact


def decile_for_postcode(postcode: str) -> int:
    found = ImdPostcode.objects.filter(postcode=normalise_postcode(postcode)).first()
    if found is None:
        raise ReachInvalid(
            "This postcode is not in the service's deprivation lookup. Enter the decile instead"
        )
    return found.decile


@transaction.atomic
def record_reach(
    family: Family,
    actor: StaffUser | None,
    referral_source: str = "",
    pregnant_at_referral: bool | None = None,
    imd_decile: int | None = None,
    postcode: str = "",
) -> Family:
    """Set the three optional details. A postcode, when given, sets the decile from the
    lookup and is then forgotten."""
    if referral_source and referral_source not in ReferralSource.values:
        raise ReachInvalid("Select who referred the family from the list")
    if postcode:
        imd_decile = decile_for_postcode(postcode)
    if imd_decile is not None and not 1 <= imd_decile <= 10:
        raise ReachInvalid("The deprivation decile must be a whole number from 1 to 10")
    locked = Family.objects.select_for_update().get(pk=family.pk)
    locked.referral_source = referral_source
    locked.pregnant_at_referral = pregnant_at_referral
    locked.imd_decile = imd_decile
    locked.save(update_fields=["referral_source", "pregnant_at_referral", "imd_decile"])
    audit.record(
        "family.reach_recorded",
        actor,
        locked,
        referral_source=referral_source,
        from_postcode=bool(postcode),
    )
    return locked


@transaction.atomic
def close_episode(episode: Episode, closed_on: date, actor: StaffUser | None = None) -> Episode:
    """The episode has ended: it counts as finished in the paired-score rate."""
    if closed_on < episode.opened_on:
        raise ReachInvalid("The end date must be on or after the day the episode opened")
    Episode.objects.filter(pk=episode.pk).update(closed_on=closed_on)
    episode.closed_on = closed_on
    audit.record("episode.closed", actor, episode)
    return episode


@dataclass(frozen=True)
class ImdImport:
    imported: int
    skipped: int


@transaction.atomic
def import_imd(path: Path, actor: StaffUser | None = None) -> ImdImport:
    """Replace the lookup with a CSV of postcode and decile (a header row naming `postcode`
    and `decile`, or two columns in that order). Rows with a malformed postcode or a decile
    outside 1–10 are skipped and counted; nothing is fetched from anywhere."""
    rows: dict[str, int] = {}
    skipped = 0
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        columns = (0, 1)
        lines: list[list[str]] = []
        if header is not None:
            names = [name.strip().lower() for name in header]
            if "postcode" in names and any("decile" in name for name in names):
                decile_at = next(i for i, name in enumerate(names) if "decile" in name)
                columns = (names.index("postcode"), decile_at)
            else:
                lines.append(header)
        for row in [*lines, *reader]:
            try:
                postcode = normalise_postcode(row[columns[0]])
                decile = int(row[columns[1]].strip())
            except (IndexError, ValueError, ReachInvalid):
                skipped += 1
                continue
            if not 1 <= decile <= 10:
                skipped += 1
                continue
            rows[postcode] = decile
    ImdPostcode.objects.all().delete()
    ImdPostcode.objects.bulk_create(
        [ImdPostcode(postcode=code, decile=decile) for code, decile in rows.items()],
        batch_size=5000,
    )
    audit.record("imd.imported", actor, None, rows=len(rows), skipped=skipped)
    return ImdImport(len(rows), skipped)
