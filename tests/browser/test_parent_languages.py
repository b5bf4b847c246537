"""Issue 16 in a real browser at phone size: a parent opens their link, switches to the demo
Portuguese catalogue, answers a questionnaire where MORS-SF has a (demo, provenance-marked)
translation and PRFQ falls back to English with the note why, sends, and the clinician's record
says the language used. The same journey in Arabic (right to left) passes axe on every page."""

from __future__ import annotations

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from questionnaires.models import Response, ResponseStatus, Service, StaffUser
from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.services import families, invitations
from tests.browser.conftest import PHONE, BrowserPage, assert_accessible, sign_in
from tests.portal.parents.wizard_client import MANAGEMENT, valid_data
from tests.questionnaires import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_mode"),
]


@pytest.fixture
def demo_mode() -> object:
    with override_settings(DEMO_MODE=True, APPROVED_INTERFACE_LANGUAGES=[]):
        yield


def _fits(target: BrowserPage) -> None:
    width = target.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{target.page.url} is {width}px wide"


def _look(target: BrowserPage, name: str) -> None:
    """Every page: no axe violation, fits the phone, and a screenshot to look at."""
    _fits(target)
    assert_accessible(target)
    target.screenshot(f"i18n-{name}")


def _click(target: BrowserPage, name: str) -> None:
    with target.page.expect_navigation():
        target.page.get_by_role("button", name=name, exact=True).click()


def _post_the_rest(target: BrowserPage, response: Response) -> None:
    """Answers every step not yet answered with real POSTs the page sends itself (its session
    and CSRF token), as Continue would."""
    csrf = target.page.locator('input[name="csrfmiddlewaretoken"]').first.input_value()
    loaded = ResponseSteps(Response.objects.get(pk=response.pk))
    posts = []
    for step in loaded.steps:
        if step.kind == Kind.CHECK or loaded.has_data(step):
            continue
        form = {MANAGEMENT: step.name, "csrfmiddlewaretoken": csrf}
        form.update({f"{step.name}-{key}": value for key, value in valid_data(step).items()})
        posts.append((f"/questionnaire/q/{step.name}/", form))
    refused = target.page.evaluate(
        """async (posts) => {
            const refused = [];
            for (const [url, fields] of posts) {
                const reply = await fetch(url, {
                    method: "POST", body: new URLSearchParams(fields), redirect: "manual",
                });
                if (reply.type !== "opaqueredirect") refused.push([url, reply.status]);
            }
            return refused;
        }""",
        posts,
    )
    assert refused == [], refused


def _issue(service: Service) -> invitations.IssuedInvitation:
    family = factories.family(service, infant_age_days=200)
    episode = families.open_episode(family, "psychotherapy", family.created_at.date())
    return invitations.issue_invitation(episode, "T1")


