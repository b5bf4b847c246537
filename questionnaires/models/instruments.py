from django.conf import settings
from django.db import models


class InstrumentVersion(models.Model):
    """One version of an instrument definition file. Versions are never edited or deleted:
    responses keep pointing at the version they were collected with."""

    code = models.CharField(max_length=40)
    version = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    definition = models.JSONField(help_text="The validated definition file, as data.")
    sha256 = models.CharField(max_length=64)
    source = models.CharField(max_length=300, help_text="File name it was loaded from.")
    is_demo = models.BooleanField(help_text="Demo wording: not for clinical use.")
    has_unverified_numbers = models.BooleanField()
    is_current = models.BooleanField(default=False)
    # A translation is its own definition version (its own items, key and licence), current
    # per language; "en" is the source version every link is issued with.
    language = models.CharField(max_length=10, default="en")
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_instrument_version"),
            models.UniqueConstraint(
                fields=["code", "language"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_instrument",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"
