"""The outcomes page's filters: programme, period (episodes opened from … to …), and
optionally one group or one clinician of the user's own service. Values are used in fixed ORM
lookups only (INJ-3)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.date_input import DateInputField
from questionnaires.models import Programme
from questionnaires.selectors.outcomes import OutcomeFilters


class OutcomesFilterForm(forms.Form):
    programme = forms.ChoiceField(
        label=_("Programme"),
        required=False,
        choices=[("", _("All programmes")), *Programme.choices],
        error_messages={"invalid_choice": _("Select a programme from the list")},
    )
    group = forms.ChoiceField(
        label=_("Together Time group"),
        required=False,
        error_messages={"invalid_choice": _("Select a group from the list")},
    )
    clinician = forms.ChoiceField(
        label=_("Clinician"),
        required=False,
        error_messages={"invalid_choice": _("Select a clinician from the list")},
    )
    since = DateInputField(
        label=_("Episodes opened from"),
        help_text=_("For example, 1 4 2026."),
    )
    until = DateInputField(
        label=_("Episodes opened up to"),
        help_text=_("For example, 31 3 2027."),
    )

    def __init__(
        self,
        *args: Any,
        groups: list[tuple[str, str]],
        clinicians: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = [("", _("All groups")), *groups]
        clinician_field = self.fields["clinician"]
        assert isinstance(clinician_field, forms.ChoiceField)
        clinician_field.choices = [("", _("All clinicians")), *clinicians]

    @property
    def date_fields(self) -> list[forms.BoundField]:
        return [self["since"], self["until"]]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error(
                "until", _("The ‘up to’ date must be the same as or after the ‘from’ date")
            )
        return cleaned

    def filters(self) -> OutcomeFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        group = data.get("group") or ""
        clinician = data.get("clinician") or ""
        return OutcomeFilters(
            programme=data.get("programme") or "",
            date_from=data.get("since"),
            date_to=data.get("until"),
            group_id=uuid.UUID(group) if group else None,
            clinician_id=int(clinician) if clinician else None,
        )

    def recorded(self) -> dict[str, str]:
        """The filters as the audit event keeps them: codes, ids and dates."""
        f = self.filters()
        return {
            "programme": f.programme,
            "from": f.date_from.isoformat() if f.date_from else "",
            "to": f.date_to.isoformat() if f.date_to else "",
            "group": str(f.group_id or ""),
            "clinician": str(f.clinician_id or ""),
        }
