"""The parent's own copy of their answers: questions and answers, no scores, only for the session
that sent, and only for a while."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from portal.parents import parent_session
from questionnaires.models import (
    AuditEvent,
    Response,
    ScoreRecord,
    Service,
)
from tests.questionnaires import factories


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _finished_session(client: Client, response: Response, **extra: str) -> None:
    session = client.session
    session[parent_session.FINISHED_KEY] = {
        "contact_line": "",
        "crisis_text": "",
        "response_id": str(response.pk),
        **extra,
    }
    session.save()


def test_parent_copy_has_questions_and_answers_but_no_scores(
    client: Client, service: Service
) -> None:
    episode = factories.episode(service)
    mors = factories.mors_answers("4", "1", skip=("3",))
    response = factories.send(
        episode,
        "T1",
        {"prfq": factories.PRFQ_ALL, "mors_sf": mors, "asq_se2": factories.asq_answers(23)},
    )
    _finished_session(client, response)
    sent = client.get(reverse("parents:sent")).content.decode()
    assert reverse("parents:copy") in sent
    download = client.get(reverse("parents:copy"))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    text = _flat(_pdf_text(download.content))
    assert "Your answers" in text
    assert "I always know what my child wants." in text
    assert "Your answer: 6 on a scale from 1 Strongly disagree to 7 Strongly agree" in text
    assert "Your answer: Very often" in text
    assert "You did not answer this question." in text
    assert "Your answer: Sometimes" in text
    stored = ScoreRecord.objects.filter(measure__response=response)
    for word in ("score", "Pre-Mentalizing", "Warmth", "cut-off", "zone", "Above", "prorated"):
        assert word.lower() not in text.lower()
    asq_total = next(s.result["total"] for s in stored if s.result["code"] == "asq_se2")
    assert str(asq_total) not in text  # 115: the ASQ:SE-2 total appears nowhere
    assert "5.33" not in text and "6.00" not in text
    assert AuditEvent.objects.filter(action="response.copy_downloaded").count() == 1


def test_parent_copy_is_only_for_the_session_that_sent(client: Client, service: Service) -> None:
    episode = factories.episode(service)
    response = factories.send(episode, "T1", {"prfq": factories.PRFQ_ALL})
    assert client.get(reverse("parents:copy")).status_code == 403  # a fresh session: nothing
    _finished_session(client, response, parent_shared_collection=str(uuid.uuid4()))
    assert client.get(reverse("parents:copy")).status_code == 403  # a shared tablet: no copy
    _finished_session(client, response)
    Response.objects.filter(pk=response.pk).update(submitted_at=timezone.now() - timedelta(hours=2))
    assert client.get(reverse("parents:copy")).status_code == 403  # too late
    assert client.post(reverse("parents:copy")).status_code == 405
