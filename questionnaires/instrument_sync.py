"""Keeps the database's instrument versions in step with the definition files shipped with the
scoring library (scoring/instruments/), and its plan versions with the shipped questionnaire
plan, so a fresh database can collect answers straight after migrate."""

from typing import Any


def sync_shipped_instruments_after_migrate(**kwargs: Any) -> None:
    from questionnaires.services import instruments, plans

    instruments.sync_shipped_instruments(verbosity=kwargs.get("verbosity", 1))
    # The shipped questionnaire plan, likewise (scoring/plans/default.yaml).
    plans.sync_shipped_plan()
