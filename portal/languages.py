"""The one place that says which interface languages the portal offers (I18N-1 … I18N-9).

Each language has a direction and a review status. A catalogue that a qualified translator has
not reviewed is usable only in demo mode (labelled "Demo translation, not reviewed") until a
service lists it in the setting ``APPROVED_INTERFACE_LANGUAGES``. English is always available.

The middleware picks the language for each request: the parent's explicit choice (kept in the
session and on their response) → the language staff set on the invitation (applied when the
link binds the session) → the browser's Accept-Language → English. An unknown or unapproved
code falls back to English, never an error (I18N-8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

ENGLISH = "en"
# Session key for the parent's (or a staff member's) explicit choice.
SESSION_KEY = "interface_language"


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
    """Whether the interface may be shown in this language now."""
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


def from_accept_language(header: str) -> str:
    """The first available language the browser asks for, else English."""
    for accept, _quality in trans_real.parse_accept_lang_header(header):
        base = accept.split("-")[0].lower()
        if base == ENGLISH:
            return ENGLISH
        if is_available(base):
            return base
    return ENGLISH


def choose(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_KEY) if session is not None else None
    if chosen:
        return clean(chosen)
    return from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))


def remember(request: HttpRequest, code: str) -> str:
    code = clean(code)
    request.session[SESSION_KEY] = code
    return code


def activate(code: str) -> None:
    translation.activate(LANGUAGES[clean(code)].django_code)


def current() -> str:
    """Our code for the active language."""
    active = (translation.get_language() or "").lower()
    for lang in LANGUAGES.values():
        if active == lang.django_code or active.split("-")[0] == lang.code:
            return lang.code
    return ENGLISH


class LanguageMiddleware:
    """After sessions: activates the chosen language for the request (Django's translation
    machinery, as LocaleMiddleware does, but with our review rules)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = choose(request)
        activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", LANGUAGES[code].django_code)
        translation.deactivate()
        return response
