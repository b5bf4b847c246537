import uuid

from django.conf import settings
from django.db import models

from questionnaires.models.families import Episode, Family, Timepoint


class ParentGroup(models.Model):
    """A Together Time parent–baby group, run by facilitators in one service."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        "questionnaires.Service", on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(max_length=120)
    venue = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    sessions = models.PositiveSmallIntegerField(default=8)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups", blank=True
    )
    # The clinician who owns the episodes of parents joining this group, so their flags reach
    # a named person's "Your families" rather than nobody's.
    lead_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_groups",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = "group"

    def __str__(self) -> str:
        return self.name


class GroupCollection(models.Model):
    """A start (T1) or end (T2) collection opened in the room. Its short code is shown on a
    projector to everyone present, so it is a room code, not a secret: it lets its holder start
    their own response while the collection is open, and nothing else (LINK-4)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(ParentGroup, on_delete=models.CASCADE, related_name="collections")
    timepoint = models.CharField(max_length=2, choices=Timepoint.choices)
    instruments = models.JSONField(help_text="Codes of the questionnaires asked, in order.")
    code = models.CharField(max_length=6, blank=True, help_text="Shown in the room while open.")
    code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.group} {self.timepoint}"


class GroupParticipant(models.Model):
    """A parent in a group. Their family record holds the baby's details; the return code lets
    them find their answers again on another phone. The code is never stored: it is derived
    from `return_code_seed` with the credential key (questionnaires.credentials), so it can be
    shown to the parent again without keeping it anywhere, and only its keyed hash is looked
    up."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(ParentGroup, on_delete=models.CASCADE, related_name="participants")
    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="participant")
    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="participant")
    nickname = models.CharField(max_length=60)
    return_code_hash = models.CharField(max_length=64, unique=True)
    return_code_seed = models.CharField(
        max_length=32, blank=True, help_text="Random; the return code is derived from it."
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nickname", "joined_at"]

    def __str__(self) -> str:
        return self.nickname


class MatchStatus(models.TextChoices):
    PROVISIONAL = "provisional", "Matched – to confirm"
    UNMATCHED = "unmatched", "No match – to link"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class MatchReview(models.Model):
    """An end (T2) response that came in by nickname and baby's date of birth, waiting for the
    facilitator to confirm which start (T1) participant it belongs to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    collection = models.ForeignKey(
        GroupCollection, on_delete=models.CASCADE, related_name="match_reviews"
    )
    invitation = models.OneToOneField(
        "questionnaires.Invitation", on_delete=models.CASCADE, related_name="match_review"
    )
    nickname = models.CharField(max_length=60)
    infant_dob = models.DateField()
    proposed = models.ForeignKey(
        GroupParticipant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=MatchStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.nickname} ({self.get_status_display()})"
