"""One function knows the client's address (AUTH-5): the address the trusted proxies appended to
X-Forwarded-For (TRUSTED_PROXY_COUNT of them; 0 = the socket peer), never a value the client
wrote itself; an IPv6 client is its /64. Staff lockout and the parent limits both use it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from axes.helpers import get_client_ip_address
from django.http import HttpRequest
from django.test import RequestFactory
from pytest_django import Settings

from portal.security.client_address import axes_client_address, client_address
from tests.portal.security.proxy_chain import PROXIES, through

ROOT = Path(__file__).resolve().parents[3]


def request(**meta: Any) -> HttpRequest:
    return RequestFactory().get("/", **meta)


@pytest.fixture(params=[0, 1, 2], ids=["no proxy", "one proxy", "two proxies"])
def proxies(request: pytest.FixtureRequest, settings: Settings) -> int:
    settings.TRUSTED_PROXY_COUNT = request.param
    return int(request.param)


def test_the_default_is_the_socket_peer_and_forwarded_for_is_ignored() -> None:
    from django.conf import settings

    assert settings.TRUSTED_PROXY_COUNT == 0
    forged = request(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_address(forged) == "203.0.113.5"


def test_the_address_the_proxies_saw_whatever_the_client_forged(proxies: int) -> None:
    assert client_address(request(**through("203.0.113.5", proxies))) == "203.0.113.5"
    for forged in ("192.0.2.1", "192.0.2.1, 192.0.2.2, 192.0.2.3", "garbage", "", "10.0.0.1"):
        meta = through("203.0.113.5", proxies, forged=forged)
        assert client_address(request(**meta)) == "203.0.113.5", meta


def test_quoting_in_the_forged_part_cannot_hide_the_appended_address(
    settings: Settings,
) -> None:
    """A lone `"` on the left made ipware read the whole header as one quoted token and drop it
    (so the socket peer, the proxy, was used): only the appended part is parsed."""
    settings.TRUSTED_PROXY_COUNT = 1
    for forged in ('"192.0.2.1', '"', 'for="192.0.2.1', "[2001:db8::1"):
        assert client_address(request(**through("203.0.113.5", 1, forged=forged))) == (
            "203.0.113.5"
        )


def test_a_request_that_bypassed_the_proxies_is_its_socket_peer(settings: Settings) -> None:
    """Fewer appended addresses than proxies: the request did not come through them all, so the
    only address known is the peer's (never a value the client wrote)."""
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request(REMOTE_ADDR="203.0.113.5")) == "203.0.113.5"
    short = request(REMOTE_ADDR=PROXIES[1], HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert client_address(short) == PROXIES[1]


def test_ipv6_clients_are_their_64(proxies: int) -> None:
    def of(address: str) -> str:
        return client_address(request(**through(address, proxies)))

    assert of("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert of("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::/64"
    assert of("2001:DB8:1:2:0:0:0:9") == "2001:db8:1:2::/64"
    assert of("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    # IPv4 as it is, including an IPv4 client written as an IPv4-mapped IPv6 address.
    assert of("198.51.100.7") == "198.51.100.7"
    assert of("::ffff:198.51.100.7") == "198.51.100.7"


def test_an_unreadable_peer_is_one_fixed_client(settings: Settings) -> None:
    """A unix-socket peer (no address) must not be "no address": axes on PostgreSQL would then
    match no attempts at all and never lock."""
    assert client_address(request(REMOTE_ADDR="")) == "0.0.0.0"
    assert client_address(request(REMOTE_ADDR="not-an-address")) == "0.0.0.0"


def test_axes_uses_the_same_function(proxies: int) -> None:
    """axes stores the address in a GenericIPAddressField (`inet` on PostgreSQL, which Django
    adapts with ipaddress.ip_address), so a /64 goes in as its network address."""
    ipv4 = request(**through("203.0.113.5", proxies, forged="192.0.2.1"))
    ipv6 = request(**through("2001:db8:1:2::77", proxies, forged="192.0.2.1"))
    assert get_client_ip_address(ipv4) == axes_client_address(ipv4) == "203.0.113.5"
    assert get_client_ip_address(ipv6) == axes_client_address(ipv6) == "2001:db8:1:2::"


def test_the_pinned_ipware_works_with_axes_own_call(settings: Settings) -> None:
    """django-axes 8.3.1 calls ipware.ip.get_client_ip with its own keyword arguments when no
    callable is set; the pinned django-ipware must accept them (it is also what we build on)."""
    settings.AXES_CLIENT_IP_CALLABLE = None
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    assert get_client_ip_address(request(REMOTE_ADDR="203.0.113.5"), use_ipware=True) == (
        "203.0.113.5"
    )


def _settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"TRUSTED_PROXY_COUNT", "DEBUG"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="tests.settings")
    code = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "refusal"),
    [
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
        ({"CLIENT_IP_HEADERS": "HTTP_X_FORWARDED_FOR"}, "TRUSTED_PROXY_COUNT"),
        ({"BEHIND_TLS_PROXY": "1"}, "TRUSTED_PROXY_COUNT"),
    ],
)
def test_settings_read_the_count_from_the_environment_and_refuse_a_wrong_one(
    env: dict[str, str], refusal: str
) -> None:
    assert _settings_in({"TRUSTED_PROXY_COUNT": "2"}).stdout.strip() == "2"
    refused = _settings_in(env)
    assert refused.returncode != 0
    assert refusal in refused.stderr
    behind_tls = _settings_in({"BEHIND_TLS_PROXY": "1", "TRUSTED_PROXY_COUNT": "1"})
    assert behind_tls.stdout.strip() == "1", behind_tls.stderr
