"""Who referred a family, whether the mother was pregnant at referral, and their area's
deprivation decile (entered, or looked up from a postcode that is not kept). All optional."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questionnaires.models import Family, ReferralSource

PREGNANT_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("", _("Not recorded"))]


class ReachForm(forms.Form):
    referral_source = forms.ChoiceField(
        label=_("Who referred the family? (optional)"),
        required=False,
        choices=[("", _("Not recorded")), *ReferralSource.choices],
        error_messages={"invalid_choice": _("Select who referred the family from the list")},
    )
    pregnant_at_referral = forms.ChoiceField(
        label=_("Was the mother pregnant when the family was referred? (optional)"),
        required=False,
        choices=PREGNANT_CHOICES,
        widget=forms.RadioSelect,
    )
    imd_decile = forms.IntegerField(
        label=_("Deprivation decile, 1 to 10 (optional)"),
        help_text=_(
            "Index of Multiple Deprivation decile of the family's area: 1 is the most deprived 10%."
        ),
        required=False,
        min_value=1,
        max_value=10,
        error_messages={
            "invalid": _("Enter the decile as a whole number from 1 to 10"),
            "min_value": _("Enter the decile as a whole number from 1 to 10"),
            "max_value": _("Enter the decile as a whole number from 1 to 10"),
        },
    )
    postcode = forms.CharField(
        label=_("Or the family's postcode (optional)"),
        help_text=_("Used once to look up the decile in the service's list, then forgotten."),
        required=False,
        max_length=10,
    )

    def __init__(self, *args: Any, family: Family, **kwargs: Any) -> None:
        if not args or args[0] is None:
            pregnant = {True: "yes", False: "no", None: ""}[family.pregnant_at_referral]
            kwargs.setdefault(
                "initial",
                {
                    "referral_source": family.referral_source,
                    "pregnant_at_referral": pregnant,
                    "imd_decile": family.imd_decile,
                },
            )
        super().__init__(*args, **kwargs)

    def pregnant(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("pregnant_at_referral") or "")
