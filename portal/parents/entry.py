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
from questionnaires.services import groups

RATE_SCOPE = "parent-entry"


def rate_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "parents/rate_limited.html", status=429)


def not_working(request: HttpRequest) -> HttpResponse:
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
        return rate_limited(request)
    invitation = _usable(links.credential_hash(token), "token_hash")
    if invitation is None:
        return not_working(request)
    return _enter(request, invitation, "link")


@require_http_methods(["GET", "POST"])
def code_entry(request: HttpRequest) -> HttpResponse:
    if ratelimit.is_blocked(request, RATE_SCOPE):
        return rate_limited(request)
    # An empty POST is still a POST: it must show "Enter the code you were given".
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = links.normalise_code(form.cleaned_data["code"])
        found = _route_code(request, code)
        if found is not None:
            return found
        ratelimit.record_failure(request, RATE_SCOPE)
        form.add_error(
            "code", "We could not find that code. Check it and try again, or ask your team"
        )
    return render(request, "parents/code.html", {"form": form})


def _route_code(request: HttpRequest, code: str) -> HttpResponse | None:
    """One place to type any code (issue 5): a group's room code, a personal link's short
    code, or a group parent's return code."""
    if len(code) == groups.GROUP_CODE_LENGTH:
        if groups.find_open_collection(code) is not None:
            return redirect("parents:group_join", code=code)
        return None
    invitation = _usable(links.credential_hash(code), "short_code_hash")
    if invitation is not None:
        return _enter(request, invitation, "code")
    participant = groups.participant_by_return_code(code)
    if participant is None:
        return None
    invitation = groups.invitation_for_return_code(participant)
    if invitation is None:
        return render(request, "parents/group_nothing_open.html", {"group": participant.group})
    response = _enter(request, invitation, "return code")
    request.session[parent_session.RETURN_CODE_KEY] = code
    return response
