"""How a parent gets in: a personal link or a typed code (LINK-2…5). Unknown, expired and
revoked credentials all get the same answer, and failures are rate-limited per client."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal.parents import session as parent_session
from portal.parents.forms import CodeForm
from portal.security import ratelimit
from questionnaires import audit, links, services
from questionnaires.models import Invitation

RATE_SCOPE = "parent-entry"


def _rate_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "parents/rate_limited.html", status=429)


def _not_working(request: HttpRequest) -> HttpResponse:
    ratelimit.record_failure(request, RATE_SCOPE)
    response = render(request, "parents/link_not_working.html", status=404)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _usable(credential_hash: str, field: str) -> Invitation | None:
    found = Invitation.objects.filter(**{field: credential_hash}).first()
    if found is None or not services.invitation_is_usable(found):
        return None
    return found


def _enter(request: HttpRequest, invitation: Invitation, how: str) -> HttpResponse:
    parent_session.bind(request, invitation)
    audit.record(
        "invitation.entered", None, invitation, how=how, hash_prefix=invitation.token_hash[:8]
    )
    response = redirect("parents:welcome")
    # The link's token must not travel on as a Referer from here (LINK-2).
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def link_entry(request: HttpRequest, token: str) -> HttpResponse:
    if ratelimit.is_blocked(request, RATE_SCOPE):
        return _rate_limited(request)
    invitation = _usable(links.credential_hash(token), "token_hash")
    if invitation is None:
        return _not_working(request)
    return _enter(request, invitation, "link")


@require_http_methods(["GET", "POST"])
def code_entry(request: HttpRequest) -> HttpResponse:
    if ratelimit.is_blocked(request, RATE_SCOPE):
        return _rate_limited(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = links.normalise_code(form.cleaned_data["code"])
        invitation = _usable(links.credential_hash(code), "short_code_hash")
        if invitation is not None:
            return _enter(request, invitation, "code")
        ratelimit.record_failure(request, RATE_SCOPE)
        form.add_error(
            "code", "We could not find that code. Check it and try again, or ask your team"
        )
    return render(request, "parents/code.html", {"form": form})
