"""The GOV.UK date input (day, month and year boxes), shared by staff and parent forms."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DateInputWidget(forms.MultiWidget):
    """The GOV.UK date input: separate day, month and year boxes (names end _day/_month/_year)."""

    def __init__(self) -> None:
        super().__init__(
            widgets={"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        )

    def decompress(self, value: date | None) -> list[int | None]:
        return [value.day, value.month, value.year] if value else [None, None, None]


class DateInputField(forms.MultiValueField):
    """A date typed as day, month and year; all three empty means "not given". Errors follow
    the GOV.UK pattern and name the date, e.g. "Due date must include a month"."""

    widget = DateInputWidget

    def __init__(self, *, label: StrOrPromise, **kwargs: Any) -> None:
        parts = (forms.CharField(required=False) for _ in range(3))
        super().__init__(
            fields=tuple(parts), require_all_fields=False, required=False, label=label, **kwargs
        )

    def prepare_value(self, value: Any) -> Any:
        # An initial date shows as its day, month and year boxes (the template reads parts).
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return value

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list:
            return None
        day, month, year = (part.strip() for part in data_list)
        missing = [
            str(name)
            for name, part in ((_("day"), day), (_("month"), month), (_("year"), year))
            if not part
        ]
        if missing:
            raise ValidationError(
                gettext("%(label)s must include a %(parts)s")
                % {"label": self.label, "parts": gettext(" and a ").join(missing)}
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(gettext("%(label)s must be a real date") % {"label": self.label})
        if len(year) != 4:
            raise ValidationError(gettext("Year must include 4 numbers"))
        try:
            return date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(
                gettext("%(label)s must be a real date") % {"label": self.label}
            ) from error
