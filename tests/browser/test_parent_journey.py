"""Journey 1 and 3 in a real browser at phone size: a parent opens their link, consents,
answers every question one per page, skips one, changes one, sends; and a parent who stops
half-way carries on in another browser with the short code, losing nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

import scoring
from questionnaires import scoring_adapter
from questionnaires.models import Response, ResponseStatus, ScoreRecord, Service
from questionnaires.parent_steps import Kind
from questionnaires.services import families, invitations
from tests.browser.conftest import BrowserPage, assert_accessible
from tests.browser.journey import go_through as _go_through
from tests.browser.journey import press_continue as _continue
from tests.questionnaires import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_parent_answers_everything_on_a_phone_and_scores_match(
    phone: BrowserPage, service: Service
) -> None:
    fam = factories.family(service, infant_age_days=200)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    issued = invitations.issue_invitation(episode, "T1")

    phone.goto(f"/p/{issued.token}")
    # LINK-2: the token is gone from the address bar straight away.
    assert issued.token not in phone.page.url
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(
        "Questions about you and your baby"
    )
    assert_accessible(phone)
    phone.screenshot("parent-welcome-phone")
    phone.page.get_by_role("button", name="Start now").click()
    response = Response.objects.get(invitation=issued.invitation)

    shots: dict[str, bool] = {}
    chosen = _go_through(phone, response, skip="prfq-7", shots=shots)
    assert {Kind.CONSENT, Kind.EXPLAIN, Kind.ITEM, Kind.OVERALL, Kind.ABOUT} <= set(shots)

    # Check your answers: the skipped item is marked, and one answer is changed from here.
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert "Not answered" in phone.page.inner_text("main")
    assert_accessible(phone)
    phone.screenshot("parent-check-phone")
    phone.page.get_by_role(
        "link", name="Change your answer to: I always know what my child wants."
    ).click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(
        "I always know what my child wants."
    )
    # The earlier answer is shown as the parent left it.
    assert phone.page.get_by_label(chosen["prfq-2"], exact=True).is_checked()
    phone.page.get_by_label("7 – Strongly agree", exact=True).check()
    _continue(phone)
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Check your answers")

    phone.page.get_by_role("button", name="Send my answers").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Your answers have been sent")
    assert "If you need help now" in phone.page.inner_text("main")
    assert_accessible(phone)
    phone.screenshot("parent-sent-phone")

    # LINK-7: going back shows no answers; the session has ended.
    phone.page.go_back()
    assert "I always know what my child wants." not in phone.page.inner_text("main")

    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.consent_given is True
    prfq = response.measures.get(instrument__code="prfq")
    assert prfq.answers.get(item="2").value == "7"
    assert prfq.answers.get(item="7").value == ""
    for measure in response.measures.select_related("instrument"):
        record = ScoreRecord.objects.get(measure=measure, is_current=True)
        answers, context = scoring_adapter.scoring_inputs(measure)
        expected = scoring.score(measure.instrument.code, answers, **context)
        assert record.result == expected.to_dict()
    prfq_score = ScoreRecord.objects.get(measure=prfq, is_current=True).result
    assert prfq_score["subscales"]["PM"] is None  # item 7 (PM) was skipped
    assert prfq_score["missing"] == [7]
    assert phone.console_errors == []


def test_parent_stops_half_way_and_carries_on_elsewhere_with_the_code(
    browser: Browser,
    live_server: LiveServer,
    service: Service,
    request: pytest.FixtureRequest,
) -> None:
    from tests.browser.conftest import PHONE

    issued, _ = None, None
    fam = factories.family(service, infant_age_days=200)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    issued = invitations.issue_invitation(episode, "T1")

    first = browser.new_context(viewport=PHONE)
    page = BrowserPage(first.new_page(), live_server.url)
    page.goto(f"/p/{issued.token}")
    page.page.get_by_role("button", name="Start now").click()
    response = Response.objects.get(invitation=issued.invitation)
    chosen = _go_through(page, response, stop_after=5)
    first.close()  # the phone is lost half-way

    second = browser.new_context(viewport=PHONE)
    page = BrowserPage(second.new_page(), live_server.url)
    page.goto("/start")
    assert_accessible(page)
    page.screenshot("parent-code-phone")
    page.page.get_by_label("Enter your code").fill(issued.short_code.lower())
    _continue(page)
    # Straight back to the first question without an answer: PRFQ question 6.
    expect(page.page.locator(".nhsuk-caption-l")).to_contain_text("question 6 of 18")
    page.page.locator(".nhsuk-back-link").click()
    assert page.page.get_by_label(chosen["prfq-5"], exact=True).is_checked()
    saved = {a.item: a.value for a in response.measures.get(instrument__code="prfq").answers.all()}
    assert set(saved) == {"1", "2", "3", "4", "5"}
    second.close()


def test_wrong_code_shows_an_error_summary(phone: BrowserPage, db: None) -> None:
    phone.goto("/start")
    phone.page.get_by_label("Enter your code").fill("ZZZZ-ZZZZ")
    _continue(phone)
    assert phone.page.title().startswith("Error: ")
    summary = phone.page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert "We could not find that code" in summary.inner_text()
    assert_accessible(phone)
