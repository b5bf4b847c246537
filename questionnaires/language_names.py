"""Names of the languages a response or a definition version can be in, for staff pages and
exports (I18N-2). The web layer's portal/languages.py says which the interface offers."""

from __future__ import annotations

ENGLISH = "en"

# In English, as staff and evaluators read them.
LANGUAGE_NAMES = {
    "en": "English",
    "pt": "Portuguese",
    "ar": "Arabic",
}


def language_name(code: str) -> str:
    """ "Portuguese" for "pt"; an unknown stored code is shown as it is, never guessed."""
    return LANGUAGE_NAMES.get(code or ENGLISH, code)
