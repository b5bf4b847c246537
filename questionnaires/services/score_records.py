"""Storing scores. A score names the definition and scoring versions that produced it (DATA-5);
rescoring keeps the old record and adds a new current one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from questionnaires import scoring_adapter
from questionnaires.models import ResponseMeasure, ResponseStatus, ScoreRecord, StaffUser
from questionnaires.services import audit
from scoring.flags import dump_all

# What a clinician compares between an old and a new score.
_COMPARED_FIELDS = ("subscales", "total", "zone", "missing", "prorated", "adjusted", "flags")


def score_and_store(measure: ResponseMeasure) -> ScoreRecord:
    """Score one measure from its saved answers and make that the current score. Call inside
    the caller's transaction (submit, rescore) so flags land with the submit (DATA-6)."""
    score = scoring_adapter.score_measure(measure)
    ScoreRecord.objects.filter(measure=measure, is_current=True).update(is_current=False)
    return ScoreRecord.objects.create(
        measure=measure,
        result=score.to_dict(),
        definition_version=score.definition_version,
        scoring_version=score.scoring_version,
        language=measure.instrument.language,
        flags=dump_all(score.flags),
    )


@dataclass(frozen=True)
class RescoreChange:
    measure_id: int
    code: str
    before: dict[str, Any]
    after: dict[str, Any]


def _compared(result: dict[str, Any]) -> dict[str, Any]:
    return {field: result.get(field) for field in _COMPARED_FIELDS}


@transaction.atomic
def rescore(
    code: str | None = None, actor: StaffUser | None = None
) -> tuple[int, list[RescoreChange]]:
    """Recompute every submitted response's scores (after a scoring or definition change) and
    report which ones changed. Returns (number rescored, changes)."""
    measures = (
        ResponseMeasure.objects.filter(response__status=ResponseStatus.SUBMITTED)
        .select_related("instrument")
        .prefetch_related("answers", "scores")
        .order_by("pk")
    )
    if code:
        measures = measures.filter(instrument__code=code)
    changes: list[RescoreChange] = []
    count = 0
    for measure in measures.select_for_update(of=("self",)):
        previous = next((s for s in measure.scores.all() if s.is_current), None)
        record = score_and_store(measure)
        count += 1
        if (
            previous is None
            or _compared(previous.result) != _compared(record.result)
            or (previous.scoring_version != record.scoring_version)
        ):
            changes.append(
                RescoreChange(
                    measure.pk,
                    measure.instrument.code,
                    _compared(previous.result) if previous else {},
                    _compared(record.result),
                )
            )
    audit.record(
        "scores.rescored", actor, None, code=code or "all", count=count, changed=len(changes)
    )
    return count, changes
