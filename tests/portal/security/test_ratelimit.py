"""The per-client limit on failed link and code look-ups (LINK-5) and on group joins (LINK-10):
keyed by the client's address as the trusted proxies saw it (AUTH-5), counted per client and
never globally, a token bucket (the allowance comes back steadily, not all at once at a window's
edge) taken atomically before the look-up, so parallel requests cannot overshoot it."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from questionnaires import credentials
from questionnaires.models import (
    AuditEvent,
    GroupParticipant,
    Service,
    Timepoint,
)
from questionnaires.selectors import rate_limits
from questionnaires.selectors.rate_limits import Limit
from questionnaires.services import families, invitations, together_time
from questionnaires.services import rate_limits as limit_services
from tests.conftest import ClientResponse
from tests.portal.security.proxy_chain import through
from tests.questionnaires import factories

pytestmark = pytest.mark.django_db

BABY = timezone.localdate() - timedelta(days=150)


def issue(service: Service, **kwargs: Any) -> invitations.IssuedInvitation:
    fam = factories.family(service, infant_age_days=200)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    return invitations.issue_invitation(episode, "T1", **kwargs)


def guess(client: Client) -> ClientResponse:
    """One wrong code: 200 with an error while allowed, 429 once the client is blocked."""
    return client.post(reverse("parents:code"), {"code": credentials.new_code()})


def guesses_allowed(client: Client, tries: int) -> int:
    return sum(guess(client).status_code != 429 for _ in range(tries))


def join(client: Client, code: str, nickname: str) -> ClientResponse:
    client.post(f"/g/{code}", {"consent": "yes"})
    return client.post(
        f"/g/{code}",
        {
            "nickname": nickname,
            "relationship": "mother",
            "baby_date_day": str(BABY.day),
            "baby_date_month": str(BABY.month),
            "baby_date_year": str(BABY.year),
        },
    )


@pytest.fixture(params=[1, 2], ids=["one proxy", "two proxies"])
def proxies(request: pytest.FixtureRequest, settings: Settings) -> int:
    settings.TRUSTED_PROXY_COUNT = request.param
    return int(request.param)


def test_failed_lookups_are_rate_limited_per_client(service: Service) -> None:
    """LINK-5: 10 failed code or link look-ups from one client and the 11th attempt gets 429,
    even with a valid code or link (a blocked client must not be able to keep guessing); another
    client is not blocked; the allowance comes back; the bucket stores a keyed hash, never the
    IP address."""
    from questionnaires.models import RateLimitBucket

    assert settings.CODE_FAILURE_LIMIT == 10
    issued = issue(service)
    address = "198.51.100.23"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        attacker = Client(REMOTE_ADDR=address)
        for attempt in range(settings.CODE_FAILURE_LIMIT):
            if attempt % 2:
                result = attacker.get(f"/p/{credentials.new_token()}")
                assert result.status_code == 404
            else:
                result = guess(attacker)
                assert result.status_code == 200
                assert b"We could not find that code" in result.content

        blocked = attacker.post(reverse("parents:code"), {"code": issued.short_code})
        assert blocked.status_code == 429
        assert attacker.get(f"/p/{issued.token}").status_code == 429
        assert attacker.get(reverse("parents:code")).status_code == 429
        assert Session.objects.count() == 0  # nothing was bound while blocked

        neighbour = Client(REMOTE_ADDR="198.51.100.24")
        code_entry = neighbour.post(reverse("parents:code"), {"code": issued.short_code})
        assert code_entry.status_code == 302

        bucket = RateLimitBucket.objects.get()
        assert re.fullmatch(r"[0-9a-f]{64}", bucket.key)
        assert bucket.key != hashlib.sha256(address.encode()).hexdigest()
        for row in RateLimitBucket.objects.values():
            assert address not in str(row)
        for detail in AuditEvent.objects.values_list("detail", flat=True):
            assert address not in str(detail)

        clock.move_to(start + timedelta(minutes=settings.CODE_FAILURE_WINDOW_MINUTES, seconds=1))
        assert (
            attacker.post(reverse("parents:code"), {"code": issued.short_code}).status_code == 302
        )
        assert attacker.get(f"/p/{issued.token}").status_code == 302


def test_the_tenth_failure_is_still_answered_normally(service: Service) -> None:
    """LINK-5: the limit is exactly N failures; success does not count as failure."""
    issued = issue(service)
    client = Client(REMOTE_ADDR="192.0.2.50")
    for _ in range(30):
        assert client.get(f"/p/{issued.token}").status_code == 302
    for _ in range(settings.CODE_FAILURE_LIMIT - 1):
        assert client.get(f"/p/{credentials.new_token()}").status_code == 404
    assert client.get(f"/p/{credentials.new_token()}").status_code == 404
    assert client.get(f"/p/{credentials.new_token()}").status_code == 429


def test_pages_without_a_failed_lookup_use_none_of_the_allowance(service: Service) -> None:
    """The allowance is taken before each look-up (so that parallel requests cannot overshoot
    it) and given back when the look-up did not fail: a shared tablet showing the code page and
    a room's group pages all day is never blocked."""
    group = together_time.create_group(service, "Tuesday", timezone.localdate(), 8)
    start = together_time.open_collection(group, Timepoint.T1)
    tablet = Client(REMOTE_ADDR="192.0.2.51")
    for _ in range(3 * settings.CODE_FAILURE_LIMIT):
        assert tablet.get(reverse("parents:code")).status_code == 200
        assert tablet.get(f"/g/{start.code}").status_code == 200
        assert tablet.post(reverse("parents:code"), {"code": start.code}).status_code == 302
    assert guesses_allowed(tablet, 2 * settings.CODE_FAILURE_LIMIT) == settings.CODE_FAILURE_LIMIT


