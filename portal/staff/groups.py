"""Together Time groups, the facilitator's side (journey 2): set up a group, open its start and
end collections, show the room code on a projector or a poster, watch who has finished, and
link end answers to the right parent. Facilitators see completion, never answers (AZ-3)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.date_input import DateInputField
from portal.security.access import (
    CASE_ROLES,
    GROUP_ROLES,
    get_collection_for,
    get_group_for,
    get_review_for,
    groups_for,
    role_required,
)
from portal.security.roles import Role, roles_of
from questionnaires import audit, links, poster, qr, roster
from questionnaires.models import (
    Family,
    GroupCollection,
    GroupParticipant,
    MatchReview,
    MatchStatus,
    ParentGroup,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.services import groups as group_services

MAX_SESSIONS = 52
SESSIONS_ERROR = f"Number of sessions must be a whole number from 1 to {MAX_SESSIONS}"
QR_LABEL = "QR code to join the group"


# --- Forms ------------------------------------------------------------------------------------


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


def facilitator_choices(service: Service) -> QuerySet[StaffUser]:
    return StaffUser.objects.filter(
        service=service, is_active=True, groups__name=Role.FACILITATOR
    ).order_by("first_name", "last_name", "username")


class GroupForm(forms.Form):
    """A group's details. The service is the signed-in user's, given by the view (AZ-4)."""

    name = forms.CharField(
        label="Group name",
        help_text="For example, Tuesday Together Time. Parents see this name when they join.",
        max_length=120,
        error_messages={
            "required": "Enter the group name",
            "max_length": "Group name must be 120 characters or fewer",
        },
    )
    venue = forms.CharField(
        label="Venue (optional)",
        help_text="Where the group meets, such as a children's centre.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Venue must be 200 characters or fewer"},
    )
    start_date = DateInputField(label="Start date", help_text="For example, 14 4 2026.")
    sessions = forms.IntegerField(
        label="Number of sessions",
        help_text=f"A number from 1 to {MAX_SESSIONS}.",
        min_value=1,
        max_value=MAX_SESSIONS,
        error_messages={
            "required": "Enter the number of sessions",
            "invalid": SESSIONS_ERROR,
            "min_value": SESSIONS_ERROR,
            "max_value": SESSIONS_ERROR,
        },
    )
    facilitators = FacilitatorChoiceField(
        label="Facilitators",
        help_text="Staff in your service with the group facilitator role. "
        "Facilitators see this group and who has finished, not anyone's answers.",
        queryset=StaffUser.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one facilitator",
            "invalid_choice": "Select facilitators from the list",
            "invalid_pk_value": "Select facilitators from the list",
        },
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = facilitator_choices(service)  # type: ignore[attr-defined]

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self["name"], self["venue"]]

    def clean_start_date(self) -> date:
        start: date | None = self.cleaned_data["start_date"]
        if start is None:
            raise ValidationError("Enter the start date")
        return start


def _date_parts(value: date) -> list[str]:
    # The date input template reads day, month and year from the field's value.
    return [str(value.day), str(value.month), str(value.year)]


def _initial_for(group: ParentGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "venue": group.venue,
        "start_date": _date_parts(group.start_date),
        "sessions": group.sessions,
        "facilitators": [user.pk for user in group.facilitators.all()],
    }


class TimepointForm(forms.Form):
    timepoint = forms.ChoiceField(choices=Timepoint.choices)


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.nickname}, {baby_text(obj.family)}"


class LinkForm(forms.Form):
    """Which parent an unmatched end response belongs to: only this group's parents."""

    participant = ParticipantChoiceField(
        label="Which parent are these answers from?",
        queryset=GroupParticipant.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the parent these end answers belong to",
            "invalid_choice": "Select the parent these end answers belong to",
        },
    )

    def __init__(self, *args: Any, group: ParentGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = roster.unlinked_participants(group)  # type: ignore[attr-defined]


def baby_text(family: Family) -> str:
    """How the parent gave their baby's date when they joined: born, or due."""
    if family.infant_dob is not None:
        return f"baby born {dateformat.format(family.infant_dob, 'j F Y')}"
    if family.due_date is not None:
        return f"baby due {dateformat.format(family.due_date, 'j F Y')}"
    return "no baby's date given"


# --- Helpers ----------------------------------------------------------------------------------


def join_url(collection: GroupCollection) -> str:
    # Our own address, no shortener, and nothing about anyone in it (LINK-4).
    return settings.SITE_BASE_URL + reverse("parents:group_join", kwargs={"code": collection.code})


def start_url() -> str:
    return settings.SITE_BASE_URL + reverse("parents:code")


def _collection_in(request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID) -> Any:
    """The collection, only if it belongs to this group and the user may see the group."""
    collection = get_collection_for(request.user, collection_id)
    if collection.group_id != group_id:
        raise Http404("No such collection")
    return collection


def _sees_families(request: HttpRequest) -> bool:
    return bool(roles_of(request.user) & set(CASE_ROLES))


@dataclass(frozen=True)
class CollectionPanel:
    """The latest collection for one timepoint, as the group page shows it."""

    timepoint: Timepoint
    collection: GroupCollection | None
    is_open: bool

    @property
    def is_expired(self) -> bool:
        return (
            self.collection is not None and self.collection.closed_at is None and not self.is_open
        )

    @property
    def spaced_code(self) -> str:
        return links.spaced_code(self.collection.code) if self.collection else ""

    @property
    def shared_url(self) -> str:
        if self.collection is None:
            return ""
        return reverse("parents:group_join", kwargs={"code": self.collection.code}) + "?shared=1"


def _panels(group: ParentGroup) -> list[CollectionPanel]:
    latest: dict[str, GroupCollection] = {}
    for collection in group.collections.order_by("-opened_at"):
        latest.setdefault(collection.timepoint, collection)
    panels = []
    for timepoint in Timepoint:
        collection = latest.get(timepoint)
        is_open = collection is not None and group_services.collection_is_open(collection)
        panels.append(CollectionPanel(timepoint, collection, is_open))
    return panels


# --- Groups -----------------------------------------------------------------------------------


@role_required(*GROUP_ROLES)
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    found = groups_for(request.user).annotate(parent_count=Count("participants", distinct=True))
    return render(request, "staff/groups/list.html", {"groups": found})


@role_required(*GROUP_ROLES)
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest) -> HttpResponse:
    service = request.user.service  # type: ignore[union-attr]
    initial = {"facilitators": [request.user.pk]}  # the creator, if they are a facilitator
    form = GroupForm(
        request.POST if request.method == "POST" else None, service=service, initial=initial
    )
    if form.is_bound and form.is_valid():
        group = group_services.create_group(
            service,
            form.cleaned_data["name"],
            form.cleaned_data["start_date"],
            form.cleaned_data["sessions"],
            form.cleaned_data["venue"],
            facilitators=list(form.cleaned_data["facilitators"]),
            actor=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, f"{group.name} is set up.")
        return _after_saving(request, group)
    return render(request, "staff/groups/form.html", {"form": form, "group": None})


