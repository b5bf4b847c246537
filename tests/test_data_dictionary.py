"""GDPR-1: every stored field has a documented purpose. docs/data-protection.md has one section per
database table (a heading naming the table in backticks) with a markdown table whose rows start
with the field's name in backticks. These tests walk every installed model, ours and the
packages' (sessions, auth, axes, django-otp, admin, content types), and fail when a table or
field is missing from the page, or when the page describes one that no longer exists."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.db import models

DOC = Path(__file__).resolve().parent.parent / "docs" / "data-protection.md"
HEADING = re.compile(r"^#{2,4} `([a-z0-9_]+)`\s*$")
ROW = re.compile(r"^\| `([a-z0-9_]+)` \|(.*)\|\s*$")
COLUMNS = ("holds", "purpose", "basis", "retention")

Dictionary = dict[str, dict[str, list[str]]]


def parse(text: str) -> Dictionary:
    """Table name → field name → the row's other cells. A row before any table heading, or a
    field listed twice under one table, is an error in the page."""
    tables: Dictionary = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if heading := HEADING.match(line):
            current = heading.group(1)
            assert current not in tables, f"line {number}: table `{current}` described twice"
            tables[current] = {}
        elif row := ROW.match(line):
            assert current is not None, f"line {number}: a field row before any table heading"
            field = row.group(1)
            assert field not in tables[current], (
                f"line {number}: `{current}`.`{field}` described twice"
            )
            tables[current][field] = [cell.strip() for cell in row.group(2).split("|")]
    return tables


def stored_fields(model: type[models.Model]) -> list[str]:
    """The model's own columns (foreign keys included) and its many-to-many fields, whose rows
    live in auto-created through tables; reverse relations store nothing here."""
    meta = model._meta
    return [field.name for field in meta.concrete_fields] + [
        field.name for field in meta.many_to_many
    ]


def schema() -> Dictionary:
    """Every table Django manages for the project, with its stored fields. Auto-created through
    tables are covered by the many-to-many field on the model that declares it."""
    return {
        model._meta.db_table: {name: [] for name in stored_fields(model)}
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def missing(schema: Dictionary, documented: Dictionary) -> list[str]:
    found = []
    for table, fields in sorted(schema.items()):
        if table not in documented:
            found.append(f"table `{table}` (fields: {', '.join(fields)})")
            continue
        found += [f"`{table}`.`{field}`" for field in fields if field not in documented[table]]
    return found


def documented() -> Dictionary:
    return parse(DOC.read_text(encoding="utf-8"))


def test_the_project_tables_are_walked() -> None:
    tables = schema()
    # The walk reaches the packages' tables that hold personal data, not only ours.
    for table in (
        "questionnaires_answer",
        "questionnaires_auditevent",
        "questionnaires_ratelimitbucket",
        "django_session",
        "auth_group",
        "axes_accessattempt",
        "axes_accesslog",
        "otp_totp_totpdevice",
        "otp_static_staticdevice",
        "otp_static_statictoken",
    ):
        assert table in tables, f"{table} not found among the installed models"
    assert "family" in tables["questionnaires_episode"], "foreign keys are stored fields"
    assert "facilitators" in tables["questionnaires_parentgroup"], "many-to-many fields too"
    assert "episodes" not in tables["questionnaires_family"], "reverse relations store nothing"


def test_every_stored_field_is_in_the_data_dictionary() -> None:
    gaps = missing(schema(), documented())
    assert not gaps, (
        "docs/data-protection.md does not describe these stored tables or fields; add a row "
        "(holds, purpose, basis, retention) for each:\n" + "\n".join(gaps)
    )


def test_the_data_dictionary_lists_nothing_that_no_longer_exists() -> None:
    stale = missing(documented(), schema())
    assert not stale, (
        "docs/data-protection.md describes tables or fields the models no longer have; remove "
        "or rename them:\n" + "\n".join(stale)
    )


def test_every_row_says_what_why_on_what_basis_and_for_how_long() -> None:
    empty = [
        f"`{table}`.`{field}`: {len(cells)} cells {cells}, expected {', '.join(COLUMNS)}"
        for table, fields in documented().items()
        for field, cells in fields.items()
        if len(cells) != len(COLUMNS) or not all(cells)
    ]
    assert not empty, "rows with a missing or extra cell:\n" + "\n".join(empty)


def test_the_checks_can_fail() -> None:
    page = "\n".join(
        [
            "### `questionnaires_family`",
            "| field | holds | purpose | basis | retention |",
            "|---|---|---|---|---|",
            "| `label` | a label | finding it | care | clinical record |",
            "| `gone` | old | none | care | clinical record |",
        ]
    )
    parsed = parse(page)
    assert parsed == {
        "questionnaires_family": {
            "label": ["a label", "finding it", "care", "clinical record"],
            "gone": ["old", "none", "care", "clinical record"],
        }
    }
    real: Dictionary = {
        "questionnaires_family": {"label": [], "parent_name": []},
        "django_session": {},
    }
    assert missing(real, parsed) == [
        "table `django_session` (fields: )",
        "`questionnaires_family`.`parent_name`",
    ]
    assert missing(parsed, real) == ["`questionnaires_family`.`gone`"]
