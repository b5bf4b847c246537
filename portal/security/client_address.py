"""AUTH-5: the one place that knows who the client is. Staff sign-in lockout (axes, through
AXES_CLIENT_IP_CALLABLE) and the parent-side limits (LINK-5, LINK-10) all key on it.

Behind TRUSTED_PROXY_COUNT reverse proxies, each proxy appends the address it saw to
X-Forwarded-For, and the app's socket peer is the last proxy. The client is therefore the
TRUSTED_PROXY_COUNT-th address from the right: the one the outermost proxy appended. Anything
to the left of it was written by the client and is never read (not even parsed, so quoting
tricks there cannot shift the positions). With no proxies (0, the default) it is the socket
peer, REMOTE_ADDR, and X-Forwarded-For is ignored.

An IPv6 client is its /64 (one household, phone or small site gets a whole /64, so counting
single addresses would give one attacker 2⁶⁴ counts); an IPv4 client is its address."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

# The client when the socket peer is no address at all (a unix socket with TRUSTED_PROXY_COUNT
# wrongly 0): one fixed client, never "no client" (axes on PostgreSQL would then match no
# attempts and never lock). docs/security.md says how to avoid it.
UNKNOWN = "0.0.0.0"
IPV6_CLIENT_PREFIX = 64


def _resolve(meta: dict[str, str], header: str, proxies_after_client: int) -> str | None:
    """The address at a fixed position in one header, parsed by django-ipware (ports, brackets,
    IPv4-mapped and NAT64 addresses unwrapped). None if the header does not hold exactly the
    expected chain of valid addresses."""
    only_this = HttpRequest()
    only_this.META = meta
    address, _routable = get_client_ip(
        only_this,
        proxy_count=proxies_after_client,
        request_header_order=[header],
        strict=True,
        algorithm="modern",
    )
    return address


def _peer_address(request: HttpRequest) -> str | None:
    count: int = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        appended = forwarded.split(",")[-count:]
        if forwarded.strip() and len(appended) == count:
            # The client, then the count - 1 proxies between the outermost proxy and the last.
            found = _resolve(
                {"HTTP_X_FORWARDED_FOR": ",".join(appended)}, "HTTP_X_FORWARDED_FOR", count - 1
            )
            if found is not None:
                return found
        # Fewer addresses than proxies: the request did not come through them all, so the only
        # address known is the peer's.
    return _resolve({"REMOTE_ADDR": str(request.META.get("REMOTE_ADDR", ""))}, "REMOTE_ADDR", 0)


def client_address(request: HttpRequest) -> str:
    """The client: "198.51.100.7", "2001:db8:1:2::/64", or UNKNOWN."""
    found = _peer_address(request)
    if found is None:
        return UNKNOWN
    address = ipaddress.ip_address(found)
    if address.version == 6:
        return str(ipaddress.ip_network((address, IPV6_CLIENT_PREFIX), strict=False))
    return str(address)


def axes_client_address(request: HttpRequest) -> str:
    """client_address for django-axes (AXES_CLIENT_IP_CALLABLE). axes keeps the address in a
    GenericIPAddressField, which on PostgreSQL Django adapts with ipaddress.ip_address, so a
    /64 is stored as its network address ("2001:db8:1:2::")."""
    return client_address(request).removesuffix(f"/{IPV6_CLIENT_PREFIX}")