@role_required(*GROUP_ROLES)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        service=group.service,
        initial=_initial_for(group),
    )
    if form.is_bound and form.is_valid():
        group_services.update_group(
            group,
            form.cleaned_data["name"],
            form.cleaned_data["start_date"],
            form.cleaned_data["sessions"],
            form.cleaned_data["venue"],
            list(form.cleaned_data["facilitators"]),
            actor=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, f"{group.name} is saved.")
        return _after_saving(request, group)
    return render(request, "staff/groups/form.html", {"form": form, "group": group})


def _after_saving(request: HttpRequest, group: ParentGroup) -> HttpResponse:
    # A facilitator who hands the group over to others no longer sees it: say so, not a 404.
    if not groups_for(request.user).filter(pk=group.pk).exists():
        messages.success(request, "You are no longer a facilitator of this group.")
        return redirect("groups:list")
    return redirect("groups:detail", group_id=group.pk)


@role_required(*GROUP_ROLES)
@require_GET
def group_detail(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    facilitators = group.facilitators.order_by("first_name", "last_name", "username")
    context = {
        "group": group,
        "facilitators": [user.get_full_name() or user.get_username() for user in facilitators],
        "panels": _panels(group),
        "rows": roster.group_roster(group),
        "sees_families": _sees_families(request),
        "pending_count": roster.pending_reviews(group).count(),
    }
    return render(request, "staff/groups/detail.html", context)


@role_required(*GROUP_ROLES)
@require_GET
def group_roster(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    """Only the roster table, for the group page to refresh itself every few seconds."""
    group = get_group_for(request.user, group_id)
    context = {
        "group": group,
        "rows": roster.group_roster(group),
        "sees_families": _sees_families(request),
    }
    return render(request, "staff/groups/_roster.html", context)


# --- Collections ------------------------------------------------------------------------------


@role_required(*GROUP_ROLES)
@require_POST
def collection_open(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    group = get_group_for(request.user, group_id)
    form = TimepointForm(request.POST)
    if not form.is_valid():
        return render(request, "pages/400.html", status=400)
    collection = group_services.open_collection(
        group,
        form.cleaned_data["timepoint"],
        actor=request.user,  # type: ignore[arg-type]
    )
    messages.success(
        request,
        f"The {collection.get_timepoint_display().lower()} collection is open. "
        f"Its code is {links.spaced_code(collection.code)}.",
    )
    return redirect("groups:detail", group_id=group.pk)


@role_required(*GROUP_ROLES)
@require_POST
def collection_close(
    request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID
) -> HttpResponse:
    collection = _collection_in(request, group_id, collection_id)
    group_services.close_collection(collection, actor=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        f"The {collection.get_timepoint_display().lower()} collection is closed. "
        "Its code no longer works.",
    )
    return redirect("groups:detail", group_id=group_id)


@role_required(*GROUP_ROLES)
@require_POST
def collection_rotate(
    request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID
) -> HttpResponse:
    collection = _collection_in(request, group_id, collection_id)
    if not group_services.collection_is_open(collection):
        # A closed collection stays closed: a new code would not make it work again.
        messages.success(request, "That collection is closed. Open a new one to get a code.")
        return redirect("groups:detail", group_id=group_id)
    group_services.rotate_code(collection, actor=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        f"The new code is {links.spaced_code(collection.code)}. The old code no longer works.",
    )
    return redirect("groups:detail", group_id=group_id)


@role_required(*GROUP_ROLES)
@require_GET
def collection_room(
    request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID
) -> HttpResponse:
    """The shared screen: the room code and its QR code, and nothing about anyone (ux.md)."""
    collection = _collection_in(request, group_id, collection_id)
    audit.record("collection.room_shown", request.user, collection)
    is_open = group_services.collection_is_open(collection)
    context: dict[str, Any] = {
        "group": collection.group,
        "collection": collection,
        "is_open": is_open,
        "is_expired": collection.closed_at is None and not is_open,
    }
    if is_open:
        url = join_url(collection)
        context |= {
            "join_url": url,
            "start_url": start_url(),
            "spaced_code": links.spaced_code(collection.code),
            # Safe to mark: the library draws this SVG from our own URL; no user text in it.
            "qr_svg": mark_safe(qr.svg_for_url(url, QR_LABEL)),
        }
    return render(request, "staff/groups/room.html", context)


@role_required(*GROUP_ROLES)
@require_GET
def collection_poster(
    request: HttpRequest, group_id: uuid.UUID, collection_id: uuid.UUID
) -> HttpResponse:
    collection = _collection_in(request, group_id, collection_id)
    if not group_services.collection_is_open(collection):
        messages.success(request, "That collection is closed, so its poster would not work.")
        return redirect("groups:detail", group_id=group_id)
    group = collection.group
    pdf = poster.group_poster(
        group.name, join_url(collection), start_url(), collection.code, group.service.contact_line
    )
    audit.record("collection.poster_downloaded", request.user, collection)  # LOG-1: every PDF
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{slugify(group.name) or 'together-time'}-poster.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- Matching end answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    review: MatchReview
    form: LinkForm | None  # None when a single proposed parent only needs a yes or no

    @property
    def proposal(self) -> GroupParticipant | None:
        return self.review.proposed if self.form is None else None


def _review_items(
    group: ParentGroup, failed: tuple[uuid.UUID, LinkForm] | None = None
) -> list[ReviewItem]:
    items = []
    for review in roster.pending_reviews(group):
        if review.status == MatchStatus.PROVISIONAL and review.proposed is not None:
            items.append(ReviewItem(review, None))
        elif failed is not None and failed[0] == review.pk:
            items.append(ReviewItem(review, failed[1]))
        else:
            items.append(ReviewItem(review, LinkForm(group=group, prefix=str(review.pk))))
    return items


def _matches_page(
    request: HttpRequest,
    group: ParentGroup,
    failed: tuple[uuid.UUID, LinkForm] | None = None,
) -> HttpResponse:
    context = {
        "group": group,
        "items": _review_items(group, failed),
        "form": failed[1] if failed else None,  # for the error summary
    }
    return render(request, "staff/groups/matches.html", context)


@role_required(*GROUP_ROLES)
@require_GET
def match_list(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    return _matches_page(request, get_group_for(request.user, group_id))


def _pending_review(request: HttpRequest, group_id: uuid.UUID, review_id: uuid.UUID) -> Any:
    review = get_review_for(request.user, review_id)
    if review.collection.group_id != group_id:
        raise Http404("No such match")
    return review


@role_required(*GROUP_ROLES)
@require_POST
def match_confirm(request: HttpRequest, group_id: uuid.UUID, review_id: uuid.UUID) -> HttpResponse:
    review = _pending_review(request, group_id, review_id)
    group = review.collection.group
    if review.status not in roster.PENDING_MATCH:
        messages.success(request, "Someone has already decided that match.")
        return redirect("groups:matches", group_id=group_id)
    if review.status == MatchStatus.PROVISIONAL and review.proposed is not None:
        participant = review.proposed
    else:
        form = LinkForm(request.POST, group=group, prefix=str(review.pk))
        if not form.is_valid():
            return _matches_page(request, group, (review.pk, form))
        participant = form.cleaned_data["participant"]
    group_services.confirm_match(review, participant, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"The end answers are linked to {participant.nickname}.")
    return redirect("groups:matches", group_id=group_id)


@role_required(*GROUP_ROLES)
@require_POST
def match_reject(request: HttpRequest, group_id: uuid.UUID, review_id: uuid.UUID) -> HttpResponse:
    review = _pending_review(request, group_id, review_id)
    if review.status not in roster.PENDING_MATCH:
        messages.success(request, "Someone has already decided that match.")
        return redirect("groups:matches", group_id=group_id)
    group_services.reject_match(review, actor=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        f"The end answers from {review.nickname} are not linked to anyone in this group.",
    )
    return redirect("groups:matches", group_id=group_id)
