"""SES-1 and AUTH-1: staff sessions end after an idle time that background polling does not
renew, and after an absolute lifetime; signing in gives a new session key; signing out is a POST
that clears the site's data; deactivating a user or changing their password ends their other
sessions; every path that sets a password runs the validators."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.security import staff_sessions
from questionnaires.models import Service, StaffUser
from questionnaires.roles import Role
from questionnaires.services import staff, together_time
from tests.conftest import TEST_PASSWORD, current_code, sign_in

CASELOAD = "/staff/caseload"


class Clock:
    """The session middleware's clock, moved by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = time.time()
        monkeypatch.setattr(staff_sessions.time, "time", lambda: self.now)

    def forward(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def test_an_idle_session_ends_and_background_polling_does_not_renew_it(
    client: Client, service: Service, facilitator: StaffUser, clock: Clock
) -> None:
    group = together_time.create_group(
        service, "Tuesday", timezone.localdate(), 8, facilitators=[facilitator]
    )
    sign_in(client, facilitator)
    detail = reverse("groups:detail", kwargs={"group_id": group.pk})
    roster = reverse("groups:roster", kwargs={"group_id": group.pk})
    assert client.get(detail).status_code == 200
    for _ in range(6):  # the page polls for 30 minutes while nobody touches it
        clock.forward(5)
        client.get(roster)
    clock.forward(1)
    assert client.get(roster).status_code == 302  # the roster poll itself is now refused
    assert client.get(detail)["Location"].startswith(reverse("staff:login"))


def test_using_the_site_keeps_the_session_until_its_absolute_lifetime(
    client: Client, clinician: StaffUser, clock: Clock, settings: object
) -> None:
    sign_in(client, clinician)
    for _ in range(59):  # ten minutes apart: never idle, for 9 h 50 min
        clock.forward(10)
        assert client.get(CASELOAD).status_code == 200
    clock.forward(11)  # past 10 hours since sign-in
    assert client.get(CASELOAD).status_code == 302


def test_signing_in_gives_a_new_session_key(client: Client, clinician: StaffUser) -> None:
    client.get(reverse("staff:login"))
    client.cookies["sessionid"] = "attacker-chosen-key"  # session fixation attempt
    client.post(reverse("staff:login"), {"username": "alice", "password": TEST_PASSWORD})
    assert client.cookies["sessionid"].value not in ("", "attacker-chosen-key")


def test_signing_out_is_a_post_that_clears_site_data(client: Client, clinician: StaffUser) -> None:
    sign_in(client, clinician)
    assert client.get(reverse("staff:logout")).status_code == 405
    response = client.post(reverse("staff:logout"))
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get(CASELOAD).status_code == 302


def test_deactivating_a_user_ends_their_sessions(client: Client, clinician: StaffUser) -> None:
    sign_in(client, clinician)
    assert client.get(CASELOAD).status_code == 200
    StaffUser.objects.filter(pk=clinician.pk).update(is_active=False)
    assert client.get(CASELOAD)["Location"].startswith(reverse("staff:login"))


def test_changing_a_password_ends_the_other_sessions_and_checks_it(
    clinician: StaffUser,
) -> None:
    laptop, phone = Client(), Client()
    device = sign_in(laptop, clinician)
    phone.post(reverse("staff:login"), {"username": "alice", "password": TEST_PASSWORD})
    phone.post("/staff/mfa/verify", {"code": current_code(device)})
    assert laptop.get(CASELOAD).status_code == 200 and phone.get(CASELOAD).status_code == 200
    weak = phone.post(
        reverse("staff:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "a", "new_password2": "a"},
    )
    assert weak.status_code == 200 and "This password is too short" in weak.content.decode()
    strong = "a-long-new-password-for-alice"
    changed = phone.post(
        reverse("staff:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert changed.status_code == 302
    assert phone.get(CASELOAD).status_code == 200  # this session carries on
    assert laptop.get(CASELOAD).status_code == 302  # every other one has ended


def test_creating_an_account_runs_the_password_validators(service: Service) -> None:
    with pytest.raises(ValidationError):
        staff.create_staff_user("newbie", "a", service, [Role.CLINICIAN])
    assert not StaffUser.objects.filter(username="newbie").exists()


def test_the_group_page_poll_is_marked_as_background() -> None:
    from portal.staff import group_views

    assert group_views.group_roster.renews_staff_session is False  # type: ignore[attr-defined]
    assert getattr(group_views.group_detail, "renews_staff_session", True) is True


def test_pages_within_a_minute_do_not_rewrite_the_session(
    client: Client, clinician: StaffUser, clock: Clock
) -> None:
    """The idle clock is kept to the minute: a page a few seconds after the last one writes no
    session row (a write per staff request would be a database write on every page)."""
    sign_in(client, clinician)
    clock.forward(2)
    client.get(CASELOAD)  # renews: two minutes since sign-in
    clock.forward(0.25)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CASELOAD).status_code == 200
    assert not [
        q
        for q in queries.captured_queries
        if "django_session" in q["sql"].lower() and q["sql"].lstrip().upper().startswith("UPDATE")
    ]
