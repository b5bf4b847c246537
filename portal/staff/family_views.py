"""A family's record: registering it, the record page with scores, change and LOAF, recording a
LOAF rating, and the PDF report. Every view of a record and every PDF is audited (LOG-1)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.security.access import role_required, staff_service, staff_user
from portal.staff.family_forms import (
    LABEL_TAKEN,
    BaselineForm,
    FamilyForm,
    LoafForm,
    RecordBirthForm,
)
from portal.staff.family_page import birth_prefix, episode_sections, loaf_prefix
from portal.staff.invitation_views import issued_page
from questionnaires.models import Family, Timepoint
from questionnaires.pdf.family_report import family_report_pdf
from questionnaires.roles import CASE_ROLES, Role, roles_of
from questionnaires.selectors.family_record import family_summary, sent_sets
from questionnaires.selectors.fhir import family_fhir_bundle
from questionnaires.selectors.scope import get_episode_for, get_family_for
from questionnaires.services import audit, baselines, families, loaf_ratings
from questionnaires.summary.loaf_rows import loaf_label
from questionnaires.summary.wording import baby_age, local_datetime


@role_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def family_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    service = staff_service(request)
    form = FamilyForm(request.POST if request.method == "POST" else None, service=service)
    if form.is_bound and form.is_valid():
        try:
            episode = families.register_family_with_episode(
                service, **form.cleaned_data, actor=user
            )
        except families.FamilyLabelTaken:
            form.add_error("label", LABEL_TAKEN)
        else:
            messages.success(
                request, _("Family %(label)s is registered.") % {"label": episode.family.label}
            )
            return redirect("staff:family_detail", family_id=episode.family_id)
    return render(request, "staff/family_form.html", {"form": form})


def _family_page(
    request: HttpRequest,
    family: Family,
    loaf_forms: dict[uuid.UUID, LoafForm] | None = None,
    status: int = 200,
    birth_forms: dict[uuid.UUID, RecordBirthForm] | None = None,
) -> HttpResponse:
    audit.record_view(audit.Read.FAMILY_VIEWED, request.user, family)  # LOG-1: every view
    summary = family_summary(family)
    context = {
        "family": family,
        "summary": summary,
        "age": baby_age(family, timezone.localdate()),
        "episodes": episode_sections(summary, loaf_forms or {}, birth_forms or {}),
        "has_errors": bool(loaf_forms or birth_forms),
        # The data-rights links (subject access, correction, erasure) are the lead's only.
        "is_service_lead": Role.SERVICE_LEAD in roles_of(request.user),
    }
    return render(request, "staff/family_detail.html", context, status=status)


@role_required(CASE_ROLES)
@require_GET
def family_detail(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    return _family_page(request, get_family_for(request.user, family_id))


@role_required(CASE_ROLES)
@require_POST
def loaf_record(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    episode = get_episode_for(request.user, episode_id)
    form = LoafForm(request.POST, prefix=loaf_prefix(episode))
    if form.is_valid():
        data = form.cleaned_data
        try:
            rating = loaf_ratings.record_loaf(
                episode,
                data["timepoint"],
                data["part"],
                data["level"],
                data["rated_on"],
                rater=staff_user(request),
                caregiver=data["caregiver"],
            )
        except loaf_ratings.LoafInvalid as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("LOAF %(part)s at %(timepoint)s is recorded: %(loaf_label)s.")
                % {
                    "part": rating.get_part_display(),
                    "timepoint": rating.get_timepoint_display(),
                    "loaf_label": loaf_label(rating.level),
                },
            )
            url = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
            return redirect(f"{url}#loaf-{episode.pk}")
    return _family_page(request, episode.family, {episode.pk: form}, status=400)


@role_required(CASE_ROLES)
@require_POST
def baseline_choose(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """The clinician chooses which sent start (T1) set change is measured from."""
    episode = get_episode_for(request.user, episode_id)
    form = BaselineForm(request.POST)
    chosen = None
    if form.is_valid():
        wanted = form.cleaned_data["response"]
        chosen = next((r for r in sent_sets(episode).get(Timepoint.T1, []) if r.pk == wanted), None)
    if chosen is None:
        messages.error(request, _("Select the start answers to use as the baseline"))
        return _family_page(request, episode.family, status=400)
    baselines.choose_baseline(episode, chosen, actor=staff_user(request))
    messages.success(
        request,
        _("The baseline is now the start answers sent %(local_datetime)s.")
        % {"local_datetime": local_datetime(chosen.submitted_at)},
    )
    url = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    return redirect(f"{url}#episode-{episode.pk}")


def _report_filename(family: Family) -> str:
    # The label is staff-typed: keep a header-safe subset of it.
    safe = "".join(ch for ch in family.label if ch.isascii() and (ch.isalnum() or ch in "-_"))
    return f"family-{safe or 'report'}.pdf"


@role_required(CASE_ROLES)
@require_GET
def family_report(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    family = get_family_for(request.user, family_id)
    pdf = family_report_pdf(family_summary(family), staff_user(request), timezone.now())
    audit.record_view(audit.Read.FAMILY_REPORT_DOWNLOADED, request.user, family)  # every PDF
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_report_filename(family)}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(CASE_ROLES)
@require_GET
def family_fhir(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    """The family's answers and scores as a FHIR R4 Bundle for the patient record (FHIR-1)."""
    family = get_family_for(request.user, family_id)
    body = family_fhir_bundle(family).model_dump_json(indent=2)
    audit.record_view(audit.Read.FHIR_EXPORTED, request.user, family)  # every export
    response = HttpResponse(body, content_type="application/fhir+json")
    filename = _report_filename(family).removesuffix(".pdf") + "-fhir.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(CASE_ROLES)
@require_POST
def birth_record(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """The baby has arrived: record the date of birth; the record then offers the postnatal
    baseline the plan times."""
    episode = get_episode_for(request.user, episode_id)
    form = RecordBirthForm(request.POST, prefix=birth_prefix(episode))
    if form.is_valid():
        data = form.cleaned_data
        try:
            baselines.record_birth(
                episode, data["infant_dob"], data["weeks_premature"], staff_user(request)
            )
        except baselines.BirthNotRecordable as error:
            form.add_error("infant_dob", str(error))
        else:
            messages.success(
                request,
                _("The birth is recorded. The postnatal baseline can now be offered below."),
            )
            url = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
            return redirect(f"{url}#episode-{episode.pk}")
    return _family_page(request, episode.family, birth_forms={episode.pk: form}, status=400)


@role_required(CASE_ROLES)
@require_POST
def postnatal_baseline_offer(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    """Create the postnatal baseline link (the plan's postnatal measures) and show it once."""
    episode = get_episode_for(request.user, episode_id)
    try:
        issued = baselines.offer_postnatal_baseline(episode, staff_user(request))
    except baselines.NoPostnatalBaseline as error:
        messages.error(request, str(error))
        url = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
        return redirect(f"{url}#episode-{episode.pk}")
    return issued_page(request, episode, issued)
