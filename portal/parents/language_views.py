"""The language toggle (I18N-2) and the interpreter view (I18N-6): small POST forms in the page
header that work without JavaScript and come back to the same page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from portal import languages
from portal.parents import parent_session
from questionnaires.models import ResponseStatus
from questionnaires.services import responses


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Any code is accepted: one we cannot show falls back to English, with no error."""
    code = languages.remember(request, request.POST.get("language", ""))
    response = parent_session.response(request)
    if response is not None and response.status == ResponseStatus.IN_PROGRESS:
        responses.set_language(response, code, allow_unvalidated=settings.DEMO_MODE)
    return _back(request)


@require_POST
def interpreter_view(request: HttpRequest) -> HttpResponse:
    """Shows the English beside the chosen language on each question page, for an interpreter
    or facilitator helping the parent on the same screen."""
    request.session[parent_session.INTERPRETER_KEY] = request.POST.get("show") == "1"
    return _back(request)
