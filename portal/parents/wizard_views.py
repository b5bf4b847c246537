"""The questions, one per page: a formtools named-URL wizard over database storage, so every
Continue is saved on the server (DATA-1) and any phone can carry on (journey 3)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.generic import TemplateView
from formtools.wizard.views import NamedUrlWizardView, StepsHelper, WizardView

from portal import languages
from portal.parents import parent_session
from portal.parents.check_answers_page import check_answers_sections
from portal.parents.journey_views import resume_url, session_ended
from portal.parents.step_forms import FORM_FOR_KIND, InfoForm
from portal.parents.wizard_storage import DatabaseStorage
from questionnaires.models import ResponseStatus
from questionnaires.parent_steps import QUESTION_KINDS, Kind, ResponseSteps, Step
from questionnaires.selectors.instruments import current_definitions
from questionnaires.services import responses
from questionnaires.statuses import invitation_is_usable

RETURN_TO_CHECK = "return"


class QuestionnaireWizard(NamedUrlWizardView):
    template_name = "parents/step.html"
    # The real steps come from the response: formtools takes a list of (name, form) pairs here,
    # and each request replaces it with this response's steps (`_form_list`).
    form_list: list[tuple[str, type[forms.Form]]] | OrderedDict[str, type[forms.Form]] = [
        ("placeholder", InfoForm)
    ]
    url_name = "parents:step"
    done_step_name = "send"

    steps_loaded: ResponseSteps

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD", "POST"):
            # INJ-5: a wrong method is a 405 whether or not there is a parent session.
            return self.http_method_not_allowed(request, *args, **kwargs)
        response = parent_session.response(request)
        if response is None:
            if parent_session.finished(request):
                # Back after sending lands on the confirmation, never on answers (LINK-7).
                return redirect("parents:sent")
            return session_ended(request)
        if response.status == ResponseStatus.SUBMITTED:
            return redirect("parents:sent")
        if response.status == ResponseStatus.DECLINED:
            return redirect("parents:declined")
        invitation = response.invitation
        if invitation is not None and not invitation_is_usable(invitation):
            # LINK-3: revoking (or expiry of) a link also ends a session already in progress,
            # with the same page a stopped link gives; the saved answers stay where they are.
            return render(request, "parents/link_not_working.html", status=404)
        self.steps_loaded = ResponseSteps(response)
        self.form_list = self._form_list()
        # formtools' own dispatch builds its storage from a dotted path, with no way to hand it
        # this request's steps; these are its three lines with the storage built here.
        self.prefix = self.get_prefix(request, *args, **kwargs)
        self.storage = DatabaseStorage(self.prefix, request, self.steps_loaded)
        if kwargs.get("step") in self.form_list:
            # The position is the URL's step, never the session's (PERF-2).
            self.storage.current_step = kwargs["step"]
        self.steps = StepsHelper(self)
        page = TemplateView.dispatch(self, request, *args, **kwargs)
        self.storage.update_response(page)
        return page

    def _form_list(self) -> OrderedDict[str, type[forms.Form]]:
        """One form per step of this response; formtools resolves and caches it from here."""
        return OrderedDict(
            (step.name, FORM_FOR_KIND[step.kind]) for step in self.steps_loaded.steps
        )

    def step(self, name: str | None = None) -> Step:
        return self.steps_loaded.by_name[name or self.steps.current]

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        return {"step": self.step(step)}

    def process_step(self, form: forms.Form) -> dict[str, Any]:
        # The storage saves validated values, never the raw POST (INJ-4).
        return dict(form.cleaned_data)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        name = kwargs.get("step")
        if name is None or (name != self.done_step_name and name not in self.get_form_list()):
            return redirect(resume_url(self.steps_loaded))
        return super().get(request, *args, **kwargs)

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        # A tampered or stale management form must not reach formtools' lookups (INJ-5).
        posted_step = self.request.POST.get(f"{self.prefix}-current_step", "")
        if posted_step not in self.get_form_list():
            return HttpResponseBadRequest("Unknown step")
        if kwargs.get("step") != posted_step:
            return HttpResponseBadRequest("Step mismatch")
        if (
            self.step(posted_step).kind != Kind.CONSENT
            and not self.steps_loaded.response.consent_given
        ):
            # Consent first (UX-10, GDPR special-category data): no answer is stored before
            # the parent has said yes on the consent page.
            return redirect(self.get_step_url("consent"))
        # DATA-1 / INJ-4: the URL's step is the one being answered. formtools otherwise keeps
        # the session's step, and with none yet (a fresh session) validates the POST against
        # the first step, showing the consent page's error under this question's address.
        self.storage.current_step = posted_step
        return super().post(*args, **kwargs)

    def render_next_step(self, form: forms.Form, **kwargs: Any) -> HttpResponse:
        # The storage reloaded the steps when it saved this one: a new ethnic group can add
        # or remove the background question, so the form list follows.
        self.form_list = self._form_list()
        current = (
            self.step(self.steps.current) if self.steps.current in self.get_form_list() else None
        )
        declined = self.steps_loaded.response.status == ResponseStatus.DECLINED
        if current is not None and current.kind == Kind.CONSENT and declined:
            return redirect("parents:declined")
        if self.request.GET.get(RETURN_TO_CHECK) == "check":
            return redirect(self.get_step_url("check"))
        return super().render_next_step(form, **kwargs)

    def render_done(self, form: forms.Form, **kwargs: Any) -> HttpResponse:
        # Sending happens only on the POST of "Send my answers", never on a GET (LINK-6).
        if self.request.method != "POST":
            return redirect(self.get_step_url("check"))
        return WizardView.render_done(self, form, **kwargs)

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        response = responses.submit_response(self.steps_loaded.response)
        assert response.invitation is not None
        parent_session.finish(self.request, response.invitation)
        return redirect("parents:sent")

    def get_context_data(self, form: forms.Form, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        step = self.step()
        names = list(self.get_form_list())
        index = names.index(step.name)
        back = (
            reverse("parents:welcome") + "?again=1"
            if index == 0
            else self.get_step_url(names[index - 1])
        )
        if self.request.GET.get(RETURN_TO_CHECK) == "check":
            back = self.get_step_url("check")
        invitation = self.steps_loaded.response.invitation
        assert invitation is not None  # the session finds a parent's response by its invitation
        context.update(
            step=step,
            back_url=back,
            service=invitation.episode.family.service,
            return_to_check=self.request.GET.get(RETURN_TO_CHECK) == "check",
            welcome_back=parent_session.take_welcome_back(self.request),
        )
        if step.kind == Kind.CHECK:
            context["sections"] = check_answers_sections(self.steps_loaded, self.get_step_url)
        context.update(language_context(self.request, step, self.steps_loaded.response.language))
        return context


def language_context(request: HttpRequest, step: Step, language: str) -> dict[str, Any]:
    """I18N-3: a note when a questionnaire has no translation the parent may be shown, so its
    items stay in English; I18N-6: the English beside the chosen language (interpreter view);
    I18N-7: the recorded audio for this item in this language, when the definition has one."""
    context: dict[str, Any] = {}
    definition = step.definition
    page_language = languages.current()
    if definition is None:
        return context
    context["items_in_english"] = (
        page_language != languages.ENGLISH and definition.language != page_language
    )
    # The definition's wording is marked with its own language where it differs from the page's.
    context["item_lang"] = "" if definition.language == page_language else definition.language
    if step.kind in QUESTION_KINDS:
        context["interpreter_offer"] = page_language != languages.ENGLISH
        if context["interpreter_offer"] and request.session.get(parent_session.INTERPRETER_KEY):
            context["english_beside"] = english_beside(step)
        audio = definition.audio.get(step.answer_key)
        if audio:
            context["listen_audio"] = static(f"audio/{audio}")
    return context


def english_beside(step: Step) -> dict[str, Any]:
    """The question and its answers in the English source version of the questionnaire."""
    assert step.definition is not None
    english = current_definitions([step.definition.code])[0]
    question = ""
    if step.item is not None:
        question = next((i.text for i in english.items if i.number == step.item.number), "")
        if not question:
            for interval in english.intervals:
                for item in interval.items:
                    if item.number == step.item.number:
                        question = item.text
    elif step.overall is not None:
        question = next(
            (
                q.text
                for interval in english.intervals
                for q in interval.overall
                if q.id == step.overall.id
            ),
            "",
        )
    options = [o.label for o in english.options] if step.kind == Kind.ITEM else []
    return {"question": question, "options": options}
