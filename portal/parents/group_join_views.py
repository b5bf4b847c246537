"""Joining a Together Time group with its room code (QR or typed), and coming back at the end:
recognised on the same phone, by return code, or by nickname and baby's date of birth."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.parents import entry_views, parent_session
from portal.parents.entry_forms import JoinForm
from portal.security import ratelimit
from questionnaires.models import GroupCollection, GroupParticipant, Invitation, Timepoint
from questionnaires.selectors import entry
from questionnaires.services import together_time

# The phone remembers the parent with a signed id that says nothing about them.
DEVICE_COOKIE = "tt_parent"
DEVICE_SALT = "portal.parents.device"
DEVICE_MAX_AGE = 400 * 24 * 3600
SHARED_KEY = "parent_shared_device"


def remembered_participant(
    request: HttpRequest, collection: GroupCollection
) -> GroupParticipant | None:
    if request.session.get(SHARED_KEY):
        return None
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
    )
    if not value:
        return None
    try:
        participant_id = uuid.UUID(value)
    except ValueError:
        return None
    return entry.remembered_participant(participant_id, collection)


def remember(response: HttpResponse, participant: GroupParticipant) -> None:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        str(participant.pk),
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def _bind(
    request: HttpRequest,
    invitation: Invitation,
    shared: bool,
    return_code: str | None = None,
    next_url: str | None = None,
) -> None:
    parent_session.bind(request, invitation)
    if shared:
        request.session[SHARED_KEY] = True
    if return_code:
        request.session[parent_session.RETURN_CODE_KEY] = return_code
    if next_url:
        request.session[parent_session.NEXT_PARENT_URL_KEY] = next_url


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    if ratelimit.is_blocked(request, entry_views.RATE_SCOPE):
        return entry_views.rate_limited(request)
    collection = entry.open_collection_by_code(code)
    if collection is None:
        return entry_views.not_working(request)
    shared = request.GET.get("shared") == "1" or request.POST.get("shared") == "1"
    next_url = request.path + ("?shared=1" if shared else "")
    group = collection.group
    known = remembered_participant(request, collection) if not shared else None

    if collection.timepoint == Timepoint.T2 and known is not None:
        if request.method == "POST" and "continue_as" in request.POST:
            invitation = together_time.return_for_end(collection, known)
            _bind(request, invitation, shared)
            return redirect("parents:welcome")
        return render(
            request,
            "parents/group_welcome_back.html",
            {"group": group, "participant": known, "collection": collection},
        )

    form = JoinForm(request.POST or None) if request.method == "POST" else JoinForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if collection.timepoint == Timepoint.T1:
            joined = together_time.join_start(
                collection, data["nickname"], data["relationship"], data["baby_date"]
            )
            _bind(
                request, joined.invitation, shared, joined.return_code, next_url if shared else None
            )
            response = redirect("parents:welcome")
            if not shared:
                remember(response, joined.participant)
            return response
        invitation = together_time.return_by_details(
            collection, data["nickname"], data["relationship"], data["baby_date"]
        )
        _bind(request, invitation, shared, next_url=next_url if shared else None)
        return redirect("parents:welcome")
    return render(
        request,
        "parents/group_join.html",
        {"group": group, "collection": collection, "form": form, "shared": shared},
    )
