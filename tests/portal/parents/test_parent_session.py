"""The parent's session after sending keeps only what the confirmation page and the parent's copy
need."""

from __future__ import annotations

from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from portal.parents import parent_session
from questionnaires.models import (
    Service,
)
from tests.questionnaires import factories


def test_finishing_keeps_the_response_id_for_the_copy(service: Service) -> None:
    issued, response = factories.invited_response(service)
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    parent_session.finish(request, issued.invitation)
    assert request.session[parent_session.FINISHED_KEY]["response_id"] == str(response.pk)
