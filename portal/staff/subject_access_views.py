"""A family's data rights under UK GDPR, for the service lead only: subject access as JSON and
PDF (SAR-1, SAR-2), correcting the family's details (SAR-4) and erasing the family (SAR-3).
Clinicians get 403 (the role is checked first); another service's family is 404 (AZ-2)."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.security.access import role_required, staff_user
from portal.staff.subject_access_forms import (
    LABEL_TAKEN,
    ErasureConfirmForm,
    ErasureReasonForm,
    FamilyCorrectionForm,
)
from questionnaires.models import Family
from questionnaires.pdf.subject_access import subject_access_pdf
from questionnaires.roles import Role
from questionnaires.selectors.family_data import family_data, family_rows
from questionnaires.selectors.scope import get_family_for
from questionnaires.services import audit, erasure, families
from questionnaires.summary.subject_access import (
    subject_access_document,
    subject_access_sections,
)

LEAD_ONLY = frozenset({Role.SERVICE_LEAD})


def _filename(family: Family, extension: str) -> str:
    # The label is staff-typed: keep a header-safe subset of it.
    safe = "".join(ch for ch in family.label if ch.isascii() and (ch.isalnum() or ch in "-_"))
    return f"subject-access-{safe or 'family'}.{extension}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(LEAD_ONLY)
@require_GET
def subject_access_json(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    family = get_family_for(request.user, family_id)
    user = staff_user(request)
    # Audited before it is gathered, so the download itself is in the file's audit trail.
    audit.record_view(audit.Read.SUBJECT_ACCESS_DOWNLOADED, user, family)
    sections = subject_access_sections(family_data(family.pk))
    document = subject_access_document(sections, user.display_name, timezone.now())
    content = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return _download(content, "application/json", _filename(family, "json"))


@role_required(LEAD_ONLY)
@require_GET
def subject_access_pdf_view(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    family = get_family_for(request.user, family_id)
    user = staff_user(request)
    audit.record_view(audit.Read.SUBJECT_ACCESS_DOWNLOADED, user, family)
    sections = subject_access_sections(family_data(family.pk))
    pdf = subject_access_pdf(
        sections, family.label, family.service.name, user.display_name, timezone.now()
    )
    return _download(pdf, "application/pdf", _filename(family, "pdf"))


@role_required(LEAD_ONLY)
@require_http_methods(["GET", "POST"])
def family_correct(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    family = get_family_for(request.user, family_id)
    data = request.POST if request.method == "POST" else None
    form = FamilyCorrectionForm(data, family=family)
    if form.is_bound and form.is_valid():
        try:
            changed = families.correct_family(family, form.cleaned_data, staff_user(request))
        except families.FamilyLabelTaken:
            form.add_error("label", LABEL_TAKEN)
        else:
            words = (
                _("The family's details are corrected.") if changed else _("Nothing was changed.")
            )
            messages.success(request, words)
            return redirect("staff:family_detail", family_id=family.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "staff/family_correct.html", {"family": family, "form": form}, status=status
    )


def _erase_page(
    request: HttpRequest, family: Family, form: ErasureReasonForm, template: str, status: int
) -> HttpResponse:
    rows = family_rows(family.pk)
    counts = [(name.replace("_", " "), queryset.count()) for name, queryset in rows.erasable()]
    context = {"family": family, "form": form, "counts": counts}
    return render(request, template, context, status=status)


@role_required(LEAD_ONLY)
@require_GET
def family_erase(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    """The first step: what will go, and why."""
    family = get_family_for(request.user, family_id)
    return _erase_page(request, family, ErasureReasonForm(), "staff/family_erase.html", 200)


@role_required(LEAD_ONLY)
@require_POST
def family_erase_confirm(request: HttpRequest, family_id: uuid.UUID) -> HttpResponse:
    """The second step. Posted from the first with a reason only: shows the confirmation page;
    posted from the confirmation page with the label typed: erases."""
    family = get_family_for(request.user, family_id)
    if "confirm_label" not in request.POST:
        reason_form = ErasureReasonForm(request.POST)
        if not reason_form.is_valid():
            return _erase_page(request, family, reason_form, "staff/family_erase.html", 400)
        confirm = ErasureConfirmForm(initial=reason_form.cleaned_data, family=family)
        return _erase_page(request, family, confirm, "staff/family_erase_confirm.html", 200)
    form = ErasureConfirmForm(request.POST, family=family)
    if not form.is_valid():
        if form.has_error("reason"):
            return _erase_page(
                request, family, ErasureReasonForm(request.POST), "staff/family_erase.html", 400
            )
        return _erase_page(request, family, form, "staff/family_erase_confirm.html", 400)
    label = family.label
    erasure.erase_family(family, form.cleaned_data["reason"], staff_user(request))
    messages.success(
        request,
        _("Family %(label)s is erased. Only the audit trail's ids remain.") % {"label": label},
    )
    return redirect("staff:caseload")
