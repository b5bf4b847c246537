"""DEMO ONLY: made-up start (T1) and end (T2) answers for the service outcomes page (issue 13):
two past Together Time groups and a psychotherapy caseload, with realistic gaps — parents who
did not come back, skipped questions, "prefer not to say", details staff have not recorded — so
every table and chart shows real numbers. Written through the services like real data (seeded
randomness keeps every run the same); idempotent by group name and family label."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from questionnaires.demo import _asq_value, _back_date, _send_chosen
from questionnaires.models import (
    Episode,
    Family,
    ParentGroup,
    Programme,
    ReferralSource,
    Response,
    Service,
    StaffUser,
    Timepoint,
)
from questionnaires.services import (
    families,
    invitations,
    loaf_ratings,
    reach,
    responses,
    together_time,
)
from scoring.definitions import Item

GROUPS = {
    # name: (weeks ago it started, parents, how many did not come back at the end)
    "Autumn Together Time (demo)": (30, ["Ada", "Bisi", "Cara", "Dora", "Efe", "Gwen", "Hana",
                                         "Iris", "Jade", "Kemi"], 1),
    "Winter Together Time (demo)": (20, ["Lola", "Mina", "Nell", "Orla", "Pia", "Rosa",
                                         "Sana", "Tess"], 2),
}  # fmt: skip
THERAPY_LABELS = [f"DEMO-P{n:02d}" for n in range(1, 11)]
THERAPY_NAMES = ["Uma", "Vera", "Wren", "Xena", "Yara", "Zoe", "Abi", "Bryony", "Cass", "Demi"]
# The therapy families who have not (yet) sent end answers: the caseload is sparser than the
# groups, as the evaluation found.
THERAPY_NO_END = {"DEMO-P08", "DEMO-P09", "DEMO-P10"}
REFERRALS = [s.value for s in ReferralSource]
ETHNIC = ["white", "white", "white", "asian", "black", "mixed", "other", "prefer_not_to_say"]
AGES = ["20_24", "25_29", "30_34", "35_39", "prefer_not_to_say"]


def _chooser(rng: random.Random, better: float) -> Callable[[str, Item], str]:
    """Answers around a parent's own level; `better` moves MORS-SF warmth up, invasiveness
    down and PRFQ pre-mentalizing down (the direction of improvement); 1 in 40 skipped."""
    warmth = rng.randint(2, 4)
    intrusive = rng.randint(1, 3)
    reflect = rng.randint(3, 5)

    def clamp(value: float, low: int, high: int) -> str:
        return str(max(low, min(high, round(value))))

    def choose(code: str, item: Item) -> str:
        if rng.random() < 0.025:
            return ""
        if code == "asq_se2":
            letter = rng.choices("ZVX", weights=(70 + 20 * better, 24 - 15 * better, 6))[0]
            return _asq_value(item, letter)
        if code == "mors_sf":
            if item.subscale == "warmth":
                return clamp(warmth + better + rng.gauss(0, 0.7), 0, 5)
            return clamp(intrusive - better + rng.gauss(0, 0.7), 0, 5)
        if code == "prfq":
            if item.subscale == "PM":
                return clamp(reflect - 1 - better + rng.gauss(0, 0.8), 1, 7)
            return clamp(reflect + better / 2 + rng.gauss(0, 0.8), 1, 7)
        return ""

    return choose


def _send(response: Response, rng: random.Random, better: float, sent: datetime) -> Response:
    answered = _send_chosen(response, _chooser(random.Random(rng.random()), better))
    _back_date(answered, sent)
    return answered


def _about(response: Response, rng: random.Random) -> None:
    """About-you answers given before sending; some skipped, some "prefer not to say"."""
    if rng.random() < 0.8:
        responses.save_about_you(response, "ethnic_group", rng.choice(ETHNIC))
    if rng.random() < 0.85:
        responses.save_about_you(response, "age_band", rng.choice(AGES))


def _at(day: date, hour: int = 11) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _reach(family: Family, rng: random.Random, actor: StaffUser | None, pregnant: float) -> None:
    if rng.random() < 0.15:
        return  # not recorded yet
    reach.record_reach(
        family,
        actor,
        referral_source=rng.choices(REFERRALS, weights=(22, 17, 12, 15, 14, 10, 10))[0],
        pregnant_at_referral=rng.random() < pregnant,
        imd_decile=rng.choices(range(1, 11), weights=(16, 15, 13, 11, 10, 9, 8, 7, 6, 5))[0],
    )


def _group(service: Service, facilitator: StaffUser, name: str, seed: int) -> ParentGroup | None:
    if ParentGroup.objects.filter(service=service, name=name).exists():
        return None
    weeks_ago, parents, dropped = GROUPS[name]
    rng = random.Random(seed)
    today = timezone.localdate()
    started = today - timedelta(weeks=weeks_ago)
    group = together_time.create_group(
        service, name, started, 8, "Riverside Children's Centre", facilitators=[facilitator],
        actor=facilitator, lead_clinician=None,
    )  # fmt: skip
    start = together_time.open_collection(group, Timepoint.T1, facilitator)
    joined = []
    for parent in parents:
        born = today - timedelta(weeks=weeks_ago) - timedelta(days=rng.randint(40, 200))
        each = together_time.join_start(start, parent, "mother", born)
        response = responses.open_response(each.invitation)
        _about(response, rng)
        _send(response, rng, 0, _at(started, 10))
        joined.append(each)
    together_time.close_collection(start, facilitator)
    end = together_time.open_collection(group, Timepoint.T2, facilitator)
    ended = started + timedelta(weeks=8)
    for index, each in enumerate(joined):
        if index >= len(joined) - dropped:
            continue  # did not come to the last session
        invitation = together_time.return_for_end(end, each.participant)
        _send(responses.open_response(invitation), rng, rng.uniform(0.2, 1.3), _at(ended, 12))
    together_time.close_collection(end, facilitator)
    for each in joined:
        episode = Episode.objects.get(pk=each.participant.episode_id)
        Episode.objects.filter(pk=episode.pk).update(opened_on=started)
        episode.opened_on = started
        reach.close_episode(episode, ended, facilitator)
        _reach(episode.family, rng, None, 0.1)
    return group


def _therapy(service: Service, clinician: StaffUser) -> list[str]:
    rng = random.Random(13)
    today = timezone.localdate()
    created = []
    for label, name in zip(THERAPY_LABELS, THERAPY_NAMES, strict=True):
        if Family.objects.filter(service=service, label=label).exists():
            continue
        opened = today - timedelta(weeks=rng.randint(26, 40))
        family = families.register_family(
            service, label=label, parent_name=name, relationship="mother",
            infant_dob=opened + timedelta(days=rng.randint(10, 60)), actor=clinician,
        )  # fmt: skip
        episode = families.open_episode(family, Programme.PSYCHOTHERAPY, opened, clinician)
        _reach(family, rng, clinician, 0.74)
        issued = invitations.issue_invitation(episode, Timepoint.T1, clinician)
        response = responses.open_response(issued.invitation)
        _about(response, rng)
        _send(response, rng, 0, _at(opened + timedelta(days=rng.randint(2, 9))))
        level = rng.choice([2, 2, 3, 3, 4])
        loaf_ratings.record_loaf(episode, "T1", "A", level, opened, clinician, "Mother")
        if label not in THERAPY_NO_END:
            ended = opened + timedelta(weeks=rng.randint(16, 24))
            issued = invitations.issue_invitation(episode, Timepoint.T2, clinician)
            sent = _at(ended - timedelta(days=rng.randint(1, 5)))
            _send(responses.open_response(issued.invitation), rng, rng.uniform(0, 1.2), sent)
            after = max(1, level - rng.choice([0, 1, 1, 2]))
            loaf_ratings.record_loaf(episode, "T2", "A", after, ended, clinician, "Mother")
            reach.close_episode(episode, ended, clinician)
        elif label == "DEMO-P10":
            reach.close_episode(episode, opened + timedelta(weeks=12), clinician)  # dropped out
        created.append(label)
    return created


def demo_outcomes(service: Service, clinician: StaffUser, facilitator: StaffUser) -> None:
    for seed, name in enumerate(GROUPS, start=31):
        _group(service, facilitator, name, seed)
    _therapy(service, clinician)
