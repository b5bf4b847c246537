"""Staff sign-in, sign-out and the staff home page: generic login errors (AUTH-4), lockout
(AUTH-2), POST-only logout (SES-1) and a menu that follows the role (AZ-3)."""

from django.test import Client

from questionnaires.models import StaffUser
from tests.conftest import TEST_PASSWORD, sign_in


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
