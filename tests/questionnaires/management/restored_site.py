"""What a restore drill compares, read through Django from whichever database DATABASE_URL names.

The test reads the live database with `snapshot()` in its own process, and runs this module in a
fresh process against the restored copy, as a real restored site would run:

    python -m tests.questionnaires.management.restored_site KNOWN_ID WRITER_ID TOKEN

It prints one JSON object: the restored copy's snapshot (taken before any request, so the page
visit's own session rows do not count) and what a parent's personal link leads to there."""

from __future__ import annotations

import json
import os
import sys
from typing import Any
from uuid import UUID


def snapshot(known_id: UUID | str, writer_id: UUID | str) -> dict[str, Any]:
    """Row counts per table, the known (sent) response's answers and scores, and which of the
    writer's questions were saved with how many audit events."""
    from django.db import connection

    from questionnaires.models import Answer, AuditEvent, Response, ScoreRecord

    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    known = Answer.objects.filter(measure__response_id=known_id)
    scores = ScoreRecord.objects.filter(measure__response_id=known_id, is_current=True)
    writer = Answer.objects.filter(measure__response_id=writer_id)
    result = {
        "counts": counts,
        "known_status": Response.objects.get(pk=known_id).status,
        "known_answers": sorted(
            [a.measure.instrument.code, a.item, a.value, a.concern, a.text]
            for a in known.select_related("measure__instrument")
        ),
        "known_scores": sorted(
            [s.measure.instrument.code, s.result, s.flags, s.definition_version, s.scoring_version]
            for s in scores.select_related("measure__instrument")
        ),
        "writer_answers": sorted(
            f"{a.measure.instrument.code}-{a.item}"
            for a in writer.select_related("measure__instrument")
        ),
        "writer_audit_events": AuditEvent.objects.filter(
            action="answer.saved", object_id=str(writer_id)
        ).count(),
    }
    # Through JSON, as the restored side's is, so both compare alike.
    return json.loads(json.dumps(result, sort_keys=True, default=str))


def visit_link(token: str) -> dict[str, Any]:
    from django.test import Client

    page = Client().get(f"/p/{token}", follow=True)
    return {"status": page.status_code, "path": page.request["PATH_INFO"], "html": page.text}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    known_id, writer_id, token = sys.argv[1:4]
    found = snapshot(known_id, writer_id)
    print(json.dumps({"snapshot": found, "page": visit_link(token)}))


if __name__ == "__main__":
    main()
