"""The interface catalogues (I18N-9, I18N-4, I18N-8).

- Freshness: `make messages` run on a copy of the code would not change the set of messages in
  the committed catalogues (a string marked but not extracted, or extracted and no longer used,
  fails here).
- Pseudo-locale: every parent page rendered with a generated catalogue in which every message is
  transformed (accented, about 30% longer, bracketed); any English left on the page outside
  validated item wording (and the service's own names) fails. The messages the parent pages used
  must have a Portuguese and an Arabic translation.
- Each catalogue's placeholders match its messages', so a translation can never break a page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from portal.languages import LANGUAGES as LANGUAGE_REGISTRY
from questionnaires.models import Service, Timepoint
from questionnaires.parent_steps import Kind, ResponseSteps
from questionnaires.selectors.instruments import current_definitions
from questionnaires.services import together_time
from tests.catalogues import LOCALE_DIR, catalogue_paths
from tests.portal.parents.wizard_client import (
    MANAGEMENT,
    issue,
    post_step,
    start,
    step_url,
    valid_data,
)

REPO = Path(__file__).resolve().parents[2]
# What the catalogues must cover: the parent-facing interface, in every shipped language.
LANGUAGES = ("pt", "ar")


def _messages(path: Path) -> set[str]:
    return {entry.msgid for entry in polib.pofile(str(path)) if not entry.obsolete}


# --- Freshness --------------------------------------------------------------------------------


def _makemessages_options() -> list[str]:
    """The options `make messages` uses, read from the Makefile so the two never drift."""
    text = (REPO / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = re.search(r"^MAKEMESSAGES_OPTS := (.*)$", text, re.M)
    assert found, "Makefile defines MAKEMESSAGES_OPTS"
    return found.group(1).split()


def test_make_messages_would_not_change_the_catalogues(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("portal", "questionnaires", "scoring", "templates", "locale"):
        shutil.copytree(
            REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    shutil.copy2(REPO / "manage.py", copy / "manage.py")
    (copy / "tests").mkdir()
    for name in ("__init__.py", "settings.py"):
        shutil.copy2(REPO / "tests" / name, copy / "tests" / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(copy)}
    languages = [arg for code in LANGUAGES for arg in ("-l", code)]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *languages, *_makemessages_options()],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    for code in LANGUAGES:
        committed = _messages(LOCALE_DIR / code / "LC_MESSAGES" / "django.po")
        fresh = _messages(copy / "locale" / code / "LC_MESSAGES" / "django.po")
        assert fresh - committed == set(), f"marked but not in locale/{code}: run `make messages`"
        assert committed - fresh == set(), f"no longer used, in locale/{code}: run `make messages`"


# --- Every catalogue is well formed ----------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_every_translation_keeps_its_placeholders() -> None:
    paths = catalogue_paths()
    assert {p.parent.parent.name for p in paths} >= set(LANGUAGES)
    for path in paths:
        catalogue = polib.pofile(str(path))
        assert catalogue.metadata.get("X-Review-Status") in ("not-reviewed", "reviewed"), path
        for entry in catalogue:
            if entry.fuzzy:
                continue  # msgmerge's guess: never compiled, never shown
            expected = sorted(set(_PLACEHOLDER.findall(entry.msgid)))
            translations = list(entry.msgstr_plural.values()) or [entry.msgstr]
            for text in translations:
                if text:
                    assert sorted(set(_PLACEHOLDER.findall(text))) == expected, (
                        path,
                        entry.msgid,
                    )


# --- The pseudo-locale ------------------------------------------------------------------------

_ACCENTED = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "áƀçđéƒĝĥíĵķĺɱñóƥʠŕšťúʋŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹṀÑÓƤɊŔŠŤÚṼŴẊÝŽ",
        strict=True,
    )
)
# Left untouched: placeholders, HTML tags and entities.
_KEEP = re.compile(r"(%\(\w+\)[sd]|%[sd]|\{\w+\}|<[^>]+>|&\w+;)")
OPEN, CLOSE = "⟦", "⟧"


def pseudo(text: str, index: int) -> str:
    parts = _KEEP.split(text)
    shown = "".join(
        part if _KEEP.fullmatch(part) else "".join(_ACCENTED.get(ch, ch) for ch in part)
        for part in parts
    )
    padding = "·" * max(1, round(len(text) * 0.3))
    return f"{OPEN}{index}:{shown}{padding}{CLOSE}"


def _pseudo_catalogue(target: Path) -> list[str]:
    """A pseudo "pt" catalogue from the committed messages; returns the msgids by index."""
    source = polib.pofile(str(LOCALE_DIR / "pt" / "LC_MESSAGES" / "django.po"))
    out = polib.POFile()
    out.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "pt",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    msgids: list[str] = []
    for entry in source:
        index = len(msgids)
        msgids.append(entry.msgid)
        if entry.msgid_plural:
            out.append(
                polib.POEntry(
                    msgid=entry.msgid,
                    msgid_plural=entry.msgid_plural,
                    msgstr_plural={
                        0: pseudo(entry.msgid, index),
                        1: pseudo(entry.msgid_plural, index),
                    },
                )
            )
        else:
            out.append(polib.POEntry(msgid=entry.msgid, msgstr=pseudo(entry.msgid, index)))
    folder = target / "pt" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    out.save_as_mofile(str(folder / "django.mo"))
    return msgids


class _Text(HTMLParser):
    """The text a person reads or hears: text nodes, and the attributes screen readers speak.
    Skips scripts, styles, and elements marked as validated wording, the service's own text or
    another language (items left in English are marked lang="en"), and codes (translate="no")."""

    VOID = frozenset(("area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"))
    SPOKEN = ("aria-label", "title", "alt", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = (
            self.skipping
            or tag in ("script", "style")
            or "data-validated-wording" in values
            or "data-service-text" in values
            or values.get("translate") == "no"
            or (tag != "html" and values.get("lang") not in (None, "pt"))
        )
        if not skip:
            self.texts.extend(str(values[a]) for a in self.SPOKEN if values.get(a))
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.texts.append(data)


def english_left(page: str, allowed: tuple[str, ...]) -> tuple[list[str], set[int]]:
    """Text left untranslated on a page, and the indexes of the messages it used."""
    parser = _Text()
    parser.feed(page)
    used: set[int] = set()
    left = []
    for text in parser.texts:
        used.update(int(i) for i in re.findall(rf"{OPEN}(\d+):", text))
        rest = re.sub(rf"{OPEN}\d+:.*?{CLOSE}", " ", text, flags=re.S)
        for name in allowed:
            rest = rest.replace(name, " ")
        if re.search(r"[A-Za-z]{2,}", rest):
            left.append(rest.strip())
    return left, used


@pytest.fixture
def pseudo_locale(tmp_path: Path) -> Iterator[list[str]]:
    msgids = _pseudo_catalogue(tmp_path)
    with override_settings(
        LOCALE_PATHS=[tmp_path], DEMO_MODE=False, APPROVED_INTERFACE_LANGUAGES=["pt"]
    ):
        yield msgids


def _parent_pages(service: Service) -> Iterator[tuple[str, str]]:
    """Every parent page, as (what it is, its HTML), in the pseudo-locale."""
    client = Client(HTTP_ACCEPT_LANGUAGE="pt")
    yield "home", client.get("/").text
    yield "accessibility", client.get("/accessibility").text
    yield "privacy", client.get("/privacy").text
    yield "page not found", client.get("/no-such-page").text
    yield "enter a code", client.get("/start").text
    yield "enter a code, error", client.post("/start", {"code": ""}).text
    yield "link not working", client.get("/p/not-a-real-token").text
    yield "session ended", client.get(reverse("parents:welcome")).text

    issued = issue(service)
    assert client.get(f"/p/{issued.token}").status_code == 302
    yield "welcome", client.get(reverse("parents:welcome")).text
    response = start(client, issued.token)
    seen: set[str] = set()
    while True:
        steps = ResponseSteps(type(response).objects.get(pk=response.pk))
        step = steps.first_step_without_data()
        page = client.get(step_url(step.name)).text
        kind = f"{step.kind}:{step.definition.code if step.definition else step.name}"
        if kind not in seen or step.kind == Kind.ABOUT:
            seen.add(kind)
            yield step.name, page
            if step.kind in (Kind.CONSENT, Kind.ITEM, Kind.ABOUT):
                yield f"{step.name}, error", post_step(client, step.name, {}).text
            if step.kind == Kind.ITEM:
                # A skipped question, seen later on the check page as "Not answered".
                post_step(client, step.name, {"skip": "1"})
                continue
        if step.kind == Kind.CHECK:
            break
        post_step(client, step.name, valid_data(step))
    sent = client.post(step_url("check"), {MANAGEMENT: "check"})
    assert sent.status_code == 302
    yield "sent", client.get(reverse("parents:sent")).text
    yield "already sent (back)", client.get(step_url("check"), follow=True).text

    declined = Client(HTTP_ACCEPT_LANGUAGE="pt")
    start(declined, issue(service).token)
    post_step(declined, "consent", {"consent": "no"})
    yield "declined", declined.get(reverse("parents:declined")).text

    group = together_time.create_group(service, "Tuesday Together Time", timezone.localdate(), 8)
    collection = together_time.open_collection(group, Timepoint.T1)
    joining = Client(HTTP_ACCEPT_LANGUAGE="pt")
    yield "group notice", joining.get(f"/g/{collection.code}").text
    yield "group notice, error", joining.post(f"/g/{collection.code}", {}).text
    joining.post(f"/g/{collection.code}", {"consent": "yes"})
    yield "group join", joining.get(f"/g/{collection.code}").text
    yield "group join, error", joining.post(f"/g/{collection.code}", {"nickname": ""}).text
    baby = date.today().replace(day=1)
    joined = joining.post(
        f"/g/{collection.code}",
        {
            "nickname": "Maryam",
            "relationship": "mother",
            "baby_date_day": str(baby.day),
            "baby_date_month": str(baby.month),
            "baby_date_year": str(baby.year - 1),
        },
    )
    assert joined.status_code == 302
    yield "group welcome (return code)", joining.get(reverse("parents:welcome")).text


@pytest.mark.django_db
def test_every_parent_page_is_translated_in_a_pseudo_locale(
    pseudo_locale: list[str], service: Service
) -> None:
    allowed = (
        settings.SERVICE_NAME,
        service.name,
        "Tuesday Together Time",
        "Maryam",
        "NHS",
        # The toggle's language names, each in its own language.
        *(language.name for language in LANGUAGE_REGISTRY.values()),
        "K7QP-M2XD",
        # Definition wording in the page's <title>, which cannot carry markup.
        *(d.explainer.title for d in current_definitions(["prfq", "mors_sf", "asq_se2"])),
    )
    problems: dict[str, list[str]] = {}
    used: set[int] = set()
    pages = 0
    for name, page in _parent_pages(service):
        pages += 1
        assert '<html lang="pt"' in page, name
        left, on_page = english_left(page, allowed)
        used |= on_page
        if left:
            problems[name] = left
    assert pages >= 30
    assert problems == {}, "English left outside validated wording: " + "; ".join(
        f"{name}: {left}" for name, left in problems.items()
    )
    # The messages the parent pages used are translated in every shipped catalogue.
    needed = {pseudo_locale[i] for i in used}
    assert len(needed) > 100
    for code in LANGUAGES:
        catalogue = polib.pofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.po"))
        untranslated = {
            entry.msgid for entry in catalogue if entry.msgid in needed and not entry.translated()
        }
        assert untranslated == set(), f"locale/{code} lacks parent-facing translations"


def test_the_pseudo_check_finds_english_and_ignores_validated_wording() -> None:
    page = (
        '<html lang="pt"><body><h1 data-validated-wording>I always know what my child wants.'
        f'</h1><p>{pseudo("Continue", 3)}</p><p lang="en">English items</p>'
        '<button aria-label="Close menu">x</button><p>Skip this question</p></body></html>'
    )
    left, used = english_left(page, ())
    assert left == ["Close menu", "Skip this question"]
    assert used == {3}
