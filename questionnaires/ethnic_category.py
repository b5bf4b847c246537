"""The parent's "About you" ethnic group as an NHS Ethnic Category code (NHS Data Dictionary,
ETHNIC CATEGORY: A-H, J-N, P, R, S, Z, 99), for national returns such as MHSDS. One table, in
one place: our form offers the GOV.UK / ONS 2021 list (questionnaires.about_you), the NHS codes
follow the 2001 census list, so a few 2021 options fold into an "any other" code. Every option
the form offers maps to exactly one code; the tests read the options from the form, so a new
option fails until it is added here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from questionnaires.about_you import ETHNIC_GROUPS, PREFER_NOT_TO_SAY, ethnic_background

NOT_STATED = "Z"  # asked, and the parent chose not to say
NOT_KNOWN = "99"  # not asked, or not answered

# (our group key, the background exactly as the form shows it) -> NHS Ethnic Category.
NHS_ETHNIC_CATEGORY: dict[tuple[str, str], str] = {
    ("white", "English, Welsh, Scottish, Northern Irish or British"): "A",
    ("white", "Irish"): "B",
    # No 2001 code of their own: NHS England's guidance files them under "any other White".
    ("white", "Gypsy or Irish Traveller"): "C",
    ("white", "Roma"): "C",
    ("white", "Any other White background"): "C",
    ("mixed", "White and Black Caribbean"): "D",
    ("mixed", "White and Black African"): "E",
    ("mixed", "White and Asian"): "F",
    ("mixed", "Any other Mixed or multiple ethnic background"): "G",
    ("asian", "Indian"): "H",
    ("asian", "Pakistani"): "J",
    ("asian", "Bangladeshi"): "K",
    ("asian", "Any other Asian background"): "L",
    # The 2001 list puts Chinese under "Other ethnic groups" (R), not Asian.
    ("asian", "Chinese"): "R",
    ("black", "Caribbean"): "M",
    ("black", "African"): "N",
    ("black", "Any other Black, Black British, or Caribbean background"): "P",
    # No 2001 code of its own: "any other ethnic group".
    ("other", "Arab"): "S",
    ("other", "Any other ethnic group"): "S",
}


def _stored_background(group: str, label: str) -> str:
    """The value the form stores for a background label (its choice key)."""
    return {text: key for key, text in ethnic_background(group).choices}[label]


# (group key, stored background value) -> code: what the lookup uses.
_BY_STORED = {
    (group, _stored_background(group, label)): code
    for (group, label), code in NHS_ETHNIC_CATEGORY.items()
}


def nhs_ethnic_category(about_you: Mapping[str, Any]) -> str:
    """The code for one response's About-you answers.

    "Prefer not to say" (to the group, or to the background after a group) is Z, Not stated:
    the parent was asked and chose not to say. No answer at all is 99, Not known; so is a group
    given without a background, because the NHS list has no code for a broad group alone and
    picking its "any other" code would state something the parent did not say."""
    group = about_you.get("ethnic_group")
    if not group:
        return NOT_KNOWN
    if group == PREFER_NOT_TO_SAY[0]:
        return NOT_STATED
    if group not in ETHNIC_GROUPS:
        return NOT_KNOWN
    background = about_you.get("ethnic_background")
    if background == PREFER_NOT_TO_SAY[0]:
        return NOT_STATED
    return _BY_STORED.get((group, str(background)), NOT_KNOWN)
