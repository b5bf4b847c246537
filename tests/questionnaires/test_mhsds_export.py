"""The MHSDS-shaped scores export: downloaded through the view as a service lead, read back with
pandas and checked row by row against the stored scores."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires import about_you
from questionnaires.ethnic_category import NHS_ETHNIC_CATEGORY, nhs_ethnic_category
from questionnaires.mhsds_export import COLUMNS, TOTAL, person_identifier
from questionnaires.models import AuditEvent, Family, Response, ScoreRecord, Service, StaffUser
from questionnaires.roles import Role
from questionnaires.selectors.caseload import _sent_responses
from questionnaires.services import families, invitations, responses
from tests.conftest import make_staff, sign_in
from tests.questionnaires import factories
from tests.questionnaires.whole_family import _answer_and_send, whole_family

pytestmark = pytest.mark.django_db
URL = "/staff/exports/mhsds.csv"
NHS_CODES = set("ABCDEFGHJKLMNPRS") | {"Z", "99"}


@pytest.fixture
def lead(service: Service) -> StaffUser:
    return make_staff(service, "leah", Role.SERVICE_LEAD)


def download(client: Client, user: StaffUser) -> tuple[list[str], pd.DataFrame]:
    sign_in(client, user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="mhsds-scores-{today}.csv"'
    text = response.content.decode("utf-8")
    lines = text.splitlines(keepends=True)
    notes = [line.strip()[2:] for line in lines if line.startswith("# ")]
    table = "".join(lines[len(notes) :])
    return notes, pd.read_csv(io.StringIO(table), dtype=str, keep_default_na=False)


def expected_rows(service: Service) -> list[tuple[Any, ...]]:
    """From the stored scores themselves, not through the export's code."""
    rows = []
    sent = _sent_responses().filter(invitation__episode__family__service=service)
    for record in ScoreRecord.objects.filter(is_current=True, measure__response__in=sent):
        response = record.measure.response
        assert response.invitation is not None and response.submitted_at is not None
        values = {**record.result["subscales"], TOTAL: record.result["total"]}
        for code, value in values.items():
            if value is not None:
                rows.append(
                    (
                        response.invitation.episode.family.label,
                        record.measure.instrument.code,
                        code,
                        response.invitation.timepoint,
                        float(value),
                        timezone.localtime(response.submitted_at).date().isoformat(),
                        record.definition_version,
                        record.scoring_version,
                    )
                )
    return sorted(rows)


def test_every_row_is_a_stored_score(
    client: Client, lead: StaffUser, demo_families: dict[str, Family]
) -> None:
    notes, table = download(client, lead)
    assert list(table.columns) == COLUMNS
    got = sorted(
        (
            row.LocalPatientId,
            row.InstrumentCode,
            row.SubscaleCode,
            row.Timepoint,
            float(row.PersScore),
            row.AssToolCompDate,
            row.DefinitionVersion,
            row.ScoringVersion,
        )
        for row in table.itertuples()
    )
    want = expected_rows(lead.service)  # type: ignore[arg-type]
    assert len(want) > 20  # the demo caseload: six families, T1 and T2, three measures
    assert got == want
    assert set(table.Timepoint) == {"T1", "T2"}
    assert set(table.InstrumentCode) == {"prfq", "mors_sf", "asq_se2"}
    assert set(table.CodedAssToolType) == {""}  # no verified SNOMED CT concept: never invented
    assert set(table.EthnicCategory) <= NHS_CODES
    assert notes[0].endswith(f"{len(want)} rows.")
    assert "0 sent response(s) waiting for a group match were left out." in notes


def test_the_person_identifier_is_the_family_label(service: Service) -> None:
    family = factories.family(service)
    assert person_identifier(family) == family.label


def test_answers_waiting_for_a_group_match_are_left_out_and_counted(
    client: Client, lead: StaffUser, clinician: StaffUser
) -> None:
    whole = whole_family(clinician)
    waiting = whole.waiting.invitation
    sent = _answer_and_send(responses.open_response(waiting))
    assert ScoreRecord.objects.filter(measure__response=sent, is_current=True).exists()
    notes, table = download(client, lead)
    assert waiting.episode.family.label not in set(table.LocalPatientId)
    assert whole.family.label in set(table.LocalPatientId)
    assert "1 sent response(s) waiting for a group match were left out." in notes
    assert len(table) == len(expected_rows(lead.service))  # type: ignore[arg-type]
    event = AuditEvent.objects.get(action="export.mhsds_downloaded")
    assert event.actor == lead and event.service_id == lead.service_id
    assert event.detail == {"rows": len(table), "left_out": 1}


