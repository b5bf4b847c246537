"""The pages around the questions: welcome, sent, declined, and the page for a lost session."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal import languages
from portal.parents import parent_session
from portal.parents.contact_forms import ParentContactForm
from portal.parents.parent_session import PARTICIPANT_KEY
from questionnaires import scoring_adapter
from questionnaires.models import ResponseStatus, Stage
from questionnaires.parent_steps import ResponseSteps
from questionnaires.selectors import entry
from questionnaires.selectors import messaging as messaging_reads
from questionnaires.selectors.instruments import current_instrument, current_translation
from questionnaires.services import contacts, responses
from questionnaires.statuses import collection_is_open, invitation_is_usable


def session_ended(request: HttpRequest) -> HttpResponse:
    # DATA-2: say plainly how to get back in; every saved answer is still there.
    return render(request, "parents/session_ended.html", status=403)


def resume_url(steps: ResponseSteps) -> str:
    return reverse("parents:step", kwargs={"step": steps.first_step_without_data().name})


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest) -> HttpResponse:
    invitation = parent_session.invitation(request)
    if invitation is None:
        return session_ended(request)
    response = parent_session.response(request)
    if response is not None:
        if response.status == ResponseStatus.SUBMITTED:
            return render(request, "parents/already_sent.html")
        if response.status == ResponseStatus.DECLINED:
            return redirect("parents:declined")
        if request.method == "GET" and "again" not in request.GET:
            # Coming back: straight to the first question without an answer (journey 3), where
            # a "Welcome back" tells the parent their answers so far were kept.
            parent_session.mark_welcome_back(request)
            return redirect(resume_url(ResponseSteps(response)))
    if request.method == "POST":
        if not invitation_is_usable(invitation):
            return session_ended(request)
        response = responses.open_response(
            invitation, languages.current(), allow_unvalidated=settings.DEMO_MODE
        )
        return redirect(resume_url(ResponseSteps(response)))
    # In the parent's language where a version they may be shown exists (I18N-3).
    language = languages.current()
    measures = [
        scoring_adapter.definition_of(
            current_translation(code, language, allow_unvalidated=settings.DEMO_MODE)
            or current_instrument(code)
        )
        for code in invitation.instruments
    ]
    return render(
        request,
        "parents/welcome.html",
        {
            "measures": measures,
            "service": invitation.episode.family.service,
            "return_code": parent_session.return_code(request),
            # The plan chose the pregnancy set: say the other questions come after the birth.
            "pregnancy": invitation.stage == Stage.ANTENATAL,
        },
    )


@require_http_methods(["GET", "POST"])
def sent(request: HttpRequest) -> HttpResponse:
    finished = parent_session.finished(request)
    if finished is None:
        response = parent_session.response(request)
        if (
            response is None
            or response.invitation is None
            or response.status != ResponseStatus.SUBMITTED
        ):
            return session_ended(request)
        service = response.invitation.episode.family.service
        finished = {"contact_line": service.contact_line, "crisis_text": service.crisis_text}
    shared = parent_session.shared_collection_id(request) is not None
    # Issue 14, MSG-2: a parent with a personal link may leave their own contact details.
    offer = None
    if finished.get("response_id") and not shared and not finished.get(PARTICIPANT_KEY):
        offer = messaging_reads.parent_contact_offer(finished["response_id"])
    form = None
    status = 200
    if offer is not None:
        form = ParentContactForm(
            request.POST if request.method == "POST" else None,
            has_mobile=bool(offer.mobile_ending),
            has_email=offer.has_email,
        )
        if request.method == "POST":
            if form.is_valid():
                contacts.record_parent_contact(
                    offer.episode,
                    mobile=form.cleaned_data["mobile"],
                    email=form.cleaned_data["email"],
                    channel=form.cleaned_data["channel"],
                )
                messages.success(request, _("Thank you. We have saved how to contact you."))
                return redirect(reverse("parents:sent") + "#contact")
            status = 400
    elif request.method == "POST":
        return redirect("parents:sent")
    context = {
        "finished": finished,
        "return_code": parent_session.return_code(request),
        "shared": shared,
        "contact_offer": offer,
        "contact_form": form,
    }
    return render(request, "parents/sent.html", context, status=status)


@require_POST
def next_parent(request: HttpRequest) -> HttpResponse:
    """A shared tablet handed to the next parent: this parent's session ends on the server, so
    Back, history and the sent page show nothing of theirs (finding 3 of the parent review)."""
    collection_id = parent_session.shared_collection_id(request)
    collection = entry.collection_by_id(collection_id) if collection_id else None
    parent_session.start(request)
    if collection is None or not collection_is_open(collection):
        return redirect("home")
    return redirect(reverse("parents:group_join", kwargs={"code": collection.code}) + "?shared=1")


@require_http_methods(["GET", "POST"])
def exit_page(request: HttpRequest) -> HttpResponse:
    """ "Exit this page" (LINK-9): the parent's session ends on the server, the browser is told
    to forget this site's cookies, storage and cache, and it goes to a neutral site. A GET does
    this too, so the button works as a plain link without JavaScript; it can only ever end the
    caller's own session (answers stay saved), so a forged link can do no more than that."""
    request.session.flush()
    response = HttpResponse(status=303)
    response["Location"] = settings.EXIT_PAGE_URL
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def declined(request: HttpRequest) -> HttpResponse:
    invitation = parent_session.invitation(request)
    if invitation is None:
        return session_ended(request)
    return render(request, "parents/declined.html", {"service": invitation.episode.family.service})
