"""Staff forms about Together Time groups: a group's details, which collection to open, and
which parent an unmatched end response belongs to. The service comes from the signed-in user
(AZ-4)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.date_input import DateInputField
from questionnaires.models import GroupParticipant, ParentGroup, Service, StaffUser, Timepoint
from questionnaires.selectors.roster import unlinked_participants
from questionnaires.selectors.staff import clinicians_of, facilitators_of
from questionnaires.summary.wording import baby_date_words

MAX_SESSIONS = 52
SESSIONS_ERROR = format_lazy(
    _("Number of sessions must be a whole number from 1 to {max_sessions}"),
    max_sessions=MAX_SESSIONS,
)


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class LeadClinicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class GroupForm(forms.Form):
    """A group's details. The service is the signed-in user's, given by the view (AZ-4)."""

    name = forms.CharField(
        label=_("Group name"),
        help_text=_("For example, Tuesday Together Time. Parents see this name when they join."),
        max_length=120,
        error_messages={
            "required": _("Enter the group name"),
            "max_length": _("Group name must be 120 characters or fewer"),
        },
    )
    venue = forms.CharField(
        label=_("Venue (optional)"),
        help_text=_("Where the group meets, such as a children's centre."),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Venue must be 200 characters or fewer")},
    )
    start_date = DateInputField(label=_("Start date"), help_text=_("For example, 14 4 2026."))
    sessions = forms.IntegerField(
        label=_("Number of sessions"),
        help_text=format_lazy(_("A number from 1 to {max_sessions}."), max_sessions=MAX_SESSIONS),
        min_value=1,
        max_value=MAX_SESSIONS,
        error_messages={
            "required": _("Enter the number of sessions"),
            "invalid": SESSIONS_ERROR,
            "min_value": SESSIONS_ERROR,
            "max_value": SESSIONS_ERROR,
        },
    )
    facilitators = FacilitatorChoiceField(
        label=_("Facilitators"),
        help_text=_(
            "Staff in your service with the group facilitator role. "
            "Facilitators see this group and who has finished, not anyone's answers."
        ),
        queryset=StaffUser.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select at least one facilitator"),
            "invalid_choice": _("Select facilitators from the list"),
            "invalid_pk_value": _("Select facilitators from the list"),
        },
    )

    lead_clinician = LeadClinicianChoiceField(
        label=_("Lead clinician (optional)"),
        help_text=_(
            "Parents who join this group are added to this clinician's families, so "
            "their flags reach a named person. Clinicians and service leads in your service."
        ),
        queryset=StaffUser.objects.none(),
        required=False,
        empty_label=_("No lead clinician"),
        error_messages={"invalid_choice": _("Select the lead clinician from the list")},
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
            raise ValidationError(_("Enter the start date"))
        return start


class TimepointForm(forms.Form):
    timepoint = forms.ChoiceField(choices=Timepoint.choices)


class ParticipantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.nickname}, {baby_date_words(obj.family)}"


class LinkForm(forms.Form):
    """Which parent an unmatched end response belongs to: only this group's parents."""

    participant = ParticipantChoiceField(
        label=_("Which parent are these answers from?"),
        queryset=GroupParticipant.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the parent these end answers belong to"),
            "invalid_choice": _("Select the parent these end answers belong to"),
        },
    )

    def __init__(self, *args: Any, group: ParentGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participant"]
        assert isinstance(field, ParticipantChoiceField)
        field.queryset = unlinked_participants(group)