def every_offered_option() -> set[tuple[str, str]]:
    """Read from the form's own questions, so a new option fails the coverage test."""
    options = set()
    for group, _ in about_you.ETHNIC_GROUP.choices:
        if group == about_you.PREFER_NOT_TO_SAY[0]:
            continue
        for _, label in about_you.ethnic_background(group).choices:
            if label != about_you.PREFER_NOT_TO_SAY[1]:
                options.add((group, label))
    return options


def test_every_ethnic_option_the_form_offers_maps_to_exactly_one_nhs_code() -> None:
    assert set(NHS_ETHNIC_CATEGORY) == every_offered_option()
    for group, label in every_offered_option():
        stored = dict((text, key) for key, text in about_you.ethnic_background(group).choices)
        code = nhs_ethnic_category({"ethnic_group": group, "ethnic_background": stored[label]})
        assert code == NHS_ETHNIC_CATEGORY[(group, label)]
        assert code in NHS_CODES - {"Z", "99"}


def test_prefer_not_to_say_is_not_stated_and_no_answer_is_not_known() -> None:
    prefer = about_you.PREFER_NOT_TO_SAY[0]
    assert nhs_ethnic_category({"ethnic_group": prefer}) == "Z"
    assert nhs_ethnic_category({"ethnic_group": "asian", "ethnic_background": prefer}) == "Z"
    assert nhs_ethnic_category({}) == "99"
    assert nhs_ethnic_category({"ethnic_group": "asian"}) == "99"  # a broad group alone
    assert nhs_ethnic_category({"ethnic_group": "asian", "ethnic_background": "indian"}) == "H"
    assert nhs_ethnic_category({"ethnic_group": "asian", "ethnic_background": "chinese"}) == "R"


def _sent_with_about_you(service: Service, label: str, answers: dict[str, str]) -> Response:
    fam = families.register_family(
        service,
        label=label,
        parent_name="Maryam",
        relationship="mother",
        infant_dob=timezone.localdate() - timedelta(days=200),
        due_date=None,
        weeks_premature=0,
    )
    episode = families.open_episode(fam, "psychotherapy", timezone.localdate(), None)
    # As the parent's steps do: consent, answers, About you, then send.
    response = responses.open_response(invitations.issue_invitation(episode, "T1").invitation)
    responses.record_consent(response, True)
    factories.answer_all(response, {"prfq": factories.PRFQ_ALL})
    for field, value in answers.items():
        responses.save_about_you(response, field, value)
    return responses.submit_response(response)


def test_the_file_carries_each_parents_ethnic_category(
    client: Client, lead: StaffUser, service: Service
) -> None:
    prefer = about_you.PREFER_NOT_TO_SAY[0]
    _sent_with_about_you(service, "EC-1", {"ethnic_group": "black", "ethnic_background": "african"})
    _sent_with_about_you(service, "EC-2", {"ethnic_group": prefer})
    _sent_with_about_you(service, "EC-3", {})
    _, table = download(client, lead)
    by_family = table.groupby("LocalPatientId").EthnicCategory.agg(set).to_dict()
    assert by_family == {"EC-1": {"N"}, "EC-2": {"Z"}, "EC-3": {"99"}}


def test_cells_that_a_spreadsheet_would_run_are_neutralised(
    client: Client, lead: StaffUser, service: Service
) -> None:
    _sent_with_about_you(service, "=HYPERLINK(1)", {})
    _sent_with_about_you(service, "-2+3", {})
    _, table = download(client, lead)
    assert set(table.LocalPatientId) == {"'=HYPERLINK(1)", "'-2+3"}
    assert all(float(score) >= 0 for score in table.PersScore)  # numbers stay numbers


def test_another_services_lead_sees_none_of_these_rows(
    client: Client, other_service: Service, demo_families: dict[str, Family]
) -> None:
    elsewhere = make_staff(other_service, "olu", Role.SERVICE_LEAD)
    _, table = download(client, elsewhere)
    assert len(table) == 0 and list(table.columns) == COLUMNS


def test_the_staff_home_page_links_the_export_for_leads_only(
    client: Client, lead: StaffUser, clinician: StaffUser
) -> None:
    sign_in(client, lead)
    assert f'href="{reverse("staff:mhsds_csv")}"' in client.get("/staff/").content.decode()
    client.logout()
    sign_in(client, clinician)
    assert reverse("staff:mhsds_csv") not in client.get("/staff/").content.decode()
    assert client.get(URL).status_code == 403


def test_a_recorded_nhs_number_is_carried_beside_the_label(
    client: Client, lead: StaffUser, demo_families: dict[str, Family]
) -> None:
    Family.objects.filter(pk=demo_families["DEMO-C01"].pk).update(nhs_number="9434765919")
    _, table = download(client, lead)
    numbers = dict(zip(table.LocalPatientId, table.NHSNumber, strict=True))
    assert numbers["DEMO-C01"] == "9434765919"
    assert {numbers[label] for label in numbers if label != "DEMO-C01"} == {""}
