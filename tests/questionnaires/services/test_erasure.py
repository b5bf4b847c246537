"""SAR-3, SAR-1: erasing a family removes its rows from every table with a foreign-key path to a
family, found by walking Django's model registry (so a new table with such a path fails here
until `selectors.family_data` covers it), leaves another family untouched, and leaves one audit
event without personal data."""

from __future__ import annotations

import json
import uuid

import pytest
from django.apps import apps
from django.db import models

from questionnaires.models import AuditEvent, Family, MatchStatus, StaffUser
from questionnaires.selectors.family_data import family_rows
from questionnaires.services import erasure
from tests.questionnaires.whole_family import WholeFamily, whole_family

pytestmark = pytest.mark.django_db

# Audit events name a family by a plain id and are append-only (LOG-3): they hold no personal
# data and stay after an erasure (docs/security.md, "Subject access, correction and erasure").
KEPT = {AuditEvent}


def _paths_to_family(
    model: type[models.Model], seen: tuple[type[models.Model], ...] = ()
) -> list[str]:
    """Every chain of forward foreign keys (and one-to-ones) from `model` to Family, as ORM
    look-ups ending in the family's id."""
    if model is Family:
        return ["pk"]
    found = []
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        target = field.related_model
        if not isinstance(target, type) or target in seen or target is model:
            continue
        for rest in _paths_to_family(target, (*seen, model)):
            found.append(f"{field.name}__{rest}")
    return found


PATHS = {
    model: paths
    for model in apps.get_models()
    if model not in KEPT and (paths := _paths_to_family(model))
}


def _rows_of(family_id: uuid.UUID) -> dict[str, set[object]]:
    """Every row, per model, that has any path to the family."""
    rows: dict[str, set[object]] = {}
    for model, paths in PATHS.items():
        query = models.Q()
        for path in paths:
            query |= models.Q(**{path: family_id})
        rows[model._meta.label] = set(
            model._default_manager.filter(query).values_list("pk", flat=True)
        )
    return rows


@pytest.fixture
def family(clinician: StaffUser) -> WholeFamily:
    return whole_family(clinician)


def test_the_registry_walk_finds_the_tables_we_know(family: WholeFamily) -> None:
    """The walk itself works: the known tables are all found (so an empty walk cannot pass)."""
    labels = {model._meta.label for model in PATHS}
    assert {
        "questionnaires.Family",
        "questionnaires.Episode",
        "questionnaires.Invitation",
        "questionnaires.Response",
        "questionnaires.ResponseMeasure",
        "questionnaires.Answer",
        "questionnaires.ScoreRecord",
        "questionnaires.LoafRating",
        "questionnaires.GroupParticipant",
        "questionnaires.MatchReview",
    } <= labels


def test_the_whole_family_touches_every_table_with_a_path_to_a_family(
    family: WholeFamily,
) -> None:
    """So the erasure test below tries every table; a new table fails here until the builder
    (tests/questionnaires/whole_family.py) puts a row in it."""
    rows = _rows_of(family.family.pk)
    assert [label for label, ids in rows.items() if not ids] == []


def test_erasure_removes_every_row_about_the_family_in_every_table(
    family: WholeFamily, clinician: StaffUser
) -> None:
    other = whole_family(clinician, nickname="Alex")
    before_other = _rows_of(other.family.pk)
    counts = erasure.erase_family(family.family, erasure.ErasureReason.PARENT_ASKED, clinician)
    left = {label: ids for label, ids in _rows_of(family.family.pk).items() if ids}
    assert left == {}
    assert _rows_of(other.family.pk) == before_other  # another family is untouched
    assert counts["answers"] > 0 and counts["families"] == 1 and counts["score_records"] > 0
    assert counts["match_reviews"] == 1 and counts["loaf_ratings"] == 1


def test_another_familys_answers_that_only_proposed_this_parent_go_back_to_the_queue(
    family: WholeFamily, clinician: StaffUser
) -> None:
    erasure.erase_family(family.family, erasure.ErasureReason.PARENT_ASKED, clinician)
    family.waiting.refresh_from_db()
    assert family.waiting.proposed_id is None
    assert family.waiting.status == MatchStatus.UNMATCHED


def test_the_tombstone_holds_counts_and_a_reason_code_only(
    family: WholeFamily, clinician: StaffUser
) -> None:
    fam = family.family
    trail_before = AuditEvent.objects.filter(family_id=fam.pk).count()
    counts = erasure.erase_family(fam, erasure.ErasureReason.CONSENT_WITHDRAWN, clinician)
    tombstone = AuditEvent.objects.get(action="family.erased")
    assert tombstone.family_id == fam.pk and tombstone.service_id == fam.service_id
    assert tombstone.detail["reason"] == "consent_withdrawn"
    assert tombstone.detail["rows"] == counts
    text = json.dumps(tombstone.detail)
    for personal in (fam.label, fam.parent_name, str(fam.infant_dob), "Sam"):
        assert personal not in text
    # The trail stays (append-only), one event longer.
    assert AuditEvent.objects.filter(family_id=fam.pk).count() == trail_before + 1


def test_an_unknown_reason_erases_nothing(family: WholeFamily, clinician: StaffUser) -> None:
    with pytest.raises(erasure.ErasureRefused):
        erasure.erase_family(family.family, "because", clinician)
    assert Family.objects.filter(pk=family.family.pk).exists()
    assert not AuditEvent.objects.filter(action="family.erased").exists()


def test_the_selector_lists_every_table_the_walk_finds(family: WholeFamily) -> None:
    """One concept in one place: subject access and erasure read the same list."""
    rows = family_rows(family.family.pk)
    covered = {queryset.model for _, queryset in rows.erasable()}
    assert set(PATHS) <= covered
