"""Staff sign-in lockout that cannot be turned against the team (AUTH-2, AUTH-5): axes counts
failures per (username, client), the client being the address the trusted proxies saw; a lock
lasts AXES_COOLOFF_MINUTES from the failure that set it, and further failures during it do not
extend it; an administrator can lift it at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from questionnaires.models import StaffUser
from tests.conftest import TEST_PASSWORD, ClientResponse
from tests.portal.security.proxy_chain import through

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-at-all"
LOCKED = "Sign in is paused"


def sign_in(client: Client, username: str, password: str) -> ClientResponse:
    return client.post("/staff/login", {"username": username, "password": password})


def signed_in(response: ClientResponse) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def locked(response: ClientResponse) -> bool:
    return response.status_code == 429 and LOCKED in response.content.decode()


@pytest.fixture(params=[1, 2], ids=["one proxy", "two proxies"])
def proxies(request: pytest.FixtureRequest, settings: Settings) -> int:
    settings.TRUSTED_PROXY_COUNT = request.param
    return int(request.param)


def test_settings_lock_the_pair_with_a_cool_off_that_failures_do_not_extend() -> None:
    """AUTH-2: the pair, not either half; 30 minutes by default; never permanent."""
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == 0.5  # hours: AXES_COOLOFF_MINUTES = 30
    assert settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is False
    assert settings.AXES_CLIENT_IP_CALLABLE == "portal.security.client_address.axes_client_address"


def test_failures_on_made_up_usernames_do_not_lock_a_colleague_out(
    clinician: StaffUser, proxies: int
) -> None:
    """The attack: behind nginx every request came from one address, so five failures on
    made-up usernames locked every colleague's correct sign-in."""
    attacker = Client(**through("203.0.113.66", proxies))
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, "nobody", WRONG)
        sign_in(attacker, f"nobody{n}", WRONG)
    assert locked(sign_in(attacker, "nobody", WRONG))

    colleague = Client(**through("198.51.100.7", proxies))
    assert signed_in(sign_in(colleague, "alice", TEST_PASSWORD))


def test_five_addresses_cannot_lock_a_named_user_out(clinician: StaffUser, proxies: int) -> None:
    """The attack: five failures for "alice" from five addresses locked her out everywhere."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(**through(f"203.0.113.{n + 1}", proxies)), "alice", WRONG)
    alice = Client(**through("198.51.100.7", proxies))
    assert signed_in(sign_in(alice, "alice", TEST_PASSWORD))


def test_a_forged_forwarded_for_does_not_reset_the_count(
    clinician: StaffUser, colleague: StaffUser, proxies: int
) -> None:
    """The client's own X-Forwarded-For (the leftmost values) is never the address: varying it
    does not give a guesser a fresh count."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        guesser = Client(**through("203.0.113.66", proxies, forged=f"192.0.2.{n}"))
        sign_in(guesser, "bob", WRONG)
    again = Client(**through("203.0.113.66", proxies, forged="192.0.2.200"))
    assert locked(sign_in(again, "bob", TEST_PASSWORD))
    # The lock is on (bob, that client): bob elsewhere and alice there still sign in.
    assert signed_in(sign_in(Client(**through("198.51.100.7", proxies)), "bob", TEST_PASSWORD))
    assert signed_in(sign_in(again, "alice", TEST_PASSWORD))


def test_ipv6_clients_are_counted_per_64(clinician: StaffUser, settings: Settings) -> None:
    """A /64 is one client (it is what one household or phone gets): hopping addresses inside it
    does not reset the count, and a neighbouring /64 is not locked. Also proves the /64 can be
    stored by axes on PostgreSQL (an `inet` column)."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(**through(f"2001:db8:1:2::{n + 1:x}", 1)), "alice", WRONG)
    same_64 = Client(**through("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 1))
    assert locked(sign_in(same_64, "alice", TEST_PASSWORD))
    other_64 = Client(**through("2001:db8:1:3::1", 1))
    assert signed_in(sign_in(other_64, "alice", TEST_PASSWORD))


def test_failures_during_the_lock_do_not_extend_it(clinician: StaffUser) -> None:
    """The attack: with axes' default, one failed attempt every 29 minutes kept the lock on for
    ever. Now the lock ends AXES_COOLOFF_MINUTES after the failure that set it."""
    client = Client(REMOTE_ADDR="198.51.100.7")
    start = timezone.now()
    cool_off = timedelta(minutes=30)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "alice", WRONG)
        paused = sign_in(client, "alice", TEST_PASSWORD)
        assert locked(paused)
        assert "Wait 30 minutes and try again" in paused.content.decode()  # the setting's value
        for minutes in (10, 20, 29):
            clock.move_to(start + timedelta(minutes=minutes))
            assert locked(sign_in(client, "alice", WRONG))
        clock.move_to(start + cool_off - timedelta(seconds=1))
        assert locked(sign_in(client, "alice", TEST_PASSWORD))
        clock.move_to(start + cool_off + timedelta(seconds=1))
        assert signed_in(sign_in(client, "alice", TEST_PASSWORD))


def test_an_administrator_can_lift_a_lock_at_once(clinician: StaffUser) -> None:
    """The unlock path documented in docs/security.md: `manage.py axes_reset_username`."""
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", WRONG)
    assert locked(sign_in(client, "alice", TEST_PASSWORD))
    call_command("axes_reset_username", "alice")
    assert signed_in(sign_in(client, "alice", TEST_PASSWORD))
