from django.db import models


class RateLimitBucket(models.Model):
    """A token bucket per key: failed credential look-ups per client (LINK-5), group joins per
    client and per room code (LINK-10). Kept in the database so every app server shares it
    (healthchecks' TokenBucket is the model), and changed only under a row lock
    (questionnaires.services.rate_limits). The key is a keyed hash: no IP address is stored
    (GDPR-1). A bucket that has refilled is deleted, so rows exist only for recent attempts."""

    key = models.CharField(max_length=64, unique=True)
    # Attempts left as of `updated`; the bucket refills continuously from there.
    tokens = models.FloatField()
    updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.tokens:.2f}"
