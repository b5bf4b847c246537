"""Issue 6: the clinician view. Caseload (flags, search, filters, constant queries), the family
record (scores against ranges and cut-offs, change, charts, LOAF), the PDF report, the parent's
own copy, and access (AZ-2, AZ-3), audit (LOG-1) and escaping (INJ-1, INJ-3)."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

import scoring
from portal.parents import parent_session
from questionnaires import charts, demo, scoring_adapter, summary
from questionnaires.models import (
    AuditEvent,
    Episode,
    Family,
    InstrumentVersion,
    Invitation,
    LoafRating,
    Programme,
    Response,
    ResponseMeasure,
    ResponseStatus,
    ScoreRecord,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.services import families, invitations, responses
from questionnaires.services.loaf_ratings import LoafInvalid, record_loaf
from questionnaires.summary import change_rows, loaf_rows, measures, wording
from tests.questionnaires import factories

PRFQ_ALL = {str(n): "6" for n in range(1, 19)}


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _send(
    episode: Episode,
    timepoint: str,
    values: dict[str, dict[str, str]],
    concerns: set[str] | None = None,
    asq_interval: int | None = None,
) -> Response:
    issued = invitations.issue_invitation(episode, timepoint)
    response = responses.open_response(issued.invitation)
    responses.record_consent(response, True)
    for measure in response.measures.select_related("instrument"):
        if asq_interval is not None and measure.instrument.code == "asq_se2":
            # A set-up shortcut: the baby's age picks the interval, so force a later one here.
            ResponseMeasure.objects.filter(pk=measure.pk).update(asq_interval=asq_interval)
            measure.asq_interval = asq_interval
        for item, value in values.get(measure.instrument.code, {}).items():
            concern = measure.instrument.code == "asq_se2" and item in (concerns or set())
            responses.save_answer(measure, item, value, concern=concern)
    return responses.submit_response(response)


def _episode(service: Service, clinician: StaffUser | None = None, **kwargs: Any) -> Episode:
    family = factories.family(service, **kwargs)
    return families.open_episode(family, Programme.PSYCHOTHERAPY, timezone.localdate(), clinician)


def _asq(total_items: int, value: str = "sometimes", skip: int = 0) -> dict[str, str]:
    return {str(n): value for n in range(1 + skip, total_items + 1)}


def _mors(warmth: str, invasiveness: str, skip: tuple[str, ...] = ()) -> dict[str, str]:
    warm = {1, 3, 4, 6, 8, 11, 13}
    answers = {str(n): warmth if n in warm else invasiveness for n in range(1, 15)}
    return {key: value for key, value in answers.items() if key not in skip}


def _detail(client: Client, family: Family) -> str:
    url = reverse("staff:family_detail", kwargs={"family_id": family.id})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def demo_families(clinician: StaffUser) -> dict[str, Family]:
    demo.demo_caseload(clinician.service, clinician)  # type: ignore[arg-type]
    return {f.label: f for f in Family.objects.filter(service=clinician.service)}


# --- The summary equals scoring on the stored answers --------------------------------------------


def test_summary_values_equal_scoring_score_on_the_stored_answers(
    demo_families: dict[str, Family],
) -> None:
    checked = 0
    for family in demo_families.values():
        found = summary.family_summary(family)
        for section in found.episodes:
            for point in section.timepoints:
                for result in point.measures:
                    measure = ResponseMeasure.objects.get(
                        response__invitation__episode=section.episode,
                        response__invitation__timepoint=point.timepoint,
                        instrument__code=result.code,
                    )
                    answers, context = scoring_adapter.scoring_inputs(measure)
                    expected = scoring.score(result.code, answers, **context)
                    unit = {s.code: s.unit for s in context["definition"].subscales}
                    for sub in result.subscales:
                        value = expected.subscales[sub.code]
                        assert sub.value == value
                        assert sub.shown == wording.format_score(value, unit[sub.code])
                    if result.asq is not None:
                        assert result.asq.total == expected.total
                        assert result.asq.zone == expected.zone
                        assert result.asq.missing_count == len(expected.missing)
                        assert result.asq.adjusted == expected.adjusted
                    checked += 1
    assert checked == 4 * 2 * 3  # four families, T1 and T2, three questionnaires each


def test_demo_caseload_shows_every_state_and_is_idempotent(
    demo_families: dict[str, Family], clinician: StaffUser
) -> None:
    assert demo.demo_caseload(clinician.service, clinician) == []  # type: ignore[arg-type]
    by_label = {label: summary.family_summary(f) for label, f in demo_families.items()}

    def measure(label: str, timepoint: str, code: str) -> measures.MeasureResult:
        point = by_label[label].episodes[0].timepoint(timepoint)
        assert point is not None
        return next(m for m in point.measures if m.code == code)

    above = measure("DEMO-C01", "T1", "asq_se2")
    assert above.asq is not None and above.asq.zone_label == "Above cut-off"
    assert "Above cut-off" in [f.label for f in above.clinical_flags]
    prorated = measure("DEMO-C02", "T1", "mors_sf")
    assert prorated.subscales[0].prorated and prorated.subscales[0].shown != "Not scored"
    assert "Prorated: Warmth" in [f.label for f in prorated.flags]
    skipped = measure("DEMO-C03", "T1", "asq_se2")
    assert skipped.asq is not None and skipped.asq.shown == "Not scored"
    assert skipped.asq.not_scored_reason.startswith("More than 3 questions")
    said_yes = measure("DEMO-C04", "T2", "asq_se2")
    assert "Answered yes: overall question 1" in [f.label for f in said_yes.flags]
    assert said_yes.asq is not None and said_yes.asq.zone_label == "Monitoring zone"


# --- Change words, zones, crossings --------------------------------------------------------------


def test_change_is_described_in_words_with_direction(clinician: StaffUser) -> None:
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    _send(episode, "T1", {"prfq": PRFQ_ALL, "mors_sf": _mors("3", "2"), "asq_se2": _asq(23)})
    t2_prfq = {**PRFQ_ALL, **{str(n): "3" for n in (1, 4, 7, 10, 13, 16)}}
    _send(
        episode,
        "T2",
        {"prfq": t2_prfq, "mors_sf": _mors("4", "1"), "asq_se2": _asq(23, "often_always")},
    )
    section = summary.family_summary(episode.family).episodes[0]
    words = {row.name: row for change in section.changes for row in change.rows}
    assert words["Warmth"].words == "Warmth up 7 points — better"
    assert words["Warmth"].t1 == "21" and words["Warmth"].t2 == "28"
    assert words["Invasiveness"].words == "Invasiveness down 7 points — better"
    assert words["Pre-Mentalizing"].t1 == "6.00" and words["Pre-Mentalizing"].t2 == "3.00"
    assert words["Pre-Mentalizing"].words == "Pre-Mentalizing down 3 points — better"
    assert words["Certainty about Mental States"].words.endswith("no change")
    assert words["Warmth"].reliable == "no reliable-change threshold configured"
    total = words["Total score"]
    assert total.t1.endswith("(Above cut-off)")
    assert total.crossing == "No cut-off crossing (Above cut-off → Above cut-off)"


def test_asq_crossing_notes_different_intervals(clinician: StaffUser) -> None:
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    _send(episode, "T1", {"asq_se2": _asq(23, "sometimes")})
    # 12-month questionnaire, every answer worth 0 points with the demo keys' first letter Z.
    zero = {str(n): ("often_always" if n % 2 else "rarely_never") for n in range(1, 28)}
    _send(episode, "T2", {"asq_se2": zero}, asq_interval=12)
    change = summary.family_summary(episode.family).episodes[0].changes[-1]
    assert change.code == "asq_se2"
    assert change.rows[0].crossing == "Crossed below cut-off"
    assert "Start used the 6-month questionnaire and end the 12-month one" in change.note
    assert change.chart.cutoff is None  # one cut-off line would be wrong for both


def test_zones_are_words_against_the_cut_off(clinician: StaffUser, client: Client) -> None:
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    # 6-month: 7 answers worth 5 points = 35, in the monitoring zone 30 to 45.
    monitoring = {str(n): "sometimes" if n <= 7 else ("often_always" if n % 2 else "rarely_never")
                  for n in range(1, 24)}  # fmt: skip
    _send(episode, "T1", {"asq_se2": monitoring})
    client.force_login(clinician)
    page = _detail(client, episode.family)
    assert "Monitoring zone" in page
    assert "Cut-off 45; monitoring zone 30 to 45" in page
    assert "range 0 to 345" in page
    assert "Lower = better" in page


def test_each_score_shows_its_range_direction_and_meaning(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    client.force_login(clinician)
    page = _detail(client, demo_families["DEMO-C02"])
    assert "Higher = better (more warmth)" in page
    assert "Lower = better (less invasiveness)" in page
    assert "Middle of the range (4) = best" in page
    assert "0 to 35" in page and "1 to 7" in page
    assert "Higher scores mean more warm, positive feelings towards the baby." in page
    assert "Prorated" in page
    assert "Demo wording – not for clinical use" in page
    assert "Unverified" in page
    # Item answers on demand, without JavaScript.
    assert '<details class="nhsuk-details">' in page
    assert "I always know what my child wants." in page
    assert "Not answered" in page  # the skipped MORS-SF question


def test_the_chart_is_inline_svg_without_inline_styles(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    """DEP-3: the CSP allows no inline styles, so the SVG carries presentation attributes."""
    client.force_login(clinician)
    page = _detail(client, demo_families["DEMO-C01"])
    svgs = re.findall(r"<svg[^>]*class=\"app-chart\".*?</svg>", page, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        assert "style=" not in svg and "<style" not in svg
        assert 'role="img"' in svg and 'aria-label="Chart of ' in svg
    ids = re.findall(r' id="(chart[^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_chart_label_says_the_numbers() -> None:
    series = change_rows.ChartSeries("mors_sf", "MORS-SF", ["Warmth"], [21.0], [None], 0, 35)
    assert (
        charts.chart_label(series) == "Chart of MORS-SF scores. Warmth: start 21, end not scored."
    )


# --- Caseload: flags, ordering, search, filters, queries ----------------------------------------


def test_caseload_shows_flags_without_opening_the_record(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    client.force_login(clinician)
    page = client.get(reverse("staff:caseload")).content.decode()
    rows = {label: page.split(label, 1)[1].split("</tr>", 1)[0] for label in demo_families}
    assert "ASQ:SE-2 above cut-off (T1)" in rows["DEMO-C01"]
    assert "Overall question answered yes (T2)" in rows["DEMO-C04"]
    assert "ASQ:SE-2 monitoring zone (T2)" in rows["DEMO-C04"]
    assert "Unverified instrument" in rows["DEMO-C02"]
    assert "above cut-off" not in rows["DEMO-C02"]
    assert "End (T2) answers in" in rows["DEMO-C01"]
    assert "Start (T1): sent" in rows["DEMO-C01"]


def test_caseload_puts_the_users_own_families_first(
    client: Client, clinician: StaffUser, colleague: StaffUser
) -> None:
    theirs = _episode(clinician.service, colleague, parent_name="Aaron")  # type: ignore[arg-type]
    mine = _episode(clinician.service, clinician, parent_name="Zed")  # type: ignore[arg-type]
    client.force_login(clinician)
    page = client.get(reverse("staff:caseload")).content.decode()
    assert page.index(mine.family.label) < page.index(theirs.family.label)
    assert page.count("Your family") == 1


def test_search_by_label_or_nickname_and_filter(client: Client, clinician: StaffUser) -> None:
    service = clinician.service
    waiting = _episode(service, clinician, parent_name="Maryam")  # type: ignore[arg-type]
    started = _episode(service, clinician, parent_name="Joanne")  # type: ignore[arg-type]
    _send(started, "T1", {"prfq": PRFQ_ALL})
    finished = _episode(service, clinician, parent_name="Priya")  # type: ignore[arg-type]
    _send(finished, "T1", {"prfq": PRFQ_ALL})
    _send(finished, "T2", {"prfq": PRFQ_ALL})
    group = factories.family(service, parent_name="Grace")  # type: ignore[arg-type]
    families.open_episode(group, Programme.TOGETHER_TIME, timezone.localdate(), clinician)
    closed = _episode(service, clinician, parent_name="Cora")  # type: ignore[arg-type]
    Episode.objects.filter(pk=closed.pk).update(closed_on=timezone.localdate())
    client.force_login(clinician)

    def labels(**query: str) -> set[str]:
        page = client.get(reverse("staff:caseload"), query).content.decode()
        return set(re.findall(r">(RV-\d{4})</a>", page))

    everyone = {e.family.label for e in (waiting, started, finished, closed)} | {group.label}
    assert labels() == everyone
    assert labels(q="mary") == {waiting.family.label}
    assert labels(q=started.family.label.lower()) == {started.family.label}
    assert labels(programme=Programme.TOGETHER_TIME) == {group.label}
    assert labels(status="awaiting_t1") == {waiting.family.label, group.label}
    assert labels(status="t1_done") == {started.family.label}
    assert labels(status="t2_done") == {finished.family.label}
    assert labels(status="closed") == {closed.family.label}
    # INJ-3: request data is only ever a value; unknown filters are ignored, never a 500.
    assert labels(status="label__startswith", programme="x") == everyone
    assert labels(q="%") == set()
    assert (
        "No families match" in client.get(reverse("staff:caseload"), {"q": "zzz"}).content.decode()
    )


def _bulk_families(service: Service, clinician: StaffUser, count: int, start: int) -> None:
    """Many families cheaply: rows straight in with bulk_create (a query-count test only)."""
    today, now = timezone.localdate(), timezone.now()
    asq = InstrumentVersion.objects.get(code="asq_se2", is_current=True)
    families = Family.objects.bulk_create(
        Family(
            service=service,
            label=f"BULK-{start + n:05d}",
            parent_name=f"Parent {n}",
            relationship="mother",
            infant_dob=today - timedelta(days=200),
        )
        for n in range(count)
    )
    episodes = Episode.objects.bulk_create(
        Episode(
            family=family,
            programme=Programme.PSYCHOTHERAPY,
            clinician=clinician if n % 2 else None,
            opened_on=today,
        )
        for n, family in enumerate(families)
    )
    invitations = Invitation.objects.bulk_create(
        Invitation(
            episode=episode,
            timepoint=Timepoint.T1,
            instruments=["asq_se2"],
            token_hash=uuid.uuid4().hex,
            short_code_hash=uuid.uuid4().hex,
            expires_at=now + timedelta(days=1),
        )
        for episode in episodes
    )
    responses = Response.objects.bulk_create(
        Response(invitation=invitation, status=ResponseStatus.SUBMITTED, submitted_at=now)
        for invitation in invitations
    )
    measures = ResponseMeasure.objects.bulk_create(
        ResponseMeasure(response=response, instrument=asq, position=0, asq_interval=6)
        for response in responses
    )
    ScoreRecord.objects.bulk_create(
        ScoreRecord(
            measure=measure,
            result={},
            definition_version=asq.version,
            scoring_version="asq_points/1",
            flags=["above_cutoff"] if n % 3 == 0 else ["monitoring", "overall_yes:overall_1"],
        )
        for n, measure in enumerate(measures)
    )


def _caseload_queries(client: Client, **query: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("staff:caseload"), query)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_caseload_query_count_is_the_same_for_5_and_500_families(
    client: Client, clinician: StaffUser
) -> None:
    client.force_login(clinician)
    _bulk_families(clinician.service, clinician, 5, 0)  # type: ignore[arg-type]
    with_five, page = _caseload_queries(client)
    assert "ASQ:SE-2 above cut-off (T1)" in page
    _bulk_families(clinician.service, clinician, 495, 5)  # type: ignore[arg-type]
    with_500, page = _caseload_queries(client)
    assert with_500 == with_five
    assert "Families 1 to 25 of 500" in page
    assert "Overall question answered yes (T1)" in page
    filtered, _ = _caseload_queries(client, q="BULK", status="t1_done", programme="psychotherapy")
    assert filtered == with_five
    assert with_five <= 15  # session, user, roles, service, count, page, episodes, flags…


def test_family_record_query_count_does_not_grow_with_answers(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    client.force_login(clinician)
    url = reverse("staff:family_detail", kwargs={"family_id": demo_families["DEMO-C01"].id})
    client.get(url)  # warm the definition cache
    with CaptureQueriesContext(connection) as one_family:
        client.get(url)
    url = reverse("staff:family_detail", kwargs={"family_id": demo_families["DEMO-C02"].id})
    with CaptureQueriesContext(connection) as other_family:
        client.get(url)
    assert len(one_family) == len(other_family) <= 20


# --- LOAF ----------------------------------------------------------------------------------------


def _loaf_post(client: Client, episode: Episode, **fields: str) -> Any:
    prefix = f"loaf-{episode.pk.hex[:8]}"
    today = timezone.localdate()
    data = {
        "timepoint": "T1",
        "part": "A",
        "caregiver": "Mother",
        "level": "3",
        "rated_on_day": str(today.day),
        "rated_on_month": str(today.month),
        "rated_on_year": str(today.year),
    }
    data.update(fields)
    return client.post(
        reverse("staff:loaf_record", kwargs={"episode_id": episode.id}),
        {f"{prefix}-{key}": value for key, value in data.items()},
    )


def test_recording_loaf_and_the_change_category(client: Client, clinician: StaffUser) -> None:
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    client.force_login(clinician)
    first = _loaf_post(client, episode)
    assert first.status_code == 302
    assert (
        _loaf_post(client, episode, timepoint="T2", caregiver="mother", level="2").status_code
        == 302
    )
    assert _loaf_post(client, episode, part="B", caregiver="", level="2").status_code == 302
    assert (
        _loaf_post(client, episode, timepoint="T2", part="B", caregiver="", level="4").status_code
        == 302
    )
    rating = LoafRating.objects.get(episode=episode, timepoint="T1", part="A")
    assert (rating.level, rating.rater, rating.caregiver) == (3, clinician, "Mother")
    page = client.get(first["Location"]).content.decode()
    assert "Level 3: compromised to disturbed" in page
    assert "Level 2: strained to concerning" in page
    assert "Improved" in page and "Worsened" in page
    # Radios show numbers with short names only.
    assert "3 – compromised to disturbed" in page
    assert AuditEvent.objects.filter(action="loaf.recorded").count() == 4


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"level": "5"}, "Select a level from 1 to 4"),
        ({"level": "2.5"}, "Select a level from 1 to 4"),
        ({"level": ""}, "Select a level from 1 to 4"),
        ({"caregiver": ""}, "Enter which caregiver this Part A rating is for"),
        ({"part": "B"}, "Leave caregiver empty for Part B"),
        ({"timepoint": "T3"}, "Select start (T1) or end (T2)"),
        ({"rated_on_year": "2999"}, "Date rated must be today or in the past"),
        ({"rated_on_day": ""}, "Date rated must include a day"),
    ],
)
def test_loaf_form_errors_are_plain_and_nothing_is_saved(
    client: Client, clinician: StaffUser, fields: dict[str, str], message: str
) -> None:
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    client.force_login(clinician)
    response = _loaf_post(client, episode, **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert "<title>Error: " in page
    assert not LoafRating.objects.exists()


def test_record_loaf_service_validates_with_scoring_loaf(clinician: StaffUser) -> None:
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    today = timezone.localdate()
    for level in (0, 5, "x", 2.0, True):
        with pytest.raises(LoafInvalid):
            record_loaf(episode, "T1", "A", level, today, clinician, "Mother")  # type: ignore[arg-type]
    with pytest.raises(LoafInvalid):
        record_loaf(episode, "T1", "B", 2, today, clinician, "Mother")
    with pytest.raises(LoafInvalid):
        record_loaf(episode, "T1", "A", 2, today + timedelta(days=1), clinician, "Mother")
    first = record_loaf(episode, "T1", "A", 2, today, clinician, "Mother")
    corrected = record_loaf(episode, "T1", "A", "3", today, clinician, " MOTHER ")
    assert corrected.pk == first.pk and corrected.level == 3
    assert AuditEvent.objects.filter(action="loaf.corrected").get().detail["previous_level"] == 2
    rows = loaf_rows.summarise_loaf(LoafRating.objects.all())
    assert rows[0].category == "Needs both start (T1) and end (T2)"


# --- PDF report ----------------------------------------------------------------------------------


def test_pdf_report_has_the_stored_numbers_versions_and_author(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    clinician.first_name, clinician.last_name = "Alice", "Ng"
    clinician.save()
    family = demo_families["DEMO-C01"]
    client.force_login(clinician)
    response = client.get(reverse("staff:family_report_pdf", kwargs={"family_id": family.id}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="family-DEMO-C01.pdf"' in response["Content-Disposition"]
    text = _flat(_pdf_text(response.content))
    assert "Riverside parent–infant team" in text
    assert "family DEMO-C01" in text
    assert "Generated by Alice Ng on" in text
    found = summary.family_summary(family)
    for result in found.measures:
        for sub in result.subscales:
            assert f"{sub.name} {sub.shown} {sub.range}" in text
        if result.asq is not None:
            assert f"{result.asq.shown} {result.asq.range}" in text
            assert result.asq.zone_label in text
    for short_name, definition_version, scoring_version in found.versions:
        assert f"{short_name} {definition_version} {scoring_version}" in text
    assert "Crossed below cut-off" in text
    assert "Level 3: compromised to disturbed" in text and "Improved" in text
    assert "Appendix: the parent's answers" in text
    assert "I always know what my child wants." in text
    assert "Demo wording – not for clinical use" in text
    event = AuditEvent.objects.get(action="family.report_downloaded")
    assert (event.actor, event.object_id) == (clinician, str(family.id))


# --- INJ-1 ---------------------------------------------------------------------------------------


def test_parent_entered_text_is_escaped_in_the_page_and_the_pdf(
    client: Client, clinician: StaffUser
) -> None:
    payload = "<script>alert(1)</script>"
    episode = _episode(clinician.service, clinician, parent_name=payload)  # type: ignore[arg-type]
    response = _send(episode, "T1", {"asq_se2": _asq(23)})
    measure = response.measures.get(instrument__code="asq_se2")
    # Free text as a parent might type it, reportlab markup included.
    measure.answers.filter(item="overall_4").delete()
    from questionnaires.models import Answer

    Answer.objects.create(measure=measure, item="overall_4", text='<b>x</b> & <font size="99">')
    client.force_login(clinician)
    page = _detail(client, episode.family)
    assert payload not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;font" in page
    caseload = client.get(reverse("staff:caseload")).content.decode()
    assert payload not in caseload and "&lt;script&gt;" in caseload
    pdf = client.get(reverse("staff:family_report_pdf", kwargs={"family_id": episode.family_id}))
    assert pdf.status_code == 200
    text = _flat(_pdf_text(pdf.content))
    assert payload in text
    assert '<b>x</b> & <font size="99">' in text


# --- Parent copy ---------------------------------------------------------------------------------


def _finished_session(client: Client, response: Response, **extra: str) -> None:
    session = client.session
    session[parent_session.FINISHED_KEY] = {
        "contact_line": "",
        "crisis_text": "",
        "return_code": "",
        "next_parent_url": "",
        "response_id": str(response.pk),
        **extra,
    }
    session.save()


def test_finishing_keeps_the_response_id_for_the_copy(service: Service) -> None:
    issued, response = factories.invited_response(service)
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    parent_session.finish(request, issued.invitation)
    assert request.session[parent_session.FINISHED_KEY]["response_id"] == str(response.pk)


def test_parent_copy_has_questions_and_answers_but_no_scores(
    client: Client, service: Service
) -> None:
    episode = _episode(service)
    mors = _mors("4", "1", skip=("3",))
    response = _send(episode, "T1", {"prfq": PRFQ_ALL, "mors_sf": mors, "asq_se2": _asq(23)})
    _finished_session(client, response)
    sent = client.get(reverse("parents:sent")).content.decode()
    assert reverse("parents:copy") in sent
    download = client.get(reverse("parents:copy"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    text = _flat(_pdf_text(download.content))
    assert "Your answers" in text
    assert "I always know what my child wants." in text
    assert "Your answer: 6 (on a scale from 1 – Strongly disagree to 7 – Strongly agree)" in text
    assert "Your answer: Very often" in text
    assert "You did not answer this question." in text
    assert "Your answer: Sometimes" in text
    stored = ScoreRecord.objects.filter(measure__response=response)
    for word in ("score", "Pre-Mentalizing", "Warmth", "cut-off", "zone", "Above", "prorated"):
        assert word.lower() not in text.lower()
    asq_total = next(s.result["total"] for s in stored if s.result["code"] == "asq_se2")
    assert str(asq_total) not in text  # 115: the ASQ:SE-2 total appears nowhere
    assert "5.33" not in text and "6.00" not in text
    assert AuditEvent.objects.filter(action="response.copy_downloaded").count() == 1


def test_parent_copy_is_only_for_the_session_that_sent(client: Client, service: Service) -> None:
    episode = _episode(service)
    response = _send(episode, "T1", {"prfq": PRFQ_ALL})
    assert client.get(reverse("parents:copy")).status_code == 403  # a fresh session: nothing
    _finished_session(client, response, next_parent_url="/g/ABC123")
    assert client.get(reverse("parents:copy")).status_code == 403  # a shared tablet: no copy
    _finished_session(client, response)
    Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now() - timedelta(hours=2))
    assert client.get(reverse("parents:copy")).status_code == 403  # too late
    assert client.post(reverse("parents:copy")).status_code == 405


# --- Access and audit ----------------------------------------------------------------------------


def _new_urls(episode: Episode) -> list[tuple[str, str]]:
    family = {"family_id": episode.family_id}
    return [
        ("get", reverse("staff:caseload")),
        ("get", reverse("staff:family_detail", kwargs=family)),
        ("get", reverse("staff:family_report_pdf", kwargs=family)),
        ("post", reverse("staff:loaf_record", kwargs={"episode_id": episode.id})),
    ]


def test_another_services_family_is_not_found(
    client: Client, clinician: StaffUser, outsider: StaffUser
) -> None:
    """AZ-2: every new URL with another service's id is 404, and nothing is written."""
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    client.force_login(outsider)
    for method, url in _new_urls(episode)[1:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert episode.family.label not in client.get(reverse("staff:caseload")).content.decode()
    assert not LoafRating.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["family.viewed", "family.report_downloaded"]
    ).exists()


