"""The demo caseload shows every state a clinician meets (above cut-off, prorated, not scored,
answered yes) and is idempotent."""

from __future__ import annotations

from questionnaires import demo
from questionnaires.models import (
    Family,
    StaffUser,
)
from questionnaires.selectors import family_record
from questionnaires.summary import measures
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
