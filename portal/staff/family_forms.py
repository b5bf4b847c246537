"""Staff forms about families: registering one, issuing a link, the caseload's filters, and a
LOAF rating. The service, episode and rater come from the signed-in user and the URL, never
from a form field (AZ-4)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import nhs_number
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.date_input import DateInputField
from portal.languages import LANGUAGES
from questionnaires import baby_dates
from questionnaires.models import LoafPart, Programme, Relationship, Service, Timepoint
from questionnaires.selectors.caseload import ATTENTION_ONLY, SORT_ATTENTION, CaseloadFilters
from questionnaires.selectors.families import label_is_taken
from questionnaires.services import loaf_ratings
from questionnaires.statuses import CaseStatus
from scoring import loaf as scoring_loaf

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

LABEL_TAKEN = _("A family in your service already has this label. Enter a different label")
MAX_WEEKS_PREMATURE = baby_dates.MAX_WEEKS_PREMATURE


NHS_NUMBER_INVALID = _("Enter a valid 10-digit NHS number, like 943 476 5919")
WEEKS_PREMATURE_INVALID = _("Enter weeks premature as a whole number from 0 to 20")


def weeks_premature_field(help_text: str | _StrPromise) -> forms.IntegerField:
    """Weeks premature, 0 to MAX_WEEKS_PREMATURE, empty meaning 0: one definition for the
    registration form and the birth form (each says it in its own help text)."""
    return forms.IntegerField(
        label=_("Weeks premature"),
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=MAX_WEEKS_PREMATURE,
        initial=0,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"), WEEKS_PREMATURE_INVALID
        ),
    )


class FamilyForm(forms.Form):
    """Registers a family and opens its first episode. The service is the signed-in user's,
    given by the view, never a form field (AZ-4)."""

    label = forms.CharField(
        label=_("Family label"),
        help_text=_("A made-up reference, such as RV-0042. Do not use names."),
        max_length=40,
        error_messages={
            "required": _("Enter a family label"),
            "max_length": _("Family label must be 40 characters or fewer"),
        },
    )
    parent_name = forms.CharField(
        label=_("Parent's first name or nickname"),
        help_text=_("What the parent likes to be called. First name only."),
        max_length=60,
        error_messages={
            "required": _("Enter the parent's first name or nickname"),
            "max_length": _("First name or nickname must be 60 characters or fewer"),
        },
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the baby"),
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the parent's relationship to the baby"),
            "invalid_choice": _("Select the parent's relationship to the baby"),
        },
    )
    infant_dob = DateInputField(
        label=_("Baby's date of birth"),
        help_text=_("For example, 15 3 2026. Leave this empty if the baby is not born yet."),
    )
    due_date = DateInputField(
        label=_("Due date"),
        help_text=_("Only if the baby is not born yet. For example, 27 9 2026."),
    )
    weeks_premature = weeks_premature_field(
        _(
            "How many weeks before the due date the baby was born. Enter 0 if the baby "
            "was not premature or is not born yet."
        )
    )
    nhs_number = forms.CharField(
        label=_("NHS number (optional)"),
        help_text=_(
            "The baby's or parent's 10-digit NHS number, if the trust's record uses it. "
            "It is shown to clinicians and leads only, and used to file results in the patient "
            "record."
        ),
        required=False,
        max_length=20,
        error_messages={"max_length": NHS_NUMBER_INVALID},
    )
    programme = forms.ChoiceField(
        label=_("Programme"),
        choices=Programme.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the programme"),
            "invalid_choice": _("Select the programme"),
        },
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service

    # The template lays these out by kind; the order on the page is the order here.
    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self["label"], self["parent_name"], self["nhs_number"]]

    @property
    def date_fields(self) -> list[forms.BoundField]:
        return [self["infant_dob"], self["due_date"]]

    def clean_label(self) -> str:
        label: str = self.cleaned_data["label"]
        if label_is_taken(self.service, label):
            raise ValidationError(LABEL_TAKEN)
        return label

    def clean_nhs_number(self) -> str:
        """FHIR-1: checked with its check digit (nhs-number), stored as 10 digits."""
        typed: str = self.cleaned_data["nhs_number"].strip()
        if not typed:
            return ""
        if not nhs_number.is_valid(typed):
            raise ValidationError(NHS_NUMBER_INVALID)
        return str(nhs_number.standardise_format(typed))

    def clean_weeks_premature(self) -> int:
        return self.cleaned_data["weeks_premature"] or 0

    def clean_infant_dob(self) -> date | None:
        dob: date | None = self.cleaned_data["infant_dob"]
        today = timezone.localdate()
        if dob is not None and dob > today:
            raise ValidationError(_("Baby's date of birth must be today or in the past"))
        if dob is not None and dob < baby_dates.oldest_birth_date(today):
            raise ValidationError(
                _("Baby's date of birth must be within the last %(OLDEST_CHILD_YEARS)s years")
                % {"OLDEST_CHILD_YEARS": baby_dates.OLDEST_CHILD_YEARS}
            )
        return dob

    def clean_due_date(self) -> date | None:
        due: date | None = self.cleaned_data["due_date"]
        today = timezone.localdate()
        if due is not None and due < today:
            raise ValidationError(_("Due date must be today or in the future"))
        if due is not None and due > baby_dates.latest_due_date(today):
            raise ValidationError(_("Due date must be within the next 10 months"))
        return due

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_error("infant_dob") or self.has_error("due_date"):
            return cleaned
        dob, due = cleaned.get("infant_dob"), cleaned.get("due_date")
        if dob is None and due is None:
            self.add_error("infant_dob", _("Enter the baby's date of birth or due date"))
        elif dob is not None and due is not None:
            self.add_error("infant_dob", _("Enter the baby's date of birth or due date, not both"))
        elif due is not None and cleaned.get("weeks_premature"):
            self.add_error(
                "weeks_premature", _("Enter 0 weeks premature when the baby is not born yet")
            )
        return cleaned


class RecordBirthForm(forms.Form):
    """The baby has arrived: the date of birth on an episode that began in pregnancy."""

    infant_dob = DateInputField(
        label=_("Baby's date of birth"),
        help_text=_("For example, 15 3 2026."),
    )
    weeks_premature = weeks_premature_field(
        _("How many weeks before the due date the baby was born. Enter 0 if not early.")
    )

    def clean_weeks_premature(self) -> int:
        return self.cleaned_data["weeks_premature"] or 0

    def clean_infant_dob(self) -> date:
        dob: date | None = self.cleaned_data["infant_dob"]
        if dob is None:
            raise ValidationError(_("Enter the baby's date of birth"))
        today = timezone.localdate()
        if dob > today:
            raise ValidationError(_("Baby's date of birth must be today or in the past"))
        if dob < baby_dates.oldest_birth_date(today):
            raise ValidationError(
                _("Baby's date of birth must be within the last %(OLDEST_CHILD_YEARS)s years")
                % {"OLDEST_CHILD_YEARS": baby_dates.OLDEST_CHILD_YEARS}
            )
        return dob


class IssueInvitationForm(forms.Form):
    timepoint = forms.ChoiceField(choices=Timepoint.choices)
    # I18N-2: the family's preferred language; the link opens in it. Blank: the browser's.
    language = forms.ChoiceField(
        required=False,
        choices=[("", "")] + [(lang.code, lang.english_name) for lang in LANGUAGES.values()],
    )
    # Set by the confirmation page: the clinician has read what happens to earlier answers.
    confirmed = forms.BooleanField(required=False)


class BaselineForm(forms.Form):
    """Which sent start (T1) set is the baseline; the view checks it is this episode's."""

    response = forms.UUIDField(
        error_messages={
            "required": _("Select the start answers to use as the baseline"),
            "invalid": _("Select the start answers to use as the baseline"),
        }
    )