def test_a_forged_forwarded_for_does_not_reset_the_count(service: Service, proxies: int) -> None:
    """The attack: with CLIENT_IP_HEADERS=HTTP_X_FORWARDED_FOR the leftmost, client-written
    value was the key, so a new value per request gave unlimited guesses."""
    issued = issue(service)
    for n in range(settings.CODE_FAILURE_LIMIT):
        guesser = Client(**through("203.0.113.66", proxies, forged=f"192.0.2.{n}"))
        assert guess(guesser).status_code == 200
    again = Client(**through("203.0.113.66", proxies, forged="192.0.2.200"))
    assert guess(again).status_code == 429
    assert again.get(f"/p/{issued.token}").status_code == 429


def test_one_clients_failures_never_block_anothers_valid_link(
    service: Service, proxies: int
) -> None:
    """The attack: behind a proxy every parent had the proxy's address, so ten wrong codes from
    anyone gave every parent's valid link a 429 (LINK-10: one client can never block another's
    valid credential)."""
    issued = issue(service)
    attacker = Client(**through("203.0.113.66", proxies))
    assert guesses_allowed(attacker, 3 * settings.CODE_FAILURE_LIMIT) == (
        settings.CODE_FAILURE_LIMIT
    )
    parent = Client(**through("198.51.100.7", proxies))
    assert parent.get(f"/p/{issued.token}").status_code == 302
    assert parent.post(reverse("parents:code"), {"code": issued.short_code}).status_code == 302


