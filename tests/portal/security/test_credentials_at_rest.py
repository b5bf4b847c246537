"""LOG-2: whole parent journeys — a personal link, a short code, a group join, a return at the end
by return code, a wrong link, a rate-limited client — with distinctive credentials and answer text,
then a search of every log record and every database table for them. Before the fix, Django's
request log wrote `Not Found: /p/<token>` (a rate-limited parent's live token included) and session
rows held plain return codes."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questionnaires import credentials
from questionnaires.models import GroupCollection, GroupParticipant, Service, Timepoint
from questionnaires.services import families, invitations, responses, together_time

ANSWER_TEXT = "Zebra-umbrella-lullaby-7731"
BABY = timezone.localdate() - timedelta(days=150)


def _table_text() -> dict[str, str]:
    """Every table's rows as text, session rows decoded (their data is base64 on disk)."""
    from django.contrib.sessions.models import Session

    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - our own table names
            found[table] = json.dumps(cursor.fetchall(), default=str)
    found["django_session (decoded)"] = json.dumps(
        [s.get_decoded() for s in Session.objects.all()], default=str
    )
    return found


@pytest.mark.django_db
def test_no_credential_in_any_log_record_or_table(
    service: Service, caplog: pytest.LogCaptureFixture, settings: object
) -> None:
    settings.CODE_FAILURE_LIMIT = 3  # type: ignore[attr-defined]
    caplog.set_level(logging.DEBUG)
    family = families.register_family(
        service, label="RV-LOG", parent_name="Ada", relationship="mother", infant_dob=BABY
    )
    episode = families.open_episode(family, "psychotherapy", timezone.localdate())
    by_link = invitations.issue_invitation(episode, Timepoint.T1)
    by_code = invitations.issue_invitation(episode, Timepoint.T2)
    secrets = {by_link.token, by_code.short_code}

    # A personal link, answered with distinctive free text, and sent.
    phone = Client()
    assert phone.get(f"/p/{by_link.token}").status_code == 302
    phone.post("/questionnaire/")
    response = responses.open_response(by_link.invitation)
    responses.record_consent(response, True)
    asq = response.measures.get(instrument__code="asq_se2")
    responses.save_answer(asq, "overall_4", "", text=ANSWER_TEXT)
    responses.submit_response(response)

    # A short code typed at /start.
    assert Client().post("/start", {"code": by_code.short_code})["Location"] == "/questionnaire/"

    # A group: join at the start, come back at the end with the return code on another phone.
    group = together_time.create_group(service, "Tuesday", timezone.localdate(), 8)
    start = together_time.open_collection(group, Timepoint.T1)
    tablet = Client()
    tablet.post(f"/g/{start.code}", {"consent": "yes"})
    tablet.post(
        f"/g/{start.code}",
        {
            "nickname": "Ada",
            "relationship": "mother",
            "baby_date_day": str(BABY.day),
            "baby_date_month": str(BABY.month),
            "baby_date_year": str(BABY.year),
        },
    )
    welcome = tablet.get("/questionnaire/").content.decode()
    return_code = welcome.split('class="app-return-code__code">', 1)[1].split("<", 1)[0].strip()
    assert GroupParticipant.objects.count() == 1
    end = together_time.open_collection(group, Timepoint.T2)
    assert Client().post("/start", {"code": return_code})["Location"] == "/questionnaire/"
    secrets |= {credentials.normalise_code(return_code), start.code, end.code}

    # Mistakes and a rate-limited client whose next link is real: its path reaches the log.
    guesser = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(3):
        guesser.get("/p/not-a-real-token-0000000000000000000000000")
    assert guesser.get(f"/p/{by_link.token}").status_code == 429
    closed = GroupCollection.objects.get(pk=start.pk)
    together_time.close_collection(closed)
    assert Client().get(f"/g/{start.code}").status_code == 404

    logged = "\n".join(record.getMessage() for record in caplog.records)
    logged += "\n".join(str(getattr(record, "request", "")) for record in caplog.records)
    assert caplog.records, "the journeys above log 404s and a 429"
    assert "Not Found: /p/" in logged  # the request log still says what happened …
    for secret in secrets:
        assert secret not in logged  # … but never with the credential
    assert ANSWER_TEXT not in logged

    tables = _table_text()
    for table, text in tables.items():
        for secret in secrets - {start.code, end.code}:
            assert secret not in text, f"{secret!r} in {table}"
        if table != "questionnaires_answer":
            assert ANSWER_TEXT not in text, table
    # Room codes are shown on a projector and kept in plain on their collection only (LINK-4).
    for table, text in tables.items():
        if table != "questionnaires_groupcollection":
            assert start.code not in text and end.code not in text, table
    assert reverse("parents:link", kwargs={"token": "x"})  # the URL shape the filter knows
