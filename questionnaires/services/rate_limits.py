"""LINK-5: count a failed credential look-up against a client's key. Stored in the database so
every app server agrees (healthchecks' TokenBucket is the model); the key is a keyed hash, so no
address is stored (GDPR-1)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from questionnaires.models import RateLimitBucket


@transaction.atomic
def record_failure(key: str) -> None:
    now = timezone.now()
    window = timedelta(minutes=settings.CODE_FAILURE_WINDOW_MINUTES)
    bucket, _ = RateLimitBucket.objects.select_for_update().get_or_create(
        key=key, defaults={"window_started": now}
    )
    if bucket.window_started <= now - window:
        bucket.window_started, bucket.failures = now, 0
    bucket.failures += 1
    bucket.save()
