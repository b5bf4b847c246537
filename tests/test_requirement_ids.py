"""Every requirement ID (AZ-2, UX-7 …), hazard ID (HAZ-W3 …) and document the repository cites is
defined inside the repository: requirements in docs/requirements.md, hazards in
docs/clinical-safety.md, documents under docs/ or at the root, so a new maintainer can look each
one up."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "docs" / "requirements.md"
HAZARD_LOG = ROOT / "docs" / "clinical-safety.md"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".venv",
        "node_modules",
        "staticfiles",
        "test-artifacts",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".hypothesis",
        "__pycache__",
    }
)
SKIPPED_PATHS = frozenset({"static/build"})
SCANNED_SUFFIXES = frozenset(
    {".py", ".html", ".md", ".js", ".yaml", ".yml", ".toml", ".txt", ".scss", ".css"}
)
SCANNED_NAMES = frozenset({"Makefile"})
SCANNED_PATHS = frozenset({".ci/run"})

PREFIXES = (
    "DEP",
    "AUTH",
    "SES",
    "LINK",
    "AZ",
    "INJ",
    "DATA",
    "LOG",
    "MSG",
    "I18N",
    "GDPR",
    "RET",
    "SAR",
    "REC",
    "NHS",
    "UX",
    "PERF",
)
REQUIREMENT_ID = re.compile(r"\b(?:" + "|".join(PREFIXES) + r")-\d+\b")
HAZARD_ID = re.compile(r"\bHAZ-[A-Z]\d+\b")
# A definition line, not a mention: "- **AZ-2** Staff querysets …" in docs/requirements.md, a
# table row "| HAZ-W3 | Wrong person's answers … |" in docs/clinical-safety.md, a numbered
# "4. **One writer.** …" in docs/architecture.md.
REQUIREMENT_DEFINITION = re.compile(r"^- \*\*(" + REQUIREMENT_ID.pattern + r")\*\* \S")
HAZARD_DEFINITION = re.compile(r"^\| (" + HAZARD_ID.pattern + r") \| \S")
DECISION_DEFINITION = re.compile(r"^(\d+)\. \*\*\S")
DECISION_CITATION = re.compile(r"\barchitecture decision (\d+)\b", re.IGNORECASE)
# A cited document or module: "ux.md", "docs/instruments.md", "services.py", "selectors/scope.py"
# (not a pattern such as "*_views.py").
FILE_CITATION = re.compile(r"(?<![\w./*-])((?:[\w.-]+/)*[A-Za-z0-9][\w-]*\.(?:md|py))\b")

Citations = dict[str, list[str]]


def repository_files() -> Iterator[Path]:
    for directory, subdirectories, names in os.walk(ROOT):
        here = Path(directory).relative_to(ROOT)
        subdirectories[:] = [
            name
            for name in subdirectories
            if name not in SKIPPED_DIRS and (here / name).as_posix() not in SKIPPED_PATHS
        ]
        for name in names:
            path = here / name
            if (
                path.suffix in SCANNED_SUFFIXES
                or name in SCANNED_NAMES
                or path.as_posix() in SCANNED_PATHS
            ):
                yield path


def find_citations(pattern: re.Pattern[str], sources: Iterable[tuple[str, str]]) -> Citations:
    """Each match of `pattern` (its first group if it has one) → the "path:line"s citing it."""
    citations: Citations = defaultdict(list)
    for source, text in sources:
        for number, line in enumerate(text.splitlines(), start=1):
            for match in pattern.finditer(line):
                citations[match.group(match.lastindex or 0)].append(f"{source}:{number}")
    return dict(citations)


def find_definitions(pattern: re.Pattern[str], text: str) -> list[str]:
    return [match.group(1) for line in text.splitlines() if (match := pattern.match(line))]


def undefined(citations: Citations, defined: Iterable[str]) -> str:
    """One line per undefined ID with every place citing it; empty when all are defined."""
    missing = sorted(set(citations) - set(defined))
    return "\n".join(f"{name}: {', '.join(citations[name])}" for name in missing)


def resolves(cited: str, citing: str, paths: frozenset[str]) -> bool:
    """A document by name is under docs/ or at the root; a module by name is anywhere; a path is
    from the root, from the citing file, or the tail of a repository path."""
    if "/" in cited:
        return (
            (ROOT / cited).is_file()
            or (ROOT / citing).parent.joinpath(cited).is_file()
            or any(path.endswith("/" + cited) for path in paths)
        )
    if cited.endswith(".md"):
        return (ROOT / "docs" / cited).is_file() or (ROOT / cited).is_file()
    return any(path.rsplit("/", 1)[-1] == cited for path in paths)


_sources: list[tuple[str, str]] = []


def sources() -> list[tuple[str, str]]:
    if not _sources:
        for path in sorted(repository_files()):
            text = (ROOT / path).read_text(encoding="utf-8", errors="replace")
            _sources.append((path.as_posix(), text))
    return _sources


def requirement_definitions() -> list[str]:
    return find_definitions(REQUIREMENT_DEFINITION, REQUIREMENTS.read_text(encoding="utf-8"))


def hazard_definitions() -> list[str]:
    return find_definitions(HAZARD_DEFINITION, HAZARD_LOG.read_text(encoding="utf-8"))


def test_definitions_are_parsed_once_each() -> None:
    requirements = requirement_definitions()
    hazards = hazard_definitions()
    assert requirements, f"no '- **ID** …' definition lines found in {REQUIREMENTS}"
    assert hazards, f"no '| HAZ-… |' table rows found in {HAZARD_LOG}"
    prefixes = {name.rsplit("-", 1)[0] for name in requirements}
    assert prefixes == set(PREFIXES), "a prefix the scanner looks for has no definitions"
    for names in (requirements, hazards):
        duplicates = sorted({name for name in names if names.count(name) > 1})
        assert not duplicates, f"defined more than once: {duplicates}"


def test_every_cited_requirement_id_is_defined() -> None:
    report = undefined(find_citations(REQUIREMENT_ID, sources()), requirement_definitions())
    assert not report, f"requirement IDs cited but not defined in docs/requirements.md:\n{report}"


def test_every_cited_hazard_id_is_defined() -> None:
    report = undefined(find_citations(HAZARD_ID, sources()), hazard_definitions())
    assert not report, f"hazard IDs cited but not defined in docs/clinical-safety.md:\n{report}"


def test_every_cited_document_and_decision_exists() -> None:
    paths = frozenset(source for source, _ in sources())
    this_file = Path(__file__).resolve().relative_to(ROOT).as_posix()
    # This file names files as patterns and examples; it is the one source not checked for them.
    citations = find_citations(FILE_CITATION, [s for s in sources() if s[0] != this_file])
    missing = [
        f"{cited}: {place}"
        for cited, places in sorted(citations.items())
        for place in places
        if not resolves(cited, place.rsplit(":", 1)[0], paths)
    ]
    decisions = (
        find_definitions(DECISION_DEFINITION, ARCHITECTURE.read_text(encoding="utf-8"))
        if ARCHITECTURE.is_file()
        else []
    )
    report = undefined(find_citations(DECISION_CITATION, sources()), decisions)
    missing += [f"architecture decision {line}" for line in report.splitlines()]
    assert not missing, "cited files or decisions not in the repository:\n" + "\n".join(missing)


def test_the_checks_can_fail() -> None:
    # Built from pieces so that a search for the dangling name does not find this file.
    unknown_doc = "ux" + ".md"
    text = "\n".join(
        [
            "Scoped to the service (AZ-2); rate limits LINK-10, not LINK-1.",
            "Not IDs: ASQ:SE-2, XAZ-2, AZ-2b, HAZ-12.",
            f"Hazard HAZ-W3; see {unknown_doc} and docs/requirements.md.",
        ]
    )
    assert find_citations(REQUIREMENT_ID, [("a.py", text)]) == {
        "AZ-2": ["a.py:1"],
        "LINK-10": ["a.py:1"],
        "LINK-1": ["a.py:1"],
    }
    assert find_citations(HAZARD_ID, [("a.py", text)]) == {"HAZ-W3": ["a.py:3"]}
    assert undefined(find_citations(REQUIREMENT_ID, [("a.py", text)]), ["AZ-2", "LINK-1"]) == (
        "LINK-10: a.py:1"
    )
    files = find_citations(FILE_CITATION, [("a.py", text)])
    assert set(files) == {unknown_doc, "docs/requirements.md"}
    assert not resolves(unknown_doc, "a.py", frozenset())
    assert resolves("docs/requirements.md", "a.py", frozenset())
    definitions = "- **AZ-2** Staff querysets are scoped.\nSee AZ-3.\n  - **AZ-4** indented"
    assert find_definitions(REQUIREMENT_DEFINITION, definitions) == ["AZ-2"]
    assert find_definitions(HAZARD_DEFINITION, "| HAZ-W3 | Wrong person |\n| HAZ-W4 |") == [
        "HAZ-W3"
    ]
