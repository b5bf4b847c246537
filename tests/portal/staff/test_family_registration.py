"""Registering a family opens an episode in the same step (journey 1); the form says what to fix in
plain words, and the service comes from the user, never the form (AZ-4)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import (
    AuditEvent,
    Episode,
    Family,
    Programme,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.services import families, invitations
from tests.conftest import sign_in
from tests.questionnaires.factories import service_of


def _date_parts(prefix: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {f"{prefix}_day": "", f"{prefix}_month": "", f"{prefix}_year": ""}
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def _family_data(**overrides: Any) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "label": "RV-0042",
        "parent_name": "Maryam",
        "relationship": "mother",
        **_date_parts("infant_dob", today - timedelta(days=200)),
        **_date_parts("due_date", None),
        "weeks_premature": "0",
        "programme": Programme.PSYCHOTHERAPY,
    }
    data.update(overrides)
    return data


def test_registering_a_family_opens_an_episode_in_the_same_step(
    client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    response = client.post(reverse("staff:family_new"), _family_data())

    family = Family.objects.get(label="RV-0042")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:family_detail", kwargs={"family_id": family.id})
    assert family.service == clinician.service
    assert family.parent_name == "Maryam"
    assert family.infant_dob == timezone.localdate() - timedelta(days=200)
    episode = family.episodes.get()
    assert episode.programme == Programme.PSYCHOTHERAPY
    assert episode.clinician == clinician
    assert episode.opened_on == timezone.localdate()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"family.registered", "episode.opened"} <= actions
    page = client.get(response["Location"]).content.decode()
    assert "Family RV-0042 is registered." in page


def test_a_family_with_a_due_date_is_not_born_yet(client: Client, clinician: StaffUser) -> None:
    sign_in(client, clinician)
    due = timezone.localdate() + timedelta(days=60)
    data = _family_data(**_date_parts("infant_dob", None), **_date_parts("due_date", due))
    assert client.post(reverse("staff:family_new"), data).status_code == 302
    family = Family.objects.get(label="RV-0042")
    assert (family.infant_dob, family.due_date) == (None, due)
    assert "Not born yet" in client.get(reverse("staff:families")).content.decode()


def test_the_service_comes_from_the_user_never_the_form(
    client: Client, clinician: StaffUser, other_service: Service
) -> None:
    """AZ-4: a posted service (or any extra field) is ignored."""
    sign_in(client, clinician)
    data = _family_data(service=str(other_service.id), service_id=str(other_service.id))
    client.post(reverse("staff:family_new"), data)
    assert Family.objects.get(label="RV-0042").service == clinician.service


@pytest.mark.parametrize("typed", ["RV-0042", "rv-0042", "  RV-0042 "])
def test_a_label_clash_is_a_plain_error(client: Client, clinician: StaffUser, typed: str) -> None:
    families.register_family(service_of(clinician), "RV-0042", "Ada", "mother", date(2026, 1, 1))
    sign_in(client, clinician)
    response = client.post(reverse("staff:family_new"), _family_data(label=typed))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A family in your service already has this label" in page
    assert "<title>Error: " in page
    assert Family.objects.count() == 1


def test_a_label_taken_at_the_same_moment_is_still_a_plain_error(
    client: Client, clinician: StaffUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The form's check passes, then another clinician's save wins: the database constraint
    decides and the clinician sees the same plain message, never a 500."""
    families.register_family(service_of(clinician), "RV-0042", "Ada", "mother", date(2026, 1, 1))
    monkeypatch.setattr("portal.staff.family_forms.label_is_taken", lambda service, label: False)
    answers = iter([False, True])
    monkeypatch.setattr(families, "label_is_taken", lambda s, label: next(answers))
    sign_in(client, clinician)
    response = client.post(reverse("staff:family_new"), _family_data())
    assert response.status_code == 200
    assert "A family in your service already has this label" in response.content.decode()
    assert Family.objects.count() == 1
    assert not Episode.objects.exists()


def test_the_same_label_is_fine_in_another_service(
    client: Client, clinician: StaffUser, other_service: Service
) -> None:
    families.register_family(other_service, "RV-0042", "Ada", "mother", date(2026, 1, 1))
    sign_in(client, clinician)
    assert client.post(reverse("staff:family_new"), _family_data()).status_code == 302


