"""The parent's journey as named steps: consent, each questionnaire's explainer and questions,
"About you", and the check page. Every step's data lives in the database (DATA-1, DATA-2):
answers in Answer rows, consent and "About you" on the Response. The web layer's formtools
storage (portal.parents.wizard_storage) reads and writes steps through this module."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from questionnaires import about_you, scoring_adapter
from questionnaires.models import Answer, InstrumentVersion, Response, ResponseMeasure
from questionnaires.questions import questions_asked
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
    # Which questionnaire of how many this step belongs to (0 for steps outside them).
    measure_number: int = 0
    measure_count: int = 0
    about: about_you.AboutQuestion | None = None

    @property
    def answer_key(self) -> str:
        if self.item is not None:
            return str(self.item.number)
        if self.overall is not None:
            return self.overall.id
        return ""

    @property
    def question_text(self) -> str:
        if self.item is not None:
            return self.item.text
        return self.overall.text if self.overall is not None else ""

    @property
    def caption(self) -> str:
        """Above a question's heading, so a parent always knows how far they are through the
        whole journey: "Questionnaire 2 of 3 · question 5 of 14". With one questionnaire,
        "How you think about your baby – question 3 of 18"."""
        if self.kind not in QUESTION_KINDS or self.definition is None:
            return ""
        question = gettext("question %(number)s of %(count)s") % {
            "number": self.number,
            "count": self.count,
        }
        if self.measure_count > 1:
            return f"{self.questionnaire_caption} · {question}"
        return f"{self.definition.explainer.title} – {question}"

    @property
    def questionnaire_caption(self) -> str:
        """ "Questionnaire 2 of 3", above each questionnaire's explainer and questions."""
        if self.measure_count <= 1:
            return ""
        return gettext("Questionnaire %(number)s of %(count)s") % {
            "number": self.measure_number,
            "count": self.measure_count,
        }

    @property
    def title(self) -> str:
        """The page's title, so a screen reader hears where the parent is."""
        if self.kind in QUESTION_KINDS and self.definition is not None:
            question = gettext("Question %(number)s of %(count)s") % {
                "number": self.number,
                "count": self.count,
            }
            return f"{question} – {self.definition.explainer.title}"
        if self.kind == Kind.EXPLAIN and self.definition is not None:
            return self.definition.explainer.title
        if self.kind == Kind.ABOUT and self.about is not None:
            return gettext(self.about.question)
        return str(_FIXED_TITLES.get(self.kind, ""))


INFO_KINDS = frozenset({Kind.EXPLAIN, Kind.ABOUT_INTRO})
QUESTION_KINDS = frozenset({Kind.ITEM, Kind.OVERALL})
_FIXED_TITLES = {
    Kind.CONSENT: gettext_lazy("Do you agree to answer these questions?"),
    Kind.ABOUT_INTRO: gettext_lazy("About you"),
    Kind.CHECK: gettext_lazy("Check your answers"),
}


def plan_steps(response: Response, measures: list[ResponseMeasure]) -> list[Step]:
    # The welcome page comes before these; it creates the response when the parent starts.
    steps = [Step("consent", Kind.CONSENT)]
    for measure_number, measure in enumerate(measures, start=1):
        definition = scoring_adapter.definition_of(measure.instrument)
        code = measure.instrument.code
        asked = questions_asked(definition, measure.asq_interval)
        items, overall, count = asked.items, asked.overall, asked.count
        steps.append(
            Step(
                f"{code}-about",
                Kind.EXPLAIN,
                measure,
                definition,
                measure_number=measure_number,
                measure_count=len(measures),
            )
        )
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
                    measure_number=measure_number,
                    measure_count=len(measures),
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
                    measure_number=measure_number,
                    measure_count=len(measures),
                )
            )
    steps.append(Step("about-you", Kind.ABOUT_INTRO))
    steps.append(Step("about-ethnic-group", Kind.ABOUT, about=about_you.ETHNIC_GROUP))
    group = response.about_you.get("ethnic_group")
    if group in about_you.ETHNIC_GROUPS:
        steps.append(
            Step("about-ethnic-background", Kind.ABOUT, about=about_you.ethnic_background(group))
        )
    for about in about_you.FIXED_QUESTIONS:
        steps.append(Step(f"about-{about.field.replace('_', '-')}", Kind.ABOUT, about=about))
    steps.append(Step("check", Kind.CHECK))
    return steps


