"""A service imports its own questionnaire plan (manage.py import_plan): validated first, stored
as a new current version with an audit event, the old kept; new links follow it and name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from questionnaires.models import AuditEvent, PlanVersion, Service, Timepoint
from questionnaires.services import invitations, plans
from scoring.plans import DEFAULT_PLAN_PATH
from tests.questionnaires import factories


def _plan_file(tmp_path: Path, version: str, **changes: Any) -> Path:
    data = yaml.safe_load(DEFAULT_PLAN_PATH.read_text(encoding="utf-8"))
    data["plan"], data["version"] = "riverside", version
    data.update(changes)
    path = tmp_path / f"plan-{version}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_the_shipped_plan_is_stored_and_current_after_migrate(db: None) -> None:
    current = PlanVersion.objects.get(is_current=True)
    assert (current.name, current.version, current.source) == ("default", "2026.1", "default.yaml")
    # Storing again adds nothing, and never replaces an imported plan.
    assert plans.sync_shipped_plan() is None


def test_an_imported_plan_becomes_current_and_new_links_follow_it(
    service: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load(DEFAULT_PLAN_PATH.read_text(encoding="utf-8"))
    # This service asks only PRFQ after the birth, under a year.
    band = data["programmes"]["psychotherapy"][1]
    band["left_out"].append({"code": "mors_sf", "reason": "MORS-SF is not used here."})
    band["measures"] = [band["measures"][0]]
    path = _plan_file(tmp_path, "2027.1", programmes=data["programmes"])

    call_command("import_plan", str(path))
    assert "imported: plan riverside version 2027.1 (now current)" in capsys.readouterr().out
    assert PlanVersion.objects.get(is_current=True).version == "2027.1"
    assert PlanVersion.objects.filter(version="2026.1").exists()  # the old one is kept
    assert AuditEvent.objects.filter(action="plan.imported").count() == 1

    episode = factories.episode(service, infant_age_days=100)
    invitation = invitations.issue_invitation(episode, Timepoint.T1).invitation
    assert invitation.instruments == ["prfq"]
    assert invitation.plan_version == "2027.1"
    assert "MORS-SF is not used here." in invitation.instrument_notes
    # The shipped plan stays stored but does not take over again.
    assert plans.sync_shipped_plan() is None
    assert PlanVersion.objects.get(is_current=True).version == "2027.1"


def test_a_bad_plan_is_refused_with_a_clear_message_and_nothing_stored(
    db: None, tmp_path: Path
) -> None:
    path = _plan_file(tmp_path, "2027.2", postnatal_baseline={"from_weeks": 8, "to_weeks": 6})
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path))
    assert str(refused.value) == (
        "Not imported: plan-2027.2.yaml: postnatal_baseline.to_weeks: must not be before from_weeks"
    )
    with pytest.raises(CommandError, match="postnatal_baseline.to_weeks: must not be before"):
        call_command("import_plan", "--check", str(path))
    assert not PlanVersion.objects.filter(version="2027.2").exists()


def test_check_only_validates_and_the_same_version_is_not_imported_twice(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _plan_file(tmp_path, "2027.3")
    call_command("import_plan", "--check", str(path))
    assert "valid: plan riverside version 2027.3" in capsys.readouterr().out
    assert not PlanVersion.objects.filter(version="2027.3").exists()
    call_command("import_plan", str(path))
    with pytest.raises(CommandError, match="Plan version 2027.3 is already imported."):
        call_command("import_plan", str(path))
    changed = _plan_file(tmp_path, "2027.3", notes="changed")
    with pytest.raises(CommandError, match="already exists with different content"):
        call_command("import_plan", str(changed))
