"""The one place that says which interface languages exist and which may be used now
(I18N-1, I18N-4, I18N-8), for the web pages (portal/languages.py) and for the texts and emails
the worker sends (MSG-8) alike.

Each language has a direction and a review status. A catalogue that a qualified translator has
not reviewed is usable only in demo mode (labelled "Demo translation, not reviewed") until a
service lists it in the setting ``APPROVED_INTERFACE_LANGUAGES``. English is always available;
an unknown or unapproved code falls back to English, never an error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

ENGLISH = "en"


@dataclass(frozen=True)
class Language:
    code: str  # what we store (Response.language, Invitation.language)
    django_code: str  # what Django activates (a code in settings.LANGUAGES)
    name: str  # in the language itself, as the toggle shows it
    english_name: str  # for staff pages and exports
    rtl: bool
    reviewed: bool  # reviewed by a qualified translator


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en-gb", "English", "English", rtl=False, reviewed=True),
    "pt": Language("pt", "pt", "Português", "Portuguese", rtl=False, reviewed=False),
    "ar": Language("ar", "ar", "العربية", "Arabic", rtl=True, reviewed=False),
}

# For settings.LANGUAGES (Django's catalogue lookup and get_language_info).
DJANGO_LANGUAGES = [(lang.django_code, lang.english_name) for lang in LANGUAGES.values()]


def approved_codes() -> frozenset[str]:
    return frozenset(getattr(settings, "APPROVED_INTERFACE_LANGUAGES", ()) or ())


def is_available(code: str | None) -> bool:
    """Whether the interface (or a message) may be in this language now."""
    language = LANGUAGES.get(code or "")
    if language is None:
        return False
    if language.code == ENGLISH or language.code in approved_codes():
        return True
    return bool(settings.DEMO_MODE)


def is_demo_translation(code: str) -> bool:
    """An unreviewed catalogue in use (demo mode only): label it so."""
    language = LANGUAGES.get(code)
    return (
        language is not None
        and language.code != ENGLISH
        and not language.reviewed
        and language.code not in approved_codes()
    )


def available() -> list[Language]:
    return [lang for lang in LANGUAGES.values() if is_available(lang.code)]


def clean(code: str | None) -> str:
    """A code we can show, or English (I18N-8: bad input falls back, no error)."""
    code = (code or "").strip().lower()
    if code in ("en-gb", "en-us"):
        code = ENGLISH
    return code if is_available(code) else ENGLISH


def english_name(code: str) -> str:
    language = LANGUAGES.get(code)
    return language.english_name if language else code


@contextmanager
def override(code: str | None) -> Iterator[str]:
    """Words made inside are in this language when usable now, else in English (MSG-8); yields
    the code actually used."""
    used = clean(code)
    with translation.override(LANGUAGES[used].django_code):
        yield used