_MEASURE_FIELDS = ("id", "response_id", "instrument_id", "position", "asq_interval")
# Everything but the definition itself: the parsed definition comes from the in-process cache
# keyed by (id, fingerprint) (scoring_adapter.definition_of), so its JSON is never fetched here.
_INSTRUMENT_FIELDS = (
    "id",
    "code",
    "version",
    "name",
    "sha256",
    "source",
    "is_demo",
    "has_unverified_numbers",
    "is_current",
)
_ANSWER_FIELDS = ("id", "measure_id", "item", "value", "concern", "text", "answered_at")


def measures_with_answers(
    response: Response,
) -> tuple[list[ResponseMeasure], dict[tuple[int, str], Answer]]:
    """A response's questionnaires, their instrument versions and saved answers in ONE query
    (a LEFT JOIN through the answers), built into model instances as select_related and
    prefetch_related would have built them: `measure.answers.all()` needs no query."""
    columns = (
        *_MEASURE_FIELDS,
        *(f"instrument__{name}" for name in _INSTRUMENT_FIELDS),
        *(f"answers__{name}" for name in _ANSWER_FIELDS),
    )
    rows = (
        ResponseMeasure.objects.filter(response=response)
        .order_by("position", "answers__id")
        .values_list(*columns)
    )
    db = ResponseMeasure.objects.db
    n_measure, n_instrument = len(_MEASURE_FIELDS), len(_INSTRUMENT_FIELDS)
    measures: dict[int, ResponseMeasure] = {}
    answers: dict[tuple[int, str], Answer] = {}
    for row in rows:
        measure = measures.get(row[0])
        if measure is None:
            measure = ResponseMeasure.from_db(db, list(_MEASURE_FIELDS), row[:n_measure])
            instrument_row = row[n_measure : n_measure + n_instrument]
            measure.instrument = InstrumentVersion.from_db(
                db, list(_INSTRUMENT_FIELDS), instrument_row
            )
            measure.response = response
            prefetched = Answer.objects.none()
            prefetched._result_cache = []
            prefetched._prefetch_done = True  # type: ignore[attr-defined]  # as prefetch sets it
            measure._prefetched_objects_cache = {"answers": prefetched}  # type: ignore[attr-defined]
            measures[row[0]] = measure
        answer_row = row[n_measure + n_instrument :]
        if answer_row[0] is not None:
            answer = Answer.from_db(db, list(_ANSWER_FIELDS), answer_row)
            answer.measure = measure
            prefetched_answers = measure._prefetched_objects_cache["answers"]  # type: ignore[attr-defined]
            prefetched_answers._result_cache.append(answer)
            answers[(measure.pk, answer.item)] = answer
    return list(measures.values()), answers


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
        self.measures, self.answers = measures_with_answers(self.response)
        self.plan()

    def plan(self) -> None:
        self.steps = plan_steps(self.response, self.measures)
        self.by_name = {step.name: step for step in self.steps}

    def remember(self, answer: Answer) -> None:
        """After saving one answer: the steps cannot have changed, so the saved answer is put
        where the next read looks for it instead of loading everything again."""
        self.answers[(answer.measure_id, answer.item)] = answer
        for measure in self.measures:
            if measure.pk == answer.measure_id:
                cached = measure._prefetched_objects_cache["answers"]._result_cache  # type: ignore[attr-defined]
                cached[:] = [row for row in cached if row.item != answer.item] + [answer]

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