def test_ipv6_guesses_from_one_64_share_a_count(service: Service) -> None:
    """The attack: each IPv6 address had its own count, and one /64 holds 2⁶⁴ of them."""
    for n in range(settings.CODE_FAILURE_LIMIT):
        assert guess(Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")).status_code == 200
    assert guess(Client(REMOTE_ADDR="2001:db8:1:2:dead:beef:0:1")).status_code == 429
    assert guess(Client(REMOTE_ADDR="2001:db8:1:3::1")).status_code == 200


def test_the_allowance_comes_back_steadily_not_all_at_a_windows_edge(service: Service) -> None:
    """The attack on a fixed window: ten guesses just before it ends and ten just after. Now one
    guess comes back every CODE_FAILURE_WINDOW_MINUTES / CODE_FAILURE_LIMIT (one minute), and
    attempts while blocked earn nothing."""
    limit = settings.CODE_FAILURE_LIMIT
    window = timedelta(minutes=settings.CODE_FAILURE_WINDOW_MINUTES)
    client = Client(REMOTE_ADDR="198.51.100.30")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert guesses_allowed(client, 1) == 1
        clock.move_to(start + window - timedelta(seconds=10))
        before_edge = guesses_allowed(client, 2 * limit)
        clock.move_to(start + window + timedelta(seconds=10))
        after_edge = guesses_allowed(client, 2 * limit)
        assert before_edge + after_edge <= limit + 1, (before_edge, after_edge)

        blocked_at = start + window + timedelta(seconds=10)
        clock.move_to(blocked_at + timedelta(seconds=30))
        assert guesses_allowed(client, 20) == 0
        clock.move_to(blocked_at + window / limit + timedelta(seconds=1))
        assert guesses_allowed(client, 5) == 1


def test_joins_are_limited_per_client_address_behind_the_proxies(
    service: Service, proxies: int, settings: Settings
) -> None:
    """LINK-10 with AUTH-5: each phone behind the proxies has its own join allowance, and a
    forged X-Forwarded-For does not give a phone a new one."""
    settings.GROUP_JOINS_PER_CLIENT = 3
    group = together_time.create_group(service, "Tuesday", timezone.localdate(), 8)
    start = together_time.open_collection(group, Timepoint.T1)
    for n in range(3):
        phone = Client(**through("203.0.113.66", proxies, forged=f"192.0.2.{n}"))
        assert join(phone, start.code, f"Junk{n}").status_code == 302
    again = Client(**through("203.0.113.66", proxies, forged="192.0.2.99"))
    assert join(again, start.code, "Junk3").status_code == 429
    other_phone = Client(**through("198.51.100.7", proxies))
    assert join(other_phone, start.code, "Sam").status_code == 302
    assert GroupParticipant.objects.count() == 4


def test_a_refused_demand_takes_nothing_and_full_buckets_are_forgotten() -> None:
    """The domain side: a join takes from the client's and the room code's buckets together, or
    from neither; giving back never overfills; a bucket that is full again is deleted."""
    from questionnaires.models import RateLimitBucket

    hour = timedelta(hours=1)
    client, code = ("c" * 64, Limit(3, hour)), ("r" * 64, Limit(1, hour))
    assert limit_services.take([client, code])
    assert not limit_services.take([client, code])  # the code's bucket is empty
    assert [limit_services.take([client]) for _ in range(3)] == [True, True, False]
    assert rate_limits.is_blocked(*client) and rate_limits.is_blocked(*code)

    limit_services.give_back([client, code])
    limit_services.give_back([code])
    assert not RateLimitBucket.objects.filter(key=code[0]).exists()  # full: forgotten
    assert limit_services.take([code]) and not limit_services.take([code])

    limit_services.spend([client])  # a failure not taken beforehand: never below empty
    limit_services.spend([client])
    assert RateLimitBucket.objects.get(key=client[0]).tokens == 0


# --- Under real concurrency (PostgreSQL) -------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; .ci/run runs the whole suite on PostgreSQL as well",
)


def _together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(n)` in `count` threads that start at the same moment, each on its own database
    connection; re-raise the first error."""
    barrier = threading.Barrier(count, timeout=30)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            barrier.wait()
            outcome = work(n)
            with lock:
                results.append(outcome)
        except BaseException as error:  # noqa: BLE001 - collected and raised below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_never_exceed_the_limit(service: Service) -> None:
    """The attack on check-then-record: a burst of parallel guesses all passed the check before
    any failure was recorded. The allowance is now taken under a row lock before the look-up."""
    limit = settings.CODE_FAILURE_LIMIT
    statuses = _together(3 * limit, lambda _: guess(Client(REMOTE_ADDR="203.0.113.99")).status_code)
    assert statuses.count(200) == limit
    assert statuses.count(429) == 2 * limit
    assert guess(Client(REMOTE_ADDR="203.0.113.99")).status_code == 429


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_joins_never_exceed_the_limit(service: Service, settings: Settings) -> None:
    settings.GROUP_JOINS_PER_CLIENT = 3
    group = together_time.create_group(service, "Tuesday", timezone.localdate(), 8)
    start = together_time.open_collection(group, Timepoint.T1)
    phones = [Client(REMOTE_ADDR="203.0.113.98") for _ in range(12)]
    for phone in phones:
        phone.post(f"/g/{start.code}", {"consent": "yes"})

    def details(n: int) -> int:
        return (
            phones[n]
            .post(
                f"/g/{start.code}",
                {
                    "nickname": f"P{n}",
                    "relationship": "mother",
                    "baby_date_day": str(BABY.day),
                    "baby_date_month": str(BABY.month),
                    "baby_date_year": str(BABY.year),
                },
            )
            .status_code
        )

    statuses = _together(len(phones), details)
    assert sorted(statuses) == [302] * 3 + [429] * 9
    assert GroupParticipant.objects.count() == 3
