"""The parent's own contact details on the confirmation page (issue 14, MSG-2): the staff form's
rules (UK mobile through `services.contacts`, a detail for the way chosen), in a parent's
words. A blank detail keeps the one already held (`services.contacts.record_parent_contact`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.staff.contact_forms import NEEDS_EMAIL, NEEDS_MOBILE, ContactForm
from questionnaires.models import ChannelChoice


class ParentContactForm(ContactForm):
    def __init__(
        self, *args: Any, has_mobile: bool = False, has_email: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.has_mobile, self.has_email = has_mobile, has_email
        self.fields["channel"] = forms.ChoiceField(
            label=_("How would you like us to contact you?"),
            choices=[
                (ChannelChoice.TEXT, _("By text message")),
                (ChannelChoice.EMAIL, _("By email")),
                (ChannelChoice.NEITHER, _("Please do not contact me")),
            ],
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose how you would like us to contact you")},
        )
        self.fields["mobile"].label = _("Your mobile number")
        self.fields["email"].label = _("Your email address")

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        channel = data.get("channel")
        needs_mobile = channel == ChannelChoice.TEXT and not self.has_mobile
        if needs_mobile and not data.get("mobile") and "mobile" not in self.errors:
            self.add_error("mobile", NEEDS_MOBILE)
        needs_email = channel == ChannelChoice.EMAIL and not self.has_email
        if needs_email and not data.get("email") and "email" not in self.errors:
            self.add_error("email", NEEDS_EMAIL)
        return data
