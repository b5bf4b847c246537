"""A Together Time group names a lead clinician, so the episodes of parents who join it belong
to a named clinician and their flags reach that clinician's "Your families"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import (
    AuditEvent,
    Episode,
    MatchStatus,
    ParentGroup,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.roles import Role
from questionnaires.services import together_time
from tests.conftest import make_staff, sign_in

BABY = timezone.localdate() - timedelta(days=150)


def _group_data(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Thursday Together Time",
        "venue": "",
        "start_date_day": "7",
        "start_date_month": "5",
        "start_date_year": "2026",
        "sessions": "10",
        **overrides,
    }


def test_a_clinician_who_sets_up_a_group_leads_it_by_default(
    client: Client, clinician: StaffUser, facilitator: StaffUser
) -> None:
    sign_in(client, clinician)
    form = client.get(reverse("groups:new")).content.decode()
    assert "Lead clinician (optional)" in form
    chosen = form.split('name="lead_clinician"', 1)[1].split("</select>", 1)[0]
    assert f'value="{clinician.pk}" selected' in chosen
    assert facilitator.display_name not in chosen  # only clinicians and service leads
    # The browser sends the option shown selected.
    data = _group_data(facilitators=[facilitator.pk], lead_clinician=clinician.pk)
    client.post(reverse("groups:new"), data)
    group = ParentGroup.objects.get()
    assert group.lead_clinician == clinician
    event = AuditEvent.objects.get(action="group.created")
    assert event.detail["lead_clinician"] == str(clinician.pk)


def test_a_facilitator_sets_up_a_group_without_a_lead_and_a_lead_is_chosen_later(
    client: Client, service: Service, facilitator: StaffUser, clinician: StaffUser
) -> None:
    sign_in(client, facilitator)
    client.post(reverse("groups:new"), _group_data(facilitators=[facilitator.pk]))
    group = ParentGroup.objects.get()
    assert group.lead_clinician is None
    edit = reverse("groups:edit", kwargs={"group_id": group.pk})
    client.post(edit, _group_data(facilitators=[facilitator.pk], lead_clinician=clinician.pk))
    group.refresh_from_db()
    assert group.lead_clinician == clinician
    assert AuditEvent.objects.get(action="group.updated").detail["lead_clinician"] == str(
        clinician.pk
    )


def test_a_lead_from_another_service_or_role_is_refused_in_plain_words(
    client: Client, facilitator: StaffUser, outsider: StaffUser, service: Service
) -> None:
    sign_in(client, facilitator)
    for wrong in (outsider.pk, facilitator.pk, "not-a-number"):
        response = client.post(
            reverse("groups:new"), _group_data(facilitators=[facilitator.pk], lead_clinician=wrong)
        )
        assert response.status_code == 200
        assert "Select the lead clinician from the list" in response.content.decode()
    assert not ParentGroup.objects.exists()
    lead = make_staff(service, "lee", Role.SERVICE_LEAD)
    client.post(
        reverse("groups:new"), _group_data(facilitators=[facilitator.pk], lead_clinician=lead.pk)
    )
    assert ParentGroup.objects.get().lead_clinician == lead


def test_joiners_episodes_belong_to_the_lead_and_reach_their_caseload(
    client: Client, service: Service, facilitator: StaffUser, clinician: StaffUser
) -> None:
    group = together_time.create_group(
        service, "Tuesday", timezone.localdate(), 8, actor=facilitator, lead_clinician=clinician
    )
    start = together_time.open_collection(group, Timepoint.T1, facilitator)
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    assert joined.participant.episode.clinician == clinician
    sign_in(client, clinician)
    page = client.get(reverse("staff:caseload")).content.decode()
    row = page.split(joined.participant.family.label, 1)[1].split("</tr>", 1)[0]
    assert "Your family" in row


def test_confirming_a_match_gives_a_lead_less_episode_the_groups_lead(
    service: Service, facilitator: StaffUser, clinician: StaffUser
) -> None:
    group = together_time.create_group(
        service, "Tuesday", timezone.localdate(), 8, actor=facilitator
    )
    assert group.lead_clinician is None  # a facilitator is not a clinician
    start = together_time.open_collection(group, Timepoint.T1, facilitator)
    joined = together_time.join_start(start, "Maryam", "mother", BABY)
    assert joined.participant.episode.clinician is None
    together_time.update_group(
        group, group.name, group.start_date, 8, "", [facilitator], facilitator, clinician
    )
    end = together_time.open_collection(group, Timepoint.T2)
    invitation = together_time.return_by_details(end, "Mariam", "mother", BABY)
    # Unmatched answers sit on a temporary family that belongs to nobody (LINK-8).
    assert invitation.episode.clinician is None
    review = invitation.match_review
    assert review.status == MatchStatus.UNMATCHED
    together_time.confirm_match(review, joined.participant, facilitator)
    assert Episode.objects.get(pk=joined.participant.episode.pk).clinician == clinician
    assert AuditEvent.objects.filter(action="episode.clinician_set").count() == 1
