"""The reads behind a family's FHIR export (FHIR-1): every confirmed sent questionnaire with its
answers and current score. Answers waiting for a group match are nobody's record yet (LINK-8)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch
from fhir.resources.R4B.bundle import Bundle

from questionnaires import scoring_adapter
from questionnaires.fhir_export import ExportAnswer, ExportMeasure, Subject, family_bundle
from questionnaires.models import Answer, Family, ResponseMeasure, ResponseStatus, ScoreRecord
from questionnaires.statuses import PENDING_MATCH


def export_measures(family: Family) -> list[ExportMeasure]:
    measures = (
        ResponseMeasure.objects.filter(
            response__invitation__episode__family=family,
            response__status=ResponseStatus.SUBMITTED,
        )
        .exclude(response__invitation__match_review__status__in=PENDING_MATCH)
        .select_related("instrument", "response")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("pk")),
            Prefetch(
                "scores",
                queryset=ScoreRecord.objects.filter(is_current=True),
                to_attr="current_scores",
            ),
        )
        .order_by("response__submitted_at", "response_id", "position")
    )
    found: list[ExportMeasure] = []
    for measure in measures:
        submitted = measure.response.submitted_at
        assert submitted is not None  # SUBMITTED responses always have the time
        current = getattr(measure, "current_scores", [])
        found.append(
            ExportMeasure(
                response_id=measure.response_id,
                position=measure.position,
                submitted_at=submitted,
                code=measure.instrument.code,
                version=measure.instrument.version,
                definition=scoring_adapter.definition_of(measure.instrument),
                asq_interval=measure.asq_interval,
                answers=tuple(
                    ExportAnswer(item=a.item, value=a.value, text=a.text)
                    for a in measure.answers.all()
                ),
                score=dict(current[0].result) if current else None,
            )
        )
    return found


def subject_of(family: Family) -> Subject:
    return Subject(
        label=family.label, nhs_number=family.nhs_number, service_id=str(family.service_id)
    )


def family_fhir_bundle(family: Family) -> Bundle:
    return family_bundle(
        subject_of(family), export_measures(family), settings.SITE_BASE_URL, str(family.pk)
    )
