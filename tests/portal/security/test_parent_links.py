"""Parent capability links and codes, proved through the Django test client: LINK-1 (only keyed
hashes stored), LINK-2 (token swapped for a new session and a token-free URL), LINK-3 (expiry,
revocation, one submitted response, one answer for every broken link), LINK-6 (GET changes
nothing, POST needs CSRF) and LINK-7 (finished means finished)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires import credentials
from questionnaires.models import (
    Answer,
    AuditEvent,
    Invitation,
    Response,
    ResponseMeasure,
    ResponseStatus,
    ScoreRecord,
    Service,
)
from questionnaires.parent_steps import Kind, ResponseSteps, Step
from questionnaires.services import families, invitations, responses
from tests.conftest import ClientResponse
from tests.questionnaires import factories

pytestmark = pytest.mark.django_db


MANAGEMENT = "questionnaire_wizard-current_step"


FREE_TEXT = "Bath time is our favourite part of the day"


CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def issue(service: Service, **kwargs: Any) -> invitations.IssuedInvitation:
    fam = factories.family(service, infant_age_days=200)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    return invitations.issue_invitation(episode, "T1", **kwargs)


def step_url(name: str) -> str:
    return reverse("parents:step", kwargs={"step": name})


def step_name(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def valid_data(step: Step) -> dict[str, str]:
    """A valid answer for any step, without prefixes."""
    if step.kind == Kind.CONSENT:
        return {"consent": "yes"}
    if step.kind == Kind.ITEM:
        assert step.definition is not None
        return {"answer": str(step.definition.options[-1].value)}
    if step.kind == Kind.OVERALL:
        assert step.overall is not None
        if step.overall.kind == "yes_no":
            return {"answer": "no", "text": FREE_TEXT}
        return {"text": FREE_TEXT}
    if step.kind == Kind.ABOUT:
        assert step.about is not None
        return {"answer": step.about.choices[-1][0]}
    return {}


def post_step(client: Client, name: str, data: dict[str, str]) -> ClientResponse:
    body = {MANAGEMENT: name, **{f"{name}-{key}": value for key, value in data.items()}}
    return client.post(step_url(name), body)


def enter_and_start(client: Client, token: str) -> str:
    """Open the link and press "Start now"; returns the first step's URL."""
    assert client.get(f"/p/{token}").status_code == 302
    started = client.post(reverse("parents:welcome"))
    assert started.status_code == 302
    return started["Location"]


def walk(
    client: Client, response: Response, first_url: str, before_post: Callable[[str], None]
) -> Iterator[tuple[str, ClientResponse]]:
    """Answer every step from first_url to the end, yielding (step name, POST result)."""
    url = first_url
    while True:
        name = step_name(url)
        step = ResponseSteps(Response.objects.get(pk=response.pk)).by_name[name]
        before_post(url)
        result = post_step(client, name, valid_data(step))
        assert result.status_code == 302, (name, result.status_code)
        yield name, result
        url = result["Location"]
        if url == reverse("parents:sent"):
            return


def state() -> dict[str, Any]:
    """Every answer, response and score row with its change time, to compare around a GET."""
    return {
        "responses": sorted(
            Response.objects.values_list("pk", "status", "updated_at", "submitted_at")
        ),
        "answers": sorted(
            Answer.objects.values_list("pk", "value", "concern", "text", "answered_at")
        ),
        "scores": sorted(ScoreRecord.objects.values_list("pk", "is_current", "scored_at")),
        "measures": ResponseMeasure.objects.count(),
    }


def without_csrf(body: bytes) -> bytes:
    return CSRF_INPUT.sub(b"", body)


