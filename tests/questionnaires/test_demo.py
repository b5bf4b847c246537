"""The demo caseload shows every state a clinician meets (above cut-off, prorated, not scored,
answered yes) and is idempotent."""

from __future__ import annotations

from datetime import timedelta

from questionnaires import demo
from questionnaires.models import (
    Answer,
    Family,
    Response,
    ScoreRecord,
    StaffUser,
)
from questionnaires.selectors import family_record
from questionnaires.summary import measures
from scoring.flags import FlagKind, parse_all
from tests.questionnaires.factories import service_of


def test_demo_caseload_shows_every_state_and_is_idempotent(
    demo_families: dict[str, Family], clinician: StaffUser
) -> None:
    assert demo.demo_caseload(service_of(clinician), clinician) == []
    by_label = {label: family_record.family_summary(f) for label, f in demo_families.items()}

    def measure(label: str, timepoint: str, code: str) -> measures.MeasureResult:
        point = by_label[label].episodes[0].timepoint(timepoint)
        assert point is not None
        return next(m for m in point.measures if m.code == code)

    above = measure("DEMO-C01", "T1", "asq_se2")
    assert above.asq is not None and above.asq.zone_label == "Above cut-off"
    assert "Above cut-off" in [f.label for f in above.clinical_flags]
    prorated = measure("DEMO-C02", "T1", "mors_sf")
    assert prorated.subscales[0].prorated and prorated.subscales[0].shown != "Not scored"
    assert "Prorated: Warmth" in [f.label for f in prorated.flags]
    skipped = measure("DEMO-C03", "T1", "asq_se2")
    assert skipped.asq is not None and skipped.asq.shown == "Not scored"
    assert skipped.asq.not_scored_reason.startswith("More than 3 questions")
    said_yes = measure("DEMO-C04", "T2", "asq_se2")
    assert "Answered yes: overall question 1" in [f.label for f in said_yes.flags]
    assert said_yes.asq is not None and said_yes.asq.zone_label == "Monitoring zone"


def test_demo_answers_are_dated_as_the_story_goes(demo_families: dict[str, Family]) -> None:
    """Start answers a few days after the episode opened, end answers weeks later: never both
    stamped with the moment the demo was seeded."""
    for label, family in demo_families.items():
        episode = family.episodes.get()
        sent = dict(
            Response.objects.filter(invitation__episode=episode).values_list(
                "invitation__timepoint", "submitted_at"
            )
        )
        t1, t2 = sent["T1"], sent["T2"]
        assert t1 is not None and t2 is not None
        assert timedelta(0) < t1.date() - episode.opened_on <= timedelta(days=7), label
        assert t2 - t1 >= timedelta(weeks=6), label
        # Everything about one response moved with it.
        t1_response = Response.objects.get(invitation__episode=episode, invitation__timepoint="T1")
        invitation = t1_response.invitation
        assert invitation is not None and invitation.created_at < t1_response.started_at <= t1
        answered = Answer.objects.filter(measure__response=t1_response)
        assert {a.answered_at for a in answered} == {t1}
        assert {s.scored_at for s in ScoreRecord.objects.filter(measure__response=t1_response)} == {
            t1
        }


def test_every_flag_kind_shows_on_some_demo_family(demo_families: dict[str, Family]) -> None:
    """Worked out from what is stored: the current scores' flags, and the concerns ticked on
    answered questions (the summary adds those from the answers)."""
    kinds_by_family: dict[str, set[FlagKind]] = {}
    for label, family in demo_families.items():
        kinds: set[FlagKind] = set()
        for record in ScoreRecord.objects.filter(
            measure__response__invitation__episode__family=family, is_current=True
        ):
            kinds |= {flag.kind for flag in parse_all(record.flags)}
        answers = Answer.objects.filter(measure__response__invitation__episode__family=family)
        if answers.filter(concern=True).exclude(value="").exists():
            kinds.add(FlagKind.CONCERN)
        kinds_by_family[label] = kinds
    missing = set(FlagKind) - set().union(*kinds_by_family.values())
    assert not missing, kinds_by_family
    assert FlagKind.CONCERN in kinds_by_family["DEMO-C02"]
    assert FlagKind.ADJUSTED in kinds_by_family["DEMO-C05"]
    assert FlagKind.CONCERN_WITHOUT_ANSWER in kinds_by_family["DEMO-C06"]
