"""Recording a LOAF rating from the family record: the change category, plain form errors, POST
only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import (
    AuditEvent,
    Episode,
    LoafRating,
    StaffUser,
)
from tests.conftest import ClientResponse, sign_in
from tests.questionnaires import factories


def _loaf_post(client: Client, episode: Episode, **fields: str) -> ClientResponse:
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
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
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
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    response = _loaf_post(client, episode, **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert "<title>Error: " in page
    assert not LoafRating.objects.exists()


def test_loaf_record_is_post_only(client: Client, clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    sign_in(client, clinician)
    url = reverse("staff:loaf_record", kwargs={"episode_id": episode.id})
    assert client.get(url).status_code == 405
