"""A family's sent answers and current scores as a FHIR R4 (UK Core) Bundle: one
QuestionnaireResponse per questionnaire sent, one Observation per score, for a trust to take
into the patient record (FHIR-1). Pure: the selector (questionnaires.selectors.fhir) reads the
rows; this only builds and checks. docs/fhir.md records the local code systems and choices.

Codes are local on purpose: there are no SNOMED CT codes for PRFQ or MORS-SF scores, and the
commonly quoted ASQ code is for ASQ-3, not ASQ:SE-2, so inventing or borrowing one would put a
wrong meaning into someone's record. A trust maps the local codes if it needs national ones."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from scoring.definitions import Definition

QR_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-QuestionnaireResponse"
OBS_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Observation"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
QR_STATUSES = frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
OBS_STATUSES = frozenset(
    {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error"}
)
# Stable ids: the same answers always give the same resource ids, so a re-export updates
# rather than duplicates in a receiving system.
_ID_NAMESPACE = uuid.UUID("7f0b6a52-3c1e-4f7e-9a56-0d3c1f2e8b11")
YES_NO = {"yes": "Yes", "no": "No"}


@dataclass(frozen=True)
class ExportAnswer:
    item: str
    value: str
    text: str


@dataclass(frozen=True)
class ExportMeasure:
    """One questionnaire of one sent response, with its saved answers and current score."""

    response_id: uuid.UUID
    position: int
    submitted_at: datetime
    code: str
    version: str
    definition: Definition
    asq_interval: int | None
    answers: tuple[ExportAnswer, ...]
    score: dict[str, Any] | None  # scoring.Score.to_dict(), as stored


@dataclass(frozen=True)
class Subject:
    label: str
    nhs_number: str
    service_id: str


class FhirExportError(ValueError):
    """The built Bundle broke a rule the library does not check (FHIR-1)."""


def local_system(base_url: str, name: str) -> str:
    return f"{base_url}/fhir/CodeSystem/{name}"


def _id(*parts: object) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, "|".join(str(part) for part in parts)))


def _subject(subject: Subject, base_url: str) -> dict[str, Any]:
    if subject.nhs_number:
        return {"identifier": {"system": NHS_NUMBER_SYSTEM, "value": subject.nhs_number}}
    # Pseudonymous: the label is unique only within a service, so the system names the service.
    return {
        "identifier": {
            "system": f"{base_url}/fhir/Id/family-label/{subject.service_id}",
            "value": subject.label,
        },
        "display": subject.label,
    }


def _labels(definition: Definition) -> dict[str, str]:
    return {str(option.value): option.label for option in definition.options}


def _overall_kinds(measure: ExportMeasure) -> dict[str, str]:
    interval = measure.definition.interval(measure.asq_interval) if measure.asq_interval else None
    return {q.id: q.kind for q in interval.overall} if interval else {}


def questionnaire_response(
    measure: ExportMeasure, subject: Subject, base_url: str
) -> QuestionnaireResponse:
    answers_system = local_system(base_url, f"{measure.code}-answers")
    labels = _labels(measure.definition)
    overall = _overall_kinds(measure)
    items: list[dict[str, Any]] = []
    for answer in measure.answers:
        link_id = f"{measure.code}-{answer.item}"
        if answer.item in overall:
            if overall[answer.item] == "text":
                # Free text is the parent's own words: left out (docs/fhir.md).
                continue
            if answer.value in YES_NO:
                coding = {"system": answers_system, "code": answer.value}
                coding["display"] = YES_NO[answer.value]
                items.append({"linkId": link_id, "answer": [{"valueCoding": coding}]})
            continue
        if not answer.value:  # skipped: omitted, never sent as an answer
            continue
        coding = {"system": answers_system, "code": answer.value}
        coding["display"] = labels.get(answer.value, answer.value)
        items.append({"linkId": link_id, "answer": [{"valueCoding": coding}]})
    return QuestionnaireResponse.model_validate(
        {
            "resourceType": "QuestionnaireResponse",
            "id": _id("qr", measure.response_id, measure.position),
            "meta": {"profile": [QR_PROFILE]},
            "status": "completed",
            # A local canonical: this service's URL for the instrument's definition version.
            "questionnaire": f"{base_url}/fhir/Questionnaire/{measure.code}|{measure.version}",
            "subject": _subject(subject, base_url),
            "authored": measure.submitted_at.isoformat(),
            "item": items or None,
        }
    )


def _scores(measure: ExportMeasure) -> list[tuple[str, str, float]]:
    score = measure.score or {}
    found: list[tuple[str, str, float]] = []
    for sub in measure.definition.subscales:
        value = (score.get("subscales") or {}).get(sub.code)
        if value is not None:
            found.append((sub.code, sub.name, float(value)))
    total = measure.definition.total
    if total is not None and score.get("total") is not None:
        found.append((total.code, total.name, float(score["total"])))
    return found


def observations(
    measure: ExportMeasure, qr: QuestionnaireResponse, subject: Subject, base_url: str
) -> list[Observation]:
    score = measure.score
    if not score:
        return []
    notes = [f"Scoring version {score['scoring_version']}"]
    notes.append(f"definition version {score['definition_version']}")
    if score.get("prorated"):
        notes.append("prorated for missing items")
    if score.get("adjusted"):
        notes.append("adjusted for missing items")
    built: list[Observation] = []
    for code, name, value in _scores(measure):
        data: dict[str, Any] = {
            "resourceType": "Observation",
            "id": _id("obs", measure.response_id, measure.position, code),
            "meta": {"profile": [OBS_PROFILE]},
            "status": "final",
            "category": [
                {"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}
            ],
            "code": {
                "coding": [
                    {
                        "system": local_system(base_url, f"{measure.code}-scores"),
                        "code": code,
                        "display": f"{measure.definition.short_name} {name}",
                    }
                ]
            },
            "subject": _subject(subject, base_url),
            "effectiveDateTime": measure.submitted_at.isoformat(),
            "derivedFrom": [{"reference": f"urn:uuid:{qr.id}"}],
            "valueQuantity": {"value": value},
            "note": [{"text": "; ".join(notes) + "."}],
        }
        if score.get("zone") and code == "total":
            data["interpretation"] = [
                {
                    "coding": [
                        {
                            "system": local_system(base_url, f"{measure.code}-zones"),
                            "code": score["zone"],
                        }
                    ]
                }
            ]
        built.append(Observation.model_validate(data))
    return built


def family_bundle(
    subject: Subject, measures: Sequence[ExportMeasure], base_url: str, bundle_id: str
) -> Bundle:
    """A collection Bundle of every sent questionnaire and its scores, checked (FHIR-1)."""
    entries: list[dict[str, Any]] = []
    for measure in measures:
        qr = questionnaire_response(measure, subject, base_url)
        entries.append({"fullUrl": f"urn:uuid:{qr.id}", "resource": qr})
        for obs in observations(measure, qr, subject, base_url):
            entries.append({"fullUrl": f"urn:uuid:{obs.id}", "resource": obs})
    bundle = Bundle.model_validate(
        {"resourceType": "Bundle", "id": bundle_id, "type": "collection", "entry": entries or None}
    )
    check_bundle(bundle)
    return bundle


def check_bundle(bundle: Bundle) -> None:
    """What the library leaves unchecked: required elements, status codes, references that
    resolve inside the Bundle, and no SNOMED CT code anywhere (FHIR-1)."""
    problems: list[str] = []
    full_urls = {entry.fullUrl for entry in bundle.entry or []}
    for entry in bundle.entry or []:
        resource = entry.resource
        if isinstance(resource, QuestionnaireResponse):
            if resource.status not in QR_STATUSES:
                problems.append(f"{resource.id}: status {resource.status}")
            if not resource.questionnaire or not resource.authored or not resource.subject:
                problems.append(f"{resource.id}: missing questionnaire, authored or subject")
            for item in resource.item or []:
                if not item.linkId or not item.answer:
                    problems.append(f"{resource.id}: item without linkId or answer")
        elif isinstance(resource, Observation):
            if resource.status not in OBS_STATUSES:
                problems.append(f"{resource.id}: status {resource.status}")
            if not resource.code or not resource.code.coding or resource.valueQuantity is None:
                problems.append(f"{resource.id}: missing code or value")
            for ref in resource.derivedFrom or []:
                if ref.reference not in full_urls:
                    problems.append(f"{resource.id}: derivedFrom {ref.reference} not in Bundle")
    if "snomed" in bundle.model_dump_json().lower():
        problems.append("a SNOMED CT code: none are known for these scores")
    if problems:
        raise FhirExportError("; ".join(problems))
