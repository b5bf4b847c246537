"""Look-ups about families that forms and services share."""

from __future__ import annotations

from questionnaires.models import Service


def label_is_taken(service: Service, label: str) -> bool:
    # Case-blind, so "rv-0042" cannot sit beside "RV-0042" and be mistaken for it.
    return service.families.filter(label__iexact=label).exists()
