"""LINK-5 and LINK-10: limits on what a parent-side client may try. At most N failed code or
link look-ups per client in a window, then 429 (separate from the staff sign-in lockout, axes);
and a cap on group joins per client and per room code. The counting lives in the domain; the web
layer only says who the client is."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from questionnaires.credentials import credential_hash
from questionnaires.models import GroupCollection
from questionnaires.selectors import rate_limits as limits
from questionnaires.services import rate_limits as limit_services


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy the address comes from the header the deployment names (as for axes).
    for header in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
        value = request.META.get(header, "")
        if value:
            return str(value).split(",")[0].strip()
    return ""


def _key(request: HttpRequest, scope: str) -> str:
    return credential_hash(f"ratelimit:{scope}:{client_ip(request)}")


def is_blocked(request: HttpRequest, scope: str) -> bool:
    return limits.is_blocked(_key(request, scope))


def record_failure(request: HttpRequest, scope: str) -> None:
    limit_services.record_attempt(_key(request, scope))


def _join_keys(request: HttpRequest, collection: GroupCollection) -> list[tuple[str, int]]:
    # Per room code by the code's own hash: rotating a leaked code starts a fresh count.
    code = collection.code_hash or ""
    return [
        (_key(request, f"group-join:{code}"), settings.GROUP_JOINS_PER_CLIENT),
        (credential_hash(f"ratelimit:group-join-code:{code}"), settings.GROUP_JOINS_PER_CODE),
    ]


def joins_blocked(request: HttpRequest, collection: GroupCollection) -> bool:
    window = settings.GROUP_JOIN_WINDOW_MINUTES
    return any(
        limits.is_blocked(key, limit, window) for key, limit in _join_keys(request, collection)
    )


def record_join(request: HttpRequest, collection: GroupCollection) -> None:
    for key, _ in _join_keys(request, collection):
        limit_services.record_attempt(key, settings.GROUP_JOIN_WINDOW_MINUTES)
