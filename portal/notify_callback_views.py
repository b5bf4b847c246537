"""`/notify/callback`: GOV.UK Notify's delivery receipts (issue 14, MSG-4).

Notify POSTs a JSON receipt (`id`, `reference`, `status`, …) with `Authorization: Bearer
<token>`, the token the service set in Notify's settings and here as NOTIFY_CALLBACK_TOKEN.
No token configured means every receipt is refused (fails closed); the worker's polling is the
fallback. Nothing identifying is logged: the receipt's `to` is never read."""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from questionnaires.services import outbox

logger = logging.getLogger(__name__)

MAX_BODY = 16 * 1024


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _authorised(request: HttpRequest) -> bool:
    expected = settings.NOTIFY_CALLBACK_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if not expected or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


@csrf_exempt  # a server-to-server call with its own bearer token; no cookies are involved
@require_POST
def callback(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        response = _plain("A valid bearer token is needed.", 401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    if len(request.body) > MAX_BODY:
        return _plain("The receipt is too large.", 400)
    try:
        receipt = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _plain("The receipt is not valid JSON.", 400)
    if not isinstance(receipt, dict):
        return _plain("The receipt must be a JSON object.", 400)
    provider_id, reference, status = (receipt.get(k) for k in ("id", "reference", "status"))
    if not isinstance(status, str) or not status:
        return _plain("The receipt has no status.", 400)
    if not isinstance(provider_id, str) or not provider_id:
        return _plain("The receipt has no id.", 400)
    if reference is not None and not isinstance(reference, str):
        return _plain("The receipt's reference must be text.", 400)
    outcome = outbox.record_delivery_receipt(provider_id[:64], (reference or "")[:120], status)
    if outcome == "unknown-status":
        return _plain("The receipt's status is not one Notify sends.", 400)
    logger.info("notify callback: %s", outcome)  # no id, no reference, no number
    # A receipt for a message we do not hold is acknowledged, so Notify does not retry it.
    return _plain("Thank you.", 200)
