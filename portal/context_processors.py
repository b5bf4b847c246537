import functools

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal import languages as portal_languages
from questionnaires.roles import ACCOUNT_ROLES, CASE_ROLES, GROUP_ROLES, Role, roles_of
from questionnaires.selectors.audit_trail import AUDIT_ROLES


def site(request: HttpRequest) -> dict[str, object]:
    # Lazy and computed once: only pages that show the staff menu pay for the role query.
    roles = functools.cache(lambda: roles_of(request.user))
    return {
        "service_name": settings.SERVICE_NAME,
        "demo_mode": settings.DEMO_MODE,
        # The staff sign-in pause (django-axes counts it in hours), said in minutes.
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
        "sees_families": SimpleLazyObject(lambda: bool(roles() & CASE_ROLES)),
        "sees_groups": SimpleLazyObject(lambda: bool(roles() & GROUP_ROLES)),
        "sees_audit": SimpleLazyObject(lambda: bool(roles() & AUDIT_ROLES)),
        "sees_accounts": SimpleLazyObject(lambda: bool(roles() & ACCOUNT_ROLES)),
        "sees_exports": SimpleLazyObject(lambda: Role.SERVICE_LEAD in roles()),
    }


def languages(request: HttpRequest) -> dict[str, object]:
    """The page's language (its `lang` and `dir`) and the language toggle's choices (I18N-2)."""
    code = portal_languages.current()
    language = portal_languages.LANGUAGES[code]
    return {
        "LANGUAGE_CODE": "en-GB" if code == portal_languages.ENGLISH else code,
        "LANGUAGE_BIDI": language.rtl,
        "page_language": language,
        "other_languages": [
            lang for lang in portal_languages.available() if lang.code != language.code
        ],
        "demo_translation": portal_languages.is_demo_translation(code),
        # For staff choosing a family's preferred language when issuing a link.
        "all_languages": [
            {
                "code": lang.code,
                "english_name": lang.english_name,
                "usable": portal_languages.is_available(lang.code),
            }
            for lang in portal_languages.LANGUAGES.values()
            if lang.code != portal_languages.ENGLISH
        ],
        "interpreter_view": bool(request.session.get("interpreter_view"))
        if hasattr(request, "session")
        else False,
        "language_next": _language_next(request),
    }


# Paths that carry a credential: the toggle never sends the parent back to one (LINK-2).
_CREDENTIAL_PREFIXES = ("/p/", "/g/")


def _language_next(request: HttpRequest) -> str:
    path = request.get_full_path()
    return "/start" if path.startswith(_CREDENTIAL_PREFIXES) else path
