"""The default questionnaire set (services.families.plan_questionnaires) follows the baby's age,
corrected for prematurity."""

import pytest
from django.utils import timezone

from questionnaires.models import Service
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


def test_unborn_baby_gets_no_asq_with_a_reason(service: Service) -> None:
    family = factories.family(service, infant_age_days=None)
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert plan.codes == ("prfq", "mors_sf")
    assert plan.asq_interval is None
    assert plan.notes == ("ASQ:SE-2 left out: the baby is not born yet.",)


def test_baby_too_young_for_any_window_gets_no_asq(service: Service) -> None:
    family = factories.family(service, infant_age_days=10)
    plan = families.plan_questionnaires(family, timezone.localdate())
    assert "asq_se2" not in plan.codes
    assert plan.notes[0].startswith("ASQ:SE-2 left out: ")
    assert "outside every" in plan.notes[0]


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
    assert families.plan_questionnaires(young, timezone.localdate()).notes == ()
