"""The administrator runs their service's staff accounts in the portal: list, add, change roles,
deactivate and reactivate, reset a lost authenticator. Audited; never a superuser; never another
service's account; nothing clinical on the pages."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from questionnaires.models import AuditEvent, Service, StaffUser
from questionnaires.roles import Role, roles_of
from questionnaires.selectors.mfa import has_second_factor
from tests.conftest import give_authenticator, make_staff, sign_in

PASSWORD = "lantern-orchard-quietly-42"
NEW: dict[str, str | list[str]] = {
    "first_name": "Priya",
    "last_name": "Shah",
    "username": "priya",
    "roles": ["clinician"],
    "password": PASSWORD,
}


def _admin(service: Service) -> tuple[Client, StaffUser]:
    admin = make_staff(service, "ida", Role.ADMIN)
    client = Client()
    sign_in(client, admin)
    return client, admin


def test_staff_home_links_admins_to_staff_accounts(service: Service) -> None:
    client, _ = _admin(service)
    home = client.get(reverse("staff:home")).content.decode()
    assert f'href="{reverse("staff:accounts")}"' in home
    clinician = make_staff(service, "alice", Role.CLINICIAN)
    other = Client()
    sign_in(other, clinician)
    assert reverse("staff:accounts") not in other.get(reverse("staff:home")).content.decode()


def test_the_list_shows_own_service_staff_roles_and_sign_in_set_up(
    service: Service, other_service: Service
) -> None:
    client, _ = _admin(service)
    alice = make_staff(service, "alice", Role.CLINICIAN, Role.SERVICE_LEAD)
    give_authenticator(alice)
    make_staff(service, "fran", Role.FACILITATOR)
    make_staff(other_service, "olga", Role.CLINICIAN)
    StaffUser.objects.create_superuser("root", "", "root-password-long-enough")
    page = client.get(reverse("staff:accounts")).content.decode()
    assert "alice" in page and "Clinician, Service lead" in page and "fran" in page
    assert "olga" not in page and "root" not in page
    assert page.count(">Yes</td>") >= 1 and ">No</td>" in page


def test_admin_adds_a_member_of_staff_in_their_own_service(service: Service) -> None:
    client, admin = _admin(service)
    response = client.post(reverse("staff:account_new"), NEW | {"is_superuser": "on"})
    priya = StaffUser.objects.get(username="priya")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:account_detail", kwargs={"staff_id": priya.pk})
    assert priya.service == service and roles_of(priya) == {Role.CLINICIAN}
    assert not priya.is_superuser and not priya.is_staff
    assert priya.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="staff.created", object_id=str(priya.pk))
    assert event.actor == admin


def test_adding_says_what_to_fix(service: Service) -> None:
    client, _ = _admin(service)
    make_staff(service, "alice", Role.CLINICIAN)
    page = client.post(
        reverse("staff:account_new"), NEW | {"username": "Alice", "password": "short", "roles": []}
    ).content.decode()
    assert "That username is taken. Choose another" in page
    assert "Select at least one role" in page
    assert "at least 12 characters" in page
    assert not StaffUser.objects.filter(first_name="Priya").exists()


def test_admin_changes_roles_deactivates_reactivates_and_resets(service: Service) -> None:
    client, admin = _admin(service)
    alice = make_staff(service, "alice", Role.CLINICIAN)
    give_authenticator(alice)
    url = reverse("staff:account_detail", kwargs={"staff_id": alice.pk})
    assert "Reset authenticator" in client.get(url).content.decode()

    client.post(url, {"roles": ["clinician", "facilitator"]})
    assert roles_of(alice) == {Role.CLINICIAN, Role.FACILITATOR}
    client.post(reverse("staff:account_active", kwargs={"staff_id": alice.pk}), {"active": "no"})
    alice.refresh_from_db()
    assert not alice.is_active
    client.post(reverse("staff:account_active", kwargs={"staff_id": alice.pk}), {"active": "yes"})
    alice.refresh_from_db()
    assert alice.is_active
    reset = client.post(reverse("staff:account_reset_mfa", kwargs={"staff_id": alice.pk}))
    assert reset.status_code == 302 and not has_second_factor(alice)
    page = client.get(url).content.decode()
    assert "authenticator is reset" in page
    actions = set(AuditEvent.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"staff.roles_changed", "staff.deactivated", "staff.reactivated", "mfa.reset"} <= actions


def test_an_admin_cannot_lock_themselves_out(service: Service) -> None:
    client, admin = _admin(service)
    url = reverse("staff:account_detail", kwargs={"staff_id": admin.pk})
    client.post(url, {"roles": ["clinician"]})
    client.post(reverse("staff:account_active", kwargs={"staff_id": admin.pk}), {"active": "no"})
    admin.refresh_from_db()
    assert admin.is_active and roles_of(admin) == {Role.ADMIN}
    assert "You cannot switch off your own account" in client.get(url).content.decode()


def test_another_services_account_and_superusers_are_not_found(
    service: Service, other_service: Service
) -> None:
    client, _ = _admin(service)
    olga = make_staff(other_service, "olga", Role.CLINICIAN)
    root = StaffUser.objects.create_superuser("root", "", "root-password-long-enough")
    for target in (olga, root):
        kwargs = {"staff_id": target.pk}
        assert client.get(reverse("staff:account_detail", kwargs=kwargs)).status_code == 404
        response = client.post(reverse("staff:account_active", kwargs=kwargs), {"active": "no"})
        assert response.status_code == 404
        assert client.post(reverse("staff:account_reset_mfa", kwargs=kwargs)).status_code == 404
        target.refresh_from_db()
        assert target.is_active


def test_a_bad_active_value_is_a_plain_bad_request(service: Service) -> None:
    client, _ = _admin(service)
    alice = make_staff(service, "alice", Role.CLINICIAN)
    url = reverse("staff:account_active", kwargs={"staff_id": alice.pk})
    assert client.post(url, {"active": "maybe"}).status_code == 400
