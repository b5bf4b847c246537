"""The interface catalogues (locale/*/LC_MESSAGES/django.po) compiled for a test run, so tests
need no `make` step first. `make setup` compiles them with msgfmt --check too; a catalogue that
cannot be parsed fails the run here (I18N-8), never a parent's page."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogue_paths() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compile_catalogues() -> None:
    for po_path in catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        catalogue = polib.pofile(str(po_path))
        # Written beside and renamed, so parallel test workers never read half a file.
        handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        os.close(handle)
        catalogue.save_as_mofile(temporary)
        os.replace(temporary, mo_path)
