"""LINK-5: at most N failed code or link look-ups per client in a window, then 429. Separate
from the staff sign-in lockout (axes). The counting lives in the domain; the web layer only
says who the client is."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from questionnaires.credentials import credential_hash
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
    limit_services.record_failure(_key(request, scope))
