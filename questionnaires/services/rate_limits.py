"""Count an attempt against a key: a failed credential look-up (LINK-5) or a group join
(LINK-10). Stored in the database so every app server agrees (healthchecks' TokenBucket is the
model); keys are keyed hashes, so no address is stored (GDPR-1)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from questionnaires.models import RateLimitBucket


@transaction.atomic
def record_attempt(key: str, window_minutes: int | None = None) -> None:
    now = timezone.now()
    minutes = window_minutes if window_minutes is not None else settings.CODE_FAILURE_WINDOW_MINUTES
    bucket, _ = RateLimitBucket.objects.select_for_update().get_or_create(
        key=key, defaults={"window_started": now}
    )
    if bucket.window_started <= now - timedelta(minutes=minutes):
        bucket.window_started, bucket.failures = now, 0
    bucket.failures += 1
    bucket.save()
