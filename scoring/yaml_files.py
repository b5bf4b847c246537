"""Reading a YAML file the scoring library ships or imports (definitions, plans): one place
for the read and the parse and their errors. Pure Python, no Django."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scoring.errors import DefinitionError


def read_yaml(path: str | Path, source: str) -> Any:
    """The parsed contents of `path`; a DefinitionError naming `source` when the file cannot be
    read or is not valid YAML."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(source, "", f"cannot read file ({exc.strerror})") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(source, "", f"not valid YAML ({exc})") from exc
