"""The default questionnaire set (services.families.plan_questionnaires) follows the baby's age,
corrected for prematurity."""

import pytest
from django.utils import timezone

from questionnaires.models import Service, Stage
from questionnaires.services import families
from tests.questionnaires import factories


@pytest.mark.parametrize(
    ("age_days", "interval"),
    [(45, 2), (200, 6), (400, 12), (500, 18)],
)
def test_asq_interval_follows_age(service: Service, age_days: int, interval: int) -> None:
    family = factories.family(service, infant_age_days=age_days)
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert "asq_se2" in plan.codes
    assert plan.asq_interval == interval


def test_a_due_date_family_gets_the_pregnancy_set_with_reasons(service: Service) -> None:
    family = factories.family(service, infant_age_days=None)  # a due date, no birth yet
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert plan.stage == Stage.ANTENATAL
    assert plan.codes == ("p_prfq",)
    assert plan.asq_interval is None
    assert plan.reasons == (
        "P-PRFQ is asked in pregnancy; it is about how the parent thinks of the baby in the womb.",
    )
    assert plan.notes == (
        "PRFQ is asked after the birth; its questions are about a baby who is born.",
        "MORS-SF is asked after the birth; it asks about the baby's warmth and demands.",
        "ASQ:SE-2 is asked after the birth, at the ages its questionnaires cover.",
    )
    assert plan.plan_version == "2026.1"


def test_a_family_with_no_dates_is_planned_after_the_birth_without_asq(service: Service) -> None:
    family = factories.family(service, infant_age_days=None)
    family.due_date = None
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert plan.codes == ("prfq", "mors_sf")
    assert "ASQ:SE-2 left out: the baby's date of birth is not recorded." in plan.notes


def test_a_birth_date_still_to_come_is_pregnancy(service: Service) -> None:
    family = factories.family(service, infant_age_days=-10)
    assert families.plan_questionnaires(family, timezone.localdate()).codes == ("p_prfq",)


def test_after_the_birth_the_postnatal_set_and_p_prfq_left_out(service: Service) -> None:
    family = factories.family(service, infant_age_days=200)
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert plan.stage == Stage.POSTNATAL
    assert plan.codes == ("prfq", "mors_sf", "asq_se2")
    assert plan.notes == (
        "P-PRFQ is for pregnancy; after the birth PRFQ is asked instead, and the two are never "
        "compared.",
    )


def test_baby_too_young_for_any_window_gets_no_asq(service: Service) -> None:
    family = factories.family(service, infant_age_days=10)
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert "asq_se2" not in plan.codes
    asq = [note for note in plan.notes if note.startswith("ASQ:SE-2 left out: ")]
    assert len(asq) == 1 and "outside every" in asq[0]


def test_prematurity_correction_changes_the_interval(service: Service) -> None:
    # 100 days old (3 months 8 days or so) but born 8 weeks early: corrected age under 2 months.
    family = factories.family(service, infant_age_days=100, weeks_premature=8)
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert plan.asq_interval == 2


def test_mors_sf_past_twelve_months_carries_a_warning(service: Service) -> None:
    family = factories.family(service, infant_age_days=420)
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert "mors_sf" in plan.codes
    assert any("MORS-SF was made for babies up to about 12 months" in n for n in plan.notes)
    young = factories.family(service, infant_age_days=200)
    notes = families.plan_questionnaires(young, timezone.localdate()).notes
    assert not any("MORS-SF was made" in note for note in notes)
