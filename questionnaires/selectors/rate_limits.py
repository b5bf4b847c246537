"""Is a key over its limit of attempts in the current window? Failed credential look-ups per
client (LINK-5), and group joins per client and per room code (LINK-10)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from questionnaires.models import RateLimitBucket


def is_blocked(key: str, limit: int | None = None, window_minutes: int | None = None) -> bool:
    """Defaults: the failed look-ups limit (CODE_FAILURE_LIMIT per CODE_FAILURE_WINDOW_MINUTES)."""
    bucket = RateLimitBucket.objects.filter(key=key).first()
    if bucket is None:
        return False
    minutes = window_minutes if window_minutes is not None else settings.CODE_FAILURE_WINDOW_MINUTES
    allowed = limit if limit is not None else settings.CODE_FAILURE_LIMIT
    return bucket.window_started > timezone.now() - timedelta(minutes=minutes) and (
        bucket.failures >= allowed
    )
