from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
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
from portal.staff.forms import (
    LABEL_TAKEN,
    CaseloadFilterForm,
    CaseStatus,
    FamilyForm,
    IssueInvitationForm,
    LoafForm,
    StaffLoginForm,
)
from questionnaires import audit, charts, clinical_summary, links, qr, reports, services
from questionnaires.models import (
    Episode,
    Family,
    Invitation,
    Response,
    ResponseStatus,
    ScoreRecord,
    Timepoint,
)
from questionnaires.services import clinician
from questionnaires.services.clinician import InvitationStatus
from questionnaires.services.loaf import LoafInvalid, record_loaf
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
class CaseloadRow:
    family: Family
    age: str
    is_mine: bool
    latest_episode: Episode | None
    status: str
    t1_sent: bool
    t2_sent: bool
    flags: list[clinical_summary.CaseloadFlag]


def _status_label(episode: Episode | None, sent: set[str]) -> str:
    if episode is None:
        return "No episode of care"
    if episode.closed_on is not None:
        return CaseStatus.CLOSED.label
    if Timepoint.T2 in sent:
        return CaseStatus.T2_DONE.label
    if Timepoint.T1 in sent:
        return CaseStatus.T1_DONE.label
    return CaseStatus.AWAITING_T1.label


def _sent(timepoint: str) -> Exists:
    # Inside an Episode subquery: answers sent back at this timepoint of that episode.
    return Exists(
        Response.objects.filter(
            status=ResponseStatus.SUBMITTED,
            invitation__timepoint=timepoint,
            invitation__episode=OuterRef("pk"),
        )
    )


def _latest_episodes() -> QuerySet[Episode]:
    """The family's latest episode, as a subquery of Family: no newer episode exists. Written
    with NOT EXISTS rather than ORDER BY ... LIMIT 1 so SQLite can use the family index."""
    newer = Episode.objects.filter(family=OuterRef("family")).filter(
        Q(opened_on__gt=OuterRef("opened_on"))
        | Q(opened_on=OuterRef("opened_on"), pk__gt=OuterRef("pk"))
    )
    return Episode.objects.filter(family=OuterRef("pk")).filter(~Exists(newer))


def caseload_queryset(user: Any, filters: dict[str, str]) -> QuerySet[Family]:
    """The user's service's families, theirs first, searched and filtered. Filters run in SQL,
    so filtering and counting stay one query each however many families there are; the
    status shown on a row is worked out for the page's rows only (see `caseload`)."""
    # "Mine" as IN (an uncorrelated subquery): SQLite runs it once, where a correlated EXISTS
    # made it walk the clinician's episodes once per family.
    mine = Episode.objects.filter(clinician=user).values("family_id")
    families = families_for(user).annotate(
        is_mine=ExpressionWrapper(Q(pk__in=mine), output_field=BooleanField())
    )
    if query := filters.get("q"):
        # Fixed lookups with the typed text as a value only (INJ-3).
        families = families.filter(
            Q(label__icontains=query)
            | Q(parent_name__icontains=query)
            | Q(participant__nickname__icontains=query)
        )
    if programme := filters.get("programme"):
        families = families.filter(
            Exists(Episode.objects.filter(family=OuterRef("pk"), programme=programme))
        )
    status = filters.get("status")
    latest = _latest_episodes()
    still_open = latest.filter(closed_on__isnull=True)
    if status == CaseStatus.CLOSED:
        families = families.filter(Exists(latest.filter(closed_on__isnull=False)))
    elif status == CaseStatus.T2_DONE:
        families = families.filter(Exists(still_open.filter(_sent(Timepoint.T2))))
    elif status == CaseStatus.T1_DONE:
        families = families.filter(
            Exists(still_open.filter(_sent(Timepoint.T1)).filter(~_sent(Timepoint.T2)))
        )
    elif status == CaseStatus.AWAITING_T1:
        families = families.filter(
            Exists(still_open.filter(~_sent(Timepoint.T1)).filter(~_sent(Timepoint.T2)))
        )
    return families.order_by("-is_mine", "label", "pk")


