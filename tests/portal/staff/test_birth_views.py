"""Issue 19 from the clinician's side: an episode begun in pregnancy offers "Record the birth";
recording it offers the postnatal baseline; creating it shows the link once; the record shows
both baselines, labelled. Bad dates get plain messages and nothing is lost."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import AuditEvent, Episode, Invitation, StaffUser, Stage, Timepoint
from tests.conftest import ClientResponse, sign_in
from tests.questionnaires import factories

PREGNANCY = {"p_prfq": {str(n): "4" for n in range(1, 15)}}


def _pregnant(clinician: StaffUser) -> Episode:
    episode = factories.episode(factories.service_of(clinician), clinician, infant_age_days=None)
    factories.send(episode, Timepoint.T1, PREGNANCY)
    return episode


def _birth(
    client: Client, episode: Episode, day: str, month: str, year: str, early: str = "0"
) -> ClientResponse:
    prefix = f"birth-{episode.pk.hex[:8]}"
    return client.post(
        reverse("staff:birth_record", kwargs={"episode_id": episode.id}),
        {
            f"{prefix}-infant_dob_day": day,
            f"{prefix}-infant_dob_month": month,
            f"{prefix}-infant_dob_year": year,
            f"{prefix}-weeks_premature": early,
        },
    )


def test_record_the_birth_then_create_the_postnatal_baseline(
    client: Client, clinician: StaffUser
) -> None:
    episode = _pregnant(clinician)
    sign_in(client, clinician)
    record = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    page = client.get(record).content.decode()
    assert "When the baby arrives" in page and "Record the birth" in page
    assert "Start (T1), in pregnancy answers" in page

    born = timezone.localdate() - timedelta(days=10)
    done = _birth(client, episode, str(born.day), str(born.month), str(born.year))
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "The birth is recorded." in page
    due = born + timedelta(weeks=6)
    assert f"as a postnatal baseline from {due.day} {due:%B %Y}" in page
    assert "Create the postnatal baseline link" in page

    issued = client.post(
        reverse("staff:postnatal_baseline_offer", kwargs={"episode_id": episode.id})
    )
    assert issued.status_code == 200
    text = issued.content.decode()
    assert "<li>PRFQ</li>" in text and "<li>MORS-SF</li>" in text
    assert f"asks for these answers from {due.day} {due:%B %Y}" in text
    assert issued["Referrer-Policy"] == "no-referrer"
    invitation = Invitation.objects.get(stage=Stage.POSTNATAL)
    assert invitation.available_from == due
    page = client.get(record).content.decode()
    assert "Start (T1)</strong>, after the birth" in page
    assert "The postnatal baseline link is in the list above." in page
    assert AuditEvent.objects.filter(action="family.birth_recorded").count() == 1


def test_a_bad_birth_date_gets_a_plain_message_and_changes_nothing(
    client: Client, clinician: StaffUser
) -> None:
    episode = _pregnant(clinician)
    sign_in(client, clinician)
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused = _birth(client, episode, str(tomorrow.day), str(tomorrow.month), str(tomorrow.year))
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "There is a problem" in text
    assert "Baby&#x27;s date of birth must be today or in the past" in text
    empty = _birth(client, episode, "", "", "")
    assert "Enter the baby&#x27;s date of birth" in empty.content.decode()
    early = _birth(client, episode, "1", "1", str(timezone.localdate().year), early="30")
    assert "Enter weeks premature as a whole number from 0 to 20" in early.content.decode()
    episode.family.refresh_from_db()
    assert episode.family.infant_dob is None


def test_no_birth_panel_for_an_episode_that_began_after_the_birth(
    client: Client, clinician: StaffUser
) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician, infant_age_days=90)
    factories.send(episode, Timepoint.T1, {"prfq": factories.PRFQ_ALL})
    sign_in(client, clinician)
    page = client.get(
        reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    ).content.decode()
    assert "When the baby arrives" not in page
    refused = client.post(
        reverse("staff:postnatal_baseline_offer", kwargs={"episode_id": episode.id}),
        follow=True,
    )
    assert "no start answers from pregnancy" in refused.content.decode()
    assert Invitation.objects.filter(episode=episode).count() == 1  # only its own start link