TODAY = date.today()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({}, "Enter the baby&#x27;s date of birth or due date"),
        (
            {"infant_dob": TODAY - timedelta(days=30), "due_date": TODAY + timedelta(days=30)},
            "Enter the baby&#x27;s date of birth or due date, not both",
        ),
        (
            {"infant_dob": TODAY + timedelta(days=3)},
            "Baby&#x27;s date of birth must be today or in the past",
        ),
        ({"due_date": TODAY - timedelta(days=3)}, "Due date must be today or in the future"),
        (
            {"infant_dob": TODAY - timedelta(days=6 * 365)},
            "Baby&#x27;s date of birth must be within the last 5 years",
        ),
        ({"due_date": TODAY + timedelta(days=400)}, "Due date must be within the next 10 months"),
    ],
)
def test_dates_are_checked(
    client: Client, clinician: StaffUser, dates: dict[str, date], message: str
) -> None:
    sign_in(client, clinician)
    data = _family_data(
        **_date_parts("infant_dob", dates.get("infant_dob")),
        **_date_parts("due_date", dates.get("due_date")),
    )
    response = client.post(reverse("staff:family_new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "<title>Error: " in page
    # The error summary links to the day box of the date.
    assert 'href="#id_infant_dob"' in page or 'href="#id_due_date"' in page
    assert not Family.objects.exists()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2026"), "Baby&#x27;s date of birth must be a real date"),
        (("1", "", "2026"), "Baby&#x27;s date of birth must include a month"),
        (("", "", "2026"), "Baby&#x27;s date of birth must include a day and a month"),
        (("1", "two", "2026"), "Baby&#x27;s date of birth must be a real date"),
        (("1", "2", "26"), "Year must include 4 numbers"),
    ],
)
def test_a_date_must_be_real_and_whole(
    client: Client, clinician: StaffUser, parts: tuple[str, str, str], message: str
) -> None:
    sign_in(client, clinician)
    day, month, year = parts
    data = _family_data(infant_dob_day=day, infant_dob_month=month, infant_dob_year=year)
    page = client.post(reverse("staff:family_new"), data).content.decode()
    assert message in page
    # What was typed is kept, so the clinician corrects rather than retypes.
    assert f'name="infant_dob_year" type="text" inputmode="numeric" value="{year}"' in page
    assert not Family.objects.exists()


@pytest.mark.parametrize("weeks", ["21", "-1", "two"])
def test_weeks_premature_is_a_whole_number_up_to_20(
    client: Client, clinician: StaffUser, weeks: str
) -> None:
    sign_in(client, clinician)
    page = client.post(
        reverse("staff:family_new"), _family_data(weeks_premature=weeks)
    ).content.decode()
    assert "Enter weeks premature as a whole number from 0 to 20" in page
    assert not Family.objects.exists()


def test_an_unborn_baby_cannot_be_premature(client: Client, clinician: StaffUser) -> None:
    sign_in(client, clinician)
    data = _family_data(
        **_date_parts("infant_dob", None),
        **_date_parts("due_date", TODAY + timedelta(days=30)),
        weeks_premature="4",
    )
    page = client.post(reverse("staff:family_new"), data).content.decode()
    assert "Enter 0 weeks premature when the baby is not born yet" in page


def test_an_empty_form_shows_every_error_and_no_page_says_please(
    client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    page = client.post(reverse("staff:family_new"), {}).content.decode()
    for message in (
        "Enter a family label",
        "Enter the parent&#x27;s first name or nickname",
        "Select the parent&#x27;s relationship to the baby",
        "Enter the baby&#x27;s date of birth or due date",
        "Select the programme",
    ):
        assert message in page
    assert "please" not in page.lower()
    assert "invalid" not in page.lower()


def test_an_nhs_number_is_checked_stored_as_digits_and_shown_to_staff_only(
    client: Client, clinician: StaffUser
) -> None:
    """FHIR-1: an optional NHS number, validated by its check digit; a wrong one is a plain
    message and nothing is saved; never on a parent's pages."""
    sign_in(client, clinician)
    wrong = client.post(reverse("staff:family_new"), _family_data(nhs_number="943 476 5918"))
    assert wrong.status_code == 200
    assert "Enter a valid 10-digit NHS number, like 943 476 5919" in wrong.content.decode()
    assert not Family.objects.exists()

    right = client.post(reverse("staff:family_new"), _family_data(nhs_number="943 476 5919"))
    assert right.status_code == 302
    family = Family.objects.get()
    assert family.nhs_number == "9434765919"
    record = client.get(reverse("staff:family_detail", kwargs={"family_id": family.pk}))
    assert "943 476 5919" in record.content.decode()

    episode = family.episodes.get()
    issued = invitations.issue_invitation(episode, Timepoint.T1)
    parent = Client()
    for url in (f"/p/{issued.token}", "/questionnaire/"):
        page = parent.get(url, follow=True).content.decode()
        assert "9434765919" not in page and "943 476 5919" not in page
