"""The service outcomes page (issue 13), its evaluation files and the commissioners' PDF.

The page: service leads (the whole service) and clinicians (their own caseload's episodes);
facilitators and the IT admin are refused (403). The files and the PDF: service leads only.
Every view and download is audited (LOG-1) with the filters chosen, never free text."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.security.access import role_required, staff_user
from portal.staff.outcomes_forms import OutcomesFilterForm
from questionnaires.models import StaffUser
from questionnaires.outcomes import charts, exports
from questionnaires.outcomes.report import OutcomesReport, build_report
from questionnaires.outcomes.wording import count, number, paired_rows, percent, rate_words
from questionnaires.pdf.outcomes_report import outcomes_pdf
from questionnaires.roles import CASE_ROLES, Role, roles_of
from questionnaires.selectors import outcomes as selector
from questionnaires.services import audit

EXPORT_ROLES = {Role.SERVICE_LEAD}


def _form(request: HttpRequest, user: StaffUser) -> OutcomesFilterForm:
    groups, clinicians = selector.filter_choices(user)
    data = request.GET if request.GET else None
    return OutcomesFilterForm(data, groups=groups, clinicians=clinicians)


# A computed report is reused until the data change (selectors.outcomes.data_version), and
# for at most this long whatever happens.
REPORT_CACHE_SECONDS = 600


def _cached_report(user: StaffUser, form: OutcomesFilterForm) -> tuple[OutcomesReport, str]:
    """The report and the key it is kept under."""
    filters = form.filters()
    key = "outcomes-report:" + selector.data_version(user, filters)
    report = cache.get(key)
    if report is None:
        frames = selector.outcome_frames(user, filters)
        report = build_report(
            frames.episodes, frames.invitations, frames.scores, frames.loaf,
            settings.OUTCOMES_PAIRED_GOAL,
        )  # fmt: skip
        cache.set(key, report, REPORT_CACHE_SECONDS)
    return report, key


def _report(user: StaffUser, form: OutcomesFilterForm) -> tuple[OutcomesReport, str]:
    return _cached_report(user, form)[0], _filter_words(form)


def _chart_svgs(report: OutcomesReport, key: str) -> list[dict[str, str]]:
    """The page's charts as inline SVG, drawn once per version of the data."""
    drawn = cache.get(key + ":charts")
    if drawn is None:
        found = (
            charts.funnel_chart(report.funnel),
            charts.change_chart(report.paired),
            charts.loaf_chart(report.loaf),
        )
        drawn = [{"title": c.title, "alt": c.alt, "svg": c.svg()} for c in found if c is not None]
        cache.set(key + ":charts", drawn, REPORT_CACHE_SECONDS)
    return drawn


def _filter_words(form: OutcomesFilterForm) -> str:
    if not (form.is_bound and form.is_valid()):
        return _("All programmes, all dates")
    data = form.cleaned_data
    parts = [dict(form.fields["programme"].choices).get(data.get("programme") or "", "")]  # type: ignore[attr-defined]
    if data.get("group"):
        parts.append(dict(form.fields["group"].choices).get(data["group"], ""))  # type: ignore[attr-defined]
    if data.get("clinician"):
        parts.append(dict(form.fields["clinician"].choices).get(data["clinician"], ""))  # type: ignore[attr-defined]
    since, until = data.get("since"), data.get("until")
    if since or until:
        parts.append(
            _("episodes opened %(since)s to %(until)s")
            % {
                "since": since.isoformat() if since else "…",
                "until": until.isoformat() if until else "…",
            }
        )
    else:
        parts.append(_("all dates"))
    return ", ".join(str(p) for p in parts if p)


@role_required(CASE_ROLES)
@require_GET
def outcomes(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = _form(request, user)
    report: OutcomesReport | None = None
    key = words = ""
    if not (form.is_bound and not form.is_valid()):
        report, key = _cached_report(user, form)
        words = _filter_words(form)
    audit.record_outcomes(user, audit.Read.OUTCOMES_VIEWED, form.recorded() if report else {})
    context: dict[str, object] = {
        "form": form,
        "filter_words": words,
        "is_lead": Role.SERVICE_LEAD in roles_of(user),
        "query": request.GET.urlencode(),
    }
    if report is not None:
        funnel = report.funnel
        context.update(
            {
                "report": report,
                "paired_rate": percent(
                    None if funnel.paired_rate is None else 100 * funnel.paired_rate
                ),
                "goal": percent(100 * funnel.goal, 0),
                "median_days": number(funnel.median_days_to_send, 1),
                "paired": paired_rows(report.paired),
                "rates": {
                    title: [(row.label, rate_words(row)) for row in rows]
                    for title, rows in report.rates.items()
                    if rows
                },
                "reliable": report.reliable,
                "any_rci": any(r.configured for r in report.reliable),
                "asq": report.asq,
                "loaf": report.loaf,
                "loaf_rows": [
                    (
                        level,
                        row,
                        percent(report.loaf.percent_t1[level - 1]),
                        percent(report.loaf.percent_t2[level - 1]),
                    )
                    for level, row in enumerate(report.loaf.table, start=1)
                ],
                "completeness_fields": [
                    (c.label, c.total, percent(c.percent_missing), percent(c.percent_prefer_not))
                    for c in report.completeness_fields
                ],
                "reach": [
                    (
                        b.title,
                        [
                            (
                                r.label,
                                count(r.count, r.suppressed),
                                "" if r.suppressed else percent(r.percent),
                            )
                            for r in b.rows
                        ],
                    )
                    for b in report.reach
                ],
                "charts": _chart_svgs(report, key),
            }
        )
    return render(request, "staff/outcomes.html", context)


FORMATS = {
    "csv": ("application/zip", "zip", exports.to_csv_zip),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        exports.to_xlsx,
    ),
    "sav": ("application/zip", "sav.zip", exports.to_sav_zip),
    "dta": ("application/zip", "dta.zip", exports.to_dta_zip),
}


@role_required(EXPORT_ROLES)
@require_GET
def outcomes_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """The long, wide paired and item-level tables with their data dictionary."""
    user = staff_user(request)
    if file_format not in FORMATS:
        return HttpResponse(
            _("There is no such file format."), status=404, content_type="text/plain"
        )
    form = _form(request, user)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            _("Check the filters on the outcomes page."), status=400, content_type="text/plain"
        )
    filters = form.filters()
    frames = selector.outcome_frames(user, filters, scores_only=True)
    answers = selector.item_answers(user, filters)
    tables = exports.build_tables(frames.scores, frames.episodes, answers)
    content_type, suffix, write = FORMATS[file_format]
    content = write(tables)
    rows = sum(len(frame) for frame in tables.named().values())
    audit.record_outcomes(user, audit.Read.OUTCOMES_EXPORTED, form.recorded(), file_format, rows)
    response = HttpResponse(content, content_type=content_type)
    filename = f"outcomes-{timezone.localdate():%Y-%m-%d}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(EXPORT_ROLES)
@require_GET
def outcomes_report_pdf(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = _form(request, user)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            _("Check the filters on the outcomes page."), status=400, content_type="text/plain"
        )
    report, words = _report(user, form)
    content = outcomes_pdf(
        report, words, user.display_name, str(user.service), timezone.localtime()
    )
    audit.record_outcomes(user, audit.Read.OUTCOMES_REPORT_DOWNLOADED, form.recorded(), "pdf")
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"outcomes-report-{timezone.localdate():%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
