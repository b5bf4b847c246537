"""A parent's session holds only which invitation they came in with (LINK-2) — never a token,
never answers (LINK-7). Ending it keeps a single marker so the confirmation page can show."""

from __future__ import annotations

from django.http import HttpRequest

from questionnaires import credentials
from questionnaires.models import Invitation, Response
from questionnaires.selectors import entry

INVITATION_KEY = "parent_invitation"
FINISHED_KEY = "parent_finished"
# Group joiners only: the plain return code (the parent's own credential, shown to them on the
# welcome and confirmation pages; the database keeps only its hash), and on a shared tablet the
# join page the next parent starts from.
RETURN_CODE_KEY = "parent_return_code"
NEXT_PARENT_URL_KEY = "parent_next_url"


def bind(request: HttpRequest, invitation: Invitation) -> None:
    # flush() gives a fresh session key, so whatever this browser had before is gone.
    request.session.flush()
    request.session[INVITATION_KEY] = str(invitation.pk)


def invitation(request: HttpRequest) -> Invitation | None:
    invitation_id = request.session.get(INVITATION_KEY)
    return entry.session_invitation(invitation_id) if invitation_id else None


def response(request: HttpRequest) -> Response | None:
    invitation_id = request.session.get(INVITATION_KEY)
    return entry.session_response(invitation_id) if invitation_id else None


def finish(request: HttpRequest, invitation: Invitation) -> None:
    """End the parent's session; keep only what the confirmation page shows (no answers)."""
    service = invitation.episode.family.service
    return_code = request.session.get(RETURN_CODE_KEY, "")
    next_parent_url = request.session.get(NEXT_PARENT_URL_KEY, "")
    # DATA-4: clear() rather than flush(): the invitation is forgotten (LINK-7), but the key is
    # kept so a double tap or a browser retry that still carries this cookie finds the
    # "finished" marker and lands on the same confirmation instead of "Open your link again".
    request.session.clear()
    request.session[FINISHED_KEY] = {
        "contact_line": service.contact_line,
        "crisis_text": service.crisis_text,
        "return_code": credentials.display_code(return_code),
        "next_parent_url": next_parent_url,
        "response_id": str(invitation.response.pk),  # for the parent's own copy
    }


def return_code(request: HttpRequest) -> str:
    return str(request.session.get(RETURN_CODE_KEY, ""))


def finished(request: HttpRequest) -> dict[str, str] | None:
    return request.session.get(FINISHED_KEY)
