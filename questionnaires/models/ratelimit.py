from django.db import models


class RateLimitBucket(models.Model):
    """Failed credential attempts per client (LINK-5), kept in the database so every app server
    shares them (healthchecks' TokenBucket is the model). The key is a keyed hash: no IP address
    is stored (GDPR-1)."""

    key = models.CharField(max_length=64, unique=True)
    window_started = models.DateTimeField()
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.failures}"
