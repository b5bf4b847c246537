"""Errors raised by the scoring library. Both subclass ValueError so callers that only know
"bad input" can still catch them; the Django adapter turns them into form errors."""

from __future__ import annotations


class ScoringError(ValueError):
    """An answer set that cannot be scored. `item` names the offending item ("7"), context key
    ("interval") or overall-question id, so a form can put the message next to the right field."""

    def __init__(self, message: str, item: str | None = None) -> None:
        super().__init__(message)
        self.item = item

    def __reduce__(self) -> tuple[type[ScoringError], tuple[str, str | None]]:
        return (type(self), (str(self), self.item))


class DefinitionError(ValueError):
    """A definition file that must not be used. The message carries the file, the field path
    (e.g. `items[3].subscale`) and the problem, because the reader is whoever is importing a
    licensed file and needs to find the line to fix."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        super().__init__(f"{source}: {path or '(top level)'}: {problem}")
        self.source = source
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple[type[DefinitionError], tuple[str, str, str]]:
        return (type(self), (self.source, self.path, self.problem))
