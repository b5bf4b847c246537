"""How a parent gets in: a personal link or a typed code (LINK-2…5). Unknown, expired and
revoked credentials all get the same answer, and failures are rate-limited per client."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from portal.parents import parent_session
from portal.parents.entry_forms import CodeForm
from portal.security import ratelimit
from questionnaires.credentials import normalise_code
from questionnaires.models import GroupParticipant, Invitation
from questionnaires.selectors import entry
from questionnaires.services import invitations, together_time

RATE_SCOPE = "parent-entry"


def rate_limited(request: HttpRequest) -> HttpResponse:
    return render(request, "parents/rate_limited.html", status=429)


def not_working(request: HttpRequest) -> HttpResponse:
    ratelimit.record_failure(request, RATE_SCOPE)
    response = render(request, "parents/link_not_working.html", status=404)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _enter(
    request: HttpRequest,
    invitation: Invitation,
    how: str,
    participant: GroupParticipant | None = None,
) -> HttpResponse:
    parent_session.bind(request, invitation, participant)
    invitations.record_entry(invitation, how)
    response = redirect("parents:welcome")
    # The link's token must not travel on as a Referer from here (LINK-2).
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def link_entry(request: HttpRequest, token: str) -> HttpResponse:
    if ratelimit.is_blocked(request, RATE_SCOPE):
        return rate_limited(request)
    invitation = entry.usable_invitation_by_token(token)
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
        code = normalise_code(form.cleaned_data["code"])
        found = _route_code(request, code)
        if found is not None:
            return found
        ratelimit.record_failure(request, RATE_SCOPE)
        form.add_error(
            "code", "We could not find that code. Check it and try again, or ask your team"
        )
    return render(request, "parents/code.html", {"form": form})


def _route_code(request: HttpRequest, code: str) -> HttpResponse | None:
    """One place to type any code: a group's room code, a personal link's short
    code, or a group parent's return code."""
    if len(code) == together_time.GROUP_CODE_LENGTH:
        if entry.open_collection_by_code(code) is not None:
            return redirect("parents:group_join", code=code)
        return None
    invitation = entry.usable_invitation_by_code(code)
    if invitation is not None:
        return _enter(request, invitation, "code")
    participant = entry.participant_by_return_code(code)
    if participant is None:
        return None
    invitation = together_time.invitation_for_return_code(participant)
    if invitation is None:
        return render(request, "parents/group_nothing_open.html", {"group": participant.group})
    return _enter(request, invitation, "return code", participant)
