"""The parent's journey as named steps, and the formtools storage that keeps every step's data
in the database rather than the session (DATA-1, DATA-2): answers live in Answer rows, consent
and "About you" on the Response; only the current step (navigation) lives in the session."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from formtools.wizard.storage.base import BaseStorage

from questionnaires import about_you, scores, services
from questionnaires.models import Answer, Response, ResponseMeasure
from scoring.definitions import Definition, Item, OverallQuestion


class Kind(StrEnum):
    CONSENT = "consent"
    EXPLAIN = "explain"
    ITEM = "item"
    OVERALL = "overall"
    ABOUT_INTRO = "about_intro"
    ABOUT = "about"
    CHECK = "check"


@dataclass(frozen=True)
class Step:
    name: str
    kind: Kind
    measure: ResponseMeasure | None = None
    definition: Definition | None = None
    item: Item | None = None
    overall: OverallQuestion | None = None
    number: int = 0
    count: int = 0
    about: about_you.AboutQuestion | None = None

    @property
    def answer_key(self) -> str:
        if self.item is not None:
            return str(self.item.number)
        if self.overall is not None:
            return self.overall.id
        return ""


INFO_KINDS = {Kind.EXPLAIN, Kind.ABOUT_INTRO}


def measure_questions(
    measure: ResponseMeasure, definition: Definition
) -> tuple[list[Item], list[OverallQuestion]]:
    if measure.asq_interval is not None:
        interval = definition.interval(measure.asq_interval)
        if interval is None:
            return [], []
        return list(interval.items), list(interval.overall)
    return list(definition.items), []


def plan_steps(response: Response, measures: list[ResponseMeasure]) -> list[Step]:
    # The welcome page comes before these; it creates the response when the parent starts.
    steps = [Step("consent", Kind.CONSENT)]
    for measure in measures:
        definition = scores.definition_of(measure.instrument)
        code = measure.instrument.code
        items, overall = measure_questions(measure, definition)
        count = len(items) + len(overall)
        steps.append(Step(f"{code}-about", Kind.EXPLAIN, measure, definition))
        for number, item in enumerate(items, start=1):
            steps.append(
                Step(
                    f"{code}-{item.number}",
                    Kind.ITEM,
                    measure,
                    definition,
                    item=item,
                    number=number,
                    count=count,
                )
            )
        for number, question in enumerate(overall, start=len(items) + 1):
            steps.append(
                Step(
                    f"{code}-{question.id}",
                    Kind.OVERALL,
                    measure,
                    definition,
                    overall=question,
                    number=number,
                    count=count,
                )
            )
    steps.append(Step("about-you", Kind.ABOUT_INTRO))
    steps.append(Step("about-ethnic-group", Kind.ABOUT, about=about_you.ETHNIC_GROUP))
    group = response.about_you.get("ethnic_group")
    if group in about_you.ETHNIC_GROUPS:
        steps.append(
            Step("about-ethnic-background", Kind.ABOUT, about=about_you.ethnic_background(group))
        )
    for question in about_you.FIXED_QUESTIONS:
        steps.append(Step(f"about-{question.field.replace('_', '-')}", Kind.ABOUT, about=question))
    steps.append(Step("check", Kind.CHECK))
    return steps


class ResponseSteps:
    """Everything one request needs about a response's steps, loaded with a few queries."""

    def __init__(self, response: Response) -> None:
        self.response = response
        self.load()

    def reload(self) -> None:
        """After a save: the answers, and possibly the steps (a new ethnic group), changed."""
        self.response.refresh_from_db()
        self.load()

    def load(self) -> None:
        response = self.response
        self.measures = list(
            response.measures.select_related("instrument").prefetch_related("answers")
        )
        self.answers: dict[tuple[int, str], Answer] = {
            (answer.measure_id, answer.item): answer
            for measure in self.measures
            for answer in measure.answers.all()
        }
        self.steps = plan_steps(response, self.measures)
        self.by_name = {step.name: step for step in self.steps}

    def answer_for(self, step: Step) -> Answer | None:
        if step.measure is None:
            return None
        return self.answers.get((step.measure.pk, step.answer_key))

    def has_data(self, step: Step) -> bool:
        return self.step_data(step) is not None

    def step_data(self, step: Step) -> dict[str, Any] | None:
        """The step's saved data as the form would have posted it (without prefix)."""
        response = self.response
        if step.kind in INFO_KINDS:
            return {} if step.name in response.seen_steps else None
        if step.kind == Kind.CONSENT:
            if response.consent_given is None:
                return None
            return {"consent": "yes" if response.consent_given else "no"}
        if step.kind in (Kind.ITEM, Kind.OVERALL):
            answer = self.answer_for(step)
            if answer is None:
                return None
            if not answer.value and not answer.text:
                data: dict[str, Any] = {"skip": "1"}
            else:
                data = {"answer": answer.value, "text": answer.text}
            if answer.concern:
                data["concern"] = "on"
            return data
        if step.kind == Kind.ABOUT:
            assert step.about is not None
            value = response.about_you.get(step.about.field)
            return None if value is None else {"answer": value}
        # The check page has nothing to save; sending is guarded by the view (POST only).
        return {}

    def first_step_without_data(self) -> Step:
        for step in self.steps:
            if step.kind == Kind.CHECK or not self.has_data(step):
                return step
        return self.steps[-1]