class CaseloadFilterForm(forms.Form):
    """Search and filters for the caseload. Read through cleaned_data only, and used in fixed
    ORM lookups: request data never names a field (INJ-3)."""

    q = forms.CharField(
        label=_("Search by family label or parent's name"), required=False, max_length=60
    )
    programme = forms.ChoiceField(
        label=_("Programme"),
        choices=[("", _("All programmes")), *Programme.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *CaseStatus.choices], required=False
    )
    attention = forms.ChoiceField(
        label=_("Flags"),
        choices=[("", _("Any flags or none")), (ATTENTION_ONLY, _("Needs attention"))],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("", _("Your families first")), (SORT_ATTENTION, _("Needs attention first"))],
        required=False,
    )

    def filters(self) -> CaseloadFilters:
        """The valid filters; an invalid value counts as no filter rather than an error page."""
        self.is_valid()  # cleaned_data keeps only the fields that were valid
        return CaseloadFilters(
            **{name: str(self.cleaned_data.get(name) or "").strip() for name in self.fields}
        )


def loaf_level_choices() -> list[tuple[str, str]]:
    # Level numbers with the short names only: the DC:0-5 descriptors are copyrighted.
    return [(str(n), f"{n} – {name}") for n, name in scoring_loaf.level_names().items()]


class LoafForm(forms.Form):
    """One LOAF rating. The episode comes from the URL, checked against the user's service,
    and the rater is the signed-in user: neither is a form field (AZ-4)."""

    timepoint = forms.ChoiceField(
        label=_("When"),
        choices=Timepoint.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": loaf_ratings.SELECT_TIMEPOINT,
            "invalid_choice": loaf_ratings.SELECT_TIMEPOINT,
        },
    )
    part = forms.ChoiceField(
        label=_("Part"),
        choices=LoafPart.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": loaf_ratings.SELECT_PART,
            "invalid_choice": loaf_ratings.SELECT_PART,
        },
    )
    caregiver = forms.CharField(
        label=_("Caregiver (Part A only)"),
        help_text=_("First name or relationship, such as Mother. Leave empty for Part B."),
        required=False,
        max_length=60,
        error_messages={"max_length": _("Caregiver must be 60 characters or fewer")},
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=loaf_level_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": loaf_ratings.SELECT_LEVEL,
            "invalid_choice": loaf_ratings.SELECT_LEVEL,
        },
    )
    rated_on = DateInputField(label=_("Date rated"), help_text=_("For example, 27 3 2026."))

    def clean_rated_on(self) -> date:
        rated_on: date | None = self.cleaned_data["rated_on"]
        if rated_on is None:
            raise ValidationError(_("Enter the date rated"))
        try:
            return loaf_ratings.check_rated_on(rated_on)
        except loaf_ratings.LoafInvalid as error:
            raise ValidationError(str(error)) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if part := cleaned.get("part"):
            try:
                cleaned["caregiver"] = loaf_ratings.check_caregiver(
                    part, cleaned.get("caregiver") or ""
                )
            except loaf_ratings.LoafInvalid as error:
                self.add_error("caregiver", str(error))
        return cleaned
