"""scoring/yaml_files.read_yaml: the one read-and-parse for definitions and plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.errors import DefinitionError
from scoring.yaml_files import read_yaml


def test_reads_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("code: X\nitems: [1, 2]\n", encoding="utf-8")
    assert read_yaml(path, "a.yaml") == {"code": "X", "items": [1, 2]}


def test_a_missing_file_and_bad_yaml_name_the_source(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="cannot read file") as missing:
        read_yaml(tmp_path / "none.yaml", "none.yaml")
    assert "none.yaml" in str(missing.value)
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="not valid YAML"):
        read_yaml(bad, "bad.yaml")
