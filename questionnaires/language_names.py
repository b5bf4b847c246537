"""Names of the languages a response or a definition version can be in, for staff pages and
exports (I18N-2). questionnaires/languages.py says which languages exist and which may be used."""

from __future__ import annotations

from questionnaires.languages import ENGLISH, LANGUAGES

__all__ = ["ENGLISH", "LANGUAGE_NAMES", "language_name"]

# In English, as staff and evaluators read them.
LANGUAGE_NAMES = {code: language.english_name for code, language in LANGUAGES.items()}


def language_name(code: str) -> str:
    """ "Portuguese" for "pt"; an unknown stored code is shown as it is, never guessed."""
    return LANGUAGE_NAMES.get(code or ENGLISH, code)
