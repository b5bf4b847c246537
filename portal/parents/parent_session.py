"""A parent's session holds only ids: which invitation they came in with (LINK-2), and for a
group parent which participant they are and, on a shared tablet, which collection the next parent
joins. Never a token, a code or an answer (LINK-7, LOG-2). The session ends when the browser
closes (LINK-9); sending ends it too, keeping a single marker so the confirmation page can show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal import languages
from questionnaires import credentials
from questionnaires.models import GroupCollection, GroupParticipant, Invitation, Response
from questionnaires.selectors import entry

INVITATION_KEY = "parent_invitation"
FINISHED_KEY = "parent_finished"
PARTICIPANT_KEY = "parent_participant"
SHARED_COLLECTION_KEY = "parent_shared_collection"
# The group privacy notice agreed to (collection id → notice wording version), before any
# details are asked for (finding 9 of the parent review).
NOTICE_KEY = "parent_group_notice"
# Set when a parent comes back to a questionnaire they had started (by link, code or the
# browser's own session), and taken by the next question page, which then says "Welcome back".
WELCOME_BACK_KEY = "parent_welcome_back"
# I18N-6: show the English beside the chosen language on question pages.
INTERPRETER_KEY = "interpreter_view"
# Kept across a fresh session (a parent who chose a language on the code page keeps it).
_KEPT_ON_START = (languages.SESSION_KEY, INTERPRETER_KEY)


def start(request: HttpRequest) -> None:
    """A fresh parent session: whatever this browser had before is gone (flush gives a new key),
    and the cookie lasts only until the browser closes."""
    request.session.flush()
    request.session.set_expiry(0)


def bind(
    request: HttpRequest,
    invitation: Invitation,
    participant: GroupParticipant | None = None,
    shared_collection: GroupCollection | None = None,
) -> None:
    start(request)
    request.session[INVITATION_KEY] = str(invitation.pk)
    if participant is not None:
        request.session[PARTICIPANT_KEY] = str(participant.pk)
    if shared_collection is not None:
        request.session[SHARED_COLLECTION_KEY] = str(shared_collection.pk)
    # I18N-2: a parent coming back continues in the language they answered in; a new link
    # opens in the language staff set for the family, unless the parent already chose one.
    existing = entry.session_response(str(invitation.pk))
    if existing is not None:
        languages.remember(request, existing.language)
    elif invitation.language and languages.SESSION_KEY not in request.session:
        languages.remember(request, invitation.language)


def agree_to_notice(request: HttpRequest, collection: GroupCollection, version: str) -> None:
    if NOTICE_KEY not in request.session:
        start(request)
    request.session[NOTICE_KEY] = {str(collection.pk): version}


def has_agreed(request: HttpRequest, collection: GroupCollection) -> str | None:
    agreed: dict[str, str] = request.session.get(NOTICE_KEY) or {}
    return agreed.get(str(collection.pk))


def invitation(request: HttpRequest) -> Invitation | None:
    invitation_id = request.session.get(INVITATION_KEY)
    return entry.session_invitation(invitation_id) if invitation_id else None


def response(request: HttpRequest) -> Response | None:
    invitation_id = request.session.get(INVITATION_KEY)
    return entry.session_response(invitation_id) if invitation_id else None


def return_code(request: HttpRequest) -> str:
    """The group parent's return code as they read it (K7QP-M2XD), worked out again from their
    participant record: the session never holds it."""
    participant_id = (finished(request) or request.session).get(PARTICIPANT_KEY)
    participant = entry.participant_by_id(participant_id) if participant_id else None
    code = entry.return_code_of(participant) if participant else ""
    return credentials.display_code(code) if code else ""


def finish(request: HttpRequest, invitation: Invitation) -> None:
    """End the parent's session; keep only what the confirmation page shows (no answers)."""
    service = invitation.episode.family.service
    kept = {
        key: request.session[key]
        for key in (PARTICIPANT_KEY, SHARED_COLLECTION_KEY)
        if key in request.session
    }
    # DATA-4: clear() rather than flush(): the invitation is forgotten (LINK-7), but the key is
    # kept so a double tap or a browser retry that still carries this cookie finds the
    # "finished" marker and lands on the same confirmation instead of "Open your link again".
    language = {key: request.session[key] for key in _KEPT_ON_START if key in request.session}
    request.session.clear()
    request.session.update(language)  # the confirmation page stays in the parent's language
    request.session[FINISHED_KEY] = {
        "contact_line": service.contact_line,
        "crisis_text": service.crisis_text,
        "response_id": str(invitation.response.pk),  # for the parent's own copy
        **kept,
    }


def mark_welcome_back(request: HttpRequest) -> None:
    request.session[WELCOME_BACK_KEY] = True


def take_welcome_back(request: HttpRequest) -> bool:
    """Whether to say "Welcome back" on this page; said once, then forgotten."""
    return bool(request.session.pop(WELCOME_BACK_KEY, False))


def finished(request: HttpRequest) -> dict[str, Any] | None:
    return request.session.get(FINISHED_KEY)


def shared_collection_id(request: HttpRequest) -> str | None:
    """On a shared tablet, the collection the next parent joins (while or after answering)."""
    found = finished(request) or request.session
    value = found.get(SHARED_COLLECTION_KEY)
    return str(value) if value else None
