"""LINK-5 and LINK-10: limits on what a parent-side client may try. Failed code or link
look-ups per client (CODE_FAILURE_LIMIT, coming back over CODE_FAILURE_WINDOW_MINUTES), then
429 for every look-up, a valid one included; and a cap on group joins per client and per room
code. Separate from the staff sign-in lockout (axes). The client is portal.security
.client_address (AUTH-5); the counting lives in the domain (questionnaires.services.rate_limits).

Check-then-record let a burst of parallel requests all pass the check before any failure was
counted. So the check takes the attempt: `is_blocked` takes one failure from the client's
allowance before the look-up (under a row lock) and says "blocked" if none is left;
`record_failure` keeps it; if the request ends without a failure it is given back
(RateLimitMiddleware). `joins_blocked` and `record_join` do the same for joins."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from portal.security.client_address import client_address
from questionnaires.credentials import credential_hash
from questionnaires.models import GroupCollection
from questionnaires.selectors.rate_limits import Limit
from questionnaires.services import rate_limits as limit_services

Demand = tuple[str, Limit]
_HELD = "_rate_limit_held"


@dataclass
class _Held:
    demands: list[Demand]
    counted: bool = False


def _held(request: HttpRequest) -> dict[str, _Held]:
    held: dict[str, _Held] | None = getattr(request, _HELD, None)
    if held is None:
        held = {}
        setattr(request, _HELD, held)
    return held


def _key(request: HttpRequest, scope: str) -> str:
    return credential_hash(f"ratelimit:{scope}:{client_address(request)}")


def _failures(request: HttpRequest, scope: str) -> list[Demand]:
    limit = Limit(
        settings.CODE_FAILURE_LIMIT, timedelta(minutes=settings.CODE_FAILURE_WINDOW_MINUTES)
    )
    return [(_key(request, scope), limit)]


def _joins(request: HttpRequest, collection: GroupCollection) -> list[Demand]:
    # Per room code by the code's own hash: rotating a leaked code starts a fresh count.
    code = collection.code_hash or ""
    refill = timedelta(minutes=settings.GROUP_JOIN_WINDOW_MINUTES)
    return [
        (_key(request, f"group-join:{code}"), Limit(settings.GROUP_JOINS_PER_CLIENT, refill)),
        (
            credential_hash(f"ratelimit:group-join-code:{code}"),
            Limit(settings.GROUP_JOINS_PER_CODE, refill),
        ),
    ]


def _take(request: HttpRequest, name: str, demands: list[Demand]) -> bool:
    """True if the attempt may go ahead (taken now, or already taken by this request)."""
    held = _held(request)
    if name in held:
        return True
    if not limit_services.take(demands):
        return False
    held[name] = _Held(demands)
    return True


def _count(request: HttpRequest, name: str, demands: Callable[[], list[Demand]]) -> None:
    held = _held(request).get(name)
    if held is None:
        limit_services.spend(demands())  # a caller that did not check first
    else:
        held.counted = True


def is_blocked(request: HttpRequest, scope: str) -> bool:
    """Call before a look-up: True (429) if the client has no failures left."""
    return not _take(request, f"failures:{scope}", _failures(request, scope))


def record_failure(request: HttpRequest, scope: str) -> None:
    _count(request, f"failures:{scope}", lambda: _failures(request, scope))


def joins_blocked(request: HttpRequest, collection: GroupCollection) -> bool:
    """Call before a join: True (429) if the client or the room code has no joins left."""
    return not _take(request, f"joins:{collection.pk}", _joins(request, collection))


def record_join(request: HttpRequest, collection: GroupCollection) -> None:
    _count(request, f"joins:{collection.pk}", lambda: _joins(request, collection))


def settle(request: HttpRequest) -> None:
    """Give back what this request took and did not use."""
    held = _held(request)
    for taken in held.values():
        if not taken.counted:
            limit_services.give_back(taken.demands)
    held.clear()


class RateLimitMiddleware:
    """Settles each request's attempts once its response is made (or its view has failed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            settle(request)
