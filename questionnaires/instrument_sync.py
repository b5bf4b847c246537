"""Keeps the database's instrument versions in step with the definition files shipped in
questionnaires/instruments/, so a fresh database can collect answers straight after migrate."""

from typing import Any


def sync_shipped_instruments_after_migrate(**kwargs: Any) -> None:
    from questionnaires import services

    services.sync_shipped_instruments(verbosity=kwargs.get("verbosity", 1))
