"""A link's status follows the parent and the link; sent back stays sent back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from questionnaires.models import (
    Invitation,
    Service,
)
from questionnaires.services import invitations, responses
from questionnaires.statuses import InvitationStatus, invitation_status
from tests.questionnaires import factories


@pytest.mark.django_db
def test_link_statuses_follow_the_parent_and_the_link(service: Service) -> None:
    issued, response = factories.invited_response(service)
    invitation = Invitation.objects.select_related("response").get(pk=issued.invitation.pk)
    assert invitation_status(invitation) == InvitationStatus.OPENED

    responses.record_consent(response, True)
    invitation = Invitation.objects.select_related("response").get(pk=invitation.pk)
    assert invitation_status(invitation) == InvitationStatus.IN_PROGRESS
    later = invitation.expires_at + timedelta(seconds=1)
    assert invitation_status(invitation, now=later) == InvitationStatus.EXPIRED

    responses.submit_response(response)
    invitations.revoke_invitation(invitation)
    invitation = Invitation.objects.select_related("response").get(pk=invitation.pk)
    # Answers sent back stay "Sent back" whatever happens to the link afterwards.
    assert invitation_status(invitation, now=later) == InvitationStatus.SENT_BACK

    fresh = factories.episode(service)
    unopened = invitations.issue_invitation(fresh, "T2").invitation
    assert invitation_status(unopened) == InvitationStatus.SENT
    invitations.revoke_invitation(unopened)
    assert invitation_status(unopened) == InvitationStatus.REVOKED

    declined_issue, declined = factories.invited_response(service)
    responses.record_consent(declined, False)
    declined_invitation = Invitation.objects.get(pk=declined_issue.invitation.pk)
    assert invitation_status(declined_invitation) == InvitationStatus.DECLINED
