"""The family record a clinician can trust at a glance: change words that never over-claim,
marked prorated scores, readable answers, the next link as the primary button, a confirmation
before a second start or end link, and a baseline only a clinician replaces (audited)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from questionnaires.models import AuditEvent, Episode, Invitation, StaffUser
from tests.conftest import sign_in
from tests.questionnaires import factories

pytestmark = pytest.mark.django_db


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _page(client: Client, episode: Episode) -> str:
    response = client.get(reverse("staff:family_detail", kwargs={"family_id": episode.family_id}))
    assert response.status_code == 200
    return response.content.decode()


def _issue(client: Client, episode: Episode, timepoint: str, **extra: str) -> str:
    url = reverse("staff:invitation_issue", kwargs={"episode_id": episode.pk})
    response = client.post(url, {"timepoint": timepoint, **extra})
    assert response.status_code == 200
    return response.content.decode()


def _primary_button(page: str) -> str:
    found = re.findall(r'<button class="nhsuk-button" [^>]*name="timepoint" value="(T\d)"', page)
    assert len(found) == 1
    return found[0]


def test_change_is_not_judged_without_a_threshold_and_prorated_is_marked(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    # Warmth: question 1 skipped at the start, so that score is prorated.
    factories.send(episode, "T1", {"mors_sf": factories.mors_answers("3", "1", skip=("1",))})
    factories.send(episode, "T2", {"mors_sf": factories.mors_answers("4", "1")})
    sign_in(client, clinician)
    text = _flat(_page(client, episode))
    assert "(no reliable-change threshold, so not judged)" in text
    assert "— better" not in text and "— worse" not in text
    assert " (prorated)" in text  # in the change table and the chart labels
    assert "so the score was worked out from the questions that were" in text
    assert "Question 1 not answered." in text
    assert "Questions not answered:" not in text


def test_prfq_answers_read_against_their_anchors(client: Client, clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    factories.send(episode, "T1", {"prfq": {str(n): "4" for n in range(1, 19)}})
    sign_in(client, clinician)
    text = _flat(_page(client, episode))
    assert "4 on a scale from 1 Strongly disagree to 7 Strongly agree" in text
    assert "I always know what my child wants." in text  # the item, not reworded


def test_asq_answers_show_their_points(client: Client, clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    factories.send(episode, "T1", {"asq_se2": factories.asq_answers(23)})
    sign_in(client, clinician)
    text = _flat(_page(client, episode))
    assert re.search(r"Sometimes \( ?\d+ points? ?\)", text)


def test_the_next_link_is_the_primary_button(client: Client, clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    page = _page(client, episode)
    assert _primary_button(page) == "T1"
    assert "No start (T1) answers yet: change cannot be measured without them." in page
    factories.send(episode, "T1", {"mors_sf": factories.mors_answers("3", "1")})
    page = _page(client, episode)
    assert _primary_button(page) == "T2"
    assert "Issue another start link (T1)" in page


def test_an_end_link_before_start_answers_needs_confirming(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    page = _issue(client, episode, "T2")
    assert "Issue an end link before any start answers?" in page
    assert not Invitation.objects.filter(episode=episode).exists()
    _issue(client, episode, "T2", confirmed="on")
    assert Invitation.objects.filter(episode=episode, timepoint="T2").count() == 1


def test_a_second_start_set_never_replaces_the_baseline_until_chosen(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    first = factories.send(episode, "T1", {"mors_sf": factories.mors_answers("3", "1")})
    sign_in(client, clinician)
    page = _flat(_issue(client, episode, "T1"))
    assert "Issue another Start (T1) link?" in page
    assert "The earlier answers are kept." in page
    assert "stays the set sent" in page
    assert Invitation.objects.filter(episode=episode).count() == 1  # nothing issued yet
    _issue(client, episode, "T1", confirmed="on")
    assert Invitation.objects.filter(episode=episode).count() == 2
    second = factories.send(episode, "T1", {"mors_sf": factories.mors_answers("5", "2")})
    page = _page(client, episode)
    # The first set is still the baseline: its Warmth score (7 × 3 = 21) is shown.
    assert re.search(rf'value="{first.pk}" checked', page)
    assert "the first set sent, until you choose another" in page
    warmth = page[page.index('data-subscale="warmth"') :]
    assert '<strong class="app-score">21<' in warmth[:200]

    url = reverse("staff:baseline_choose", kwargs={"episode_id": episode.pk})
    response = client.post(url, {"response": str(second.pk)})
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.baseline_response_id == second.pk
    event = AuditEvent.objects.get(action="episode.baseline_chosen")
    assert event.actor == clinician and event.detail["response"] == str(second.pk)
    page = _page(client, episode)
    assert re.search(rf'value="{second.pk}" checked', page)
    assert "chosen by a clinician" in page
    # A third set does not move the chosen baseline either.
    factories.send(episode, "T1", {"mors_sf": factories.mors_answers("2", "2")})
    assert re.search(rf'value="{second.pk}" checked', _page(client, episode))


def test_a_baseline_from_elsewhere_is_refused_in_plain_words(
    client: Client, clinician: StaffUser
) -> None:
    service = factories.service_of(clinician)
    episode = factories.episode(service, clinician)
    other = factories.episode(service, clinician)
    stray = factories.send(other, "T1", {"mors_sf": factories.mors_answers("3", "1")})
    end = factories.send(episode, "T2", {"mors_sf": factories.mors_answers("3", "1")})
    sign_in(client, clinician)
    url = reverse("staff:baseline_choose", kwargs={"episode_id": episode.pk})
    for value in (str(stray.pk), str(end.pk), "not-a-uuid", ""):
        response = client.post(url, {"response": value})
        assert response.status_code == 400
        assert "Select the start answers to use as the baseline" in response.content.decode()
    episode.refresh_from_db()
    assert episode.baseline_response_id is None
    assert not AuditEvent.objects.filter(action="episode.baseline_chosen").exists()


def test_the_record_leads_with_a_summary_and_contents(
    demo_families: dict, client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    family = demo_families["DEMO-C01"]
    page = client.get(
        reverse("staff:family_detail", kwargs={"family_id": family.id})
    ).content.decode()
    after_h1 = page[page.index("</h1>") :]
    first_h2 = re.search(r"<h2[^>]*>", after_h1)
    assert first_h2 is not None and first_h2.group(0) == '<h2 id="record-summary">'
    summary = _flat(after_h1[: after_h1.index('id="record-contents"')])
    for key in ("Current flags", "Latest scores", "Change", "LOAF"):
        assert key in summary
    for anchor in re.findall(r'<a href="#([^"]+)"', page[page.index('id="record-contents"') :]):
        assert f'id="{anchor}"' in page
    # DEMO-C01 was above the ASQ:SE-2 cut-off at T1 and is below it at T2: current flags are
    # the latest answers', and the T1 cut-off is history, not a current red flag.
    current = summary[summary.index("Current flags") : summary.index("Earlier flags")]
    assert "Above cut-off" not in current
    earlier = summary[summary.index("Earlier flags") : summary.index("Latest scores")]
    assert "Start (T1), ASQ:SE-2: Above cut-off" in earlier


def test_pdf_puts_the_cut_off_under_its_own_heading_without_near_empty_pages(
    demo_families: dict, client: Client, clinician: StaffUser, tmp_path: Path
) -> None:
    sign_in(client, clinician)
    family = demo_families["DEMO-C01"]
    pdf = client.get(reverse("staff:family_report_pdf", kwargs={"family_id": family.id})).content
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", " ", "\n".join(pages))
    assert "ASQ:SE-2 cut-off" in text
    assert "(no reliable-change threshold, so not judged)" in text
    assert "on a scale from 1 Strongly disagree to 7 Strongly agree" in text
    assert len(reader.pages) <= 10  # 10 before too, one of them near-empty
    heading = "Change from start (T1) to end (T2)"
    for page_text in pages:  # the heading never sits alone at a page foot
        if heading in page_text:
            assert "In words" in page_text[page_text.index(heading) :]
    prorated = client.get(
        reverse("staff:family_report_pdf", kwargs={"family_id": demo_families["DEMO-C02"].id})
    ).content
    prorated_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(prorated)).pages)
    assert "Prorated: some questions in this subscale were not answered" in re.sub(
        r"\s+", " ", prorated_text
    )
    # pdftotext (poppler), as a reader would: no page but the last holds only a few lines
    # (a page with a chart has fewer lines of text, so the bar is modest).
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    for number in range(1, len(reader.pages)):
        lines = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert len([line for line in lines.splitlines() if line.strip()]) > 12, number
