"""Languages (issue 16): which language a page is in, the parent's choice, the family's preferred
language, translated definition versions, fallbacks, and the language on the clinician's record
and in exports."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.test import Client, override_settings
from django.urls import reverse

from questionnaires.models import Family, Response, ScoreRecord, Service, StaffUser
from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.services import families, invitations
from scoring.definitions import load_definition, shipped_translation_paths
from scoring.errors import DefinitionError
from tests.conftest import sign_in
from tests.portal.parents.wizard_client import (
    answer_steps,
    issue,
    post_step,
    start,
    step_url,
)
from tests.questionnaires import factories

DEMO = override_settings(DEMO_MODE=True, APPROVED_INTERFACE_LANGUAGES=[])


def _choose(client: Client, code: str, next_url: str = "/start") -> None:
    page = client.post(reverse("parents:language"), {"language": code, "next": next_url})
    assert page.status_code == 302
    assert page["Location"] == next_url


# --- Which language a page is in -------------------------------------------------------------


@pytest.mark.django_db
def test_english_by_default_and_outside_demo_mode_unreviewed_catalogues_are_not_offered() -> None:
    client = Client()
    page = client.get("/start", HTTP_ACCEPT_LANGUAGE="pt-PT,pt;q=0.9")
    assert '<html lang="en-GB" dir="ltr">' in page.text
    assert "Enter your code" in page.text
    # Not offered at all: the toggle lists no language that cannot be shown.
    assert 'value="pt"' not in page.text


@pytest.mark.django_db
def test_an_unapproved_or_unknown_code_falls_back_to_english_without_an_error() -> None:
    client = Client()
    _choose(client, "pt")
    page = client.get("/start")
    assert page.status_code == 200 and "Enter your code" in page.text
    for bad in ("xx", "../../etc", "", "PT-BR;<script>", "ar" * 40):
        chosen = client.post(reverse("parents:language"), {"language": bad, "next": "/start"})
        assert chosen.status_code == 302
        page = client.get("/start")
        assert page.status_code == 200 and 'lang="en-GB"' in page.text


@pytest.mark.django_db
@override_settings(DEMO_MODE=False, APPROVED_INTERFACE_LANGUAGES=["pt"])
def test_a_service_approves_a_catalogue_by_setting_and_it_is_not_labelled_demo() -> None:
    client = Client()
    page = client.get("/start", HTTP_ACCEPT_LANGUAGE="pt")
    assert '<html lang="pt" dir="ltr">' in page.text
    assert "Escreva o seu código" in page.text
    assert "Demo translation, not reviewed" not in page.text
    assert "não revista" not in page.text
    assert page["Content-Language"] == "pt"
    assert "Accept-Language" in page["Vary"]
    # Arabic is not approved: asked for by the browser, English it is.
    page = Client().get("/start", HTTP_ACCEPT_LANGUAGE="ar")
    assert 'lang="en-GB"' in page.text


@pytest.mark.django_db
@DEMO
def test_demo_mode_offers_unreviewed_catalogues_labelled_as_such() -> None:
    client = Client()
    page = client.get("/start", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "اكتب رمزك" in page.text or "أدخل الرمز الخاص بك" in page.text
    assert "ترجمة تجريبية، لم تتم مراجعتها" in page.text
    # The toggle: the current language is not a button; the others are, each in its own lang.
    assert '<span class="app-language-toggle__current" aria-current="true" lang="ar">' in page.text
    assert 'value="en" lang="en">English</button>' in page.text
    assert 'value="pt" lang="pt">Português</button>' in page.text


@pytest.mark.django_db
@DEMO
def test_the_toggle_is_remembered_and_never_sends_the_parent_off_site() -> None:
    client = Client()
    _choose(client, "pt")
    assert "Escreva o seu código" in client.get("/start").text
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        page = client.post(reverse("parents:language"), {"language": "en", "next": target})
        assert page["Location"] == "/"
    assert client.get(reverse("parents:language")).status_code == 405


# --- The parent's journey --------------------------------------------------------------------


@pytest.mark.django_db
@DEMO
def test_choosing_portuguese_asks_mors_sf_in_its_demo_translation_and_the_rest_in_english(
    service: Service,
) -> None:
    client = Client()
    issued = issue(service)
    response = start(client, issued.token)
    _choose(client, "pt", step_url("consent"))
    response.refresh_from_db()
    assert response.language == "pt"
    versions = {
        m.instrument.code: m.instrument for m in response.measures.select_related("instrument")
    }
    assert versions["mors_sf"].language == "pt" and versions["mors_sf"].is_demo
    assert versions["prfq"].language == "en"

    answer_steps(client, response, until="mors_sf-1")
    mors = client.get(step_url("mors_sf-1")).text
    assert "Item de demonstração 1" in mors
    assert '<span lang="pt">' not in mors  # same language as the page: no lang needed
    assert "This translation is a demo" not in mors
    assert "Esta tradução é uma demonstração" in mors
    assert "Nunca" in mors
    prfq = client.get(step_url("prfq-1")).text
    # PRFQ has no translation: its items in English, marked so, with the plain note why.
    assert '<span lang="en" dir="auto">The only time I' in prfq
    assert "Estas perguntas estão em inglês" in prfq
    assert "Continuar" in prfq and "Saltar esta pergunta" in prfq


@pytest.mark.django_db
@DEMO
def test_a_questionnaire_already_begun_keeps_its_version_when_the_language_changes(
    service: Service,
) -> None:
    client = Client()
    response = start(client, issue(service).token)
    answer_steps(client, response, until="mors_sf-2")  # MORS-SF item 1 answered in English
    _choose(client, "pt", step_url("mors_sf-2"))
    mors = Response.objects.get(pk=response.pk).measures.get(instrument__code="mors_sf")
    assert mors.instrument.language == "en"
    page = client.get(step_url("mors_sf-2")).text
    assert "Demo item 2" in page  # still the English version it was begun in


@pytest.mark.django_db
@DEMO
def test_a_response_is_scored_with_the_key_of_its_language_version(service: Service) -> None:
    client = Client()
    response = start(client, issue(service).token)
    _choose(client, "pt", step_url("consent"))
    answer_steps(client, response)
    assert client.post(step_url("check"), {"questionnaire_wizard-current_step": "check"})
    sent = Response.objects.get(pk=response.pk)
    assert sent.status == "submitted" and sent.language == "pt"
    record = ScoreRecord.objects.get(
        measure__response=sent, measure__instrument__code="mors_sf", is_current=True
    )
    assert record.language == "pt"
    assert record.definition_version == "2026.1-demo-pt"
    prfq = ScoreRecord.objects.get(
        measure__response=sent, measure__instrument__code="prfq", is_current=True
    )
    assert prfq.language == "en"


@pytest.mark.django_db
@override_settings(DEMO_MODE=False, APPROVED_INTERFACE_LANGUAGES=["pt"])
def test_outside_demo_mode_an_unvalidated_item_translation_is_never_shown(
    service: Service,
) -> None:
    """The Portuguese interface is approved, but the MORS-SF translation is only a demo: the
    parent sees Portuguese around English items, with the note why (I18N-3)."""
    client = Client()
    response = start(client, issue(service).token)
    _choose(client, "pt", step_url("consent"))
    mors = Response.objects.get(pk=response.pk).measures.get(instrument__code="mors_sf")
    assert mors.instrument.language == "en"
    answer_steps(client, response, until="mors_sf-1")
    page = client.get(step_url("mors_sf-1")).text
    assert "Item de demonstração" not in page
    assert "Demo item 1" in page and "Estas perguntas estão em inglês" in page


@pytest.mark.django_db
@DEMO
def test_the_link_opens_in_the_familys_preferred_language(service: Service) -> None:
    family = factories.family(service)
    episode = families.open_episode(family, "psychotherapy", family.created_at.date())
    issued = invitations.issue_invitation(episode, "T1", language="ar")
    client = Client()
    assert client.get(f"/p/{issued.token}").status_code == 302
    welcome = client.get(reverse("parents:welcome")).text
    assert '<html lang="ar" dir="rtl">' in welcome
    assert "أسئلة عنك وعن طفلك" in welcome
    client.post(reverse("parents:welcome"))
    assert Response.objects.get(invitation=issued.invitation).language == "ar"
    # The parent's own choice wins over the family's preferred language.
    _choose(client, "en", reverse("parents:welcome"))
    assert Response.objects.get(invitation=issued.invitation).language == "en"


@pytest.mark.django_db
@DEMO
def test_the_interpreter_view_shows_the_english_beside_the_question(service: Service) -> None:
    client = Client()
    response = start(client, issue(service).token)
    _choose(client, "pt", step_url("consent"))
    answer_steps(client, response, until="mors_sf-1")
    page = client.get(step_url("mors_sf-1")).text
    assert "Mostrar também o inglês" in page and "app-interpreter-english" not in page
    client.post(reverse("parents:interpreter_view"), {"show": "1", "next": step_url("mors_sf-1")})
    page = client.get(step_url("mors_sf-1")).text
    assert '<aside class="nhsuk-inset-text app-interpreter-english"' in page
    assert '<div lang="en" dir="ltr">' in page
    assert "Demo item 1 – replace with the official MORS-SF wording" in page
    assert "Item de demonstração 1" in page
    assert "Quite often" in page and "Muitas vezes" in page


@pytest.mark.django_db
@DEMO
def test_errors_are_in_the_chosen_language(service: Service) -> None:
    client = Client()
    response = start(client, issue(service).token)
    _choose(client, "pt", step_url("consent"))
    steps = ResponseSteps(response)
    assert steps.steps[0].kind == Kind.CONSENT
    page = post_step(client, "consent", {}).text
    assert "<title>Erro: Aceita responder a estas perguntas?" in page
    assert "Há um problema" in page
    assert "Escolha sim se aceita responder às perguntas" in page


# --- Staff: issuing in a language, and the record ---------------------------------------------


@pytest.mark.django_db
@DEMO
def test_staff_set_the_language_when_issuing_and_the_record_says_what_was_used(
    service: Service, clinician: StaffUser
) -> None:
    family = factories.family(service)
    episode = families.open_episode(family, "psychotherapy", family.created_at.date())
    staff = Client()
    sign_in(staff, clinician)
    record = staff.get(reverse("staff:family_detail", kwargs={"family_id": family.pk})).text
    assert '<select class="nhsuk-select" id="link-language-' in record
    assert '<option value="pt">Portuguese</option>' in record
    issued = staff.post(
        reverse("staff:invitation_issue", kwargs={"episode_id": episode.pk}),
        {"timepoint": "T1", "language": "pt"},
    )
    assert issued.status_code == 200
    invitation = episode.invitations.get()
    assert invitation.language == "pt"

    parent = Client()
    response = _open_invitation(parent, invitation)
    answer_steps(parent, response)
    parent.post(step_url("check"), {"questionnaire_wizard-current_step": "check"})
    record = staff.get(reverse("staff:family_detail", kwargs={"family_id": family.pk})).text
    assert ", answered in Portuguese</span>" in record
    assert "Questions asked in Portuguese (demo translation, not validated)." in record


def _open_invitation(client: Client, invitation: invitations.Invitation) -> Response:
    issued = invitations.resend_invitation(invitation)
    assert client.get(f"/p/{issued.token}").status_code == 302
    assert client.post(reverse("parents:welcome")).status_code == 302
    return Response.objects.get(invitation=invitation)


@pytest.mark.django_db
@DEMO
def test_the_export_names_the_answer_language_and_the_definition_language(
    service: Service, clinician: StaffUser
) -> None:
    from questionnaires.mhsds_export import mhsds_export
    from questionnaires.roles import Role
    from tests.conftest import make_staff

    client = Client()
    response = start(client, issue(service).token)
    _choose(client, "pt", step_url("consent"))
    answer_steps(client, response)
    client.post(step_url("check"), {"questionnaire_wizard-current_step": "check"})
    lead = make_staff(service, "lead-i18n", Role.SERVICE_LEAD)
    table = mhsds_export(lead).table
    assert set(table.AnswerLanguage) == {"pt"}
    by_code = table.groupby("InstrumentCode").DefinitionLanguage.agg(set).to_dict()
    assert by_code["mors_sf"] == {"pt"} and by_code["prfq"] == {"en"}


# --- Definitions: a translation needs its provenance -----------------------------------------


def test_a_translation_without_provenance_is_refused(tmp_path: Path) -> None:
    path = shipped_translation_paths()[("mors_sf", "pt")]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["translation"]
    broken = tmp_path / "mors_sf.pt.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError, match="translation: is required"):
        load_definition(broken)
    data["translation"] = {"translated_by": "Someone", "demo": False}
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError, match="is required"):
        load_definition(broken)


def test_shipped_translations_are_marked_demo_and_keep_the_source_structure() -> None:
    from scoring.definitions import shipped_definition

    english = shipped_definition("mors_sf")
    for (code, language), path in shipped_translation_paths().items():
        translated = load_definition(path)
        assert translated.code == code and translated.language == language
        assert translated.translation is not None and translated.translation.demo
        assert not translated.is_validated_translation and translated.is_demo
        assert "NOT VALIDATED" in translated.translation.validated_by
        assert translated.version != english.version
        assert [i.number for i in translated.items] == [i.number for i in english.items]
        assert translated.subscales == english.subscales or [
            s.items for s in translated.subscales
        ] == [s.items for s in english.subscales]


# --- Recorded audio (I18N-7) -----------------------------------------------------------------


@pytest.mark.django_db
def test_listen_plays_the_services_recording_when_the_definition_names_one() -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django.utils import translation

    from portal.parents.wizard_views import language_context
    from questionnaires.parent_steps import Step
    from scoring.definitions import parse_definition

    path = shipped_translation_paths()[("mors_sf", "pt")]
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["audio"] = {"1": "mors_sf/pt/item-1.mp3"}
    definition = parse_definition(raw, "test")
    request = RequestFactory().get("/")
    request.session = SessionStore()
    with translation.override("pt"):
        with_audio = language_context(
            request,
            Step("mors_sf-1", Kind.ITEM, definition=definition, item=definition.items[0]),
            "pt",
        )
        without = language_context(
            request,
            Step("mors_sf-2", Kind.ITEM, definition=definition, item=definition.items[1]),
            "pt",
        )
    assert with_audio["listen_audio"] == "/static/audio/mors_sf/pt/item-1.mp3"
    assert "listen_audio" not in without
    assert with_audio["item_lang"] == "" and with_audio["items_in_english"] is False
    for bad in ("../../etc/passwd", "../elsewhere/item-1.mp3", "/abs/item.mp3"):
        raw["audio"] = {"1": bad}
        with pytest.raises(DefinitionError):
            parse_definition(raw, "test")


@pytest.mark.django_db
@DEMO
def test_change_between_language_versions_says_so(service: Service, clinician: StaffUser) -> None:
    family = factories.family(service)
    episode = families.open_episode(family, "psychotherapy", family.created_at.date())
    for timepoint, language in (("T1", "en"), ("T2", "pt")):
        issued = invitations.issue_invitation(episode, timepoint)
        parent = Client()
        response = start(parent, issued.token)
        _choose(parent, language, step_url("consent"))
        answer_steps(parent, response)
        parent.post(step_url("check"), {"questionnaire_wizard-current_step": "check"})
    staff = Client()
    sign_in(staff, clinician)
    record = staff.get(reverse("staff:family_detail", kwargs={"family_id": family.pk})).text
    assert (
        "The start answers used the English version and the end answers the Portuguese version."
    ) in record
    assert record.count("Check the two versions are comparable") == 1  # MORS-SF only


def test_the_demo_has_a_family_that_answered_in_portuguese(
    demo_families: dict[str, Family],
) -> None:
    family = demo_families["DEMO-C04"]
    sent = Response.objects.filter(invitation__episode__family=family, status="submitted")
    assert {r.language for r in sent} == {"pt"}
    assert {r.invitation.language for r in sent if r.invitation} == {"pt"}
    mors = ScoreRecord.objects.filter(
        measure__response__in=sent, measure__instrument__code="mors_sf", is_current=True
    )
    assert {s.language for s in mors} == {"pt"}
