"""LINK-5: is a client over its limit of failed credential look-ups in the current window?"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from questionnaires.models import RateLimitBucket


def is_blocked(key: str) -> bool:
    bucket = RateLimitBucket.objects.filter(key=key).first()
    if bucket is None:
        return False
    window = timedelta(minutes=settings.CODE_FAILURE_WINDOW_MINUTES)
    return bucket.window_started > timezone.now() - window and (
        bucket.failures >= settings.CODE_FAILURE_LIMIT
    )
