"""Parent-facing forms, built at run time from the instrument definitions (pretix's
BaseQuestionsForm is the model). Error messages say what to do, in plain words (UX-8)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from questionnaires.about_you import PREFER_NOT_TO_SAY
from questionnaires.parent_steps import Kind, Step

# One message per kind of answer scale, keyed by instrument code.
SELECT_ANSWER = {
    "prfq": _("Select how much you agree or disagree"),
    "mors_sf": _("Select how often you feel like this"),
    "asq_se2": _("Select how often your child does this"),
}
SELECT_YES_NO = _("Select yes or no")
TEXT_MAX = 1000


class StepForm(forms.Form):
    """Every step form takes its Step; info pages have no fields and need only Continue."""

    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        self.step = step
        super().__init__(*args, **kwargs)


class InfoForm(StepForm):
    pass


class CheckForm(StepForm):
    pass


class ConsentForm(StepForm):
    consent = forms.ChoiceField(
        label=_("Consent"),
        choices=[("yes", _("Yes, I agree")), ("no", _("No, I do not agree"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if you agree to answer the questions"),
            "invalid_choice": _("Select yes if you agree to answer the questions"),
        },
    )


class SkippableForm(StepForm):
    """A question the parent may skip with "Skip this question" (a POST, never a GET)."""

    @property
    def skipped(self) -> bool:
        return self.is_bound and bool(self.data.get(self.add_prefix("skip")))

    def full_clean(self) -> None:
        if self.skipped:
            for field in self.fields.values():
                field.required = False
        super().full_clean()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.skipped:
            cleaned["answer"] = ""
            cleaned["text"] = ""
        return cleaned


class ItemForm(SkippableForm):
    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        super().__init__(*args, step=step, **kwargs)
        assert step.definition is not None
        message = SELECT_ANSWER.get(step.definition.code, _("Select an answer"))
        self.fields["answer"] = forms.ChoiceField(
            label=step.item.text if step.item else "",
            choices=[(str(option.value), option.label) for option in step.definition.options],
            widget=forms.RadioSelect,
            error_messages={"required": message, "invalid_choice": message},
        )
        if step.definition.concern_label:
            self.fields["concern"] = forms.BooleanField(
                required=False, label=step.definition.concern_label
            )


class OverallForm(SkippableForm):
    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        super().__init__(*args, step=step, **kwargs)
        assert step.overall is not None
        if step.overall.kind == "yes_no":
            self.fields["answer"] = forms.ChoiceField(
                label=step.overall.text,
                choices=[("yes", _("Yes")), ("no", _("No"))],
                widget=forms.RadioSelect,
                error_messages={"required": SELECT_YES_NO, "invalid_choice": SELECT_YES_NO},
            )
        self.fields["text"] = forms.CharField(
            label=_("Tell us more (optional)")
            if step.overall.kind == "yes_no"
            else step.overall.text,
            required=False,
            max_length=TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={
                "max_length": _("Your answer must be %(limit)s characters or fewer")
                % {"limit": TEXT_MAX},
            },
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.skipped and "answer" not in self.fields and not cleaned.get("text"):
            # An empty free-text answer is the same as skipping it.
            cleaned["text"] = ""
        return cleaned


class AboutForm(StepForm):
    def __init__(self, *args: Any, step: Step, **kwargs: Any) -> None:
        super().__init__(*args, step=step, **kwargs)
        assert step.about is not None
        message = _("Select an answer, or select prefer not to say")
        self.fields["answer"] = forms.ChoiceField(
            label=gettext(step.about.question),
            help_text=about_hint(step),
            choices=about_choices(step),
            widget=forms.RadioSelect,
            error_messages={"required": message, "invalid_choice": message},
        )


def about_hint(step: Step) -> str:
    assert step.about is not None
    hint = step.about.hint
    if hint.startswith("You chose: "):
        # The ethnic background question names the group chosen (ONS wording, not translated).
        return gettext("You chose: %(group)s.") % {"group": hint.removeprefix("You chose: ")[:-1]}
    return gettext(hint) if hint else ""


def about_choices(step: Step) -> list[tuple[str, str]]:
    """ "About you" answers in the page's language, except the ONS ethnic groups (standard
    wording, shown as published); "Prefer not to say" is ours and is translated."""
    assert step.about is not None
    standard = step.about.field in ("ethnic_group", "ethnic_background")
    return [
        (key, label if standard and key != PREFER_NOT_TO_SAY[0] else gettext(label))
        for key, label in step.about.choices
    ]


FORM_FOR_KIND: dict[Kind, type[StepForm]] = {
    Kind.CONSENT: ConsentForm,
    Kind.EXPLAIN: InfoForm,
    Kind.ITEM: ItemForm,
    Kind.OVERALL: OverallForm,
    Kind.ABOUT_INTRO: InfoForm,
    Kind.ABOUT: AboutForm,
    Kind.CHECK: CheckForm,
}
