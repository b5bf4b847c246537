"""The outcomes page, every export format and the PDF, each compared with scipy run directly
on the stored scores; scope (lead, clinician, another service, facilitator); audit; formula
injection; a query count that does not grow with the data."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from scipy import stats

from questionnaires.models import (
    AuditEvent,
    Response,
    ScoreRecord,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.roles import Role
from questionnaires.services import families as family_services
from questionnaires.services import reach
from tests.conftest import make_staff, sign_in
from tests.questionnaires import factories
from tests.questionnaires.outcomes.builders import mors, paired_episode, prfq

pytestmark = pytest.mark.django_db

# (warmth item value, invasiveness item value, PRFQ item value) at T1 and T2
PLANS = [
    ((2, 3, 4), (4, 2, 3)),
    ((3, 3, 3), (4, 1, 3)),
    ((1, 4, 5), (3, 3, 4)),
    ((2, 2, 4), (2, 2, 5)),
    ((3, 4, 2), (5, 1, 3)),
    ((2, 3, 6), (3, 3, 4)),
    ((4, 1, 4), (4, 2, 4)),
]


@pytest.fixture
def lead(service: Service) -> StaffUser:
    return make_staff(service, "lena", Role.SERVICE_LEAD)


@pytest.fixture
def data(service: Service, clinician: StaffUser, colleague: StaffUser) -> None:
    for index, (t1, t2) in enumerate(PLANS):
        paired_episode(service, clinician, t1, t2, loaf=(3, 2 if index % 2 else 3))
    paired_episode(service, clinician, (2, 2, 2), None)  # dropped out
    # Another clinician's families: the lead sees them, the clinician does not.
    for t1, t2 in PLANS[:5]:
        paired_episode(service, colleague, t2, t1)


def expected(subscale: str, clinician: StaffUser | None = None) -> dict[str, float]:
    """scipy on the stored scores, read straight from the score records."""
    records = ScoreRecord.objects.filter(is_current=True, measure__instrument__code="mors_sf")
    if clinician is not None:
        records = records.filter(measure__response__invitation__episode__clinician=clinician)
    by_episode: dict[object, dict[str, float]] = {}
    for record in records.select_related("measure__response__invitation"):
        invitation = record.measure.response.invitation
        assert invitation is not None
        by_episode.setdefault(invitation.episode_id, {})[invitation.timepoint] = record.result[
            "subscales"
        ][subscale]
    pairs = [(v["T1"], v["T2"]) for v in by_episode.values() if "T1" in v and "T2" in v]
    a = np.array([p[0] for p in pairs], float)
    b = np.array([p[1] for p in pairs], float)
    d = b - a
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return {
        "n": len(d),
        "mean_t1": a.mean(),
        "sd_t1": a.std(ddof=1),
        "mean_t2": b.mean(),
        "sd_t2": b.std(ddof=1),
        "mean_diff": d.mean(),
        "ci_low": d.mean() - half,
        "ci_high": d.mean() + half,
        "t_p": stats.ttest_rel(b, a).pvalue,
        "wilcoxon_p": stats.wilcoxon(b, a).pvalue,
        "cohen_d": d.mean() / d.std(ddof=1),
    }


def p_words(value: float) -> str:
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def page_stats(content: str, measure: str) -> dict[str, str]:
    block = re.search(rf'data-measure="{re.escape(measure)}">(.*?)</dl>', content, re.S)
    assert block is not None, measure
    found = re.findall(r'data-stat="(\w+)">(.*?)</dd>', block.group(1), re.S)
    return {name: html.unescape(value).strip() for name, value in found}


def test_page_numbers_match_scipy(client: Client, lead: StaffUser, data: None) -> None:
    sign_in(client, lead)
    response = client.get("/staff/outcomes")
    assert response.status_code == 200
    content = response.content.decode()
    for subscale, name in (("warmth", "MORS-SF Warmth"), ("invasiveness", "MORS-SF Invasiveness")):
        e = expected(subscale)
        shown = page_stats(content, name)
        assert shown["n"] == str(e["n"]) == "12"
        assert shown["t1"] == f"{e['mean_t1']:.2f} ({e['sd_t1']:.2f})"
        assert shown["t2"] == f"{e['mean_t2']:.2f} ({e['sd_t2']:.2f})"
        assert shown["diff"] == f"{e['mean_diff']:.2f} ({e['ci_low']:.2f} to {e['ci_high']:.2f})"
        assert shown["t_p"] == p_words(e["t_p"])
        assert shown["wilcoxon_p"] == p_words(e["wilcoxon_p"])
        assert shown["cohen_d"] == f"{e['cohen_d']:.2f}"
    # 12 of 13 finished episodes paired, against the 90% goal
    assert "Paired-score rate: 92.3%" in content and "12 of 13 finished episodes" in content
    assert "No reliable-change threshold is configured for:" in content
    assert AuditEvent.objects.filter(action="outcomes.viewed", actor=lead).count() == 1


def test_clinician_sees_only_their_own_caseload(
    client: Client, clinician: StaffUser, data: None
) -> None:
    sign_in(client, clinician)
    content = client.get("/staff/outcomes").content.decode()
    e = expected("warmth", clinician)
    shown = page_stats(content, "MORS-SF Warmth")
    assert shown["n"] == str(e["n"]) == "7"
    assert shown["diff"] == f"{e['mean_diff']:.2f} ({e['ci_low']:.2f} to {e['ci_high']:.2f})"
    assert "Evaluation data for Excel" not in content  # exports are for leads
    assert client.get("/staff/outcomes/export.xlsx").status_code == 403


def test_another_services_lead_sees_nothing_of_ours(
    client: Client, other_service: Service, data: None
) -> None:
    sign_in(client, make_staff(other_service, "olga", Role.SERVICE_LEAD))
    content = client.get("/staff/outcomes").content.decode()
    assert "MORS-SF Warmth" in content and 'data-measure="MORS-SF Warmth"' not in content
    assert "0 of 0 finished episodes" in content
    book = pd.read_excel(io.BytesIO(client.get("/staff/outcomes/export.xlsx").content), None)
    assert all(len(sheet) == 0 for name, sheet in book.items() if name != "data_dictionary")


def test_facilitator_is_refused(client: Client, facilitator: StaffUser) -> None:
    sign_in(client, facilitator)
    assert client.get("/staff/outcomes").status_code == 403


def _wide_check(wide: pd.DataFrame) -> None:
    for subscale in ("warmth", "invasiveness"):
        e = expected(subscale)
        t1 = wide[f"mors_sf_{subscale}_t1"].astype(float)
        t2 = wide[f"mors_sf_{subscale}_t2"].astype(float)
        diff = wide[f"mors_sf_{subscale}_diff"].astype(float)
        assert len(t1) == e["n"] == 12
        assert t1.mean() == pytest.approx(e["mean_t1"]) and t2.mean() == pytest.approx(e["mean_t2"])
        assert diff.mean() == pytest.approx(e["mean_diff"])
        assert stats.ttest_rel(t2, t1).pvalue == pytest.approx(e["t_p"])
        assert stats.wilcoxon(t2, t1).pvalue == pytest.approx(e["wilcoxon_p"])
    assert (
        set(wide["mors_sf_definition_t1"]) == {"2026.1"}
        or wide["mors_sf_definition_t1"].notna().all()
    )


def test_xlsx_export_reads_back_with_every_table(
    client: Client, lead: StaffUser, data: None
) -> None:
    sign_in(client, lead)
    response = client.get("/staff/outcomes/export.xlsx")
    assert response.status_code == 200
    book = pd.read_excel(io.BytesIO(response.content), None)
    assert set(book) == {"long", "wide", "items", "data_dictionary"}
    _wide_check(book["wide"])
    long = book["long"]
    assert long["definition_version"].notna().all() and long["scoring_version"].notna().all()
    assert {"programme", "programme_label", "timepoint", "timepoint_label"} <= set(long.columns)
    items = book["items"]
    assert {"item", "value", "value_label", "definition_version", "scoring_version"} <= set(items)
    assert set(book["data_dictionary"]["column"]) >= set(long.columns) | set(book["wide"].columns)
    assert "parent_name" not in long.columns and "nhs_number" not in long.columns
    event = AuditEvent.objects.get(action="export.outcomes_downloaded")
    assert event.actor == lead and event.detail["format"] == "xlsx" and event.detail["rows"] > 0


def _zip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_csv_export(client: Client, lead: StaffUser, data: None) -> None:
    sign_in(client, lead)
    files = _zip(client.get("/staff/outcomes/export.csv").content)
    assert set(files) == {
        "outcomes_long.csv", "outcomes_wide.csv", "outcomes_items.csv",
        "outcomes_data_dictionary.csv",
    }  # fmt: skip
    _wide_check(pd.read_csv(io.BytesIO(files["outcomes_wide.csv"])))


@pytest.mark.parametrize("file_format", ["sav", "dta"])
def test_spss_and_stata_exports_with_value_labels(
    client: Client, lead: StaffUser, data: None, file_format: str, tmp_path: Path
) -> None:
    sign_in(client, lead)
    files = _zip(client.get(f"/staff/outcomes/export.{file_format}").content)
    read = pyreadstat.read_sav if file_format == "sav" else pyreadstat.read_dta
    for name in ("wide", "long"):
        path = tmp_path / f"outcomes_{name}.{file_format}"
        path.write_bytes(files[f"outcomes_{name}.{file_format}"])
        frame, meta = read(str(path))
        if name == "wide":
            _wide_check(frame)
        else:
            labels = meta.variable_value_labels["timepoint"]
            assert labels == {1.0: "Start (T1)", 2.0: "End (T2)"} or labels == {
                1: "Start (T1)", 2: "End (T2)"
            }  # fmt: skip
            assert set(frame["timepoint"]) == {1, 2}
            assert (frame["definition_version"] != "").all()


def test_pdf_numbers_match_scipy(client: Client, lead: StaffUser, data: None) -> None:
    sign_in(client, lead)
    response = client.get("/staff/outcomes/report.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    for subscale in ("warmth", "invasiveness"):
        e = expected(subscale)
        for value in (
            f"{e['mean_t1']:.2f} ({e['sd_t1']:.2f})",
            f"{e['mean_t2']:.2f} ({e['sd_t2']:.2f})",
            f"{e['ci_low']:.2f} to {e['ci_high']:.2f}",
            p_words(e["t_p"]),
            p_words(e["wilcoxon_p"]),
            f"{e['cohen_d']:.2f}",
        ):
            assert value in text, (subscale, value)
    assert "Generated by" in text and "fewer than 5" in text.lower()
    assert "definition 2026" in text or "definition" in text
    assert AuditEvent.objects.filter(action="outcomes.report_downloaded").count() == 1


def test_exports_neutralise_formulas(client: Client, lead: StaffUser, service: Service) -> None:
    family = family_services.register_family(
        service, label="=HYPERLINK(1)", parent_name="Eve", relationship="mother",
        infant_dob=factories.family(service).infant_dob,
    )  # fmt: skip
    episode = family_services.open_episode(family, "psychotherapy", family.created_at.date())
    factories.send(episode, Timepoint.T1, {"mors_sf": mors(2, 2), "prfq": prfq(3)})
    sign_in(client, lead)
    files = _zip(client.get("/staff/outcomes/export.csv").content)
    long = pd.read_csv(io.BytesIO(files["outcomes_long.csv"]))
    assert set(long["family_label"]) == {"'=HYPERLINK(1)"}
    book = pd.read_excel(io.BytesIO(client.get("/staff/outcomes/export.xlsx").content), None)
    assert set(book["long"]["family_label"]) == {"'=HYPERLINK(1)"}


def test_bad_filters_get_a_plain_message(client: Client, lead: StaffUser) -> None:
    sign_in(client, lead)
    response = client.get("/staff/outcomes?programme=nonsense&group=x")
    assert (
        response.status_code == 200
        and "Select a programme from the list" in response.content.decode()
    )
    assert client.get("/staff/outcomes/export.xlsx?programme=nonsense").status_code == 400
    assert client.get("/staff/outcomes/export.exe").status_code == 404


def test_filters_narrow_to_a_programme(client: Client, lead: StaffUser, data: None) -> None:
    sign_in(client, lead)
    content = client.get("/staff/outcomes?programme=together_time").content.decode()
    assert "0 of 0 finished episodes" in content


def test_query_count_does_not_grow(
    client: Client, lead: StaffUser, service: Service, clinician: StaffUser
) -> None:
    sign_in(client, lead)
    for t1, t2 in PLANS[:2]:
        paired_episode(service, clinician, t1, t2)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/staff/outcomes").status_code == 200
    for t1, t2 in PLANS:
        paired_episode(service, clinician, t1, t2, loaf=(2, 1))
    with CaptureQueriesContext(connection) as large:
        assert client.get("/staff/outcomes").status_code == 200
    assert len(large) == len(small)


def test_reach_postcode_sets_the_decile_and_is_not_kept(service: Service, tmp_path: Path) -> None:
    path = tmp_path / "imd.csv"
    path.write_text("postcode,imd_decile\nSW1A 1AA,3\nbad,4\nE1 6AN,11\n", encoding="utf-8")
    result = reach.import_imd(path)
    assert (result.imported, result.skipped) == (1, 2)
    family = factories.family(service)
    updated = reach.record_reach(family, None, "midwifery", True, postcode="sw1a1aa")
    assert updated.imd_decile == 3 and updated.referral_source == "midwifery"
    event = AuditEvent.objects.get(action="family.reach_recorded")
    assert "SW1A" not in str(event.detail).upper()
    with pytest.raises(reach.ReachInvalid):
        reach.record_reach(family, None, postcode="ZZ9 9ZZ")


def test_staff_record_referral_details_on_the_family(
    client: Client, clinician: StaffUser, service: Service, tmp_path: Path
) -> None:
    path = tmp_path / "imd.csv"
    path.write_text("SW1A 1AA,2\n", encoding="utf-8")
    reach.import_imd(path)
    family = factories.family(service)
    sign_in(client, clinician)
    url = f"/staff/families/{family.pk}/reach"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"referral_source": "gp", "imd_decile": "11"})
    assert bad.status_code == 400 and "whole number from 1 to 10" in bad.content.decode()
    unknown = client.post(url, {"postcode": "E1 6AN"})
    assert unknown.status_code == 400 and "not in the service" in unknown.content.decode()
    done = client.post(
        url, {"referral_source": "gp", "pregnant_at_referral": "yes", "postcode": "sw1a 1aa"}
    )
    assert done.status_code == 302
    family.refresh_from_db()
    assert (family.referral_source, family.pregnant_at_referral, family.imd_decile) == (
        "gp", True, 2,
    )  # fmt: skip


def test_exports_carry_answer_and_definition_languages(
    client: Client, lead: StaffUser, data: None
) -> None:
    """Issue 16: a translated questionnaire is its own definition version. Every export names
    the answer language and the definition language (with dictionary rows), and a start
    scored in English never pairs with an end scored in another language."""
    sign_in(client, lead)
    files = _zip(client.get("/staff/outcomes/export.csv").content)
    wide_before = pd.read_csv(io.BytesIO(files["outcomes_wide.csv"]))
    # One family's end answers scored with a Portuguese definition version (set-up shortcut).
    episode_id = wide_before["episode_id"].iloc[0]
    records = ScoreRecord.objects.filter(
        is_current=True,
        measure__response__invitation__episode_id=episode_id,
        measure__response__invitation__timepoint=Timepoint.T2,
    )
    assert records.update(language="pt") >= 2
    Response.objects.filter(
        invitation__episode_id=episode_id, invitation__timepoint=Timepoint.T2
    ).update(language="pt")
    files = _zip(client.get("/staff/outcomes/export.csv").content)
    long = pd.read_csv(io.BytesIO(files["outcomes_long.csv"]), keep_default_na=False)
    wide = pd.read_csv(io.BytesIO(files["outcomes_wide.csv"]))
    items = pd.read_csv(io.BytesIO(files["outcomes_items.csv"]), keep_default_na=False)
    dictionary = pd.read_csv(io.BytesIO(files["outcomes_data_dictionary.csv"]))
    for frame in (long, items):
        assert {"answer_language", "definition_language"} <= set(frame.columns)
    mine = long[long["episode_id"] == episode_id]
    assert set(mine[mine["timepoint"] == "T2"]["definition_language"]) == {"pt"}
    assert set(mine[mine["timepoint"] == "T2"]["answer_language"]) == {"pt"}
    assert set(mine[mine["timepoint"] == "T1"]["definition_language"]) == {"en"}
    assert set(long[long["episode_id"] != episode_id]["definition_language"]) == {"en"}
    # The episode no longer pairs: its T1 (English) and T2 (Portuguese) are not comparable.
    assert len(wide) == len(wide_before) - 1
    assert episode_id not in set(wide["episode_id"])
    assert {"mors_sf_definition_language_t1", "mors_sf_answer_language_t2"} <= set(wide.columns)
    described = dictionary.set_index(["table", "column"])["description"]
    for table in ("long", "items"):
        assert "language" in described[(table, "definition_language")].lower()
        assert "answered" in described[(table, "answer_language")].lower()
    # The page's paired n drops by one as well (scipy on the English pairs only).
    page = client.get("/staff/outcomes").content.decode()
    shown = page_stats(page, "MORS-SF Warmth")
    assert shown["n"] == str(len(wide)) == "11"
    d = wide["mors_sf_warmth_diff"].to_numpy(float)
    assert shown["t_p"] == p_words(stats.ttest_rel(d, np.zeros(len(d))).pvalue)
    assert shown["cohen_d"] == f"{d.mean() / d.std(ddof=1):.2f}"


def test_xlsx_is_a_valid_workbook_with_blank_missing_cells(
    client: Client, lead: StaffUser, data: None
) -> None:
    """The SpreadsheetML written directly: openpyxl opens it, every sheet is there, missing
    cells are blank (never the word nan) and numbers are numbers."""
    import openpyxl  # type: ignore[import-untyped]

    sign_in(client, lead)
    content = client.get("/staff/outcomes/export.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames == ["long", "wide", "items", "data_dictionary"]
    rows = list(book["long"].iter_rows(values_only=True))
    header = rows[0]
    assert "definition_language" in header and "answer_language" in header
    score = header.index("score")
    interval = header.index("asq_interval")
    assert all(isinstance(row[score], int | float) for row in rows[1:] if row[score] is not None)
    instrument = header.index("instrument")
    assert all(row[interval] is None for row in rows[1:] if row[instrument] != "asq_se2")
    assert not any(cell == "nan" for row in rows for cell in row)
