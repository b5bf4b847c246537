"""The import rules and layer duties of docs/architecture.md, checked on the source itself:

- web (portal) → domain (questionnaires) → scoring, never back;
- outside the services package, services are imported as modules (one import style), and the
  package re-exports nothing;
- views never write: no model save/create/delete and no direct audit writes in portal/;
- reads have one home: no ORM manager (`Model.objects`) in portal/, and the clinical summary and
  the status vocabulary stay pure (no queries of their own)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WRITE_METHODS = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "update",
    "bulk_update",
    "update_or_create",
    "get_or_create",
}


def _sources(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """(line, module, names) for every import, including imports inside functions."""
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [alias.name for alias in node.names]


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def _imports_of(packages: tuple[str, ...], forbidden: str) -> list[str]:
    return [
        f"{_where(path, line)} imports {module}"
        for path in _sources(*packages)
        for line, module, _ in _imports(path)
        if module == forbidden or module.startswith(forbidden + ".")
    ]


def test_the_domain_and_scoring_never_import_the_web_layer() -> None:
    assert _imports_of(("questionnaires", "scoring"), "portal") == []


def test_scoring_never_imports_the_domain() -> None:
    assert _imports_of(("scoring",), "questionnaires") == []


def test_services_are_imported_one_way() -> None:
    """`from questionnaires.services import invitations`, then `invitations.issue_invitation`."""
    services = ROOT / "questionnaires" / "services"
    modules = {path.stem for path in services.glob("*.py")} - {"__init__"}
    found = []
    for path in _sources("portal", "questionnaires", "bench", "tests"):
        if path.is_relative_to(services):
            continue
        for line, module, names in _imports(path):
            if module.startswith("questionnaires.services."):
                found.append(f"{_where(path, line)}: from {module} import …")
            elif module == "questionnaires.services" and not set(names) <= modules:
                found.append(f"{_where(path, line)}: imports {sorted(set(names) - modules)}")
            elif module == "questionnaires" and "services" in names:
                found.append(f"{_where(path, line)}: from questionnaires import services")
    assert found == []


def test_the_services_package_re_exports_nothing() -> None:
    init = _tree(ROOT / "questionnaires" / "services" / "__init__.py")
    assert [node for node in init.body if isinstance(node, ast.Import | ast.ImportFrom)] == []


def _calls(path: Path) -> Iterator[tuple[int, ast.Call]]:
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Call):
            yield node.lineno, node


def test_views_never_write() -> None:
    found = []
    for path in _sources("portal"):
        if path.name == "settings.py":
            continue  # configuration, not a view
        for line, call in _calls(path):
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            owner = ast.unparse(func.value)
            # Sessions are the web layer's own state; dict.update() on a context is no write.
            is_queryset = "objects" in owner or isinstance(func.value, ast.Call)
            writes = func.attr in WRITE_METHODS and (func.attr != "update" or is_queryset)
            if writes and "session" not in owner:
                found.append(f"{_where(path, line)}: {ast.unparse(func)}()")
            if func.attr == "record" and owner.endswith("audit"):
                found.append(f"{_where(path, line)}: audit.record() (use audit.record_view)")
    assert found == []


@pytest.mark.parametrize(
    "package",
    ["portal", "questionnaires/summary", "questionnaires/statuses.py", "questionnaires/pdf"],
)
def test_reads_have_one_home(package: str) -> None:
    """Queries live in questionnaires/selectors (and the services that write); pages, PDFs,
    the clinical summary and the status vocabulary work on what was fetched."""
    target = ROOT / package
    paths = [target] if target.is_file() else sorted(target.rglob("*.py"))
    found = []
    for path in paths:
        nodes = list(ast.walk(_tree(path)))
        # `Model.objects.none()` (a form's empty starting choices) runs no query.
        empty = {
            id(node.value)
            for node in nodes
            if isinstance(node, ast.Attribute) and node.attr == "none"
        }
        found += [
            f"{_where(path, node.lineno)}: {ast.unparse(node)}"
            for node in nodes
            if isinstance(node, ast.Attribute) and node.attr == "objects" and id(node) not in empty
        ]
    assert found == []


def test_the_rules_see_the_code() -> None:
    """The scans above are not vacuous: they read real files and real imports."""
    portal_views = list((ROOT / "portal").rglob("*_views.py"))
    assert len(portal_views) >= 8
    assert any(m == "questionnaires.services" for _, m, _ in _imports(portal_views[0])) or any(
        m == "questionnaires.services" for p in portal_views for _, m, _ in _imports(p)
    )
    assert any(
        c.func.attr == "record_view"
        for p in portal_views
        for _, c in _calls(p)
        if isinstance(c.func, ast.Attribute)
    )
