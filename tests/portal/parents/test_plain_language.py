"""UX-15 (plain language, measured): every text block a parent reads on the parent pages has a
reading age of 9–11 — SMOG ≤ 9, Flesch–Kincaid grade ≤ 6, no sentence over 20 words.

The pages are rendered through the real journey with the Django test client (a link, consent,
each questionnaire, "About you", check answers, send), plus the pages around it. Validated
wording — anything marked `data-validated-wording`, and the answer labels of validated items —
is not ours to change, so it is left out of the measurement."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
import textstat
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from questionnaires import about_you, scoring_adapter
from questionnaires.models import Relationship, Response, Service, Timepoint
from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.selectors import instruments as instrument_selectors
from questionnaires.services import families, invitations, together_time
from tests.conftest import ClientResponse, riverside
from tests.questionnaires import factories

pytestmark = pytest.mark.django_db

MAX_SMOG = 9
MAX_GRADE = 6
MAX_SENTENCE_WORDS = 20
BANNED_IN_ERRORS = ("please", "sorry", "invalid", "required")

BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "label", "legend", "dt", "dd"}
BLOCK_TAGS |= {"button", "th", "td", "summary", "caption"}
BLOCK_CLASSES = ("nhsuk-hint", "nhsuk-error-message", "nhsuk-caption", "nhsuk-panel__body")
VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
NON_TEXT_TAGS = {"script", "style", "template", "svg", "textarea"}


@dataclass
class Block:
    kind: str
    text: str


@dataclass
class _Open:
    tag: str
    block: list[str] | None = None  # the text of the block this element starts, if any
    kind: str = ""
    excluded: bool = False


class MainTextParser(HTMLParser):
    """Collects the text blocks inside <main>, one per block element. A block nested in
    another (a caption inside a legend, a label inside a heading) is a block of its own; text
    inside `data-validated-wording` (and inside script, svg and the like) is skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.in_main = 0
        self.blocks: list[Block] = []

    def _is_block(self, tag: str, classes: list[str]) -> bool:
        return tag in BLOCK_TAGS or any(c.startswith(BLOCK_CLASSES) for c in classes)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        parent_excluded = bool(self.stack) and self.stack[-1].excluded
        opened = _Open(
            tag,
            excluded=parent_excluded
            or "data-validated-wording" in attributes
            or tag in NON_TEXT_TAGS,
        )
        if tag == "main":
            self.in_main += 1
        if self.in_main and self._is_block(tag, classes):
            opened.block = []
            opened.kind = tag if tag in BLOCK_TAGS else classes[0]
        self.stack.append(opened)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        # Pop to the matching open tag (tolerates the odd unclosed element).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                closing = self.stack[index:]
                del self.stack[index:]
                for element in reversed(closing):
                    self._close(element)
                return

    def _close(self, element: _Open) -> None:
        if element.tag == "main":
            self.in_main -= 1
        if element.block is not None:
            text = " ".join("".join(element.block).split())
            if text:
                self.blocks.append(Block(element.kind, text))

    def handle_data(self, data: str) -> None:
        if not self.in_main or not self.stack or self.stack[-1].excluded:
            return
        for element in reversed(self.stack):
            if element.block is not None:
                element.block.append(data)
                return


def text_blocks(html: str) -> list[Block]:
    parser = MainTextParser()
    parser.feed(html)
    parser.close()
    return parser.blocks


def error_blocks(html: str) -> list[str]:
    """Error messages: the inline messages and the links in the error summary."""
    messages = [b.text for b in text_blocks(html) if b.kind.startswith("nhsuk-error-message")]
    summary = re.search(r'<div class="nhsuk-error-summary".*?</ul>', html, re.DOTALL)
    if summary:
        blocks = text_blocks(f"<main>{summary.group(0)}</main>")
        messages += [b.text for b in blocks if b.kind == "li"]
    return [m.removeprefix("Error:").strip() for m in messages]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def problems_with(text: str) -> list[str]:
    found = []
    smog = textstat.smog_index(text)
    grade = textstat.flesch_kincaid_grade(text)
    if smog > MAX_SMOG:
        found.append(f"SMOG {smog:.1f} > {MAX_SMOG}")
    if grade > MAX_GRADE:
        found.append(f"Flesch–Kincaid grade {grade:.1f} > {MAX_GRADE}")
    for sentence in sentences(text):
        if len(sentence.split()) > MAX_SENTENCE_WORDS:
            found.append(f"sentence of {len(sentence.split())} words: {sentence!r}")
    return found


# Wording that is not plain enough yet but lives in Python this work may not edit
# (questionnaires/about_you.py). Each entry is checked to still fail, so the list cannot go stale.
# Answer labels are short fragments ("Separated, divorced or widowed"): reading-age formulas
# say nothing useful about three words, and UX-15 measures the text *around* the questions. They
# are held to a length limit instead, and to everyday words by review.
MAX_OPTION_WORDS = 8


