"""docs/dtac.md is evidence for an assessor, so every pointer in it must lead somewhere: each
backticked repository path exists, and each `path::test_name` names a test defined in that
file. A command or setting in backticks (`manage.py audit_trail`, `RETENTION_…`) is not a path
and is not checked."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DTAC = ROOT / "docs" / "dtac.md"
BACKTICKED = re.compile(r"`([^`\s]+)`")
# A repository path: a folder ending in "/", or a name with a file suffix, or a dotted top-level
# folder such as ".ci/run"; optionally followed by "::test_name".
PATH = re.compile(
    r"^(?P<path>(?:[\w.-]+/)+|(?:[\w.-]+/)*[\w-]+\.\w+|\.[\w-]+/[\w.-]+)(?:::(?P<test>\w+))?$"
)


def pointers(text: str) -> list[tuple[str, str | None]]:
    found = []
    for token in BACKTICKED.findall(text):
        if match := PATH.match(token):
            found.append((match.group("path"), match.group("test")))
    return found


def broken(found: list[tuple[str, str | None]], root: Path) -> list[str]:
    problems = []
    for path, test in found:
        target = root / path
        if not target.exists():
            problems.append(f"`{path}` does not exist")
        elif test and not re.search(rf"^def {test}\(", target.read_text(encoding="utf-8"), re.M):
            problems.append(f"`{path}` defines no test `{test}`")
    return problems


def test_dtac_points_only_to_what_exists() -> None:
    found = pointers(DTAC.read_text(encoding="utf-8"))
    assert len(found) >= 20, f"expected the pack's many pointers, parsed {len(found)}"
    problems = broken(found, ROOT)
    assert not problems, "docs/dtac.md points to:\n" + "\n".join(problems)


def test_the_check_can_fail() -> None:
    # Built from pieces so that tests/test_requirement_ids.py does not find a dangling name here.
    nowhere = "docs/nowhere" + ".md"
    text = (
        "See `docs/security.md`, `tests/` and `tests/test_dtac_links.py::test_the_check_can_fail`,"
        f" but `{nowhere}`, `tests/test_dtac_links.py::test_missing`; not `manage.py purge`"
        " or `RETENTION_DAYS`."
    )
    found = pointers(text)
    assert found == [
        ("docs/security.md", None),
        ("tests/", None),
        ("tests/test_dtac_links.py", "test_the_check_can_fail"),
        (nowhere, None),
        ("tests/test_dtac_links.py", "test_missing"),
    ]
    assert broken(found, ROOT) == [
        f"`{nowhere}` does not exist",
        "`tests/test_dtac_links.py` defines no test `test_missing`",
    ]