def _sent_timepoints(episode_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    found: dict[uuid.UUID, set[str]] = defaultdict(set)
    rows = Response.objects.filter(
        status=ResponseStatus.SUBMITTED, invitation__episode_id__in=episode_ids
    ).values_list("invitation__episode_id", "invitation__timepoint")
    for episode_id, timepoint in rows:
        found[episode_id].add(timepoint)
    return found


def _caseload_flags(
    family_ids: list[uuid.UUID],
) -> dict[uuid.UUID, list[clinical_summary.CaseloadFlag]]:
    """Every page's flags in one query: the current scores' stored flags (set with the submit,
    DATA-6), never a rescoring on the fly."""
    rows = ScoreRecord.objects.filter(
        is_current=True,
        measure__response__status=ResponseStatus.SUBMITTED,
        measure__response__invitation__episode__family_id__in=family_ids,
    ).values_list(
        "measure__response__invitation__episode__family_id",
        "measure__response__invitation__timepoint",
        "flags",
        "measure__instrument__has_unverified_numbers",
    )
    grouped: dict[uuid.UUID, list[tuple[str, list[str], bool]]] = defaultdict(list)
    for family_id, timepoint, flags, unverified in rows:
        grouped[family_id].append((timepoint, list(flags or []), unverified))
    return {key: clinical_summary.caseload_flags(value) for key, value in grouped.items()}


@role_required(*CASE_ROLES)
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadFilterForm(request.GET)
    filters = form.filters()
    families = caseload_queryset(request.user, filters).prefetch_related(
        Prefetch("episodes", queryset=Episode.objects.order_by("-opened_on", "-pk"))
    )
    page = Paginator(families, FAMILIES_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    families_on_page = list(page)
    latest = {f.pk: next(iter(f.episodes.all()), None) for f in families_on_page}
    sent = _sent_timepoints([e.pk for e in latest.values() if e is not None])
    flags = _caseload_flags([family.pk for family in families_on_page])
    rows = []
    for family in families_on_page:
        episode = latest[family.pk]
        done = sent.get(episode.pk, set()) if episode else set()
        rows.append(
            CaseloadRow(
                family=family,
                age=baby_age(family, today),
                is_mine=family.is_mine,  # type: ignore[attr-defined]
                latest_episode=episode,
                status=_status_label(episode, done),
                t1_sent=Timepoint.T1 in done,
                t2_sent=Timepoint.T2 in done,
                flags=flags.get(family.pk, []),
            )
        )
    # Page links keep the search and filters.
    kept = urlencode({key: value for key, value in filters.items() if value})
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "filtered": any(filters.values()),
        "kept_query": kept + "&" if kept else "",
    }
    return render(request, "staff/caseload.html", context)


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

    @property
    def can_resend(self) -> bool:
        # A lost or expired link can be sent again while nothing has been sent back.
        return self.status in clinician.REVOCABLE or self.status == InvitationStatus.EXPIRED


@dataclass(frozen=True)
class ChartShown:
    change: clinical_summary.MeasureChange
    svg: str


@dataclass(frozen=True)
class EpisodeSection:
    episode: Episode
    invitations: list[InvitationRow]
    summary: clinical_summary.EpisodeSummary
    charts: list[ChartShown]
    loaf_form: LoafForm


def _loaf_prefix(episode: Episode) -> str:
    # Several episodes' forms can share a page: their field ids must not clash.
    return f"loaf-{episode.pk.hex[:8]}"


def _episode_sections(
    summary: clinical_summary.FamilySummary, loaf_forms: dict[uuid.UUID, LoafForm]
) -> list[EpisodeSection]:
    episodes = [section.episode for section in summary.episodes]
    codes = {code for ep in episodes for inv in ep.invitations.all() for code in inv.instruments}
    names = clinician.questionnaire_names(codes)
    now = timezone.now()
    sections = []
    for episode_summary in summary.episodes:
        episode = episode_summary.episode
        rows = []
        for invitation in episode.invitations.all():
            status = clinician.invitation_status(invitation, now)
            asked = ", ".join(names.get(code, code) for code in invitation.instruments)
            rows.append(InvitationRow(invitation, status, STATUS_TAG_COLOURS[status], asked))
        rows.reverse()  # newest link first
        # Safe to mark: the SVG is drawn by matplotlib from numbers and the definition's own
        # subscale names, XML-escaped by its writer; no parent-entered text goes into it.
        shown = [
            ChartShown(change, mark_safe(charts.measure_chart_svg(change.chart)))
            for change in episode_summary.changes
        ]
        today = timezone.localdate()
        # The date boxes show day, month and year: the initial value is given in that shape.
        form = loaf_forms.get(episode.pk) or LoafForm(
            prefix=_loaf_prefix(episode), initial={"rated_on": [today.day, today.month, today.year]}
        )
        sections.append(EpisodeSection(episode, rows, episode_summary, shown, form))
    return sections


def _family_page(
    request: HttpRequest,
    family: Family,
    loaf_forms: dict[uuid.UUID, LoafForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    audit.record("family.viewed", request.user, family)  # LOG-1: every view of a record
    summary = clinical_summary.family_summary(family)
    context = {
        "family": family,
        "summary": summary,
        "age": baby_age(family, timezone.localdate()),
        "episodes": _episode_sections(summary, loaf_forms or {}),
        "has_errors": bool(loaf_forms),
    }
    return render(request, "staff/family_detail.html", context, status=status)


@role_required(*CASE_ROLES)
@require_GET
def family_detail(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    return _family_page(request, get_family_for(request.user, family_id))


@role_required(*CASE_ROLES)
@require_POST
def loaf_record(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    episode = get_episode_for(request.user, episode_id)
    form = LoafForm(request.POST, prefix=_loaf_prefix(episode))
    if form.is_valid():
        data = form.cleaned_data
        try:
            rating = record_loaf(
                episode,
                data["timepoint"],
                data["part"],
                data["level"],
                data["rated_on"],
                rater=request.user,  # type: ignore[arg-type]
                caregiver=data["caregiver"],
            )
        except LoafInvalid as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"LOAF {rating.get_part_display()} at {rating.get_timepoint_display()} is "
                f"recorded: {clinical_summary.loaf_label(rating.level)}.",
            )
            url = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
            return redirect(f"{url}#loaf-{episode.pk}")
    return _family_page(request, episode.family, {episode.pk: form}, status=400)


def _report_filename(family: Family) -> str:
    # The label is staff-typed: keep a header-safe subset of it.
    safe = "".join(ch for ch in family.label if ch.isascii() and (ch.isalnum() or ch in "-_"))
    return f"family-{safe or 'report'}.pdf"


@role_required(*CASE_ROLES)
@require_GET
def family_report_pdf(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    family = get_family_for(request.user, family_id)
    summary = clinical_summary.family_summary(family)
    pdf = reports.family_report_pdf(summary, request.user, timezone.now())
    audit.record("family.report_downloaded", request.user, family)  # LOG-1: every PDF
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_report_filename(family)}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(*CASE_ROLES)
@require_POST
def invitation_issue(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    episode = get_episode_for(request.user, episode_id)
    form = IssueInvitationForm(request.POST)
    if not form.is_valid():
        return render(request, "pages/400.html", status=400)
    issued = services.issue_invitation(episode, form.cleaned_data["timepoint"], actor=request.user)
    return _issued_page(request, episode, issued)


@role_required(*CASE_ROLES)
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    """Resend: a new link, code and QR for the same invitation; the old ones stop working and
    the parent's saved answers stay with it."""
    invitation = get_invitation_for(request.user, invitation_id)
    status = clinician.invitation_status(invitation)
    if status not in clinician.REVOCABLE and status != InvitationStatus.EXPIRED:
        messages.error(request, "This link cannot be sent again. Issue a new one instead.")
        return redirect("staff:family_detail", family_id=invitation.episode.family_id)
    issued = services.resend_invitation(invitation, actor=request.user)
    return _issued_page(request, invitation.episode, issued)


def _issued_page(
    request: HttpRequest, episode: Episode, issued: services.IssuedInvitation
) -> HttpResponse:
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
