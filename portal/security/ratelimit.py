"""LINK-5: at most N failed code or link look-ups per client in a window, then 429. Separate
from the staff sign-in lockout (axes). Stored in the database so all app servers agree."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from questionnaires.links import credential_hash
from questionnaires.models import RateLimitBucket


def client_ip(request: HttpRequest) -> str:
    # Behind a proxy the address comes from the header the deployment names (as for axes).
    for header in settings.AXES_IPWARE_META_PRECEDENCE_ORDER:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return ""


def _key(request: HttpRequest, scope: str) -> str:
    return credential_hash(f"ratelimit:{scope}:{client_ip(request)}")


def is_blocked(request: HttpRequest, scope: str) -> bool:
    bucket = RateLimitBucket.objects.filter(key=_key(request, scope)).first()
    if bucket is None:
        return False
    window = timedelta(minutes=settings.CODE_FAILURE_WINDOW_MINUTES)
    return bucket.window_started > timezone.now() - window and (
        bucket.failures >= settings.CODE_FAILURE_LIMIT
    )


@transaction.atomic
def record_failure(request: HttpRequest, scope: str) -> None:
    now = timezone.now()
    window = timedelta(minutes=settings.CODE_FAILURE_WINDOW_MINUTES)
    bucket, _ = RateLimitBucket.objects.select_for_update().get_or_create(
        key=_key(request, scope), defaults={"window_started": now}
    )
    if bucket.window_started <= now - window:
        bucket.window_started, bucket.failures = now, 0
    bucket.failures += 1
    bucket.save()