def test_only_keyed_hashes_are_stored(service: Service) -> None:
    """LINK-1: the plain token and code appear in no Invitation column and no audit detail,
    even after the parent has come in with both."""
    issued = issue(service)
    assert Client().get(f"/p/{issued.token}").status_code == 302
    assert Client().post(reverse("parents:code"), {"code": issued.short_code}).status_code == 302
    invitation = Invitation.objects.get(pk=issued.invitation.pk)
    assert invitation.token_hash == credentials.credential_hash(issued.token)
    assert invitation.short_code_hash == credentials.credential_hash(issued.short_code)
    # Keyed: a plain SHA-256 of the token (computable from a database copy) is not what is kept.
    assert invitation.token_hash != hashlib.sha256(issued.token.encode()).hexdigest()
    stored = [str(value) for value in Invitation.objects.values().get(pk=invitation.pk).values()]
    audit = [str(detail) for detail in AuditEvent.objects.values_list("detail", flat=True)]
    assert audit, "entering should be audited"
    for secret in (issued.token, issued.short_code, credentials.display_code(issued.short_code)):
        assert not any(secret in value for value in stored)
        assert not any(secret in value for value in audit)
    entered = AuditEvent.objects.filter(action="invitation.entered")
    assert {e.detail["hash_prefix"] for e in entered} == {invitation.token_hash[:8]}


def test_link_entry_binds_a_new_session_and_drops_the_token(service: Service) -> None:
    """LINK-2: GET /p/<token> redirects to a token-free URL with Referrer-Policy: no-referrer and
    binds a NEW session key; the old session (possibly planted by someone else) is gone."""
    issued = issue(service)
    client = Client()
    planted = client.session
    planted["planted"] = "by someone else"
    planted.save()
    before = planted.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before

    entered = client.get(f"/p/{issued.token}")

    assert entered.status_code == 302
    assert entered["Location"] == reverse("parents:welcome")
    assert issued.token not in entered["Location"]
    assert entered["Referrer-Policy"] == "no-referrer"
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert "planted" not in client.session
    for header, value in entered.items():
        assert issued.token not in value, header


