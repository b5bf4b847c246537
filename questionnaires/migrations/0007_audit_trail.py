"""LOG-1 and LOG-3: the audit trail carries its service, the family it is about and hashed
session and client identifiers, and becomes append-only.

Existing events are given their service and family from their actor and their record, before
the PostgreSQL trigger that refuses UPDATE and DELETE on the table is installed. A later
migration that really must change rows has to drop the trigger first and say why.

Written beside 0006 (rate-limit windows), which touches another table; it follows 0006 so
the graph has one leaf."""

import uuid
from collections import defaultdict
from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "questionnaires_auditevent"
FUNCTION = "questionnaires_auditevent_append_only"

INSTALL_TRIGGER = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on {TABLE} is refused (LOG-3)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {FUNCTION} ON {TABLE};
CREATE TRIGGER {FUNCTION}
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

REMOVE_TRIGGER = f"""
DROP TRIGGER IF EXISTS {FUNCTION} ON {TABLE};
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL_TRIGGER, params=None)


def remove_trigger(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE_TRIGGER, params=None)


# How each audited record reaches its family (and the family its service), or its service.
FAMILY_LOOKUPS = {
    "questionnaires.Family": "",
    "questionnaires.Episode": "family__",
    "questionnaires.Invitation": "episode__family__",
    "questionnaires.Response": "invitation__episode__family__",
    "questionnaires.LoafRating": "episode__family__",
    "questionnaires.GroupParticipant": "family__",
    "questionnaires.MatchReview": "invitation__episode__family__",
}
SERVICE_LOOKUPS = {
    "questionnaires.ParentGroup": "service_id",
    "questionnaires.GroupCollection": "group__service_id",
    "questionnaires.StaffUser": "service_id",
    "questionnaires.Service": "pk",
}


def _uuids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def backfill_owners(apps: Any, schema_editor: Any) -> None:
    """Each existing event's service and family, from its record (if it still exists), else
    its actor's service. Historical models: the app's append-only guards are not in play."""
    AuditEvent = apps.get_model("questionnaires", "AuditEvent")
    rows = list(AuditEvent.objects.values_list("pk", "object_type", "object_id", "actor__service"))
    ids_by_type: dict[str, list[str]] = defaultdict(list)
    for _, object_type, object_id, _ in rows:
        ids_by_type[object_type].append(object_id)
    owners: dict[tuple[str, str], tuple[Any, Any]] = {}
    for object_type, ids in ids_by_type.items():
        if object_type not in FAMILY_LOOKUPS and object_type not in SERVICE_LOOKUPS:
            continue
        app_label, model_name = object_type.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        keys = _uuids(ids) if model._meta.pk.get_internal_type() == "UUIDField" else ids
        if object_type in FAMILY_LOOKUPS:
            prefix = FAMILY_LOOKUPS[object_type]
            values = model.objects.filter(pk__in=keys).values_list(
                "pk", f"{prefix}service_id", f"{prefix}pk" if prefix else "pk"
            )
            for pk, service_id, family_id in values:
                owners[(object_type, str(pk))] = (service_id, family_id)
        else:
            lookup = SERVICE_LOOKUPS[object_type]
            for pk, service_id in model.objects.filter(pk__in=keys).values_list("pk", lookup):
                owners[(object_type, str(pk))] = (service_id, None)
    grouped: dict[tuple[Any, Any], list[Any]] = defaultdict(list)
    for pk, object_type, object_id, actor_service in rows:
        service_id, family_id = owners.get((object_type, object_id), (None, None))
        grouped[(service_id or actor_service, family_id)].append(pk)
    for (service_id, family_id), pks in grouped.items():
        if service_id is None and family_id is None:
            continue
        AuditEvent.objects.filter(pk__in=pks).update(service_id=service_id, family_id=family_id)


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0006_rate_limit_window"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="client_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="session_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="coalesce_key",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="family",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="questionnaires.family",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="service",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="questionnaires.service",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["service", "-at"], name="audit_service_at"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ),
        migrations.RunPython(backfill_owners, migrations.RunPython.noop),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
