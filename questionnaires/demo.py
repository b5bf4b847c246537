"""Made-up demo data for `make run`, written through the services like real data. Seeded
randomness keeps every run the same."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.utils import timezone

from questionnaires import scoring_adapter
from questionnaires.models import (
    Answer,
    Family,
    GroupCollection,
    Invitation,
    ParentGroup,
    Programme,
    Response,
    ScoreRecord,
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
    *recognised, lost_phone = joined
    for each in recognised:
        invitation = together_time.return_for_end(end, each.participant)
        answer_and_send(responses.open_response(invitation), rng, shift=1)
    # The last parent came back on a new phone without her return code and gave her nickname
    # and baby's date instead: her end answers wait in the match queue until a facilitator
    # confirms whose they are, so a newcomer sees a pending match.
    index = joined.index(lost_phone)
    by_details = together_time.return_by_details(end, PAST_PARENTS[index], "mother", born[index])
    answer_and_send(responses.open_response(by_details), rng, shift=1)
    together_time.close_collection(end, facilitator)
    return group


# --- A caseload where every clinician-view state shows ----------------------------------

CASELOAD_FAMILIES = {
    # label: (parent's name, what the answers show). Between them, every kind of flag a score
    # can carry (scoring.flags.FlagKind) shows on some family; ASQ:SE-2's demo wording and
    # unverified cut-offs show on all of them.
    "DEMO-C01": ("Amara", "ASQ:SE-2 above cut-off at start, below it at end"),
    "DEMO-C02": ("Bea", "MORS-SF prorated at start (one Warmth question skipped); a concern"),
    "DEMO-C03": ("Cleo", "ASQ:SE-2 not scored at start (too many questions skipped)"),
    "DEMO-C04": ("Dani", "an overall question answered yes at end, monitoring zone"),
    "DEMO-C05": ("Esme", "ASQ:SE-2 adjusted at start (3 skipped, close to the cut-off)"),
    "DEMO-C06": ("Farah", "a concern ticked on a skipped ASQ:SE-2 question at start"),
}

# Families whose parent answered in another language (demo translations, demo mode only).
DEMO_PORTUGUESE = {"DEMO-C04": "pt"}

# The story in time: each episode opened 12 weeks ago; the start (T1) questionnaires were sent
# a few days after it opened, the end (T2) ones 10 weeks after, two weeks ago.
EPISODE_WEEKS_AGO = 12
T1_SENT_AFTER = timedelta(days=3, hours=10, minutes=20)
T2_SENT_AFTER = timedelta(weeks=10, days=1, hours=18, minutes=5)


def _back_date(response: Response, sent: datetime) -> None:
    """DEMO ONLY – never call this for real data. The services stamp every row with the moment
    it is written, as real data must be; the demo writes weeks of history in one run, so this
    moves one sent response's own timestamps back to when the story says it was sent (opened
    20 minutes before, the link issued two days before that). The audit trail is left alone:
    it records, truthfully, when the demo was seeded."""
    assert response.submitted_at is not None and response.invitation is not None
    shift = sent - response.submitted_at
    opened = sent - timedelta(minutes=20)
    Invitation.objects.filter(pk=response.invitation.pk).update(
        created_at=opened - timedelta(days=2),
        first_opened_at=opened,
        expires_at=response.invitation.expires_at + shift,
    )
    Response.objects.filter(pk=response.pk).update(
        started_at=opened, consent_at=opened, updated_at=sent, submitted_at=sent
    )
    Answer.objects.filter(measure__response=response).update(answered_at=sent)
    ScoreRecord.objects.filter(measure__response=response).update(scored_at=sent)


def _asq_value(item: Item, letter: str) -> str:
    # A key's letters follow the options' order; pick the answer worth `letter` (Z=0, V=5, X=10).
    options = ("often_always", "sometimes", "rarely_never")
    return options[(item.key or "ZVX").index(letter)]


def _send_chosen(
    response: Response,
    choose: Callable[[str, Item], str],
    overall_yes: bool = False,
    concern_when_skipped: bool = False,
) -> Response:
    """Consent, answer each question with `choose(code, item)` ("" skips it), and send. The
    parent ticks "this is a concern" on ASQ:SE-2 question 2 when they answer it, or, with
    `concern_when_skipped`, even when they skip it."""
    responses.record_consent(response, True)
    for measure in response.measures.select_related("instrument"):
        definition = scoring_adapter.definition_of(measure.instrument)
        asked = questions_asked(definition, measure.asq_interval)
        items, overall = asked.items, asked.overall
        for item in items:
            value = choose(measure.instrument.code, item)
            concern = (
                (bool(value) or concern_when_skipped)
                and measure.instrument.code == "asq_se2"
                and item.number == 2
            )
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

    def near_cutoff(item: Item) -> str:  # 8 x 5 + a concern's 5 = 45 points, the cut-off
        return _asq_value(item, "V" if item.number <= 8 else "Z")

    too_many = {("asq_se2", n) for n in range(1, 6)}
    # Three skipped at the end of the 6-month form (23 questions): the total is adjusted.
    three_at_end = {("asq_se2", n) for n in range(21, 24)}
    # Per family, at T1 and T2: how ASQ:SE-2 is answered, which items are skipped, overall "yes".
    plans: dict[str, tuple[_Answers, _Answers]] = {
        "DEMO-C01": ((every, set(), False), (none, set(), False)),
        "DEMO-C02": ((none, {("mors_sf", 3)}, False), (none, set(), False)),
        "DEMO-C03": ((none, too_many, False), (monitoring, set(), False)),
        "DEMO-C04": ((none, set(), False), (monitoring, set(), True)),
        "DEMO-C05": ((near_cutoff, three_at_end, False), (none, set(), False)),
        "DEMO-C06": ((none, {("asq_se2", 2)}, False), (none, set(), False)),
    }
    opened_on = today - timedelta(weeks=EPISODE_WEEKS_AGO)
    opened_at = timezone.make_aware(datetime.combine(opened_on, time()))
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
        episode = families.open_episode(family, Programme.PSYCHOTHERAPY, opened_on, clinician)
        for timepoint, (asq, skip, yes), after in zip(
            (Timepoint.T1, Timepoint.T2), plans[label], (T1_SENT_AFTER, T2_SENT_AFTER), strict=True
        ):
            # I18N-2: one family answers in Portuguese (MORS-SF in its demo translation), so the
            # record shows the language used.
            language = DEMO_PORTUGUESE.get(label, "")
            issued = invitations.issue_invitation(episode, timepoint, clinician, language=language)
            response = responses.open_response(
                issued.invitation, language or "en", allow_unvalidated=True
            )
            sent = _send_chosen(
                response,
                _chooser(rng, asq, skip),
                overall_yes=yes,
                concern_when_skipped=label == "DEMO-C06" and timepoint == Timepoint.T1,
            )
            _back_date(sent, opened_at + after)
        if label == "DEMO-C01":
            t2_day = (opened_at + T2_SENT_AFTER).date()
            loaf_ratings.record_loaf(episode, Timepoint.T1, "A", 3, opened_on, clinician, name)
            loaf_ratings.record_loaf(episode, Timepoint.T2, "A", 2, t2_day, clinician, name)
            loaf_ratings.record_loaf(episode, Timepoint.T1, "B", 2, opened_on, clinician)
        created.append(label)
    return created
