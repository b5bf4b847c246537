"""Which questions a questionnaire asks: the one rule the parent's steps, scoring and the
clinical summary all follow. ASQ:SE-2 asks the items and overall questions of its age interval;
every other measure asks all its items."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.definitions import Definition, Interval, Item, OverallQuestion


@dataclass(frozen=True)
class Questions:
    interval: Interval | None
    items: tuple[Item, ...]
    overall: tuple[OverallQuestion, ...]

    @property
    def count(self) -> int:
        return len(self.items) + len(self.overall)

    @property
    def overall_ids(self) -> frozenset[str]:
        return frozenset(question.id for question in self.overall)


def questions_asked(definition: Definition, asq_interval: int | None) -> Questions:
    if asq_interval is None:
        return Questions(None, tuple(definition.items), ())
    interval = definition.interval(asq_interval)
    if interval is None:
        # An interval the definition does not have (a newer import dropped it): nothing to ask.
        return Questions(None, (), ())
    return Questions(interval, tuple(interval.items), tuple(interval.overall))
