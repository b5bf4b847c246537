"""Stored score flags move to the typed vocabulary's text form (scoring.flags).

Before, the ASQ:SE-2 rule stored a "yes" to an overall question as the question's bare id
("overall_1") and readers treated any unrecognised text as such a "yes". Now it is
"overall_yes:overall_1". Every other stored flag already had its final form. Only the ASQ:SE-2
rule ever wrote bare ids, so a bare text that is not a known kind is that rule's "yes"."""

from typing import Any

from django.db import migrations

# Frozen here: a migration must not change when the vocabulary grows later.
KNOWN_KINDS = {
    "demo_wording",
    "unverified_cutoffs",
    "not_scored",
    "prorated",
    "adjusted",
    "above_cutoff",
    "monitoring",
    "overall_yes",
    "concern",
    "concern_without_answer",
}


def _explicit(text: str) -> str:
    kind = text.partition(":")[0]
    return text if kind in KNOWN_KINDS else f"overall_yes:{text}"


def _implicit(text: str) -> str:
    kind, _, detail = text.partition(":")
    return detail if kind == "overall_yes" else text


def _rewrite(apps: Any, change: Any) -> None:
    ScoreRecord = apps.get_model("questionnaires", "ScoreRecord")
    for record in ScoreRecord.objects.filter(measure__instrument__code="asq_se2").iterator():
        flags = [change(text) for text in record.flags or []]
        result = dict(record.result)
        result["flags"] = [change(text) for text in result.get("flags") or []]
        if flags != record.flags or result != record.result:
            record.flags, record.result = flags, result
            record.save(update_fields=["flags", "result"])


def forwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, _explicit)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, _implicit)


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0003_loaf")]

    operations = [migrations.RunPython(forwards, backwards)]
