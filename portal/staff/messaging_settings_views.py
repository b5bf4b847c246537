"""`/staff/messaging-settings`: the service's reminder days, most reminders, sending hours and
psychotherapy's end (T2) weeks (MSG-5), for its lead and administrator. Saved through
`services.messaging_settings` (checked, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.security.access import role_required, staff_service, staff_user
from portal.staff.messaging_settings_forms import MessagingSettingsForm
from questionnaires.roles import ACCOUNT_ROLES, Role
from questionnaires.selectors import messaging_settings as settings_reads
from questionnaires.services import messaging_settings


@role_required(ACCOUNT_ROLES | {Role.SERVICE_LEAD})
def messaging_settings_page(request: HttpRequest) -> HttpResponse:
    service = staff_service(request)
    current = settings_reads.for_service(service)
    if request.method == "POST":
        form = MessagingSettingsForm(request.POST)
        if form.is_valid():
            try:
                messaging_settings.save_settings(service, form.chosen(), staff_user(request))
            except messaging_settings.InvalidSettings as error:  # the form checked already
                for field, problem in error.problems.items():
                    form.add_error(field, problem)
            else:
                messages.success(request, _("Reminder settings saved."))
                return redirect("staff:messaging_settings")
        status = 400
    else:
        form = MessagingSettingsForm(
            initial={
                "reminder_days": ", ".join(str(day) for day in current.reminder_days),
                "max_reminders": current.max_reminders,
                "send_from_hour": current.send_from_hour,
                "send_until_hour": current.send_until_hour,
                "t2_weeks": current.t2_weeks,
            }
        )
        status = 200
    return render(
        request,
        "staff/messaging_settings.html",
        {"form": form, "current": current, "service": service},
        status=status,
    )
