from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.security.access import (
    CASE_ROLES,
    families_for,
    get_episode_for,
    get_family_for,
    get_invitation_for,
    role_required,
)
from portal.security.roles import ROLE_LABELS, roles_of
from portal.staff.forms import LABEL_TAKEN, FamilyForm, IssueInvitationForm, StaffLoginForm
from questionnaires import audit, links, qr, services
from questionnaires.models import Episode, Family, Invitation
from questionnaires.services import clinician
from questionnaires.services.clinician import InvitationStatus
from scoring import asq_age

FAMILIES_PER_PAGE = 25

# Tags always carry their status as text; the colour only repeats it (never colour alone).
STATUS_TAG_COLOURS: dict[InvitationStatus, str] = {
    InvitationStatus.SENT: "blue",
    InvitationStatus.OPENED: "aqua-green",
    InvitationStatus.IN_PROGRESS: "yellow",
    InvitationStatus.SENT_BACK: "green",
    InvitationStatus.DECLINED: "orange",
    InvitationStatus.EXPIRED: "grey",
    InvitationStatus.REVOKED: "grey",
}


class StaffLoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True


class StaffLogoutView(auth_views.LogoutView):
    # SES-1: Django only logs out on POST; a GET gets 405.
    http_method_names = ["post", "options"]


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = sorted(roles_of(request.user))
    return render(
        request,
        "staff/home.html",
        {
            "role_labels": [ROLE_LABELS[role] for role in roles],
            "works_with_families": bool(set(roles) & set(CASE_ROLES)),
        },
    )


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def baby_age(family: Family, today: date) -> str:
    """The baby's age as a clinician says it: days, then weeks, then months, then years."""
    if family.infant_dob is None or family.infant_dob > today:
        return "Not born yet"
    months, days = asq_age.age_in_months_and_days(family.infant_dob, today)
    if months == 0 and days == 0:
        return "Born today"
    if months == 0:
        return _plural(days, "day") if days < 7 else _plural(days // 7, "week")
    if months < 24:
        return _plural(months, "month")
    years, months = divmod(months, 12)
    return _plural(years, "year") + (f" {_plural(months, 'month')}" if months else "")


@dataclass(frozen=True)
class FamilyRow:
    family: Family
    age: str
    latest_episode: Episode | None


@role_required(*CASE_ROLES)
@require_GET
def family_list(request: HttpRequest) -> HttpResponse:
    # Episodes come in one extra query for the whole page, however many families it shows.
    families = (
        families_for(request.user)
        .order_by("label")
        .prefetch_related(
            Prefetch("episodes", queryset=Episode.objects.order_by("-opened_on", "-pk"))
        )
    )
    page = Paginator(families, FAMILIES_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        FamilyRow(family, baby_age(family, today), next(iter(family.episodes.all()), None))
        for family in page
    ]
    return render(request, "staff/family_list.html", {"page": page, "rows": rows})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def family_new(request: HttpRequest) -> HttpResponse:
    service = request.user.service  # type: ignore[union-attr]
    form = FamilyForm(request.POST if request.method == "POST" else None, service=service)
    if form.is_bound and form.is_valid():
        try:
            episode = clinician.register_family_with_episode(
                service, **form.cleaned_data, actor=request.user
            )
        except clinician.FamilyLabelTaken:
            form.add_error("label", LABEL_TAKEN)
        else:
            messages.success(request, f"Family {episode.family.label} is registered.")
            return redirect("staff:family_detail", family_id=episode.family_id)
    return render(request, "staff/family_form.html", {"form": form})


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    status: InvitationStatus
    tag_colour: str
    questionnaires: str

    @property
    def can_revoke(self) -> bool:
        return self.status in clinician.REVOCABLE


@dataclass(frozen=True)
class EpisodeSection:
    episode: Episode
    invitations: list[InvitationRow]


def _episode_sections(family: Family) -> list[EpisodeSection]:
    episodes = list(
        family.episodes.select_related("clinician").prefetch_related(
            Prefetch("invitations", queryset=Invitation.objects.select_related("response"))
        )
    )
    codes = {code for ep in episodes for inv in ep.invitations.all() for code in inv.instruments}
    names = clinician.questionnaire_names(codes)
    now = timezone.now()
    sections = []
    for episode in episodes:
        rows = []
        for invitation in episode.invitations.all():
            status = clinician.invitation_status(invitation, now)
            asked = ", ".join(names.get(code, code) for code in invitation.instruments)
            rows.append(InvitationRow(invitation, status, STATUS_TAG_COLOURS[status], asked))
        sections.append(EpisodeSection(episode, rows))
    return sections


@role_required(*CASE_ROLES)
@require_GET
def family_detail(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    family = get_family_for(request.user, family_id)
    audit.record("family.viewed", request.user, family)  # LOG-1: every view of a record
    context = {
        "family": family,
        "age": baby_age(family, timezone.localdate()),
        "episodes": _episode_sections(family),
    }
    return render(request, "staff/family_detail.html", context)


@role_required(*CASE_ROLES)
@require_POST
def invitation_issue(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    episode = get_episode_for(request.user, episode_id)
    form = IssueInvitationForm(request.POST)
    if not form.is_valid():
        return render(request, "pages/400.html", status=400)
    issued = services.issue_invitation(episode, form.cleaned_data["timepoint"], actor=request.user)
    # The plain link and code exist only in this response: never in a URL, a session or a log
    # (LINK-1/2). Leaving the page loses them; the clinician issues a new link instead.
    link = settings.SITE_BASE_URL + reverse("parents:link", kwargs={"token": issued.token})
    names = clinician.questionnaire_names(issued.invitation.instruments)
    context = {
        "family": episode.family,
        "episode": episode,
        "invitation": issued.invitation,
        "link": link,
        # Safe to mark: the library draws this SVG itself from our own URL; no user text in it.
        "qr_svg": mark_safe(qr.svg_for_url(link)),
        "code": links.display_code(issued.short_code),
        "start_url": settings.SITE_BASE_URL + reverse("parents:code"),
        "questionnaires": [names.get(code, code) for code in issued.invitation.instruments],
    }
    response = render(request, "staff/invitation_issued.html", context)
    # The page holds a live token: no Referer may carry anything from it (DEP-3).
    response["Referrer-Policy"] = "no-referrer"
    return response


@role_required(*CASE_ROLES)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    invitation = get_invitation_for(request.user, invitation_id)
    services.revoke_invitation(invitation, actor=request.user)
    messages.success(
        request,
        f"The {invitation.get_timepoint_display()} link is revoked. It no longer works.",
    )
    return redirect("staff:family_detail", family_id=invitation.episode.family_id)