def about_you_answer_labels() -> set[str]:
    """ "Check your answers" repeats these; they are measured on their own question pages. The
    group join's "Who are you to the baby?" answers are answer labels too."""
    questions = [about_you.ETHNIC_GROUP, *about_you.FIXED_QUESTIONS]
    questions += [about_you.ethnic_background(group) for group in about_you.ETHNIC_GROUPS]
    labels = {label for question in questions for _, label in question.choices}
    return labels | {str(label) for _, label in Relationship.choices}


def validated_option_labels() -> set[str]:
    """Answer labels of validated items, as "Check your answers" shows them (not marked up)."""
    labels = {"Yes", "No"}
    for code in ("prfq", "mors_sf", "asq_se2"):
        definition = scoring_adapter.definition_of(instrument_selectors.current_instrument(code))
        labels |= {option.label for option in definition.options}
    return labels


# --- the journey -----------------------------------------------------------------------------


@dataclass
class Journey:
    client: Client
    pages: dict[str, str] = field(default_factory=dict)

    def keep(self, name: str, response: ClientResponse) -> str:
        html = response.content.decode()
        assert "<main" in html, name
        self.pages[name] = html
        return html


def _path(response: ClientResponse) -> str:
    return response.request["PATH_INFO"]


def _step_post(html: str, step: str, **fields: str) -> dict[str, str]:
    management = re.search(r'name="([^"]+-current_step)"', html)
    assert management, f"no management form on {step}"
    data = {management.group(1): step}
    data.update({f"{step}-{key}": value for key, value in fields.items()})
    return data


def _first_radio(html: str, step: str, field_name: str = "answer") -> str:
    found = re.search(rf'name="{re.escape(step)}-{field_name}" type="radio" value="([^"]*)"', html)
    assert found, f"no radios on {step}"
    return found.group(1)


