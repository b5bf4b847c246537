"""Personal links from the clinician's side: issue one (with its QR code and short code), send
it again, or revoke it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.security.access import role_required, staff_user
from portal.staff.family_forms import IssueInvitationForm
from questionnaires import credentials, qr
from questionnaires.models import Episode, Timepoint
from questionnaires.roles import CASE_ROLES
from questionnaires.selectors.family_record import sent_sets
from questionnaires.selectors.instruments import questionnaire_names
from questionnaires.selectors.scope import get_episode_for, get_invitation_for
from questionnaires.services import invitations
from questionnaires.statuses import can_resend, invitation_status
from questionnaires.summary.episodes import shown_set
from questionnaires.summary.wording import local_datetime


@role_required(CASE_ROLES)
@require_POST
def invitation_issue(request: HttpRequest, episode_id: uuid.UUID) -> HttpResponse:
    episode = get_episode_for(request.user, episode_id)
    form = IssueInvitationForm(request.POST)
    if not form.is_valid():
        return render(request, "pages/400.html", status=400)
    timepoint = form.cleaned_data["timepoint"]
    if not form.cleaned_data["confirmed"]:
        # Answers already in at this timepoint, or an end link before any start answers: say
        # what happens before issuing, so a new set never surprises the clinician.
        sent = sent_sets(episode)
        earlier = sent.get(timepoint, [])
        no_start = timepoint == Timepoint.T2 and not sent.get(Timepoint.T1)
        if earlier or no_start:
            baseline = shown_set(episode, Timepoint.T1, earlier) if earlier else None
            context = {
                "family": episode.family,
                "episode": episode,
                "timepoint": Timepoint(timepoint),
                "earlier": [local_datetime(r.submitted_at) for r in earlier],
                "baseline": local_datetime(baseline.submitted_at) if baseline else "",
                "no_start": no_start,
                "language": form.cleaned_data["language"],
            }
            return render(request, "staff/invitation_confirm.html", context)
    issued = invitations.issue_invitation(
        episode, timepoint, actor=staff_user(request), language=form.cleaned_data["language"]
    )
    return issued_page(request, episode, issued)


@role_required(CASE_ROLES)
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    """Resend: a new link, code and QR for the same invitation; the old ones stop working and
    the parent's saved answers stay with it."""
    invitation = get_invitation_for(request.user, invitation_id)
    if not can_resend(invitation_status(invitation)):
        messages.error(request, _("This link cannot be sent again. Issue a new one instead."))
        return redirect("staff:family_detail", family_id=invitation.episode.family_id)
    issued = invitations.resend_invitation(invitation, actor=staff_user(request))
    return issued_page(request, invitation.episode, issued)


def issued_page(
    request: HttpRequest, episode: Episode, issued: invitations.IssuedInvitation
) -> HttpResponse:
    """The link, code and QR of a just-issued link, shown once (also for a postnatal baseline)."""
    # The plain link and code exist only in this response: never in a URL, a session or a log
    # (LINK-1/2). Leaving the page loses them; the clinician issues a new link instead.
    link = settings.SITE_BASE_URL + reverse("parents:link", kwargs={"token": issued.token})
    names = questionnaire_names(issued.invitation.instruments)
    context = {
        "family": episode.family,
        "episode": episode,
        "invitation": issued.invitation,
        "link": link,
        # Safe to mark: the library draws this SVG itself from our own URL; no user text in it.
        "qr_svg": mark_safe(qr.svg_for_url(link)),
        "code": credentials.display_code(issued.short_code),
        "start_url": settings.SITE_BASE_URL + reverse("parents:code"),
        "questionnaires": [names.get(code, code) for code in issued.invitation.instruments],
    }
    response = render(request, "staff/invitation_issued.html", context)
    # The page holds a live token: no Referer may carry anything from it (DEP-3).
    response["Referrer-Policy"] = "no-referrer"
    return response


@role_required(CASE_ROLES)
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    invitation = get_invitation_for(request.user, invitation_id)
    invitations.revoke_invitation(invitation, actor=staff_user(request))
    messages.success(
        request,
        _("The %(timepoint)s link is revoked. It no longer works.")
        % {"timepoint": invitation.get_timepoint_display()},
    )
    return redirect("staff:family_detail", family_id=invitation.episode.family_id)
