import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    PSYCHOTHERAPY = "psychotherapy", "Parent–infant psychotherapy"
    TOGETHER_TIME = "together_time", "Together Time group"


class Timepoint(models.TextChoices):
    T1 = "T1", "Start (T1)"
    T2 = "T2", "End (T2)"


class Stage(models.TextChoices):
    """Which part of the questionnaire plan a link follows (scoring/plans.py)."""

    ANTENATAL = "antenatal", "In pregnancy"
    POSTNATAL = "postnatal", "After the birth"


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    OTHER_PARENT = "other_parent", _("Other parent")
    OTHER_CAREGIVER = "other_caregiver", _("Other main caregiver")


class ReferralSource(models.TextChoices):
    """Who referred the family (issue 13: the evaluation's "who is reached")."""

    MIDWIFERY = "midwifery", "Midwifery"
    HEALTH_VISITING = "health_visiting", "Health visiting"
    CHILDRENS_CENTRE = "childrens_centre", "Children's centre / early-years worker"
    SELF = "self", "Self-referral"
    GP = "gp", "GP"
    ADULT_MENTAL_HEALTH = "adult_mental_health", "Adult mental health"
    OTHER = "other", "Other"


class Family(models.Model):
    """A parent–infant pair, recorded pseudonymously (GDPR-1: no full names or addresses)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "questionnaires.Service", on_delete=models.PROTECT, related_name="families"
    )
    label = models.CharField(max_length=40, help_text="Pseudonymous label, e.g. RV-0042.")
    parent_name = models.CharField(
        max_length=60, help_text="First name or nickname the parent chose."
    )
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    infant_dob = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, help_text="When the baby is not born yet.")
    weeks_premature = models.PositiveSmallIntegerField(default=0)
    # Optional; shown to clinicians and leads only, used as the FHIR subject identifier.
    nhs_number = models.CharField(max_length=10, blank=True, help_text="10 digits, no spaces.")
    # Service outcomes (issue 13), recorded by staff, each optional: who referred the family,
    # whether the mother was pregnant at referral, and the area deprivation decile (1 most
    # deprived), entered or derived from a postcode that is not kept (ImdPostcode).
    referral_source = models.CharField(max_length=30, choices=ReferralSource.choices, blank=True)
    pregnant_at_referral = models.BooleanField(null=True, blank=True)
    imd_decile = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Index of Multiple Deprivation decile, 1 (most deprived) to 10.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "label"], name="unique_family_label_per_service"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Episode(models.Model):
    """An episode of care, with a start (T1) and an end (T2) timepoint."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="episodes")
    programme = models.CharField(max_length=20, choices=Programme.choices)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="episodes",
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    # The start (T1) answers change is measured from, when a clinician chose one of several
    # (services.baselines). Empty: the first set sent at T1, so a later set never silently
    # replaces the baseline.
    baseline_response = models.ForeignKey(
        "questionnaires.Response",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_on"]
        indexes = [
            # PERF-6: "is this family the clinician's?" as one index probe per family, so the
            # caseload can walk families in label order and stop after the page.
            models.Index(fields=["family", "clinician"], name="episode_family_clinician"),
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.get_programme_display()} from {self.opened_on}"
