"""Together Time groups, the facilitator's side (journey 2): set up a group, open its start and
end collections, show the room code on a projector or a poster, and watch who has finished.
Facilitators see completion, never answers (AZ-3)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.security.access import role_required, staff_service, staff_user
from portal.security.staff_sessions import background_request
from portal.staff.group_forms import GroupForm, TimepointForm
from portal.staff.group_page import (
    GROUP_QUESTIONS_TAKE,
    QR_LABEL,
    collection_panels,
    join_url,
    start_url,
)
from questionnaires import qr
from questionnaires.credentials import spaced_code
from questionnaires.models import ParentGroup, Timepoint
from questionnaires.pdf import poster
from questionnaires.roles import GROUP_ROLES, works_with_families
from questionnaires.selectors import roster
from questionnaires.selectors.scope import (
    get_collection_for,
    get_group_for,
    get_participant_for,
    groups_for,
)
from questionnaires.services import audit, together_time
from questionnaires.statuses import CollectionState, collection_state

# --- Groups -----------------------------------------------------------------------------------


@role_required(GROUP_ROLES)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    found = roster.group_list(groups_for(request.user))
    return render(request, "staff/groups/list.html", {"groups": found})


@role_required(GROUP_ROLES)
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    service = staff_service(request)
    # The creator, if they are a facilitator; and as lead clinician, if they are a clinician.
    initial = {"facilitators": [user.pk], "lead_clinician": user.pk}
    form = GroupForm(
        request.POST if request.method == "POST" else None, service=service, initial=initial
    )
    if form.is_bound and form.is_valid():
        group = together_time.create_group(
            service,
            form.cleaned_data["name"],
            form.cleaned_data["start_date"],
            form.cleaned_data["sessions"],
            form.cleaned_data["venue"],
            facilitators=list(form.cleaned_data["facilitators"]),
            actor=user,
            lead_clinician=form.cleaned_data["lead_clinician"],
        )
        messages.success(request, _("%(name)s is set up.") % {"name": group.name})
        return _after_saving(request, group)
    return render(request, "staff/groups/form.html", {"form": form, "group": None})


@role_required(GROUP_ROLES)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        service=group.service,
        initial=GroupForm.initial_for(group),
    )
    if form.is_bound and form.is_valid():
        together_time.update_group(
            group,
            form.cleaned_data["name"],
            form.cleaned_data["start_date"],
            form.cleaned_data["sessions"],
            form.cleaned_data["venue"],
            list(form.cleaned_data["facilitators"]),
            actor=staff_user(request),
            lead_clinician=form.cleaned_data["lead_clinician"],
        )
        messages.success(request, _("%(name)s is saved.") % {"name": group.name})
        return _after_saving(request, group)
    return render(request, "staff/groups/form.html", {"form": form, "group": group})


def _after_saving(request: HttpRequest, group: ParentGroup) -> HttpResponse:
    # A facilitator who hands the group over to others no longer sees it: say so, not a 404.
    if not groups_for(request.user).filter(pk=group.pk).exists():
        messages.success(request, _("You are no longer a facilitator of this group."))
        return redirect("groups:list")
    return redirect("groups:detail", group_id=group.pk)


@role_required(GROUP_ROLES)
@require_GET
def group_detail(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    audit.record_roster_view(request.user, group)  # LOG-1: once per session and 10 minutes
    context = {
        "group": group,
        "facilitators": roster.facilitator_names(group),
        "panels": collection_panels(group),
        "rows": roster.group_roster(group),
        "sees_families": works_with_families(request.user),
        "pending_count": roster.pending_reviews(group).count(),
    }
    return render(request, "staff/groups/detail.html", context)


@background_request  # the group page polls this: it never keeps a session alive (SES-1)
@role_required(GROUP_ROLES)
@require_GET
def group_roster(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    """Only the roster table, for the group page to refresh itself every few seconds."""
    group = get_group_for(request.user, group_id)
    audit.record_roster_view(request.user, group)  # the polls of one window write one row
    context = {
        "group": group,
        "rows": roster.group_roster(group),
        "sees_families": works_with_families(request.user),
    }
    return render(request, "staff/groups/_roster.html", context)


@role_required(GROUP_ROLES)
@require_POST
def join_remove(
    request: HttpRequest, group_id: uuid.UUID, participant_id: uuid.UUID
) -> HttpResponse:
    """A junk join (someone not in the group, a double tap): removed with everything it made,
    if no answers were sent (finding 6 of the parent review)."""
    participant = get_participant_for(request.user, participant_id, group_id)
    try:
        together_time.remove_join(participant, actor=staff_user(request))
    except together_time.JoinHasAnswers:
        messages.error(
            request,
            _("%(nickname)s has sent answers, so they are kept.")
            % {"nickname": participant.nickname},
        )
    else:
        messages.success(
            request,
            _("%(nickname)s is removed from the group.") % {"nickname": participant.nickname},
        )
    return redirect("groups:detail", group_id=group_id)


# --- Collections ------------------------------------------------------------------------------


@role_required(GROUP_ROLES)
@require_POST
def collection_open(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    form = TimepointForm(request.POST)
    if not form.is_valid():
        return render(request, "pages/400.html", status=400)
    timepoint = Timepoint(form.cleaned_data["timepoint"])
    still_open = [
        panel
        for panel in collection_panels(group)
        if panel.is_open and panel.timepoint != timepoint
    ]
    if still_open and request.POST.get("both") != "yes":
        # Start and end answers open at once let a parent answer the wrong set: the facilitator
        # says they mean it before the second one opens.
        context = {"group": group, "timepoint": timepoint, "other": still_open[0].timepoint}
        return render(request, "staff/groups/open_both.html", context)
    collection = together_time.open_collection(group, timepoint, actor=staff_user(request))
    messages.success(
        request,
        _("%(timepoint)s collection is open. Its code is %(spaced_code)s.")
        % {
            "timepoint": collection.get_timepoint_display(),
            "spaced_code": spaced_code(collection.code),
        },
    )
    return redirect("groups:detail", group_id=group.pk)


@role_required(GROUP_ROLES)
@require_POST
def collection_close(
    request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID
) -> HttpResponse:
    collection = get_collection_for(request.user, collection_id, group_id)
    together_time.close_collection(collection, actor=staff_user(request))
    messages.success(
        request,
        _("%(timepoint)s collection is closed. Its code no longer works.")
        % {"timepoint": collection.get_timepoint_display()},
    )
    return redirect("groups:detail", group_id=group_id)


@role_required(GROUP_ROLES)
@require_POST
def collection_rotate(
    request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID
) -> HttpResponse:
    collection = get_collection_for(request.user, collection_id, group_id)
    if collection_state(collection) != CollectionState.OPEN:
        # A closed collection stays closed: a new code would not make it work again.
        messages.error(request, _("That collection is closed. Open a new one to get a code."))
        return redirect("groups:detail", group_id=group_id)
    together_time.rotate_code(collection, actor=staff_user(request))
    messages.success(
        request,
        _("The new code is %(spaced_code)s. The old code no longer works.")
        % {"spaced_code": spaced_code(collection.code)},
    )
    return redirect("groups:detail", group_id=group_id)


@role_required(GROUP_ROLES)
@require_GET
def collection_room(
    request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID
) -> HttpResponse:
    """The shared screen: the room code and its QR code, and nothing about anyone (UX-13)."""
    collection = get_collection_for(request.user, collection_id, group_id)
    audit.record_view(audit.Read.ROOM_CODE_SHOWN, request.user, collection)
    state = collection_state(collection)
    context: dict[str, Any] = {
        "group": collection.group,
        "collection": collection,
        "is_open": state == CollectionState.OPEN,
        "is_expired": state == CollectionState.EXPIRED,
    }
    if state == CollectionState.OPEN:
        url = join_url(collection)
        context |= {
            "join_url": url,
            "start_url": start_url(),
            "spaced_code": spaced_code(collection.code),
            # Safe to mark: the library draws this SVG from our own URL; no user text in it.
            "qr_svg": mark_safe(qr.svg_for_url(url, QR_LABEL)),
        }
    return render(request, "staff/groups/room.html", context)


@role_required(GROUP_ROLES)
@require_GET
def collection_poster(
    request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID
) -> HttpResponse:
    collection = get_collection_for(request.user, collection_id, group_id)
    if collection_state(collection) != CollectionState.OPEN:
        messages.error(request, _("That collection is closed, so its poster would not work."))
        return redirect("groups:detail", group_id=group_id)
    group = collection.group
    pdf = poster.group_poster(
        group.name,
        join_url(collection),
        start_url(),
        collection.code,
        group.service.contact_line,
        expires_at=collection.expires_at,
        takes=GROUP_QUESTIONS_TAKE,
    )
    audit.record_view(audit.Read.POSTER_DOWNLOADED, request.user, collection)  # LOG-1: every PDF
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{slugify(group.name) or 'together-time'}-poster.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
