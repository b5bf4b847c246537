"""Issue 19: a family that starts in pregnancy answers the pregnancy set; recording the birth
offers a postnatal baseline with the postnatal measures, timed by the plan; the record shows
both baselines, labelled, and change pairs only the same questionnaire, naming its baseline."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from questionnaires.models import (
    AuditEvent,
    Episode,
    Invitation,
    Service,
    StaffUser,
    Stage,
    Timepoint,
)
from questionnaires.pdf.family_report import family_report_pdf
from questionnaires.selectors.family_record import family_summary
from questionnaires.services import baselines, invitations, responses
from questionnaires.summary.change_rows import NotComparable, compare_measures
from scoring.definitions import shipped_definition
from tests.questionnaires import factories

PREGNANCY = {"p_prfq": {str(n): "4" for n in range(1, 15)}}


def _pregnant_episode(service: Service) -> Episode:
    return factories.episode(service, infant_age_days=None)  # a due date, no birth


def _answer(invitation: Invitation, values: dict[str, dict[str, str]]) -> None:
    response = responses.open_response(invitation)
    responses.record_consent(response, True)
    factories.answer_all(response, values)
    responses.submit_response(response)


def test_recording_the_birth_produces_the_postnatal_baseline_invitation(
    service: Service,
) -> None:
    episode = _pregnant_episode(service)
    start = factories.send(episode, Timepoint.T1, PREGNANCY)
    assert start.invitation is not None and start.invitation.instruments == ["p_prfq"]
    with pytest.raises(baselines.NoPostnatalBaseline, match="Record the baby's date of birth"):
        baselines.offer_postnatal_baseline(episode, None)

    born = timezone.localdate() - timedelta(days=3)
    family = baselines.record_birth(episode, born, 0, None)
    assert family.infant_dob == born and family.due_date is not None  # the due date is kept
    issued = baselines.offer_postnatal_baseline(episode, None)

    invitation = issued.invitation
    assert invitation.timepoint == Timepoint.T1 and invitation.stage == Stage.POSTNATAL
    # Timed by the plan: from 6 weeks after the birth; planned for that day's age, when the
    # 2-month ASQ:SE-2 window fits.
    assert invitation.available_from == born + timedelta(weeks=6)
    assert invitation.instruments == ["prfq", "mors_sf", "asq_se2"]
    assert invitation.plan_version == "2026.1"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "family.birth_recorded" in actions and "episode.postnatal_baseline_offered" in actions
    with pytest.raises(baselines.NoPostnatalBaseline, match="already exists"):
        baselines.offer_postnatal_baseline(episode, None)
    # Revoked, it can be offered again.
    invitations.revoke_invitation(invitation)
    assert baselines.offer_postnatal_baseline(episode, None).invitation.stage == Stage.POSTNATAL


def test_a_late_birth_record_offers_the_baseline_from_today(service: Service) -> None:
    episode = _pregnant_episode(service)
    factories.send(episode, Timepoint.T1, PREGNANCY)
    baselines.record_birth(episode, timezone.localdate() - timedelta(weeks=10), 0, None)
    offered = baselines.offer_postnatal_baseline(episode, None).invitation
    assert offered.available_from == timezone.localdate()


def test_no_postnatal_baseline_for_an_episode_that_began_after_the_birth(
    service: Service,
) -> None:
    episode = factories.episode(service, infant_age_days=60)
    factories.send(episode, Timepoint.T1, {"prfq": factories.PRFQ_ALL})
    with pytest.raises(baselines.NoPostnatalBaseline, match="no start answers from pregnancy"):
        baselines.offer_postnatal_baseline(episode, None)


def test_a_birth_in_the_future_is_refused(service: Service) -> None:
    episode = _pregnant_episode(service)
    with pytest.raises(baselines.BirthNotRecordable, match="cannot be in the future"):
        baselines.record_birth(episode, timezone.localdate() + timedelta(days=1), 0, None)
    with pytest.raises(baselines.BirthNotRecordable, match="between 0 and 20"):
        baselines.record_birth(episode, timezone.localdate(), 21, None)
    episode.family.refresh_from_db()
    assert episode.family.infant_dob is None


def test_record_shows_both_baselines_and_change_pairs_like_with_like(service: Service) -> None:
    episode = _pregnant_episode(service)
    factories.send(episode, Timepoint.T1, PREGNANCY)
    baselines.record_birth(episode, timezone.localdate() - timedelta(days=50), 0, None)
    episode.family.refresh_from_db()  # as the next request would read it
    offered = baselines.offer_postnatal_baseline(episode, None).invitation
    _answer(
        offered,
        {"prfq": factories.PRFQ_ALL, "mors_sf": factories.mors_answers("3", "2")},
    )
    factories.send(
        episode,
        Timepoint.T2,
        {
            "prfq": {str(n): "5" for n in range(1, 19)},
            "mors_sf": factories.mors_answers("4", "1"),
        },
    )

    summary = family_summary(episode.family).episodes[0]
    assert [t.label for t in summary.timepoints] == [
        "Start (T1), in pregnancy",
        "Postnatal baseline (T1)",
        "End (T2), after the birth",
    ]
    assert [[m.code for m in t.measures] for t in summary.timepoints][:2] == [
        ["p_prfq"],
        ["prfq", "mors_sf", "asq_se2"],
    ]
    # Change only between the same questionnaire, each naming the baseline it uses.
    assert [c.code for c in summary.changes] == ["prfq", "mors_sf", "asq_se2"]
    postnatal = summary.timepoints[1]
    for change in summary.changes:
        assert change.baseline == f"Postnatal baseline (T1), sent {postnatal.submitted_at}"
    warmth = next(r for r in summary.changes[1].rows if r.name == "Warmth")
    assert (warmth.t1, warmth.t2) == ("21", "28")
    # The pregnancy P-PRFQ has no partner at the end, and the record says so.
    assert summary.unpaired == [
        "P-PRFQ at Start (T1), in pregnancy: the end answers have no P-PRFQ, so no change is "
        "shown. Different questionnaires are never compared."
    ]


def test_change_refuses_a_pregnancy_p_prfq_against_a_postnatal_prfq(service: Service) -> None:
    episode = _pregnant_episode(service)
    factories.send(episode, Timepoint.T1, PREGNANCY)
    baselines.record_birth(episode, timezone.localdate() - timedelta(days=50), 0, None)
    episode.family.refresh_from_db()
    factories.send(episode, Timepoint.T2, {"prfq": factories.PRFQ_ALL})
    summary = family_summary(episode.family).episodes[0]
    pregnancy, end = summary.timepoints
    assert pregnancy.label == "Start (T1), in pregnancy"
    # No postnatal baseline was answered: nothing is compared, and the record says why.
    assert summary.changes == []
    assert summary.unpaired[0] == (
        "PRFQ at End (T2), after the birth: no start answers to the same questionnaire, so no "
        "change is shown."
    )
    p_prfq, prfq = pregnancy.measures[0], end.measures[0]
    definition = shipped_definition("prfq")
    with pytest.raises(NotComparable) as refused:
        compare_measures(p_prfq, prfq, definition)
    assert str(refused.value) == (
        "P-PRFQ and PRFQ are different questionnaires: change is only measured between answers "
        "to the same questionnaire."
    )


def test_the_pdf_report_names_each_baseline_and_what_was_not_compared(
    service: Service, clinician: StaffUser
) -> None:
    episode = _pregnant_episode(service)
    factories.send(episode, Timepoint.T1, PREGNANCY)
    baselines.record_birth(episode, timezone.localdate() - timedelta(days=50), 0, None)
    episode.family.refresh_from_db()
    _answer(
        baselines.offer_postnatal_baseline(episode, None).invitation,
        {"prfq": factories.PRFQ_ALL},
    )
    factories.send(episode, Timepoint.T2, {"prfq": factories.PRFQ_ALL})
    summary = family_summary(episode.family)
    content = family_report_pdf(summary, clinician, timezone.now())
    reader = PdfReader(io.BytesIO(content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Start (T1), in pregnancy" in text and "Postnatal baseline (T1)" in text
    assert "From: Postnatal baseline (T1), sent " in text
    assert "P-PRFQ at Start (T1), in pregnancy: the end answers have no P-PRFQ" in text
