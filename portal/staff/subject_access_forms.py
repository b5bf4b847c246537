"""A service lead's forms for a family's data rights: correcting its details (SAR-4) and
erasing it (SAR-3). The family comes from the URL, scoped to the lead's service (AZ-4)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.staff.family_forms import FamilyForm
from questionnaires.models import Family
from questionnaires.services import erasure

LABEL_TAKEN = _("Another family in your service already has this label. Enter a different label")


class FamilyCorrectionForm(FamilyForm):
    """The registration form's fields and checks, less the programme (an episode's, not the
    family's), starting from the family's details as they are."""

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        initial = {
            "label": family.label,
            "parent_name": family.parent_name,
            "relationship": family.relationship,
            "infant_dob": family.infant_dob,
            "due_date": family.due_date,
            "weeks_premature": family.weeks_premature,
            "nhs_number": family.nhs_number,
        }
        super().__init__(*args, service=family.service, initial=initial, **kwargs)
        self.family = family
        del self.fields["programme"]

    def clean_label(self) -> str:
        label: str = self.cleaned_data["label"]
        taken = (
            self.service.families.filter(label__iexact=label).exclude(pk=self.family.pk).exists()
        )
        if taken:
            raise ValidationError(LABEL_TAKEN)
        return label


class ErasureReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you erasing this family's information?"),
        choices=erasure.ErasureReason.CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select why you are erasing this family's information"),
            "invalid_choice": _("Select why you are erasing this family's information"),
        },
    )


class ErasureConfirmForm(ErasureReasonForm):
    """The second step: the lead types the family's label, so the erasure is never one click
    away from the wrong record."""

    confirm_label = forms.CharField(
        label=_("Type the family label to confirm"),
        max_length=40,
        error_messages={"required": _("Type the family label to confirm")},
    )

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.family = family
        self.fields["confirm_label"].help_text = _("Type %(label)s exactly as shown.") % {
            "label": family.label
        }

    def clean_confirm_label(self) -> str:
        typed: str = self.cleaned_data["confirm_label"].strip()
        if typed != self.family.label:
            raise ValidationError(
                _("The label you typed does not match. Type %(label)s to confirm")
                % {"label": self.family.label}
            )
        return typed
