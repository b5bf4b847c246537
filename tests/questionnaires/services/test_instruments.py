"""A service imports its licensed definition as a new version; earlier versions stay, and responses
keep the version they were collected with."""

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from questionnaires.models import AuditEvent, InstrumentVersion, Service
from scoring.definitions import shipped_paths
from tests.questionnaires import factories


def _licensed_copy(tmp_path: Path, version: str = "2027.1-licensed") -> Path:
    data = yaml.safe_load(shipped_paths()["asq_se2"].read_text())
    data["version"] = version
    data["licence"]["wording_is_demo"] = False
    data["licence"]["demo"] = False
    data["intervals"][0]["items"][0]["text"] = "Licensed wording of item 1 (test fixture)"
    path = tmp_path / "asq_se2.licensed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_shipped_definitions_are_stored_after_migrate(db: None) -> None:
    current = {v.code: v for v in InstrumentVersion.objects.filter(is_current=True, language="en")}
    assert set(current) == {"prfq", "mors_sf", "asq_se2", "p_prfq"}
    assert current["p_prfq"].is_demo and current["p_prfq"].has_unverified_numbers
    assert current["asq_se2"].is_demo and current["asq_se2"].has_unverified_numbers
    assert current["mors_sf"].is_demo
    assert not current["prfq"].is_demo


def test_import_adds_a_current_version_and_keeps_the_old(
    service: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, old_response = factories.invited_response(service)
    old_asq = old_response.measures.get(instrument__code="asq_se2").instrument

    call_command("import_instrument", str(_licensed_copy(tmp_path)))
    assert "imported: asq_se2 version 2027.1-licensed (now current)" in capsys.readouterr().out

    versions = InstrumentVersion.objects.filter(code="asq_se2")
    assert versions.count() == 2
    new = versions.get(is_current=True)
    assert new.version == "2027.1-licensed" and not new.is_demo
    assert versions.get(pk=old_asq.pk).is_current is False
    # The earlier response still points at the demo version it was started with...
    assert old_response.measures.get(instrument__code="asq_se2").instrument_id == old_asq.pk
    # ...and a new response uses the licensed one.
    _, new_response = factories.invited_response(service)
    assert new_response.measures.get(instrument__code="asq_se2").instrument_id == new.pk
    assert AuditEvent.objects.filter(action="instrument.imported").count() == 1


def test_reimport_of_same_version_is_refused(db: None, tmp_path: Path) -> None:
    path = _licensed_copy(tmp_path)
    call_command("import_instrument", str(path))
    with pytest.raises(CommandError, match="already imported"):
        call_command("import_instrument", str(path))


def test_bad_file_names_the_file_field_and_problem(db: None, tmp_path: Path) -> None:
    data = yaml.safe_load(shipped_paths()["prfq"].read_text())
    data["version"] = "broken-1"
    data["items"][2]["subscale"] = "NOPE"
    path = tmp_path / "prfq.broken.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CommandError) as raised:
        call_command("import_instrument", str(path))
    message = str(raised.value)
    assert "prfq.broken.yaml" in message
    assert "items[2].subscale" in message
    assert InstrumentVersion.objects.filter(version="broken-1").count() == 0


def test_shipped_sync_never_replaces_an_imported_current_version(db: None, tmp_path: Path) -> None:
    from questionnaires.services import instruments

    call_command("import_instrument", str(_licensed_copy(tmp_path)))
    instruments.sync_shipped_instruments()
    assert InstrumentVersion.objects.get(code="asq_se2", is_current=True).version == (
        "2027.1-licensed"
    )
