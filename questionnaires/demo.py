"""Made-up demo data for `make run`, written through the services like real data. Seeded
randomness keeps every run the same."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from questionnaires import scoring_adapter
from questionnaires.models import (
    Family,
    GroupCollection,
    ParentGroup,
    Programme,
    Response,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.questions import questions_asked
from questionnaires.services import families, invitations, loaf_ratings, responses, together_time
from questionnaires.statuses import collection_is_open
from scoring.definitions import Item

OPEN_GROUP = "Tuesday Together Time (demo)"
PAST_GROUP = "Spring Together Time (demo)"
PAST_PARENTS = ["Amina", "Beth", "Chloe", "Dee", "Esra", "Fatima"]


def answer_and_send(response: Response, rng: random.Random, shift: int = 0) -> Response:
    """Consent, answer every question (a `shift` nudges the choice, so end answers can differ
    from start answers), and send."""
    responses.record_consent(response, True)
    for measure in response.measures.select_related("instrument"):
        definition = scoring_adapter.definition_of(measure.instrument)
        values = [str(option.value) for option in definition.options]
        asked = questions_asked(definition, measure.asq_interval)
        items, overall = asked.items, asked.overall
        for item in items:
            if item.key:
                # Most children mostly do what is expected: mostly no-concern answers (Z), a
                # few "sometimes" (V), rarely a concern (X), so the demo is not all red flags.
                letter = rng.choices("ZVX", weights=(80, 16, 4))[0]
                index = item.key.index(letter)
            else:
                index = min(len(values) - 1, max(0, rng.randrange(len(values)) + shift))
            responses.save_answer(measure, str(item.number), values[index])
        for question in overall:
            value = "yes" if question.kind == "yes_no" and rng.random() < 0.05 else ""
            if question.kind == "yes_no" and not value:
                value = "no"
            text = "" if question.kind == "yes_no" else "Bath time and songs"
            responses.save_answer(measure, question.id, value, text=text)
    return responses.submit_response(response)


def open_demo_group(service: Service, facilitator: StaffUser) -> GroupCollection:
    group = ParentGroup.objects.filter(service=service, name=OPEN_GROUP).first()
    if group is None:
        group = together_time.create_group(
            service,
            OPEN_GROUP,
            timezone.localdate(),
            8,
            "Riverside Children's Centre",
            facilitators=[facilitator],
            actor=facilitator,
        )
    # Reuse today's open start collection, so the printed room code stays the same all day.
    for collection in group.collections.filter(timepoint=Timepoint.T1, closed_at__isnull=True):
        if collection_is_open(collection):
            return collection
    return together_time.open_collection(group, Timepoint.T1, facilitator)


def past_demo_group(service: Service, facilitator: StaffUser) -> ParentGroup:
    """A finished group with start and end answers for every parent, for the outcome views."""
    group = ParentGroup.objects.filter(service=service, name=PAST_GROUP).first()
    if group is not None:
        return group
    rng = random.Random(2026)
    group = together_time.create_group(
        service,
        PAST_GROUP,
        timezone.localdate() - timedelta(weeks=10),
        8,
        "Hillside Family Hub",
        facilitators=[facilitator],
        actor=facilitator,
    )
    start = together_time.open_collection(group, Timepoint.T1, facilitator)
    born = [timezone.localdate() - timedelta(days=rng.randint(60, 300)) for _ in PAST_PARENTS]
    joined = [
        together_time.join_start(start, name, "mother", dob)
        for name, dob in zip(PAST_PARENTS, born, strict=True)
    ]
    for each in joined:
        answer_and_send(responses.open_response(each.invitation), rng)
    together_time.close_collection(start, facilitator)
    end = together_time.open_collection(group, Timepoint.T2, facilitator)
    for each in joined:
        invitation = together_time.return_for_end(end, each.participant)
        answer_and_send(responses.open_response(invitation), rng, shift=1)
    together_time.close_collection(end, facilitator)
    return group


# --- A caseload where every clinician-view state shows ----------------------------------

CASELOAD_FAMILIES = {
    # label: (parent's name, what the answers show)
    "DEMO-C01": ("Amara", "ASQ:SE-2 above cut-off at start, below it at end"),
    "DEMO-C02": ("Bea", "MORS-SF prorated at start (one Warmth question skipped)"),
    "DEMO-C03": ("Cleo", "ASQ:SE-2 not scored at start (too many questions skipped)"),
    "DEMO-C04": ("Dani", "an overall question answered yes at end, monitoring zone"),
}


def _asq_value(item: Item, letter: str) -> str:
    # A key's letters follow the options' order; pick the answer worth `letter` (Z=0, V=5, X=10).
    options = ("often_always", "sometimes", "rarely_never")
    return options[(item.key or "ZVX").index(letter)]


def _send_chosen(
    response: Response,
    choose: Callable[[str, Item], str],
    overall_yes: bool = False,
) -> Response:
    """Consent, answer each question with `choose(code, item)` ("" skips it), and send."""
    responses.record_consent(response, True)
    for measure in response.measures.select_related("instrument"):
        definition = scoring_adapter.definition_of(measure.instrument)
        asked = questions_asked(definition, measure.asq_interval)
        items, overall = asked.items, asked.overall
        for item in items:
            value = choose(measure.instrument.code, item)
            concern = bool(value) and measure.instrument.code == "asq_se2" and item.number == 2
            responses.save_answer(measure, str(item.number), value, concern=concern)
        for number, question in enumerate(overall):
            if question.kind == "yes_no":
                answer = "yes" if overall_yes and number == 0 else "no"
                responses.save_answer(measure, question.id, answer)
            else:
                responses.save_answer(measure, question.id, "", text="Bath time and songs")
    return responses.submit_response(response)


_Answers = tuple[Callable[[Item], str], set[tuple[str, int]], bool]


def _chooser(
    rng: random.Random, asq: Callable[[Item], str], skip: set[tuple[str, int]]
) -> Callable[[str, Item], str]:
    def choose(code: str, item: Item) -> str:
        if (code, item.number) in skip:
            return ""
        if code == "asq_se2":
            return asq(item)
        if code == "prfq":
            return str(rng.randint(2, 6))
        return str(rng.randint(1, 5) if item.subscale == "warmth" else rng.randint(0, 3))

    return choose


def demo_caseload(service: Service, clinician: StaffUser) -> list[str]:
    """Families with start (T1) and end (T2) answers across PRFQ, MORS-SF and ASQ:SE-2, one per
    state the clinician view must show. Idempotent: a family whose label exists is skipped.
    Returns the labels created."""
    rng = random.Random(6)
    today = timezone.localdate()
    created = []
    none: Callable[[Item], str] = lambda item: _asq_value(item, "Z")  # noqa: E731
    every: Callable[[Item], str] = lambda item: _asq_value(item, "V")  # noqa: E731

    def monitoring(item: Item) -> str:  # 7 x 5 = 35 points: the 6-month monitoring zone
        return _asq_value(item, "V" if item.number <= 7 else "Z")

    too_many = {("asq_se2", n) for n in range(1, 6)}
    # Per family, at T1 and T2: how ASQ:SE-2 is answered, which items are skipped, overall "yes".
    plans: dict[str, tuple[_Answers, _Answers]] = {
        "DEMO-C01": ((every, set(), False), (none, set(), False)),
        "DEMO-C02": ((none, {("mors_sf", 3)}, False), (none, set(), False)),
        "DEMO-C03": ((none, too_many, False), (monitoring, set(), False)),
        "DEMO-C04": ((none, set(), False), (monitoring, set(), True)),
    }
    for label, (name, _) in CASELOAD_FAMILIES.items():
        if Family.objects.filter(service=service, label=label).exists():
            continue
        family = families.register_family(
            service,
            label=label,
            parent_name=name,
            relationship="mother",
            infant_dob=today - timedelta(days=200),  # the 6-month ASQ:SE-2, and MORS-SF fits
            actor=clinician,
        )
        episode = families.open_episode(
            family, Programme.PSYCHOTHERAPY, today - timedelta(weeks=12), clinician
        )
        for timepoint, (asq, skip, yes) in zip(
            (Timepoint.T1, Timepoint.T2), plans[label], strict=True
        ):
            issued = invitations.issue_invitation(episode, timepoint, clinician)
            response = responses.open_response(issued.invitation)
            _send_chosen(response, _chooser(rng, asq, skip), overall_yes=yes)
        if label == "DEMO-C01":
            loaf_ratings.record_loaf(
                episode, Timepoint.T1, "A", 3, today - timedelta(weeks=12), clinician, name
            )
            loaf_ratings.record_loaf(episode, Timepoint.T2, "A", 2, today, clinician, name)
            loaf_ratings.record_loaf(
                episode, Timepoint.T1, "B", 2, today - timedelta(weeks=12), clinician
            )
        created.append(label)
    return created