def walk_journey(service: Service) -> dict[str, str]:
    """Every parent-facing page, by name, as rendered HTML."""
    journey = Journey(Client())
    client = journey.client
    fam = factories.family(service, infant_age_days=200)
    episode = families.open_episode(fam, "psychotherapy", fam.created_at.date())
    issued = invitations.issue_invitation(episode, "T1")

    journey.keep("welcome", client.get(f"/p/{issued.token}", follow=True))
    page = client.post(reverse("parents:welcome"), follow=True)
    response = Response.objects.get(invitation=issued.invitation)
    seen_kinds: set[tuple[str, str]] = set()

    while "/questionnaire/q/check/" not in _path(page):
        step_name = _path(page).rstrip("/").rsplit("/", 1)[-1]
        step = ResponseSteps(Response.objects.get(pk=response.pk)).by_name[step_name]
        measure = step.definition.code if step.definition else ""
        flavour = step.overall.kind if step.overall else ""
        first_of_kind = (step.kind, measure + flavour) not in seen_kinds
        seen_kinds.add((step.kind, measure + flavour))
        label = f"{step.kind} {step_name}"
        html = journey.keep(label, page)
        url = _path(page)
        if step.kind == Kind.CONSENT:
            journey.keep(f"{label} (error)", client.post(url, _step_post(html, step_name)))
            page = client.post(url, _step_post(html, step_name, consent="yes"), follow=True)
        elif step.kind in (Kind.ITEM, Kind.ABOUT) or (
            step.kind == Kind.OVERALL and step.overall and step.overall.kind == "yes_no"
        ):
            if first_of_kind or step.kind == Kind.ABOUT:
                errored = client.post(url, _step_post(html, step_name))
                journey.keep(f"{label} (error)", errored)
            value = "white" if step_name == "about-ethnic-group" else _first_radio(html, step_name)
            page = client.post(url, _step_post(html, step_name, answer=value), follow=True)
        elif step.kind == Kind.OVERALL:
            text = "She loves bath time. " * 60  # over the length limit: shows its error
            journey.keep(
                f"{label} (error)", client.post(url, _step_post(html, step_name, text=text))
            )
            page = client.post(url, _step_post(html, step_name, text="Bath time"), follow=True)
        else:
            page = client.post(url, _step_post(html, step_name), follow=True)
        assert page.status_code == 200, f"{step_name} gave {page.status_code}"

    html = journey.keep("check answers", page)
    sent = client.post(_path(page), _step_post(html, "check"), follow=True)
    journey.keep("sent", sent)
    assert "Your answers have been sent" in sent.content.decode()

    # Issue 19: a parent who gives a due date gets the pregnancy set and its explainers.
    expecting = factories.family(service, infant_age_days=None)
    pregnancy_episode = families.open_episode(expecting, "psychotherapy", fam.created_at.date())
    pregnant = Client()
    link = invitations.issue_invitation(pregnancy_episode, "T1")
    journey.keep("welcome (pregnancy)", pregnant.get(f"/p/{link.token}", follow=True))
    page = pregnant.post(reverse("parents:welcome"), follow=True)
    pregnancy_response = Response.objects.get(invitation=link.invitation)
    while True:
        step_name = _path(page).rstrip("/").rsplit("/", 1)[-1]
        step = ResponseSteps(Response.objects.get(pk=pregnancy_response.pk)).by_name[step_name]
        html = journey.keep(f"{step.kind} {step_name} (pregnancy)", page)
        if step.kind == Kind.ITEM:
            break
        fields = {"consent": "yes"} if step.kind == Kind.CONSENT else {}
        page = pregnant.post(_path(page), _step_post(html, step_name, **fields), follow=True)

    # Opening the same link again after sending.
    journey.keep("already sent", Client().get(f"/p/{issued.token}", follow=True))

    # A parent who says no.
    declining = Client()
    other_family = factories.family(service)
    other_episode = families.open_episode(other_family, "psychotherapy", fam.created_at.date())
    other = invitations.issue_invitation(other_episode, "T1")
    declining.get(f"/p/{other.token}", follow=True)
    consent = declining.post(reverse("parents:welcome"), follow=True)
    journey.keep(
        "declined",
        declining.post(
            _path(consent),
            _step_post(consent.content.decode(), "consent", consent="no"),
            follow=True,
        ),
    )

    stranger = Client(REMOTE_ADDR="192.0.2.10")
    journey.keep("session ended", stranger.get(reverse("parents:welcome")))
    journey.keep("link not working", stranger.get("/p/not-a-real-link-token"))
    journey.keep("code entry", stranger.get(reverse("parents:code")))
    journey.keep("code entry (empty)", stranger.post(reverse("parents:code"), {"code": ""}))
    journey.keep(
        "code entry (not found)", stranger.post(reverse("parents:code"), {"code": "ZZZZ-ZZZZ"})
    )
    journey.keep(
        "code entry (too long)", stranger.post(reverse("parents:code"), {"code": "Z" * 30})
    )
    for _ in range(12):
        limited = stranger.get("/p/not-a-real-link-token")
    assert limited.status_code == 429
    journey.keep("rate limited", limited)

    # A group: the privacy notice, its error, saying no, the details form, and too many joins.
    group = together_time.create_group(service, "Tuesday Together Time", timezone.localdate(), 8)
    room = together_time.open_collection(group, Timepoint.T1)
    joiner = Client(REMOTE_ADDR="192.0.2.20")
    journey.keep("group notice", joiner.get(f"/g/{room.code}"))
    journey.keep("group notice (error)", joiner.post(f"/g/{room.code}", {"consent": ""}))
    journey.keep("group declined", joiner.post(f"/g/{room.code}", {"consent": "no"}))
    joiner.post(f"/g/{room.code}", {"consent": "yes"})
    journey.keep("group join", joiner.get(f"/g/{room.code}"))
    journey.keep("group join (error)", joiner.post(f"/g/{room.code}", {"nickname": ""}))
    details = {
        "nickname": "Ada",
        "relationship": "mother",
        "baby_date_day": "1",
        "baby_date_month": "6",
        "baby_date_year": str(timezone.localdate().year - 1),
    }
    with override_settings(GROUP_JOINS_PER_CLIENT=1):
        assert joiner.post(f"/g/{room.code}", details).status_code == 302
        joiner.post(f"/g/{room.code}", {"consent": "yes"})
        limited_join = joiner.post(f"/g/{room.code}", details)
    assert limited_join.status_code == 429
    journey.keep("group join limited", limited_join)

    journey.keep("accessibility statement", stranger.get(reverse("accessibility")))
    journey.keep("privacy notice", stranger.get(reverse("privacy")))
    journey.keep("home (where Exit this page goes)", stranger.get(reverse("home")))
    return journey.pages


@pytest.fixture(scope="module")
def pages(module_transaction: None, django_db_blocker: DjangoDbBlocker) -> dict[str, str]:
    """Walked once for the module: its tests only read the pages."""
    with django_db_blocker.unblock():
        return walk_journey(riverside())


# --- the tests -------------------------------------------------------------------------------


