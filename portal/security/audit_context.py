"""LOG-3: every audit event carries hashed identifiers of the request it came from. This
middleware binds them for the length of a request (the domain reads them in
`questionnaires.services.audit.record`; it never imports the web layer): the client address,
hashed at once, and the session, read and hashed when an event is written (signing in and out
replace the session key mid-request). Neither the address nor the key is ever stored."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal.security.client_address import client_address
from questionnaires.services import audit


def _session_key(request: HttpRequest) -> Callable[[], str | None]:
    def key() -> str | None:
        session = getattr(request, "session", None)
        return session.session_key if session is not None else None

    return key


class AuditContextMiddleware:
    """After the session and authentication middleware, so the session is there to read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # AUTH-5: the client as the one function that knows the trusted proxies sees it (an IPv6
        # client is its /64), the same client the lockout and rate limits count.
        token = audit.bind_request(client_address(request), _session_key(request))
        try:
            return self.get_response(request)
        finally:
            audit.unbind_request(token)


# The URL namespaces of staff pages: a 403 there is a refused staff request (LOG-1).
STAFF_NAMESPACES = frozenset({"staff", "groups"})


def record_denied(request: HttpRequest) -> None:
    """For the 403 handler: a refused staff page goes into the audit trail, with the page's name
    and the ids its address named (never the query string or the body)."""
    match = request.resolver_match
    if match is None or not STAFF_NAMESPACES & set(match.namespaces):
        return
    audit.record_denied(request.user, match.view_name, request.method or "", match.kwargs)
