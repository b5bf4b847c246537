"""How much of a limit a key has left: failed credential look-ups per client (LINK-5), group
joins per client and per room code (LINK-10). Each key has a token bucket: `capacity` attempts,
given back steadily so that an empty bucket is full again after `refill` (a sliding limit, with
no window edge at which a second burst is allowed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from questionnaires.models import RateLimitBucket

# Floating-point slack, so that a bucket refilled to exactly one attempt counts as one.
EPSILON = 1e-9


@dataclass(frozen=True)
class Limit:
    capacity: int
    refill: timedelta  # from empty to full

    def __post_init__(self) -> None:
        if self.capacity < 0 or self.refill <= timedelta(0):
            raise ValueError(f"A limit needs a capacity of 0 or more and a refill time: {self}")

    def tokens(self, bucket: RateLimitBucket | None, now: datetime) -> float:
        """Attempts left at `now` (a key with no bucket has a full one)."""
        if bucket is None:
            return float(self.capacity)
        elapsed = max(0.0, (now - bucket.updated).total_seconds())
        refilled = bucket.tokens + elapsed * self.capacity / self.refill.total_seconds()
        return min(float(self.capacity), refilled)

    def allows(self, tokens: float) -> bool:
        return tokens >= 1 - EPSILON

    def is_full(self, tokens: float) -> bool:
        return tokens >= self.capacity - EPSILON


def is_blocked(key: str, limit: Limit) -> bool:
    """Would the next attempt be refused? (A read: the web layer takes attempts through
    services.rate_limits.take, which decides under a row lock.)"""
    bucket = RateLimitBucket.objects.filter(key=key).first()
    return not limit.allows(limit.tokens(bucket, timezone.now()))
