"""Joining a Together Time group with its room code (QR or typed), and coming back at the end:
recognised on the same phone, by return code, or by nickname and baby's date of birth."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portal.parents import entry_views, parent_session
from portal.parents.entry_forms import GroupNoticeForm, JoinForm
from portal.security import ratelimit
from questionnaires.models import GroupCollection, GroupParticipant, Timepoint
from questionnaires.selectors import entry
from questionnaires.services import together_time

# The phone remembers the parent with a signed id that says nothing about them.
DEVICE_COOKIE = "tt_parent"
DEVICE_SALT = "portal.parents.device"
DEVICE_MAX_AGE = 400 * 24 * 3600


def remembered_participant(
    request: HttpRequest, collection: GroupCollection, shared: bool
) -> GroupParticipant | None:
    if shared:
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


def _page(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    return render(request, f"parents/{template}", context, status=status)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    if ratelimit.is_blocked(request, entry_views.RATE_SCOPE):
        return entry_views.rate_limited(request)
    collection = entry.open_collection_by_code(code)
    if collection is None:
        return entry_views.not_working(request)
    shared = request.GET.get("shared") == "1" or request.POST.get("shared") == "1"
    group = collection.group
    context: dict[str, object] = {"group": group, "collection": collection, "shared": shared}
    if shared and request.method == "GET" and parent_session.invitation(request) is not None:
        # A shared tablet handed on mid-way: the previous parent's session ends here, so
        # nothing of theirs is reachable from the join page (finding 3 of the parent review).
        parent_session.start(request)

    known = remembered_participant(request, collection, shared)
    if collection.timepoint == Timepoint.T2 and known is not None:
        if request.method == "POST" and "continue_as" in request.POST:
            invitation = together_time.return_for_end(collection, known)
            parent_session.bind(request, invitation, participant=known)
            return redirect("parents:welcome")
        return _page(request, "group_welcome_back.html", {**context, "participant": known})

    # The privacy notice comes before anything is asked (finding 9): nothing is stored about a
    # parent who says no or goes away.
    if request.method == "POST" and ("notice" in request.POST or "consent" in request.POST):
        notice = GroupNoticeForm(request.POST)
        if not notice.is_valid():
            return _page(request, "group_notice.html", {**context, "form": notice})
        if notice.cleaned_data["consent"] != "yes":
            return _page(request, "group_declined.html", context)
        parent_session.agree_to_notice(
            request, collection, together_time.GROUP_CONSENT_WORDING_VERSION
        )
        return redirect(request.path + ("?shared=1" if shared else ""))
    if not parent_session.has_agreed(request, collection):
        return _page(request, "group_notice.html", {**context, "form": GroupNoticeForm()})

    form = JoinForm(request.POST) if request.method == "POST" else JoinForm()
    if request.method != "POST" or not form.is_valid():
        return _page(request, "group_join.html", {**context, "form": form})
    if ratelimit.joins_blocked(request, collection):
        return _page(request, "group_join_limited.html", context, status=429)
    ratelimit.record_join(request, collection)
    data = form.cleaned_data
    details = (data["nickname"], data["relationship"], data["baby_date"])
    shared_collection = collection if shared else None
    if collection.timepoint == Timepoint.T1:
        joined = together_time.join_start(collection, *details)
        parent_session.bind(request, joined.invitation, joined.participant, shared_collection)
        response = redirect("parents:welcome")
        if not shared:
            remember(response, joined.participant)
        return response
    # Details never lead into anyone's existing answers: a new response of the parent's own,
    # held for a facilitator to match (LINK-8). The parent sees the same either way.
    invitation = together_time.return_by_details(collection, *details)
    parent_session.bind(request, invitation, shared_collection=shared_collection)
    return redirect("parents:welcome")
