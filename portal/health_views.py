"""`/healthz/worker`: whether the background worker is alive and how long the oldest waiting
message has waited (issue 14, MSG-3). No personal data; for monitoring."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from questionnaires.selectors.messaging import worker_health


@require_GET
def worker(request: HttpRequest) -> HttpResponse:
    try:
        health = worker_health(settings.WORKER_STALE_SECONDS)
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"alive": False, "database": "error"}, status=503)
    return JsonResponse(
        {
            "alive": health.alive,
            "seconds_since_heartbeat": health.seconds_since_heartbeat,
            "oldest_waiting_seconds": health.oldest_waiting_seconds,
        },
        status=200 if health.alive else 503,
    )
