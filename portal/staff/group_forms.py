"""Staff forms about Together Time groups: a group's details, which collection to open, and
which parent an unmatched end response belongs to. The service comes from the signed-in user
(AZ-4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from portal.date_input import DateInputField
from questionnaires.models import GroupParticipant, ParentGroup, Service, StaffUser, Timepoint
from questionnaires.selectors.roster import unlinked_participants
from questionnaires.selectors.staff import clinicians_of, facilitators_of
from questionnaires.summary.wording import baby_date_words

MAX_SESSIONS = 52
SESSIONS_ERROR = f"Number of sessions must be a whole number from 1 to {MAX_SESSIONS}"


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class LeadClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class GroupForm(forms.Form):
    """A group's details. The service is the signed-in user's, given by the view (AZ-4)."""

    name = forms.CharField(
        label="Group name",
        help_text="For example, Tuesday Together Time. Parents see this name when they join.",
        max_length=120,
        error_messages={
            "required": "Enter the group name",
            "max_length": "Group name must be 120 characters or fewer",
        },
    )
    venue = forms.CharField(
        label="Venue (optional)",
        help_text="Where the group meets, such as a children's centre.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Venue must be 200 characters or fewer"},
    )
    start_date = DateInputField(label="Start date", help_text="For example, 14 4 2026.")
    sessions = forms.IntegerField(
        label="Number of sessions",
        help_text=f"A number from 1 to {MAX_SESSIONS}.",
        min_value=1,
        max_value=MAX_SESSIONS,
        error_messages={
            "required": "Enter the number of sessions",
            "invalid": SESSIONS_ERROR,
            "min_value": SESSIONS_ERROR,
            "max_value": SESSIONS_ERROR,
        },
    )
    facilitators = FacilitatorChoiceField(
        label="Facilitators",
        help_text="Staff in your service with the group facilitator role. "
        "Facilitators see this group and who has finished, not anyone's answers.",
        queryset=StaffUser.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one facilitator",
            "invalid_choice": "Select facilitators from the list",
            "invalid_pk_value": "Select facilitators from the list",
        },
    )

    lead_clinician = LeadClinicianChoiceField(
        label="Lead clinician (optional)",
        help_text="Parents who join this group are added to this clinician's families, so "
        "their flags reach a named person. Clinicians and service leads in your service.",
        queryset=StaffUser.objects.none(),
        required=False,
        empty_label="No lead clinician",
        error_messages={"invalid_choice": "Select the lead clinician from the list"},
    )

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facilitators"]
        assert isinstance(field, FacilitatorChoiceField)
        field.queryset = facilitators_of(service)
        lead = self.fields["lead_clinician"]
        assert isinstance(lead, LeadClinicianChoiceField)
        lead.queryset = clinicians_of(service)

    @classmethod
    def initial_for(cls, group: ParentGroup) -> dict[str, Any]:
        return {
            "name": group.name,
            "venue": group.venue,
            "start_date": group.start_date,
            "sessions": group.sessions,
            "facilitators": [user.pk for user in group.facilitators.all()],
            "lead_clinician": group.lead_clinician_id,
        }

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self["name"], self["venue"]]

    def clean_start_date(self) -> date:
        start: date | None = self.cleaned_data["start_date"]
        if start is None:
            raise ValidationError("Enter the start date")
        return start


class TimepointForm(forms.Form):
    timepoint = forms.ChoiceField(choices=Timepoint.choices)


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.nickname}, {baby_date_words(obj.family)}"


class LinkForm(forms.Form):
    """Which parent an unmatched end response belongs to: only this group's parents."""

    participant = ParticipantChoiceField(
        label="Which parent are these answers from?",
        queryset=GroupParticipant.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the parent these end answers belong to",
            "invalid_choice": "Select the parent these end answers belong to",
        },
    )

    def __init__(self, *args: Any, group: ParentGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        assert isinstance(field, ParticipantChoiceField)
        field.queryset = unlinked_participants(group)