def test_code_entry_also_binds_a_new_session(service: Service) -> None:
    """LINK-2: entering with the short code also gives a fresh session key."""
    issued = issue(service)
    client = Client()
    planted = client.session
    planted.save()
    before = planted.session_key
    entered = client.post(reverse("parents:code"), {"code": issued.short_code})
    assert entered.status_code == 302
    assert entered["Location"] == reverse("parents:welcome")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_token_never_appears_in_later_pages(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    """LINK-2: after entry the token is in no page, header, session or log line of the journey."""
    issued = issue(service)
    client = Client()
    pages: list[ClientResponse] = []
    pages.append(client.get(f"/p/{issued.token}", follow=True))
    first = client.post(reverse("parents:welcome"))
    pages.append(first)
    response = Response.objects.get(invitation=issued.invitation)

    def look(url: str) -> None:
        pages.append(client.get(url))

    pages.extend(result for _, result in walk(client, response, first["Location"], look))
    pages.append(client.get(reverse("parents:sent")))
    assert len(pages) > 60
    for page in pages:
        assert issued.token.encode() not in page.content
        assert issued.short_code.encode() not in page.content
        assert all(issued.token not in value for value in page.headers.values())
    for session in Session.objects.all():
        assert issued.token not in str(session.get_decoded())
    assert issued.token not in caplog.text


def test_unknown_expired_and_revoked_links_look_the_same(service: Service) -> None:
    """LINK-3: unknown, expired and revoked tokens give byte-identical status and body."""
    expired = issue(service)
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    revoked = issue(service)
    invitations.revoke_invitation(revoked.invitation)
    live = issue(service)  # to show the comparison would notice a difference

    def page(token: str) -> tuple[int, bytes, str]:
        result = Client().get(f"/p/{token}")
        return result.status_code, without_csrf(result.content), result.get("Referrer-Policy", "")

    unknown = page(credentials.new_token())
    assert unknown[0] == 404
    assert b"This link is not working" in unknown[1]
    assert page(expired.token) == unknown
    assert page(revoked.token) == unknown
    assert page(live.token) != unknown


def test_unknown_expired_and_revoked_codes_look_the_same(service: Service) -> None:
    """LINK-3: the same holds for typed codes (one error, same page, for every reason)."""
    expired = issue(service)
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    revoked = issue(service)
    invitations.revoke_invitation(revoked.invitation)

    def page(code: str) -> tuple[int, bytes]:
        result = Client().post(reverse("parents:code"), {"code": code})
        # The form keeps what was typed (UX-7); apart from that echo the pages are identical.
        assert result.content.count(code.encode()) == 1
        return result.status_code, without_csrf(result.content.replace(code.encode(), b"CODE"))

    unknown = page(credentials.new_code())
    assert unknown[0] == 200
    assert b"We could not find that code" in unknown[1]
    assert page(expired.short_code) == unknown
    assert page(revoked.short_code) == unknown


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_revoking_or_expiry_ends_a_session_in_progress(service: Service, how: str) -> None:
    """LINK-3: revoking a link (say, it went to the wrong person) or its expiry also stops a
    browser that is already inside: no question or answer is shown, nothing more is saved and
    nothing can be sent; the saved answers stay."""
    issued = issue(service)
    client = Client()
    first = enter_and_start(client, issued.token)
    response = Response.objects.get(invitation=issued.invitation)
    answers: list[tuple[str, dict[str, str]]] = [
        ("consent", {"consent": "yes"}),
        ("prfq-about", {}),
        ("prfq-1", {"answer": "5"}),
    ]
    for name, data in answers:
        assert post_step(client, name, data).status_code == 302
    assert first == step_url("consent")
    if how == "revoked":
        invitations.revoke_invitation(issued.invitation)
    else:
        Invitation.objects.filter(pk=issued.invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    before = state()
    item = ResponseSteps(response).by_name["prfq-1"].item
    assert item is not None
    item_text = item.text

    for name in ("prfq-1", "prfq-2", "check"):
        page = client.get(step_url(name))
        assert page.status_code == 404, name
        assert b"This link is not working" in page.content
        assert item_text.encode() not in page.content
    assert post_step(client, "prfq-2", {"answer": "4"}).status_code == 404
    assert post_step(client, "check", {}).status_code == 404
    resumed = client.get(reverse("parents:welcome"), follow=True)
    assert b"This link is not working" in resumed.content
    assert state() == before
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.IN_PROGRESS
    assert Answer.objects.get(measure__response=response, item="1").value == "5"


def test_after_sending_the_link_says_so_and_creates_nothing(service: Service) -> None:
    """LINK-3: a personal link accepts one submitted response; afterwards it only says
    "You have already sent your answers" and creates no response, answer or score."""
    issued, response = factories.invited_response(service)
    factories.answer_all(
        response,
        {
            "prfq": {str(i): "4" for i in range(1, 19)},
            "mors_sf": {str(i): "2" for i in range(1, 15)},
        },
    )
    responses.submit_response(response)
    before = state()
    client = Client()

    page = client.get(f"/p/{issued.token}", follow=True)
    assert page.status_code == 200
    assert b"You have already sent your answers" in page.content
    # Pressing "Start now" from an old tab changes nothing either.
    again = client.post(reverse("parents:welcome"))
    assert b"You have already sent your answers" in again.content
    # Nor does the code.
    coded = Client().post(reverse("parents:code"), {"code": issued.short_code}, follow=True)
    assert b"You have already sent your answers" in coded.content
    assert state() == before
    assert Response.objects.filter(invitation=issued.invitation).count() == 1


def test_no_get_in_the_journey_changes_answers_responses_or_scores(service: Service) -> None:
    """LINK-6: GET of the welcome page, every step, the check page, the done URL and the sent
    page changes no Answer, Response or ScoreRecord row."""
    issued = issue(service)
    client = Client()
    client.get(f"/p/{issued.token}")
    before = state()
    welcome = client.get(reverse("parents:welcome"))
    assert welcome.status_code == 200
    assert state() == before  # the welcome page does not create the response
    first = client.post(reverse("parents:welcome"))["Location"]
    response = Response.objects.get(invitation=issued.invitation)
    gets = 0

    def look(url: str) -> None:
        nonlocal gets
        snapshot = state()
        for path in (url, reverse("parents:welcome"), reverse("parents:steps")):
            result = client.get(path)
            assert result.status_code in (200, 302), path
            gets += 1
        assert state() == snapshot, url

    for name, _ in walk(client, response, first, look):
        if name == "check":
            break
    assert gets > 150

    # The check page and the "done" URL are GETs too; neither sends anything.
    snapshot = state()
    assert client.get(step_url("check")).status_code == 302  # already sent: to sent page
    assert client.get(reverse("parents:sent")).status_code == 200
    assert state() == snapshot


def test_get_of_the_done_url_does_not_send(service: Service) -> None:
    """LINK-6: with every answer in place, GET of the check page and of the wizard's done URL
    leave the response in progress with no scores."""
    issued, response = factories.invited_response(service)
    client = Client()
    client.get(f"/p/{issued.token}")
    steps = ResponseSteps(response)
    for step in steps.steps:
        if step.kind != Kind.CHECK:
            assert post_step(client, step.name, valid_data(step)).status_code == 302
    snapshot = state()
    check = client.get(step_url("check"))
    assert check.status_code == 200
    assert b"Send my answers" in check.content
    done = client.get(step_url("send"))
    assert done.status_code == 302
    assert done["Location"] == step_url("check")
    assert state() == snapshot
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.IN_PROGRESS


def test_posts_without_csrf_are_refused_and_save_nothing(service: Service) -> None:
    """LINK-6: a POST without a CSRF token gets 403 and the plain "This page timed out" page,
    and nothing is saved: no response started, no answer, no consent, nothing sent."""
    issued = issue(service)
    client = Client(enforce_csrf_checks=True)
    client.get(f"/p/{issued.token}")
    assert client.get(reverse("parents:welcome")).status_code == 200
    before = state()

    start = client.post(reverse("parents:welcome"))
    assert start.status_code == 403
    assert b"This page timed out" in start.content
    assert state() == before

    response = responses.open_response(Invitation.objects.get(pk=issued.invitation.pk))
    before = state()
    for name, data in (
        ("consent", {"consent": "yes"}),
        ("prfq-3", {"answer": "6"}),
        ("check", {}),
    ):
        refused = post_step(client, name, data)
        assert refused.status_code == 403, name
        assert b"This page timed out" in refused.content
    assert state() == before
    response.refresh_from_db()
    assert response.consent_given is None
    assert response.status == ResponseStatus.IN_PROGRESS

    code = Client(enforce_csrf_checks=True).post(
        reverse("parents:code"), {"code": issued.short_code}
    )
    assert code.status_code == 403

    # With the token from the page, the same POST is accepted (the check is real, not blanket).
    page = client.get(step_url("prfq-3"))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert token is not None
    for name, field, value in (("consent", "consent", "yes"), ("prfq-3", "answer", "6")):
        accepted = client.post(
            step_url(name),
            {
                MANAGEMENT: name,
                f"{name}-{field}": value,
                "csrfmiddlewaretoken": token.group(1).decode(),
            },
        )
        assert accepted.status_code == 302, name
    assert Answer.objects.get(measure__response=response, item="3").value == "6"


def test_after_sending_the_session_gives_no_access_to_answers(service: Service) -> None:
    """LINK-7: after "Send my answers" the session ends: every step URL and the check page
    redirect to the sent page, which shows no item wording or answers; the session holds no
    invitation and the only cookies are the session and CSRF cookies."""
    issued = issue(service)
    client = Client()
    first = enter_and_start(client, issued.token)
    response = Response.objects.get(invitation=issued.invitation)
    names = [name for name, _ in walk(client, response, first, lambda url: None)]
    assert names[-1] == "check"
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.SUBMITTED

    steps = ResponseSteps(Response.objects.get(pk=response.pk))
    wording = [
        text
        for step in steps.steps
        for text in (
            step.item.text if step.item else "",
            step.overall.text if step.overall else "",
            step.about.question if step.about else "",
        )
        if text
    ]
    for name in [*names, "send", "prfq-about"]:
        back = client.get(step_url(name))
        assert back.status_code == 302, name
        assert back["Location"] == reverse("parents:sent"), name
    sent = client.get(reverse("parents:sent"))
    assert sent.status_code == 200
    html = sent.content.decode()
    assert "Your answers have been sent" in html
    assert FREE_TEXT not in html
    for text in wording:
        assert text not in html, text
    for label in ("Strongly agree", "Not answered", "Check your answers"):
        assert label not in html
    # The session keeps only the marker the confirmation page needs (no ids, no answers).
    assert set(client.session.keys()) == {"parent_finished"}
    assert set(client.cookies) <= {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
    # The welcome page no longer resumes anything either.
    assert b"Check your answers" not in client.get(reverse("parents:welcome")).content
