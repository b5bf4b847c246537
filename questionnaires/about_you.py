"""Optional "About you" questions, asked after the measures because the service's equality
data were 30% missing. Every question offers "Prefer not to say". Ethnic groups follow the
GOV.UK / ONS 2021 list for England and Wales."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

PREFER_NOT_TO_SAY = ("prefer_not_to_say", _("Prefer not to say"))

ETHNIC_GROUPS: dict[str, tuple[str, list[str]]] = {
    "asian": (
        "Asian or Asian British",
        ["Indian", "Pakistani", "Bangladeshi", "Chinese", "Any other Asian background"],
    ),
    "black": (
        "Black, Black British, Caribbean or African",
        ["Caribbean", "African", "Any other Black, Black British, or Caribbean background"],
    ),
    "mixed": (
        "Mixed or multiple ethnic groups",
        [
            "White and Black Caribbean",
            "White and Black African",
            "White and Asian",
            "Any other Mixed or multiple ethnic background",
        ],
    ),
    "white": (
        "White",
        [
            "English, Welsh, Scottish, Northern Irish or British",
            "Irish",
            "Gypsy or Irish Traveller",
            "Roma",
            "Any other White background",
        ],
    ),
    "other": ("Other ethnic group", ["Arab", "Any other ethnic group"]),
}


@dataclass(frozen=True)
class AboutQuestion:
    field: str
    # English, marked for the catalogue (gettext_noop): the web layer translates them when it
    # shows them, so stored keys and exports never depend on the language.
    question: str
    hint: str
    choices: tuple[tuple[str, str], ...]


def _slug(label: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in label.lower()).strip("_")


ETHNIC_GROUP = AboutQuestion(
    "ethnic_group",
    _("What is your ethnic group?"),
    _("This is about how you see yourself."),
    tuple((key, label) for key, (label, _) in ETHNIC_GROUPS.items()) + (PREFER_NOT_TO_SAY,),
)


def ethnic_background(group: str) -> AboutQuestion:
    label, backgrounds = ETHNIC_GROUPS[group]
    return AboutQuestion(
        "ethnic_background",
        _("Which of these best describes your background?"),
        f"You chose: {label}.",
        tuple((_slug(b), b) for b in backgrounds) + (PREFER_NOT_TO_SAY,),
    )


AGE_BAND = AboutQuestion(
    "age_band",
    _("How old are you?"),
    "",
    (
        ("under_20", _("Under 20")),
        ("20_24", _("20 to 24")),
        ("25_29", _("25 to 29")),
        ("30_34", _("30 to 34")),
        ("35_39", _("35 to 39")),
        ("40_plus", _("40 or over")),
        PREFER_NOT_TO_SAY,
    ),
)

RELATIONSHIP_STATUS = AboutQuestion(
    "relationship_status",
    _("Which of these best describes you?"),
    "",
    (
        ("married", _("Married or in a civil partnership")),
        ("living_with_partner", _("Living with a partner")),
        ("partner_not_living_together", _("In a relationship, not living together")),
        ("single", _("Single")),
        ("separated", _("Separated, divorced or widowed")),
        PREFER_NOT_TO_SAY,
    ),
)

GENDER = AboutQuestion(
    "gender",
    _("What is your gender?"),
    "",
    (
        ("woman", _("Woman")),
        ("man", _("Man")),
        ("non_binary", _("Non-binary")),
        ("another_way", _("I describe myself another way")),
        PREFER_NOT_TO_SAY,
    ),
)

# In the order they are asked. The background question follows the group question.
FIXED_QUESTIONS = (AGE_BAND, RELATIONSHIP_STATUS, GENDER)


def label_for(question: AboutQuestion, value: str) -> str:
    return dict(question.choices).get(value, value)
