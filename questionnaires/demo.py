"""Made-up demo data for `make run`, written through the services like real data. Seeded
randomness keeps every run the same."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from questionnaires import scores, services
from questionnaires.models import (
    GroupCollection,
    ParentGroup,
    Response,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.services import groups
from questionnaires.wizard import measure_questions

OPEN_GROUP = "Tuesday Together Time (demo)"
PAST_GROUP = "Spring Together Time (demo)"
PAST_PARENTS = ["Amina", "Beth", "Chloe", "Dee", "Esra", "Fatima"]


def answer_and_send(response: Response, rng: random.Random, shift: int = 0) -> Response:
    """Consent, answer every question (a `shift` nudges the choice, so end answers can differ
    from start answers), and send."""
    services.record_consent(response, True)
    for measure in response.measures.select_related("instrument"):
        definition = scores.definition_of(measure.instrument)
        values = [str(option.value) for option in definition.options]
        items, overall = measure_questions(measure, definition)
        for item in items:
            index = min(len(values) - 1, max(0, rng.randrange(len(values)) + shift))
            services.save_answer(measure, str(item.number), values[index])
        for question in overall:
            value = "yes" if question.kind == "yes_no" and rng.random() < 0.2 else ""
            if question.kind == "yes_no" and not value:
                value = "no"
            text = "" if question.kind == "yes_no" else "Bath time and songs"
            services.save_answer(measure, question.id, value, text=text)
    return services.submit_response(response)


def open_demo_group(service: Service, facilitator: StaffUser) -> GroupCollection:
    group = ParentGroup.objects.filter(service=service, name=OPEN_GROUP).first()
    if group is None:
        group = groups.create_group(
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
        if groups.collection_is_open(collection):
            return collection
    return groups.open_collection(group, Timepoint.T1, facilitator)


def past_demo_group(service: Service, facilitator: StaffUser) -> ParentGroup:
    """A finished group with start and end answers for every parent, for the outcome views."""
    group = ParentGroup.objects.filter(service=service, name=PAST_GROUP).first()
    if group is not None:
        return group
    rng = random.Random(2026)
    group = groups.create_group(
        service,
        PAST_GROUP,
        timezone.localdate() - timedelta(weeks=10),
        8,
        "Hillside Family Hub",
        facilitators=[facilitator],
        actor=facilitator,
    )
    start = groups.open_collection(group, Timepoint.T1, facilitator)
    born = [timezone.localdate() - timedelta(days=rng.randint(60, 300)) for _ in PAST_PARENTS]
    joined = [
        groups.join_start(start, name, "mother", dob)
        for name, dob in zip(PAST_PARENTS, born, strict=True)
    ]
    for each in joined:
        answer_and_send(services.open_response(each.invitation), rng)
    groups.close_collection(start, facilitator)
    end = groups.open_collection(group, Timepoint.T2, facilitator)
    for each in joined:
        invitation = groups.return_for_end(end, each.participant)
        answer_and_send(services.open_response(invitation), rng, shift=1)
    groups.close_collection(end, facilitator)
    return group
