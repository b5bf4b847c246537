# mypy: disable-error-code="index,misc,operator,union-attr"
# (fhir.resources types every element as optional; the asserts below check presence.)
"""FHIR-1: the family Bundle against a golden file, parsed back and checked; and its view."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import Client
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from questionnaires.fhir_export import family_bundle
from questionnaires.models import AuditEvent, Family, Service, StaffUser, Timepoint
from questionnaires.selectors.fhir import export_measures, subject_of
from tests.conftest import sign_in
from tests.questionnaires import factories

GOLDEN = Path(__file__).parent / "golden" / "fhir_bundle.json"
BASE = "https://portal.example.nhs.uk"


def _family(service: Service) -> Family:
    episode = factories.episode(service)
    family = episode.family
    family.label = "RV-GOLD"
    family.save(update_fields=["label"])
    factories.send(
        episode,
        Timepoint.T1,
        {
            "prfq": {**factories.PRFQ_ALL, "1": "2", "2": ""},  # item 2 skipped
            "mors_sf": factories.mors_answers("5", "1", skip=("1",)),  # prorated warmth
            "asq_se2": factories.asq_answers(23, "rarely_never"),
        },
    )
    return family


def _stable_bundle(family: Family) -> Bundle:
    """Fixed ids and times so the output is the same on every run."""
    fixed = [
        dataclasses.replace(
            m,
            response_id=uuid.UUID(int=1),
            submitted_at=datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
        )
        for m in export_measures(family)
    ]
    subject = dataclasses.replace(subject_of(family), service_id="service-1")
    return family_bundle(subject, fixed, BASE, "bundle-1")


@pytest.mark.django_db
def test_bundle_matches_golden_file_and_parses_back(service: Service) -> None:
    bundle = _stable_bundle(_family(service))
    text = bundle.model_dump_json(indent=2)
    # The golden file is reviewed by hand and committed; the test never writes it.
    assert json.loads(text) == json.loads(GOLDEN.read_text())

    parsed = Bundle.model_validate_json(GOLDEN.read_text())
    assert parsed.type == "collection"
    urls = {entry.fullUrl for entry in parsed.entry or []}
    qrs = [e.resource for e in parsed.entry or [] if isinstance(e.resource, QuestionnaireResponse)]
    obs = [e.resource for e in parsed.entry or [] if isinstance(e.resource, Observation)]
    assert {qr.questionnaire.split("|")[0].rsplit("/", 1)[1] for qr in qrs} == {
        "prfq",
        "mors_sf",
        "asq_se2",
    }
    prfq = next(qr for qr in qrs if "/prfq|" in qr.questionnaire)
    links = [item.linkId for item in prfq.item or []]
    assert "prfq-1" in links and "prfq-2" not in links  # the skipped item is left out
    coding = prfq.item[0].answer[0].valueCoding
    assert coding.system == f"{BASE}/fhir/CodeSystem/prfq-answers" and coding.code == "2"
    assert all(qr.status == "completed" for qr in qrs)
    for o in obs:
        assert o.code.coding[0].system.startswith(f"{BASE}/fhir/CodeSystem/")
        assert o.category[0].coding[0].code == "survey"
        assert all(ref.reference in urls for ref in o.derivedFrom or [])
    notes = " ".join(n.text for o in obs for n in o.note or [])
    assert "prorated" in notes
    zones = [o for o in obs if o.interpretation]
    assert zones and zones[0].interpretation[0].coding[0].code in {"above", "monitoring"}
    assert "snomed" not in GOLDEN.read_text().lower()


@pytest.mark.django_db
def test_nhs_number_is_the_subject_when_known(service: Service) -> None:
    family = _family(service)
    family.nhs_number = "9434765919"
    family.save(update_fields=["nhs_number"])
    bundle = _stable_bundle(family)
    qr = bundle.entry[0].resource
    assert qr.subject.identifier.system == "https://fhir.nhs.uk/Id/nhs-number"
    assert qr.subject.identifier.value == "9434765919"


@pytest.mark.django_db
def test_view_gives_json_to_clinician_and_404_elsewhere(
    client: Client, clinician: StaffUser, outsider: StaffUser, service: Service
) -> None:
    family = _family(service)
    sign_in(client, clinician)
    url = f"/staff/families/{family.pk}/fhir.json"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["resourceType"] == "Bundle"
    assert AuditEvent.objects.filter(action="family.fhir_exported", actor=clinician).count() == 1

    other = Client()
    sign_in(other, outsider)
    assert other.get(url).status_code == 404