def test_facilitators_are_refused(client: Client, facilitator: StaffUser) -> None:
    """AZ-3: facilitators never see answers or scores."""
    episode = _episode(facilitator.service)  # type: ignore[arg-type]
    client.force_login(facilitator)
    for method, url in _new_urls(episode):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_users_are_sent_to_sign_in(client: Client, service: Service) -> None:
    episode = _episode(service)
    for method, url in _new_urls(episode):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/staff/login" in response["Location"], url


def test_record_views_and_pdfs_are_audited(
    client: Client, clinician: StaffUser, colleague: StaffUser
) -> None:
    """LOG-1: who, what, when; never the answers."""
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    client.force_login(colleague)
    _detail(client, episode.family)
    client.get(reverse("staff:family_report_pdf", kwargs={"family_id": episode.family_id}))
    viewed = AuditEvent.objects.get(action="family.viewed")
    downloaded = AuditEvent.objects.get(action="family.report_downloaded")
    for event in (viewed, downloaded):
        assert event.actor == colleague and event.object_id == str(episode.family_id)
        assert event.at is not None and event.detail == {}


def test_loaf_record_is_post_only(client: Client, clinician: StaffUser) -> None:
    episode = _episode(clinician.service, clinician)  # type: ignore[arg-type]
    client.force_login(clinician)
    url = reverse("staff:loaf_record", kwargs={"episode_id": episode.id})
    assert client.get(url).status_code == 405
