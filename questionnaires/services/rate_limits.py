"""Take attempts from, and give them back to, the token buckets of questionnaires.selectors
.rate_limits: failed credential look-ups per client (LINK-5) and group joins per client and per
room code (LINK-10). Stored in the database so every app server agrees (healthchecks'
TokenBucket is the model); every change happens in one transaction under a row lock, so
parallel requests can never take more than a bucket holds. Keys are keyed hashes, so no address
is stored (GDPR-1); a bucket that is full again is deleted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from questionnaires.models import RateLimitBucket
from questionnaires.selectors.rate_limits import Limit

Demand = tuple[str, Limit]


def _locked(key: str, limit: Limit, at: datetime) -> RateLimitBucket:
    """The key's bucket, locked until the transaction ends (created full if there is none)."""
    for _ in range(3):
        bucket = RateLimitBucket.objects.select_for_update().filter(key=key).first()
        if bucket is not None:
            return bucket
        try:
            with transaction.atomic():
                return RateLimitBucket.objects.create(
                    key=key, tokens=float(limit.capacity), updated=at
                )
        except IntegrityError:
            continue  # created by a parallel request meanwhile: lock theirs
    raise RuntimeError(f"Could not lock the rate-limit bucket {key[:8]}…")


def _keep(bucket: RateLimitBucket, limit: Limit, tokens: float, at: datetime) -> None:
    if limit.is_full(tokens):
        bucket.delete()
    else:
        bucket.tokens, bucket.updated = tokens, at
        bucket.save()


def _in_lock_order(demands: Sequence[Demand]) -> list[Demand]:
    # One order for every request, so two requests locking the same keys never deadlock.
    return sorted(dict(demands).items(), key=lambda demand: demand[0])


@transaction.atomic
def take(demands: Sequence[Demand]) -> bool:
    """Take one attempt from every key's bucket, or none at all if any bucket is empty.
    True if they were taken."""
    at = timezone.now()
    held = [(_locked(key, limit, at), limit) for key, limit in _in_lock_order(demands)]
    left = [(bucket, limit, limit.tokens(bucket, at)) for bucket, limit in held]
    if all(limit.allows(tokens) for _, limit, tokens in left):
        for bucket, limit, tokens in left:
            _keep(bucket, limit, tokens - 1, at)
        return True
    for bucket, limit, tokens in left:
        if limit.is_full(tokens):
            bucket.delete()  # created just now, or refilled: nothing to remember
    return False


@transaction.atomic
def give_back(demands: Sequence[Demand]) -> None:
    """Return attempts that `take` took for something that did not count (a look-up that
    found its credential)."""
    at = timezone.now()
    for key, limit in _in_lock_order(demands):
        bucket = RateLimitBucket.objects.select_for_update().filter(key=key).first()
        if bucket is not None:  # no bucket: it is full already
            _keep(bucket, limit, min(float(limit.capacity), limit.tokens(bucket, at) + 1), at)


@transaction.atomic
def spend(demands: Sequence[Demand]) -> None:
    """Count an attempt that was not taken beforehand (never below empty)."""
    at = timezone.now()
    for key, limit in _in_lock_order(demands):
        bucket = _locked(key, limit, at)
        _keep(bucket, limit, max(0.0, limit.tokens(bucket, at) - 1), at)