def test_the_journey_reaches_every_kind_of_parent_page(pages: dict[str, str]) -> None:
    names = " | ".join(pages)
    for expected in (
        "welcome",
        "consent consent",
        "explain prfq-about",
        "explain mors_sf-about",
        "explain asq_se2-about",
        "welcome (pregnancy)",
        "explain p_prfq-about (pregnancy)",
        "item p_prfq-1 (pregnancy)",
        "item prfq-1",
        "item mors_sf-1",
        "item asq_se2-",
        "overall asq_se2-overall_1",
        "overall asq_se2-overall_4",
        "about_intro about-you",
        "about about-ethnic-group",
        "about about-ethnic-background",
        "about about-age-band",
        "about about-relationship-status",
        "about about-gender",
        "check answers",
        "sent",
        "declined",
        "session ended",
        "link not working",
        "code entry",
        "code entry (not found)",
        "rate limited",
        "already sent",
        "accessibility statement",
        "privacy notice",
        "group notice",
        "group declined",
        "group join",
        "group join limited",
    ):
        assert expected in names, f"{expected!r} not among the pages: {names}"
    for name in pages:
        if "(error)" in name or "(empty)" in name or "(not found)" in name or "(too long)" in name:
            assert error_blocks(pages[name]), f"{name}: no error message shown"


def measured_text(block: Block, service: Service) -> str:
    """The words a block is measured on. The team's and the groups' names are set by the
    service, and parents know them, so they are read as "your team" and "your group"; the
    hidden "Error:" before an error message is the design system's label for screen readers,
    not part of the sentence."""
    text = block.text.replace(service.name, "your team")
    for group in service.groups.all():
        text = text.replace(group.name, "your group")
    if block.kind.startswith("nhsuk-error-message"):
        text = text.removeprefix("Error:").strip()
    return text


def test_every_text_block_parents_read_is_plain(pages: dict[str, str], service: Service) -> None:
    exempt = validated_option_labels() | about_you_answer_labels()
    failures: dict[str, list[str]] = {}
    measured: set[str] = set()
    for name, html in pages.items():
        for block in text_blocks(html):
            text = measured_text(block, service)
            if len(text.split()) < 2 or (block.kind == "dd" and text in exempt):
                continue
            measured.add(text)
            if text in exempt:
                found = [] if len(text.split()) <= MAX_OPTION_WORDS else ["answer label too long"]
            else:
                found = problems_with(text)
            if found:
                failures.setdefault(f"<{block.kind}> {text!r}: {'; '.join(found)}", []).append(name)
    assert len(measured) > 60
    assert not failures, "Text that is not plain enough:\n" + "\n".join(
        f"{problem} (on: {', '.join(names[:3])}{' …' if len(names) > 3 else ''})"
        for problem, names in failures.items()
    )


def test_error_messages_say_what_to_do_without_please_or_sorry(pages: dict[str, str]) -> None:
    seen = 0
    for name, html in pages.items():
        for message in error_blocks(html):
            seen += 1
            for word in BANNED_IN_ERRORS:
                assert not re.search(rf"\b{word}\b", message, re.IGNORECASE), (
                    f"{name}: error message {message!r} contains {word!r}"
                )
    assert seen >= 10


def test_validated_wording_is_left_out_of_the_measurement(pages: dict[str, str]) -> None:
    html = pages["item prfq-1"]
    item_text = re.search(r"<h1[^>]*data-validated-wording[^>]*>(.*?)</h1>", html, re.DOTALL)
    assert item_text, "the item wording is marked data-validated-wording"
    texts = [block.text for block in text_blocks(html)]
    assert item_text.group(1).strip() not in texts
    assert not any("Strongly agree" in text for text in texts)
    assert any(text.startswith("Continue") for text in texts)


def test_the_parser_splits_nested_blocks_and_skips_marked_wording() -> None:
    html = (
        "<p>outside</p><main><legend><span class='nhsuk-caption-l'>Your baby – question 1</span>"
        "<h1 data-validated-wording>Item <b>wording</b></h1></legend>"
        "<ul><li>One <a href='#'>link</a> here</li></ul>"
        "<dd><a href='#'>Change<span> your answer to: <span data-validated-wording>Q</span>"
        "</span></a></dd></main>"
    )
    assert [(b.kind, b.text) for b in text_blocks(html)] == [
        ("nhsuk-caption-l", "Your baby – question 1"),
        ("li", "One link here"),
        ("dd", "Change your answer to:"),
    ]


def test_a_wordy_block_fails_with_the_reason() -> None:
    assert problems_with("Your baby likes bath time.") == []
    wordy = (
        "Notwithstanding the aforementioned considerations, the organisation's multidisciplinary "
        "practitioners systematically evaluate questionnaire responses to determine eligibility."
    )
    assert problems_with(wordy)


def test_the_pregnancy_welcome_explains_the_set_for_pregnancy(pages: dict[str, str]) -> None:
    welcome = pages["welcome (pregnancy)"]
    assert "These questions are for while you are pregnant." in welcome
    assert "How you think about your baby in pregnancy" in welcome
    assert "It takes about five minutes." in welcome  # one set: its own time, not 20 minutes
    assert "pregnant" not in pages["welcome"]
    explainer = pages["explain p_prfq-about (pregnancy)"]
    assert "the baby you are expecting" in explainer
