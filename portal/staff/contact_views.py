"""The parent's contact details and the end (T2) date, from the family record's messaging panel
(issue 14). Each view changes state through a service and returns to the record; a mistake is
said in plain words there and nothing is sent."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.security.access import role_required, staff_user
from portal.staff.contact_forms import ContactForm, T2Form
from questionnaires.models import Episode
from questionnaires.roles import CASE_ROLES
from questionnaires.selectors.scope import get_episode_for
from questionnaires.services import contacts, outbox


def _back(episode: Episode) -> HttpResponse:
    url = reverse("staff:family_detail", kwargs={"family_id": episode.family_id})
    return redirect(f"{url}#messaging")


def _refuse(request: HttpRequest, episode: Episode, form: ContactForm | T2Form) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    return _back(episode)


@role_required(CASE_ROLES)
@require_POST
def contact_save(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    episode = get_episode_for(request.user, episode_id)
    if episode.closed_on is not None:
        messages.error(request, _("This episode is closed: contact details are not kept."))
        return _back(episode)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _refuse(request, episode, form)
    contacts.record_contact(
        episode,
        mobile=form.cleaned_data["mobile"],
        email=form.cleaned_data["email"],
        channel=form.cleaned_data["channel"],
        actor=staff_user(request),
    )
    messages.success(request, _("Contact details saved."))
    return _back(episode)


@role_required(CASE_ROLES)
@require_POST
def t2_save(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    episode = get_episode_for(request.user, episode_id)
    form = T2Form(request.POST)
    if episode.closed_on is not None:
        messages.error(request, _("This episode is closed."))
        return _back(episode)
    if not form.is_valid():
        return _refuse(request, episode, form)
    planned_on = form.cleaned_data["planned_on"]
    user = staff_user(request)
    contacts.plan_t2(episode, planned_on, actor=user)
    if form.cleaned_data["action"] == "schedule":
        if planned_on < timezone.localdate():
            messages.error(request, _("The date to send the end (T2) link must be today or later."))
            return _back(episode)
        try:
            outbox.schedule_t2(episode, planned_on, actor=user)
        except outbox.AlreadyScheduled:
            messages.error(request, _("An end (T2) link is already waiting to be sent."))
            return _back(episode)
        messages.success(
            request,
            _("The end (T2) link will be sent on %(date)s.")
            % {"date": planned_on.strftime("%-d %B %Y")},
        )
    elif outbox.reschedule_t2(episode, planned_on, actor=user):
        messages.success(request, _("End (T2) date saved. The waiting link will go on that day."))
    else:
        messages.success(request, _("End (T2) date saved."))
    return _back(episode)
