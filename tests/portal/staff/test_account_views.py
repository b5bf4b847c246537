import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from questionnaires import demo
from questionnaires.models import AuditEvent, ParentGroup, Response, ResponseStatus, StaffUser
from questionnaires.roles import Role, roles_of
from questionnaires.selectors import entry
from tests.conftest import TEST_PASSWORD


def test_staff_home_needs_sign_in(client: Client, db: None) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login")


def test_staff_see_their_service_and_role(client: Client, clinician: StaffUser) -> None:
    client.force_login(clinician)
    page = client.get("/staff/").content.decode()
    assert "Riverside parent–infant team" in page
    assert "Clinician" in page


def test_login_error_is_generic(client: Client, clinician: StaffUser) -> None:
    """AUTH-4: the same message for a wrong password and an unknown user."""
    wrong_password = client.post(
        "/staff/login", {"username": "alice", "password": "nope-nope-nope"}
    )
    unknown_user = client.post("/staff/login", {"username": "nobody", "password": "nope-nope-nope"})
    message = "The username or password is not right. Check them and try again."
    assert message in wrong_password.content.decode()
    assert message in unknown_user.content.decode()


def test_logout_is_post_only(client: Client, clinician: StaffUser) -> None:
    """SES-1: a GET cannot sign someone out (or be used to do it cross-site)."""
    client.force_login(clinician)
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_lockout_after_repeated_failures_then_cool_off(
    client: Client, clinician: StaffUser
) -> None:
    """AUTH-2: five failures lock the account for a while (axes); the lock is not permanent."""
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/staff/login", {"username": "alice", "password": "wrong-password-here"})
    locked = client.post("/staff/login", {"username": "alice", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "Sign in is paused" in locked.content.decode()
    assert 0 < settings.AXES_COOLOFF_TIME <= 1


@pytest.mark.django_db
def test_roles_are_groups(service: object) -> None:
    from tests.conftest import make_staff

    user = make_staff(service, "dana", Role.CLINICIAN, Role.FACILITATOR)  # type: ignore[arg-type]
    assert roles_of(user) == {Role.CLINICIAN, Role.FACILITATOR}
    user.is_active = False
    assert roles_of(user) == set()


@pytest.mark.django_db
@override_settings(DEMO_MODE=True, SITE_BASE_URL="http://127.0.0.1:8000")
def test_seed_demo_is_idempotent_and_prints_entry_points(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    entries = dict(line.split(": ", 1) for line in first.strip().splitlines())
    again = dict(line.split(": ", 1) for line in second.strip().splitlines())
    # Every run prints a fresh parent link (only link hashes are stored); the rest is stable.
    fresh = {"parent-link", "start-code"}
    assert all(entries[label] != again[label] for label in fresh)
    assert {k: v for k, v in entries.items() if k not in fresh} == {
        k: v for k, v in again.items() if k not in fresh
    }
    assert entries["staff-login"] == "http://127.0.0.1:8000/staff/login"
    assert entries["parent-link"].startswith("http://127.0.0.1:8000/p/")
    assert entries["group-join"] == f"http://127.0.0.1:8000/g/{entries['group-code']}"
    for label in ("clinician", "facilitator", "service-lead", "admin", "demo-password"):
        assert label in entries
    assert StaffUser.objects.filter(username__startswith="demo-").count() == 4
    lead = StaffUser.objects.get(username=entries["service-lead"])
    assert roles_of(lead) == {Role.SERVICE_LEAD}
    assert lead.check_password(entries["demo-password"])
    assert AuditEvent.objects.filter(action="staff.created").count() == 4
    # A finished group with start and end answers for each of its six parents.
    past = ParentGroup.objects.get(name=demo.PAST_GROUP)
    sent = Response.objects.filter(
        invitation__collection__group=past, status=ResponseStatus.SUBMITTED
    )
    assert sent.filter(invitation__timepoint="T1").count() == len(demo.PAST_PARENTS)
    assert sent.filter(invitation__timepoint="T2").count() == len(demo.PAST_PARENTS)
    assert entry.open_collection_by_code(entries["group-code"]) is not None


@pytest.mark.django_db
def test_seed_demo_refuses_outside_demo_mode() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="only for demo mode"):
        call_command("seed_demo")


def test_menu_and_forbidden_page_follow_the_role(
    client: Client, clinician: StaffUser, facilitator: StaffUser
) -> None:
    """AZ-3: a facilitator is not offered families and gets a plain 403 page if they try."""
    client.force_login(facilitator)
    home = client.get("/staff/").content.decode()
    assert ">Families<" not in home
    refused = client.get("/staff/families")
    assert refused.status_code == 403
    assert "You cannot see this page" in refused.content.decode()
    client.force_login(clinician)
    assert ">Families<" in client.get("/staff/").content.decode()
