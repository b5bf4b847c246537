"""The parent's own copy of what they sent, as a plain PDF.

Only the browser that sent the answers can get it: the response id is read from this session's
"finished" marker, never from the URL, so another session has nothing to ask for. The copy
holds the questions and the parent's answers only: no scores, no flags."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from portal import languages
from portal.parents import parent_session
from portal.parents.journey_views import session_ended
from questionnaires.pdf.parent_copy import parent_copy_pdf
from questionnaires.selectors import entry
from questionnaires.services import audit

# Long enough to tap "Download" after sending; short enough that a phone left lying around
# later does not still hand out the answers.
COPY_AVAILABLE_FOR = timedelta(hours=1)


@require_GET
def parent_copy(request: HttpRequest) -> HttpResponse:
    finished = parent_session.finished(request) or {}
    response_id = finished.get("response_id")
    # On a shared tablet the next parent may be holding it: no copy there.
    if not response_id or finished.get(parent_session.SHARED_COLLECTION_KEY):
        return session_ended(request)
    response = entry.sent_response(response_id)
    sent_at = response.submitted_at if response else None
    if response is None or sent_at is None or timezone.now() - sent_at > COPY_AVAILABLE_FOR:
        return session_ended(request)
    # The PDF's fonts have no Arabic script (and reportlab does not shape right-to-left text),
    # so a right-to-left page's copy is made in English rather than as unreadable boxes.
    if languages.LANGUAGES[languages.current()].rtl:
        with translation.override("en-gb"):
            pdf = parent_copy_pdf(response, entry.sent_measures(response))
    else:
        pdf = parent_copy_pdf(response, entry.sent_measures(response))
    audit.record_view(audit.Read.PARENT_COPY_DOWNLOADED, None, response)
    download = HttpResponse(pdf, content_type="application/pdf")
    download["Content-Disposition"] = 'attachment; filename="my-answers.pdf"'
    download["Cache-Control"] = "no-store"
    download["Referrer-Policy"] = "no-referrer"
    return download
