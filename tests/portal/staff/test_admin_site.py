"""Least privilege for administrators (AZ-2, AZ-3): an administrator runs their own service's
staff accounts in the admin site, behind the second factor, and reads no clinical data; only a
superuser can make superusers or move an account to another service."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from questionnaires.models import Family, Service, StaffUser
from questionnaires.roles import Role
from questionnaires.services import families
from tests.conftest import make_staff, sign_in

ADMIN = f"/{settings.ADMIN_PATH}"


@pytest.fixture
def administrator(service: Service) -> StaffUser:
    return make_staff(service, "adam", Role.ADMIN)


@pytest.fixture
def adam(client: Client, administrator: StaffUser) -> Client:
    sign_in(client, administrator)
    return client


def test_an_administrator_sees_their_own_services_accounts_only(
    adam: Client, clinician: StaffUser, outsider: StaffUser
) -> None:
    page = adam.get(f"{ADMIN}questionnaires/staffuser/").content.decode()
    assert "alice" in page and "charlie" not in page
    assert adam.get(f"{ADMIN}questionnaires/staffuser/{outsider.pk}/change/").status_code == 302


def test_an_administrator_cannot_make_a_superuser_or_move_an_account(
    adam: Client, clinician: StaffUser, other_service: Service
) -> None:
    url = f"{ADMIN}questionnaires/staffuser/{clinician.pk}/change/"
    form = adam.get(url).content.decode()
    assert 'name="is_superuser"' not in form and 'name="service"' not in form
    adam.post(
        url,
        {
            "username": "alice",
            "first_name": "Alice",
            "last_name": "Ng",
            "email": "",
            "is_active": "on",
            "groups": [],
            "is_superuser": "on",
            "service": str(other_service.pk),
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-12-01",
            "date_joined_1": "09:00:00",
        },
    )
    clinician.refresh_from_db()
    assert not clinician.is_superuser
    assert clinician.service_id != other_service.pk


def test_an_administrator_reads_no_clinical_data(
    adam: Client, administrator: StaffUser, service: Service
) -> None:
    family = families.register_family(service, "RV-1", "Ada", "mother")
    assert adam.get("/staff/caseload").status_code == 403
    assert adam.get(f"/staff/families/{family.pk}").status_code == 403
    assert adam.get("/staff/groups/").status_code == 403
    assert Family.objects.count() == 1


def test_the_admin_site_needs_the_second_factor(client: Client, administrator: StaffUser) -> None:
    client.force_login(administrator)  # a password only, no authenticator code
    response = client.get(ADMIN)
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_administrator_resets_an_authenticator_from_the_admin_site(
    adam: Client, clinician: StaffUser
) -> None:
    sign_in(Client(), clinician)
    adam.post(
        f"{ADMIN}questionnaires/staffuser/",
        {"action": "reset_authenticator", "_selected_action": [str(clinician.pk)]},
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not TOTPDevice.objects.filter(user=clinician).exists()
