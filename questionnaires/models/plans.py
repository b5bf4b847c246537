from django.conf import settings
from django.db import models


class PlanVersion(models.Model):
    """One version of the questionnaire plan (scoring/plans.py): which measures each programme
    asks, by stage. Like instrument versions, never edited or deleted; one is current."""

    name = models.CharField(max_length=60)
    version = models.CharField(max_length=60, unique=True)
    plan = models.JSONField(help_text="The validated plan file, as data.")
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=300, help_text="File name it was loaded from.")
    is_current = models.BooleanField(default=False)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_plan_version",
            ),
        ]

    def __str__(self) -> str:
        return f"plan {self.name} {self.version}"
