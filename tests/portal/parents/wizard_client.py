"""A parent's way through the questionnaire wizard with the Django test client: enter by link, POST
each step, read back what was saved."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from questionnaires import credentials
from questionnaires.models import (
    Answer,
    Response,
    Service,
)
from questionnaires.parent_steps import Kind, ResponseSteps, Step
from questionnaires.services import families, invitations
from tests.conftest import ClientResponse
from tests.questionnaires import factories

MANAGEMENT = "questionnaire_wizard-current_step"


SESSION_ENDED = b"Open your link again"


def issue(service: Service, infant_age_days: int = 200) -> invitations.IssuedInvitation:
    fam = factories.family(service, infant_age_days=infant_age_days)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    return invitations.issue_invitation(episode, "T1")


def step_url(name: str) -> str:
    return reverse("parents:step", kwargs={"step": name})


def post_step(client: Client, name: str, data: dict[str, str]) -> ClientResponse:
    body = {MANAGEMENT: name, **{f"{name}-{key}": value for key, value in data.items()}}
    return client.post(step_url(name), body)


def valid_data(step: Step) -> dict[str, str]:
    if step.kind == Kind.CONSENT:
        return {"consent": "yes"}
    if step.kind == Kind.ITEM:
        assert step.definition is not None
        return {"answer": str(step.definition.options[0].value)}
    if step.kind == Kind.OVERALL:
        assert step.overall is not None
        return {"answer": "no"} if step.overall.kind == "yes_no" else {"text": "Fine"}
    if step.kind == Kind.ABOUT:
        assert step.about is not None
        return {"answer": step.about.choices[-1][0]}
    return {}


def start(client: Client, token: str) -> Response:
    assert client.get(f"/p/{token}").status_code == 302
    assert client.post(reverse("parents:welcome")).status_code == 302
    found = Response.objects.get(invitation__token_hash=_hash(token))
    return found


def _hash(token: str) -> str:
    return credentials.credential_hash(token)


def answer_steps(
    client: Client,
    response: Response,
    until: str | None = None,
    data_for: Callable[[Step], dict[str, str]] = valid_data,
) -> list[str]:
    """POST every step in order (re-planning after each, as the view does) until the step named
    `until` (not posted) or the check page (not posted). Returns the posted step names."""
    posted: list[str] = []
    while True:
        steps = ResponseSteps(Response.objects.get(pk=response.pk))
        step = steps.first_step_without_data()
        if step.name == until or step.kind == Kind.CHECK:
            return posted
        result = post_step(client, step.name, data_for(step))
        assert result.status_code == 302, (step.name, result.status_code, result.content[:500])
        posted.append(step.name)


def saved(response: Response) -> dict[tuple[str, str], tuple[str, bool, str]]:
    return {
        (a.measure.instrument.code, a.item): (a.value, a.concern, a.text)
        for a in Answer.objects.filter(measure__response=response).select_related(
            "measure__instrument"
        )
    }


def checked_value(page: ClientResponse, name: str) -> str | None:
    found = re.search(rf'name="{name}-answer" type="radio" value="([^"]*)" checked', page.text)
    return found.group(1) if found else None


def send(client: Client) -> ClientResponse:
    return client.post(step_url("check"), {MANAGEMENT: "check"})