class DatabaseStorage(BaseStorage):
    """formtools storage over the database. `request.parent_steps` is set by the view."""

    session_key = "parent_current_step"

    def __init__(self, prefix: str, request: HttpRequest | None = None, file_storage: Any = None):
        super().__init__(prefix, request, file_storage)
        assert request is not None
        self.loaded: ResponseSteps = request.parent_steps  # type: ignore[attr-defined]
        self.data = {self.extra_data_key: {}, self.step_files_key: {}}

    def init_data(self) -> None:
        self.data = {self.extra_data_key: {}, self.step_files_key: {}}

    def reset(self) -> None:
        # Saved answers are never thrown away; only the navigation position is forgotten.
        self.request.session.pop(self.session_key, None)

    def _get_current_step(self) -> str | None:
        return self.request.session.get(self.session_key)

    def _set_current_step(self, step: str | None) -> None:
        self.request.session[self.session_key] = step

    def get_step_data(self, step: str) -> MultiValueDict[str, Any] | None:
        found = self.loaded.by_name.get(step)
        data = self.loaded.step_data(found) if found else None
        if data is None:
            return None
        return MultiValueDict({f"{step}-{key}": [value] for key, value in data.items()})

    def set_step_data(self, step: str, cleaned_data: Any) -> None:
        found = self.loaded.by_name.get(step)
        if found is None or found.kind == Kind.CHECK or not isinstance(cleaned_data, dict):
            return  # the check page saves nothing; sending is the view's job
        save_step(self.loaded.response, found, cleaned_data)
        # Once, here, after every save: answers, status (declined) and even the step list
        # (a new ethnic group) may have changed, and the view reads them next.
        self.loaded.reload()

    def get_step_files(self, step: str) -> None:
        return None

    def set_step_files(self, step: str, files: Any) -> None:
        return None

    def update_response(self, response: Any) -> None:
        return None


def save_step(response: Response, step: Step, cleaned: dict[str, Any]) -> None:
    """Write one step's validated data through the services (the only writers)."""
    if step.kind in INFO_KINDS:
        services.mark_step_seen(response, step.name)
    elif step.kind == Kind.CONSENT:
        services.record_consent(response, cleaned["consent"] == "yes")
    elif step.kind in (Kind.ITEM, Kind.OVERALL):
        assert step.measure is not None
        services.save_answer(
            step.measure,
            step.answer_key,
            value=cleaned.get("answer") or "",
            concern=bool(cleaned.get("concern")),
            text=cleaned.get("text") or "",
        )
    elif step.kind == Kind.ABOUT:
        assert step.about is not None
        services.save_about_you(response, step.about.field, cleaned["answer"])
