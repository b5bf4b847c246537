"""The audit page's filters: a member of staff, a family label, what happened and a range of
dates. Choices come from the signed-in lead's own service; values are used in fixed ORM lookups
only, never to name a field (INJ-3)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.date_input import DateInputField
from questionnaires.models import Service, StaffUser
from questionnaires.selectors.audit_trail import (
    AuditFilters,
    actions_of,
    families_labelled,
    staff_of,
)

NO_SUCH_FAMILY = _("No family in your service has this label. Check the label")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        suffix = "" if obj.is_active else _(" (deactivated)")
        return f"{obj.display_name} ({obj.get_username()}){suffix}"


class AuditFilterForm(forms.Form):
    user = StaffChoiceField(
        label=_("Member of staff"),
        queryset=StaffUser.objects.none(),
        required=False,
        empty_label=_("Anyone"),
        error_messages={"invalid_choice": _("Select a member of staff from the list")},
    )
    family = forms.CharField(
        label=_("Family label"),
        help_text=_("For example, RV-0042."),
        required=False,
        max_length=40,
        error_messages={"max_length": _("Family label must be 40 characters or fewer")},
    )
    action = forms.ChoiceField(
        label=_("What happened"),
        required=False,
        error_messages={"invalid_choice": _("Select what happened from the list")},
    )
    since = DateInputField(label=_("From"), help_text=_("For example, 1 12 2026."))
    until = DateInputField(label=_("To"), help_text=_("For example, 31 12 2026."))

    def __init__(self, *args: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.service = service
        user_field = self.fields["user"]
        assert isinstance(user_field, StaffChoiceField)
        user_field.queryset = staff_of(service)
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        action_field.choices = [("", "Anything"), *((a, a) for a in actions_of(service))]
        self.family_ids: tuple[Any, ...] | None = None

    @property
    def date_fields(self) -> list[forms.BoundField]:
        return [self["since"], self["until"]]

    def clean_family(self) -> str:
        label: str = (self.cleaned_data.get("family") or "").strip()
        if label:
            found = families_labelled(label, self.service)
            if not found:
                raise ValidationError(NO_SUCH_FAMILY)
            self.family_ids = tuple(family.pk for family in found)
        return label

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The ‘To’ date must be the same as or after the ‘From’ date"))
        return cleaned

    def filters(self) -> AuditFilters:
        """The filters of a valid form."""
        user = self.cleaned_data.get("user")
        return AuditFilters(
            actor_id=user.pk if user is not None else None,
            family_ids=self.family_ids,
            action=self.cleaned_data.get("action") or "",
            since=self.cleaned_data.get("since"),
            until=self.cleaned_data.get("until"),
        )

    def recorded(self) -> dict[str, Any]:
        """The filters as the audit event of this read keeps them: ids and dates, never the
        typed text (LOG-2)."""
        filters = self.filters()
        return {
            "user": str(filters.actor_id) if filters.actor_id is not None else "",
            "families": [str(pk) for pk in filters.family_ids or ()],
            "action": filters.action,
            "since": filters.since.isoformat() if filters.since else "",
            "until": filters.until.isoformat() if filters.until else "",
        }
