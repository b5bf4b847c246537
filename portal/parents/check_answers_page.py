"""The "Check your answers" summary: every answer with a Change link, skipped ones marked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from portal import languages
from questionnaires import about_you
from questionnaires.parent_steps import QUESTION_KINDS, Kind, ResponseSteps, Step
from questionnaires.summary.measures import answer_words

ABOUT_YOU_ANCHOR = "answers-about-you"


@dataclass
class Row:
    question: str
    answer: str
    change_url: str
    skipped: bool
    concern: bool = False
    # Definition wording (validated items, or ONS answers) and its language; our own
    # interface text ("About you" questions) is translated by the catalogue instead.
    validated: bool = False
    lang: str = ""


@dataclass
class Section:
    title: str
    # The section's id on the page, for the contents list's in-page links.
    anchor: str
    rows: list[Row] = field(default_factory=list)
    warning: str = ""
    # The language of a questionnaire's own title (from its definition version).
    lang: str = ""

    @property
    def skipped_count(self) -> int:
        return sum(row.skipped for row in self.rows)


def check_answers_sections(loaded: ResponseSteps, step_url: Callable[[str], str]) -> list[Section]:
    sections: list[Section] = []
    current: Section | None = None
    for step in loaded.steps:
        change = step_url(step.name) + "?return=check"
        if step.kind == Kind.EXPLAIN and step.definition is not None:
            current = Section(
                step.definition.explainer.title,
                f"answers-{step.definition.code}",
                lang=_other_language(step.definition.language),
            )
            sections.append(current)
        elif step.kind in QUESTION_KINDS and current is not None and step.definition:
            answer = loaded.answer_for(step)
            value = answer.value if answer else ""
            text = answer.text if answer else ""
            shown = " – ".join(
                part
                for part in (answer_words(step.definition, value) if value else "", text)
                if part
            )
            current.rows.append(
                Row(
                    step.question_text,
                    shown or gettext("Not answered"),
                    change,
                    skipped=not shown and step.kind == Kind.ITEM,
                    concern=bool(answer and answer.concern),
                    validated=True,
                    lang=_other_language(step.definition.language),
                )
            )
        elif step.kind == Kind.ABOUT_INTRO:
            current = Section(gettext("About you"), ABOUT_YOU_ANCHOR)
            sections.append(current)
        elif step.kind == Kind.ABOUT and current is not None and step.about is not None:
            value = loaded.response.about_you.get(step.about.field, "")
            current.rows.append(
                Row(
                    gettext(step.about.question),
                    about_answer(step, value) if value else gettext("Not answered"),
                    change,
                    skipped=False,
                    validated=step.about.field in ("ethnic_group", "ethnic_background")
                    and bool(value)
                    and value != about_you.PREFER_NOT_TO_SAY[0],
                )
            )
    for section, step in zip(
        (s for s in sections if s.anchor != ABOUT_YOU_ANCHOR),
        (s for s in loaded.steps if s.kind == Kind.EXPLAIN),
        strict=False,
    ):
        limit = _not_scored_after(step)
        if limit is not None and section.skipped_count > limit:
            section.warning = gettext(
                "You skipped %(count)s questions here. With more than %(limit)s skipped, we "
                "cannot work out a score. Answer some of them if you can."
            ) % {"count": section.skipped_count, "limit": limit}
    return sections


def about_answer(step: Step, value: str) -> str:
    """An "About you" answer in the page's language (ONS ethnic groups as published)."""
    assert step.about is not None
    label = about_you.label_for(step.about, value)
    standard = step.about.field in ("ethnic_group", "ethnic_background")
    return label if standard and value != about_you.PREFER_NOT_TO_SAY[0] else gettext(label)


def _other_language(language: str) -> str:
    """A questionnaire's language where it differs from the page's (items kept in English on a
    translated page are marked up as English), else nothing."""
    return "" if language == languages.current() else language


def _not_scored_after(step: Step) -> int | None:
    """How many skipped questions the instrument's missing-data rule allows before it cannot
    score (ASQ:SE-2's rule lives in its definition file)."""
    if step.definition is None:
        return None
    missing = step.definition.scoring.params.get("missing")
    if isinstance(missing, dict) and "max_missing" in missing:
        return int(missing["max_missing"])
    return None