def test_a_parent_answers_in_portuguese_and_the_record_says_so(
    phone: BrowserPage, desktop: BrowserPage, service: Service, clinician: StaffUser
) -> None:
    issued = _issue(service)
    phone.goto(f"/p/{issued.token}")
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(
        "Questions about you and your baby"
    )
    # The header's language toggle: a small form, the same page comes back in Portuguese.
    _click(phone, "Português")
    page = phone.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Perguntas sobre si e o seu bebé")
    assert page.locator("html").get_attribute("lang") == "pt"
    expect(page.locator(".app-language-toggle__note")).to_have_text(
        "Tradução de demonstração, não revista"
    )
    _look(phone, "pt-welcome")
    _click(phone, "Começar agora")
    response = Response.objects.get(invitation=issued.invitation)
    assert response.language == "pt"

    expect(page.get_by_role("heading", level=1)).to_have_text("Aceita responder a estas perguntas?")
    _click(phone, "Continuar")  # nothing chosen: the error, in Portuguese
    expect(page.locator(".nhsuk-error-summary__title")).to_have_text("Há um problema")
    assert page.title().startswith("Erro: ")
    _look(phone, "pt-consent-error")
    page.get_by_label("Sim, aceito").check()
    _click(phone, "Continuar")

    # PRFQ has no translation: the interface in Portuguese, the items in English, and why.
    expect(page.locator(".app-items-in-english")).to_contain_text("Estas perguntas estão em inglês")
    _click(phone, "Continuar")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The only time I'm certain my child loves me is when he or she is smiling at me."
    )
    assert page.locator("h1 [lang=en]").count() == 1
    _look(phone, "pt-prfq-item-in-english")
    page.get_by_label("7 – Strongly agree", exact=True).check()
    _click(phone, "Continuar")

    # MORS-SF has a (demo, provenance-marked) Portuguese version: its own items and options.
    phone.goto("/questionnaire/q/mors_sf-1/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Item de demonstração 1")
    expect(page.locator(".app-demo-translation")).to_contain_text(
        "Esta tradução é uma demonstração"
    )
    _look(phone, "pt-mors-item-demo-translation")
    # The interpreter view: the English beside the Portuguese, on the same screen.
    _click(phone, "Mostrar também o inglês (para um intérprete)")
    expect(page.locator(".app-interpreter-english")).to_contain_text("Demo item 1")
    _look(phone, "pt-mors-item-interpreter-view")

    _post_the_rest(phone, response)
    phone.goto("/questionnaire/q/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verifique as suas respostas")
    _look(phone, "pt-check-answers")
    _click(phone, "Enviar as minhas respostas")
    expect(page.get_by_role("heading", level=1)).to_have_text("As suas respostas foram enviadas")
    _look(phone, "pt-sent")
    sent = Response.objects.get(pk=response.pk)
    assert sent.status == ResponseStatus.SUBMITTED and sent.language == "pt"

    # The clinician's record names the language the parent answered in.
    sign_in(desktop, clinician.username)
    family = issued.invitation.episode.family
    desktop.goto(f"/staff/families/{family.pk}")
    expect(desktop.page.locator(".app-timepoint-heading__language").first).to_have_text(
        ", answered in Portuguese"
    )
    expect(
        desktop.page.get_by_text("Questions asked in Portuguese (demo translation")
    ).to_be_visible()
    desktop.screenshot("i18n-pt-clinician-record")


def test_the_same_journey_right_to_left_in_arabic_passes_axe(
    phone: BrowserPage, service: Service
) -> None:
    issued = _issue(service)
    phone.goto(f"/p/{issued.token}")
    _click(phone, "العربية")
    page = phone.page
    assert page.locator("html").get_attribute("dir") == "rtl"
    expect(page.get_by_role("heading", level=1)).to_have_text("أسئلة عنك وعن طفلك")
    _look(phone, "ar-welcome")
    _click(phone, "ابدأ الآن")
    response = Response.objects.get(invitation=issued.invitation)
    _click(phone, "متابعة")
    expect(page.locator(".nhsuk-error-summary__title")).to_have_text("هناك مشكلة")
    _look(phone, "ar-consent-error")
    # Right to left: the radio sits to the right of its label, the back link on the right.
    radio = page.locator(".nhsuk-radios__input").first.bounding_box()
    label = page.locator(".nhsuk-radios__label").first.bounding_box()
    assert radio and label and radio["x"] > label["x"] + label["width"] - 1
    assert radio["x"] + radio["width"] > PHONE["width"] - 40
    back = page.locator(".nhsuk-back-link").bounding_box()
    assert back and back["x"] + back["width"] > PHONE["width"] / 2
    page.get_by_label("نعم، أوافق").check()
    _click(phone, "متابعة")
    _look(phone, "ar-prfq-explainer-in-english")
    _click(phone, "متابعة")
    expect(page.locator(".app-items-in-english")).to_be_visible()
    _look(phone, "ar-prfq-item-in-english")
    phone.goto("/questionnaire/q/mors_sf-1/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("بند تجريبي 1")
    _look(phone, "ar-mors-item-demo-translation")
    _click(phone, "اعرض الإنجليزية أيضًا (للمترجم)")
    _look(phone, "ar-mors-item-interpreter-view")
    phone.goto("/questionnaire/q/about-age-band/")
    _look(phone, "ar-about-you")
    _post_the_rest(phone, response)
    phone.goto("/questionnaire/q/check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("راجع إجاباتك")
    _look(phone, "ar-check-answers")
    _click(phone, "أرسل إجاباتي")
    expect(page.get_by_role("heading", level=1)).to_have_text("تم إرسال إجاباتك")
    _look(phone, "ar-sent")
    assert Response.objects.get(pk=response.pk).language == "ar"
