"""SAR-2, SAR-3, SAR-4 through the real pages: a service lead downloads everything held about a
family (JSON and PDF, audited, nothing of another family, no credential hashes), corrects its
details (audited by field name only) and erases it after typing its label."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from questionnaires.models import (
    AuditEvent,
    Family,
    GroupParticipant,
    Invitation,
    Service,
    StaffUser,
)
from questionnaires.roles import Role
from questionnaires.selectors.family_data import family_rows
from tests.conftest import make_staff, sign_in
from tests.questionnaires.whole_family import WholeFamily, whole_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(service: Service) -> StaffUser:
    return make_staff(service, "lee", Role.SERVICE_LEAD)


@pytest.fixture
def lead_client(lead: StaffUser) -> Client:
    client = Client()
    sign_in(client, lead)
    return client


@pytest.fixture
def family(clinician: StaffUser) -> WholeFamily:
    return whole_family(clinician)


def _url(name: str, family: Family) -> str:
    return reverse(f"staff:{name}", kwargs={"family_id": family.pk})


def _ids(document: dict[str, Any], section: str) -> set[str]:
    return {str(record["id"]) for record in document[section]}


def test_the_json_holds_every_row_about_the_family_and_nothing_of_another(
    lead_client: Client, family: WholeFamily, clinician: StaffUser
) -> None:
    other = whole_family(clinician, nickname="Alex")
    response = lead_client.get(_url("subject_access_json", family.family))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    rows = family_rows(family.family.pk)
    expected = {
        "family": rows.family,
        "episodes": rows.episodes,
        "invitations": rows.invitations,
        "responses": rows.responses,
        "response_measures": rows.measures,
        "answers": rows.answers,
        "score_records": rows.scores,
        "instrument_versions": rows.instrument_versions,
        "loaf_ratings": rows.loaf_ratings,
        "group_participants": rows.participants,
        "match_reviews": rows.match_reviews,
        "proposed_match_reviews": rows.proposed_reviews,
    }
    for section, queryset in expected.items():
        ids = {str(pk) for pk in queryset.values_list("pk", flat=True)}
        assert ids, section  # the whole family has a row in each
        assert _ids(document, section) == ids, section
    # Every audit event about the family up to the download, the download's own included.
    trail = {str(pk) for pk in rows.audit_events.values_list("pk", flat=True)}
    assert _ids(document, "audit_events") == trail
    assert "family.subject_access_downloaded" in {e["action"] for e in document["audit_events"]}
    # Another family's rows, label and nickname appear nowhere.
    text = response.content.decode()
    for pk in family_rows(other.family.pk).invitations.values_list("pk", flat=True):
        assert str(pk) not in text
    assert other.family.label not in text and "Alex" not in text
    # The waiting answers of someone else: that they proposed this parent, not what was typed.
    (proposed,) = document["proposed_match_reviews"]
    assert "nickname_given" not in proposed and "invitation_id" not in proposed


def test_answers_carry_the_question_and_the_answer_chosen_and_scores_their_version(
    lead_client: Client, family: WholeFamily
) -> None:
    document = json.loads(lead_client.get(_url("subject_access_json", family.family)).content)
    prfq = [a for a in document["answers"] if a["questionnaire"].startswith("Parental")]
    first = next(a for a in prfq if a["item"] == "1")
    assert first["question"] and first["value"] == "6"
    assert first["answer"].startswith("6 on a scale from 1")
    worried = [a for a in document["answers"] if a["worry_ticked"]]
    assert worried and worried[0]["answer"] != "Not answered"
    score = document["score_records"][0]
    assert score["instrument_version"] and score["definition_version"] and score["scoring_version"]
    consent = document["responses"][0]
    assert consent["consent_given"] is True and consent["consent_wording_version"]
    assert document["invitations"][0]["privacy_notice_wording_version"]


def test_no_credential_hash_is_in_the_download(lead_client: Client, family: WholeFamily) -> None:
    text = lead_client.get(_url("subject_access_json", family.family)).content.decode()
    for invitation in Invitation.objects.filter(episode__family=family.family):
        assert invitation.token_hash not in text and invitation.short_code_hash not in text
    participant = GroupParticipant.objects.get(family=family.family)
    assert participant.return_code_hash not in text
    assert participant.return_code_seed not in text
    for event in AuditEvent.objects.filter(family_id=family.family.pk).exclude(session_hash=""):
        assert event.session_hash not in text


def test_the_pdf_is_audited_and_shows_the_answers_in_words(
    lead_client: Client, family: WholeFamily
) -> None:
    response = lead_client.get(_url("subject_access_pdf", family.family))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert f"Everything held about family {family.family.label}" in text
    assert "on a scale from 1" in text and "Audit trail" in text
    assert AuditEvent.objects.filter(
        action="family.subject_access_downloaded", family_id=family.family.pk
    ).exists()


def test_a_clinician_sees_no_data_rights_links_and_a_lead_does(
    lead_client: Client, clinician: StaffUser, family: WholeFamily
) -> None:
    page = lead_client.get(_url("family_detail", family.family)).content.decode()
    assert _url("subject_access_pdf", family.family) in page
    assert _url("family_erase", family.family) in page
    client = Client()
    sign_in(client, clinician)
    page = client.get(_url("family_detail", family.family)).content.decode()
    assert _url("subject_access_pdf", family.family) not in page
    assert client.get(_url("subject_access_json", family.family)).status_code == 403


def _correction(family: Family, **changes: str) -> dict[str, str]:
    dob = family.infant_dob
    assert dob is not None
    data = {
        "label": family.label,
        "parent_name": family.parent_name,
        "relationship": family.relationship,
        "infant_dob_day": str(dob.day),
        "infant_dob_month": str(dob.month),
        "infant_dob_year": str(dob.year),
        "weeks_premature": str(family.weeks_premature),
    }
    return data | changes


def test_a_lead_corrects_details_and_the_audit_names_fields_not_values(
    lead_client: Client, family: WholeFamily
) -> None:
    fam = family.family
    new_dob = timezone.localdate() - timedelta(days=160)
    data = _correction(
        fam,
        parent_name="Samira",
        infant_dob_day=str(new_dob.day),
        infant_dob_month=str(new_dob.month),
        infant_dob_year=str(new_dob.year),
    )
    assert lead_client.get(_url("family_correct", fam)).status_code == 200
    response = lead_client.post(_url("family_correct", fam), data)
    assert response.status_code == 302
    fam.refresh_from_db()
    assert fam.parent_name == "Samira" and fam.infant_dob == new_dob
    event = AuditEvent.objects.get(action="family.corrected")
    assert event.family_id == fam.pk
    assert event.detail == {"fields": ["parent_name", "infant_dob"]}


def test_a_bad_correction_says_what_to_do_and_changes_nothing(
    lead_client: Client, family: WholeFamily, clinician: StaffUser
) -> None:
    fam = family.family
    other = whole_family(clinician, nickname="Alex").family
    response = lead_client.post(_url("family_correct", fam), _correction(fam, label=other.label))
    assert response.status_code == 400
    assert "Another family in your service already has this label" in response.content.decode()
    response = lead_client.post(_url("family_correct", fam), _correction(fam, parent_name=""))
    assert response.status_code == 400
    assert "Enter the parent" in response.content.decode()
    fam.refresh_from_db()
    assert fam.parent_name == "Sam"
    assert not AuditEvent.objects.filter(action="family.corrected").exists()


def test_erasure_needs_a_reason_and_the_label_typed(
    lead_client: Client, family: WholeFamily
) -> None:
    fam = family.family
    confirm = _url("family_erase_confirm", fam)
    page = lead_client.get(_url("family_erase", fam))
    assert page.status_code == 200 and "This cannot be undone" in page.content.decode()
    no_reason = lead_client.post(confirm, {})
    assert no_reason.status_code == 400
    assert "Select why you are erasing" in no_reason.content.decode()
    step_two = lead_client.post(confirm, {"reason": "parent_asked"})
    assert step_two.status_code == 200
    assert "Type the family label to confirm" in step_two.content.decode()
    wrong = lead_client.post(confirm, {"reason": "parent_asked", "confirm_label": "RV-9999"})
    assert wrong.status_code == 400
    assert "does not match" in wrong.content.decode()
    assert Family.objects.filter(pk=fam.pk).exists()
    done = lead_client.post(confirm, {"reason": "parent_asked", "confirm_label": fam.label})
    assert done.status_code == 302 and done["Location"] == reverse("staff:caseload")
    assert not Family.objects.filter(pk=fam.pk).exists()
    tombstone = AuditEvent.objects.get(action="family.erased")
    assert tombstone.detail["reason"] == "parent_asked"
    assert lead_client.get(_url("family_detail", fam)).status_code == 404


def test_another_services_lead_cannot_erase(family: WholeFamily, other_service: Service) -> None:
    client = Client()
    sign_in(client, make_staff(other_service, "olive", Role.SERVICE_LEAD))
    confirm = _url("family_erase_confirm", family.family)
    response = client.post(
        confirm, {"reason": "parent_asked", "confirm_label": family.family.label}
    )
    assert response.status_code == 404
    assert Family.objects.filter(pk=family.family.pk).exists()
