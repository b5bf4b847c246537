import uuid

from django.conf import settings
from django.db import models

from questionnaires.models.families import Episode, Timepoint


class LoafPart(models.TextChoices):
    A = "A", "Part A: a caregiver relationship"
    B = "B", "Part B: the wider caregiving environment"


class LoafRating(models.Model):
    """A clinician's DC:0-5 relationship level (LOAF) at one timepoint. Part A is rated once per
    caregiver, Part B once for the caregiving environment (caregiver left empty). Levels are
    ordinal: stored as numbers, never averaged; their short names come from loaf.yaml."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="loaf_ratings")
    timepoint = models.CharField(max_length=2, choices=Timepoint.choices)
    part = models.CharField(max_length=1, choices=LoafPart.choices)
    caregiver = models.CharField(
        max_length=60,
        blank=True,
        help_text="Part A: the caregiver's first name or relationship, e.g. 'Mother'. Empty for B.",
    )
    level = models.PositiveSmallIntegerField(help_text="1 (best) to 4; see scoring.loaf.")
    rated_on = models.DateField()
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["episode", "part", "caregiver", "timepoint"]
        verbose_name = "LOAF rating"
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "timepoint", "part", "caregiver"],
                name="one_loaf_rating_per_relationship_and_timepoint",
            ),
            models.CheckConstraint(
                condition=models.Q(part="A") & ~models.Q(caregiver="")
                | models.Q(part="B", caregiver=""),
                name="loaf_caregiver_only_for_part_a",
            ),
        ]

    def __str__(self) -> str:
        return f"LOAF {self.part} {self.timepoint} level {self.level}"
