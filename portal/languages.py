"""The interface language of each request (I18N-1 … I18N-9). Which languages exist and which
may be used now (review status, demo mode, APPROVED_INTERFACE_LANGUAGES) is said once, in
questionnaires/languages.py.

The middleware picks the language for each request: the parent's explicit choice (kept in the
session and on their response) → the language staff set on the invitation (applied when the
link binds the session) → the browser's Accept-Language → English. An unknown or unapproved
code falls back to English, never an error (I18N-8)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

# The languages and their review rules live in the domain (questionnaires/languages.py), so
# that the worker's texts and emails follow the same rules as the pages; named here as well for
# the web layer.
from questionnaires.languages import (
    DJANGO_LANGUAGES,
    ENGLISH,
    LANGUAGES,
    Language,
    approved_codes,
    available,
    clean,
    english_name,
    is_available,
    is_demo_translation,
)

__all__ = [
    "DJANGO_LANGUAGES",
    "ENGLISH",
    "LANGUAGES",
    "Language",
    "LanguageMiddleware",
    "activate",
    "approved_codes",
    "available",
    "choose",
    "clean",
    "current",
    "english_name",
    "from_accept_language",
    "is_available",
    "is_demo_translation",
    "remember",
]

# Session key for the parent's (or a staff member's) explicit choice.
SESSION_KEY = "interface_language"


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
