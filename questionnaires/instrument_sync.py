"""Keeps the database's instrument versions in step with the definition files shipped with the
scoring library (scoring/instruments/), so a fresh database can collect answers straight after
migrate."""

from typing import Any


def sync_shipped_instruments_after_migrate(**kwargs: Any) -> None:
    from questionnaires.services import instruments

    instruments.sync_shipped_instruments(verbosity=kwargs.get("verbosity", 1))
