"""RET-1: the audit trail's trigger lets the retention purge delete events older than eight
years (2,922 days, settings.AUDIT_MINIMUM_DAYS), and nothing younger; UPDATE is still refused
always. The age is judged by the database's own clock, so an application with a wrong clock or a
wrong setting still cannot delete a recent event. Reversing restores 0007's function (no
DELETE at all)."""

from typing import Any

from django.db import migrations

TABLE = "questionnaires_auditevent"
FUNCTION = "questionnaires_auditevent_append_only"
MINIMUM_DAYS = 2922  # settings.AUDIT_MINIMUM_DAYS when this was written; the floor is fixed here

WITH_RETENTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{MINIMUM_DAYS} days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % on {TABLE} is refused (LOG-3)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on {TABLE} is refused (LOG-3)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def allow_expired_deletes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WITH_RETENTION, params=None)


def refuse_all_deletes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0009_episode_baseline"),
    ]

    operations = [
        migrations.RunPython(allow_expired_deletes, refuse_all_deletes),
    ]
