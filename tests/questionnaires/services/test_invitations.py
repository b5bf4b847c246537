"""Issuing an invitation records its questionnaire set, notes and expiry; the response follows the
set."""

from datetime import timedelta

from django.utils import timezone

from questionnaires.models import Programme, Service, Timepoint
from questionnaires.services import families, invitations, responses
from tests.questionnaires import factories


def test_invitation_records_its_set_expiry_and_notes(service: Service) -> None:
    family = factories.family(service, infant_age_days=None)
    episode = families.open_episode(family, Programme.PSYCHOTHERAPY, timezone.localdate())
    issued = invitations.issue_invitation(episode, Timepoint.T1, valid_days=28)
    invitation = issued.invitation
    # A due date and no birth: the plan's pregnancy set, and why the others wait.
    assert invitation.instruments == ["p_prfq"]
    assert invitation.stage == "antenatal"
    assert invitation.plan_version == "2026.1"
    assert invitation.instrument_notes[0] == (
        "PRFQ is asked after the birth; its questions are about a baby who is born."
    )
    expected = timezone.now() + timedelta(days=28)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60
    response = responses.open_response(invitation)
    assert [m.instrument.code for m in response.measures.select_related("instrument")] == ["p_prfq"]
