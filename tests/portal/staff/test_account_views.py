"""Staff sign-in, sign-out and the staff home page: generic login errors (AUTH-4), lockout
(AUTH-2), POST-only logout (SES-1) and a menu that follows the role (AZ-3)."""

import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from questionnaires.models import Family, Service, StaffUser, Timepoint
from questionnaires.roles import Role
from questionnaires.services import together_time
from tests.conftest import TEST_PASSWORD, make_staff, sign_in
from tests.questionnaires.factories import service_of


def test_staff_home_needs_sign_in(client: Client, db: None) -> None:
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login")


def test_staff_see_their_service_and_role(client: Client, clinician: StaffUser) -> None:
    sign_in(client, clinician)
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
    sign_in(client, clinician)
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


def test_menu_and_forbidden_page_follow_the_role(
    client: Client, clinician: StaffUser, facilitator: StaffUser
) -> None:
    """AZ-3: a facilitator is not offered families and gets a plain 403 page if they try."""
    sign_in(client, facilitator)
    home = client.get("/staff/").content.decode()
    assert ">Families<" not in home
    refused = client.get("/staff/families")
    assert refused.status_code == 403
    assert "You cannot see this page" in refused.content.decode()
    sign_in(client, clinician)
    assert ">Families<" in client.get("/staff/").content.decode()


def _count(page: str, anchor: str) -> int:
    match = re.search(rf'id="{anchor}"><strong>(\d+)</strong>', page)
    assert match is not None, anchor
    return int(match.group(1))


def test_home_counts_equal_the_lists_they_open(
    client: Client, clinician: StaffUser, demo_families: dict[str, Family]
) -> None:
    """Each count on the staff home page is the length of the list its link opens."""
    group = together_time.create_group(
        service_of(clinician), "Tuesday", timezone.localdate(), 8, facilitators=[]
    )
    start = together_time.open_collection(group, Timepoint.T1)
    baby = timezone.localdate() - timedelta(days=150)
    together_time.join_start(start, "Sam", "mother", baby)
    end = together_time.open_collection(group, Timepoint.T2)
    together_time.return_by_details(end, "Sam", "mother", baby)  # waits for a facilitator

    sign_in(client, clinician)
    page = client.get("/staff/").content.decode()
    for anchor, url in (
        ("count-attention", "/staff/caseload?attention=yes"),
        ("count-awaiting-end", "/staff/caseload?status=t1_done"),
    ):
        listed = client.get(url).context["page"].paginator.count
        assert _count(page, anchor) == listed, anchor
    assert _count(page, "count-attention") >= 1  # the demo has families with flags now
    assert _count(page, "count-awaiting-matching") == 1


def test_roles_without_families_see_no_counts(client: Client, facilitator: StaffUser) -> None:
    sign_in(client, facilitator)
    assert 'id="count-attention"' not in client.get("/staff/").content.decode()


def test_the_home_page_title_is_plain_words(client: Client, service: Service) -> None:
    """Sections once landed inside the title block, so the browser tab showed raw HTML."""
    sign_in(client, make_staff(service, "ida", Role.ADMIN))
    page = client.get("/staff/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and "<" not in title.group(1) and "Staff home" in title.group(1)
    assert page.count("Run staff accounts") == 1
