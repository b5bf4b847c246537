import uuid

from django.conf import settings
from django.db import models

from questionnaires.models.families import Episode, Stage, Timepoint


class Invitation(models.Model):
    """A personal link for one timepoint of an episode. The link's token and short code are
    stored only as keyed hashes (LINK-1); the plain values exist once, when issued."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="invitations")
    timepoint = models.CharField(max_length=2, choices=Timepoint.choices)
    instruments = models.JSONField(help_text="Codes of the questionnaires asked, in order.")
    instrument_notes = models.JSONField(
        default=list, blank=True, help_text="Why a questionnaire was left out, or a warning."
    )
    # The plan stage the questionnaires were chosen for; empty on links made before plans had
    # stages. A start (T1) link after the birth of a baby whose episode began in pregnancy is
    # the postnatal baseline, and change pairs only the same questionnaire with its baseline.
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    # From this day the plan wants the answers (postnatal baseline: 6-8 weeks after the birth);
    # a scheduled sender sends the link on it. Empty: now.
    available_from = models.DateField(null=True, blank=True)
    plan_version = models.CharField(
        max_length=60, blank=True, help_text="Questionnaire plan version the set came from."
    )
    collection = models.ForeignKey(
        "questionnaires.GroupCollection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        help_text="Set when the parent joined through a group's room code.",
    )
    # A group parent agreed to the group's privacy notice before giving any details; their
    # questionnaire consent is that agreement (recorded on the response when it opens).
    notice_agreed_at = models.DateTimeField(null=True, blank=True)
    notice_wording_version = models.CharField(max_length=20, blank=True)
    # The family's preferred language, set by staff when issuing the link: the link opens in
    # it (empty: the browser's language, else English).
    language = models.CharField(max_length=10, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    short_code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A parent returning to a collection (a double tap, two tabs) resumes their one
            # invitation there rather than starting a second (finding 8 of the parent review).
            models.UniqueConstraint(
                fields=["collection", "episode"],
                condition=models.Q(collection__isnull=False),
                name="one_invitation_per_collection_and_episode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode.family} {self.timepoint}"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Sent"
    DECLINED = "declined", "Declined"


class Response(models.Model):
    """One parent's answers for one invitation. Exactly one per invitation (DATA-3), so a
    second tab, a retry or another phone resumes the same response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="response"
    )
    status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    consent_given = models.BooleanField(null=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_wording_version = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    about_you = models.JSONField(
        default=dict,
        blank=True,
        help_text="Optional demographics; each may be 'prefer_not_to_say'.",
    )
    # Where the parent is, so another phone resumes at the same place.
    current_step = models.CharField(max_length=60, blank=True)
    seen_steps = models.JSONField(
        default=list, blank=True, help_text="Information pages the parent has read."
    )
    language = models.CharField(
        max_length=10, default="en", help_text="The interface language the parent answered in."
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Response {self.id} ({self.status})"


class ResponseMeasure(models.Model):
    """One questionnaire within a response, pinned to the definition version it was asked with."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="measures")
    instrument = models.ForeignKey(
        "questionnaires.InstrumentVersion", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    asq_interval = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["response", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "position"], name="unique_measure_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} in {self.response_id}"


class Answer(models.Model):
    """One saved answer (DATA-1). `item` is the item number, or an overall-question id."""

    measure = models.ForeignKey(ResponseMeasure, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=40)
    value = models.CharField(max_length=40, blank=True, help_text="Empty when skipped.")
    concern = models.BooleanField(default=False)
    text = models.TextField(blank=True, help_text="Free-text answers (overall questions).")
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "item"], name="unique_answer_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}:{self.item}"


class ScoreRecord(models.Model):
    """A score as computed at a moment, naming the definition and scoring versions (DATA-5).
    Rescoring adds a record and retires the old one, so history is kept."""

    measure = models.ForeignKey(ResponseMeasure, on_delete=models.CASCADE, related_name="scores")
    result = models.JSONField(help_text="scoring.Score.to_dict()")
    definition_version = models.CharField(max_length=60)
    # The language of the definition version scored (a translation has its own key).
    language = models.CharField(max_length=10, default="en")
    scoring_version = models.CharField(max_length=60)
    flags = models.JSONField(default=list, blank=True)
    is_current = models.BooleanField(default=True)
    scored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scored_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"], condition=models.Q(is_current=True), name="one_current_score"
            ),
        ]

    def __str__(self) -> str:
        return f"Score of {self.measure}"
