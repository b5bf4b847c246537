"""An MHSDS-shaped file for the service's information team: one row per score (each subscale
and total of every current score of sent, confirmed answers), with columns modelled on the
MHSDS coded scored assessment tables (see docs/mhsds.md). Built with pandas so the team gets a
table it can load as-is; writing the file (and neutralising formulas, INJ-2) is the web
layer's job."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.utils import timezone

from questionnaires.ethnic_category import NOT_KNOWN, nhs_ethnic_category
from questionnaires.models import Family, StaffUser
from questionnaires.selectors.exports import export_scores

COLUMNS = [
    "LocalPatientId",  # person identifier: see person_identifier()
    "NHSNumber",  # the family's NHS number when the clinician recorded one; else blank
    "CodedAssToolType",  # SNOMED CT concept of the tool: blank, see tool_type_code()
    "PersScore",
    "AssToolCompDate",  # the date the parent sent the answers (ISO, Europe/London)
    "InstrumentCode",
    "DefinitionVersion",
    "ScoringVersion",
    "SubscaleCode",  # a subscale's code, or TOTAL
    "Timepoint",  # T1 (start) or T2 (end)
    "EthnicCategory",  # NHS Ethnic Category code, see questionnaires.ethnic_category
    # I18N-2/3: the interface language the parent answered in, and the language of the
    # definition version (its own items and key) the score was computed with. Scores from
    # different language versions are kept apart by DefinitionVersion too.
    "AnswerLanguage",
    "DefinitionLanguage",
]
TOTAL = "TOTAL"


@dataclass(frozen=True)
class MhsdsExport:
    table: pd.DataFrame
    notes: list[str]
    pending_match_left_out: int

    @property
    def row_count(self) -> int:
        return len(self.table)


def person_identifier(family: Family) -> str:
    """Who a row is about locally: the family's label, pseudonymous, the service's own. The
    NHS number, when recorded, has its own column (MHSDS carries both)."""
    return family.label


def tool_type_code(definition: Mapping[str, Any]) -> str:
    """The SNOMED CT concept for the assessment tool. None is verified for PRFQ, MORS-SF or
    ASQ:SE-2 and the definition files carry no code field, so this is blank: a guessed code
    would be counted nationally as a different tool. When a verified code is added to the
    definition schema, read it here."""
    return ""


def _score_values(result: Mapping[str, Any]) -> list[tuple[str, float | None]]:
    values: list[tuple[str, float | None]] = list(dict(result.get("subscales") or {}).items())
    values.append((TOTAL, result.get("total")))
    return values


def mhsds_export(user: StaffUser) -> MhsdsExport:
    data = export_scores(user)
    # The parent's ethnic category: from their latest sent answers that include the group
    # question (it is asked once per response and may be skipped at one timepoint).
    ethnic: dict[Any, str] = {}
    for response in data.sent:
        assert response.invitation is not None  # sent answers always come from a link
        family_id = response.invitation.episode.family_id
        if family_id not in ethnic and response.about_you.get("ethnic_group"):
            ethnic[family_id] = nhs_ethnic_category(response.about_you)
    rows = []
    not_scored = 0
    for record in data.scores:
        measure = record.measure
        response = measure.response
        invitation = response.invitation
        assert invitation is not None and response.submitted_at is not None
        family = invitation.episode.family
        for code, value in _score_values(record.result):
            if value is None:
                not_scored += 1  # a score too incomplete to count is not a score to report
                continue
            rows.append(
                {
                    "LocalPatientId": person_identifier(family),
                    "NHSNumber": family.nhs_number,
                    "CodedAssToolType": tool_type_code(measure.instrument.definition),
                    "PersScore": value,
                    "AssToolCompDate": timezone.localtime(response.submitted_at).date().isoformat(),
                    "InstrumentCode": measure.instrument.code,
                    "DefinitionVersion": record.definition_version,
                    "ScoringVersion": record.scoring_version,
                    "SubscaleCode": code,
                    "Timepoint": invitation.timepoint,
                    "EthnicCategory": ethnic.get(family.pk, NOT_KNOWN),
                    "AnswerLanguage": response.language,
                    "DefinitionLanguage": record.language,
                }
            )
    notes = [
        f"MHSDS-shaped export, made {timezone.localdate().isoformat()}: {len(rows)} rows.",
        "CodedAssToolType is blank: no verified SNOMED CT concept exists for these tools.",
        f"{data.pending_match_left_out} sent response(s) waiting for a group match were left out.",
        f"{not_scored} subscale or total value(s) that could not be scored were left out.",
    ]
    return MhsdsExport(pd.DataFrame(rows, columns=COLUMNS), notes, data.pending_match_left_out)
