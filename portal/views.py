import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from portal.security import audit_context

logger = logging.getLogger(__name__)

# I18N-8: the error pages are translated, but a page about an error must never fail itself:
# if rendering (a template, a catalogue) goes wrong, these plain English pages are sent instead.
FALLBACK_500 = (
    '<!DOCTYPE html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
    "<title>Something went wrong</title>\n"
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n<body>\n<main>\n'
    "<h1>Something went wrong on our side</h1>\n"
    "<p>Try again in a few minutes. Anything you already saved is still there.</p>\n"
    "</main>\n</body>\n</html>\n"
)
FALLBACK_503 = (
    '<!DOCTYPE html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
    "<title>Please try again</title>\n"
    '<meta name="viewport" content="width=device-width, initial-scale=1"></head>\n<body>\n<main>\n'
    "<h1>Please try again in a moment</h1>\n"
    "<p>We could not save or show this page just now. Go back and press the button again, or "
    "reload this page, in a few seconds.</p>\n"
    "<p>Everything you already saved is still there.</p>\n"
    "</main>\n</body>\n</html>\n"
)


def _error_page(template: str, fallback: str) -> str:
    """The page in the request's language, rendered without the request (nothing on it needs
    the database or the session); the plain English page if that fails for any reason."""
    try:
        return render_to_string(template)
    except Exception:  # noqa: BLE001 - an error page must always be sent
        logger.exception("The error page %s could not be rendered", template)
        return fallback


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # DATA-2: a stale form never throws answers away silently; say what happened and how to go on.
    return render(request, "pages/csrf_failure.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "pages/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # PERF-4: the database is restarting or out of reach: a "try again" page (503, retry
        # soon) rather than an error. Rendered without the request, so nothing on it needs the
        # database (the user, the session).
        unavailable = HttpResponse(_error_page("pages/503.html", FALLBACK_503), status=503)
        unavailable["Retry-After"] = "5"
        return unavailable
    return HttpResponse(_error_page("pages/500.html", FALLBACK_500), status=500)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    audit_context.record_denied(request)  # LOG-1: refused staff requests are audited
    return render(request, "pages/403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "pages/400.html", status=400)
