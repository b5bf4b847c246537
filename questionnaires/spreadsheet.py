"""INJ-2: a spreadsheet runs a cell that starts with one of these as a formula, so text cells
in every file a person may open in a spreadsheet (the audit trail CSV, the MHSDS export, the
outcomes exports) get a leading apostrophe. One rule, one place."""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def neutralise_text_columns(
    frame: pd.DataFrame, safe: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """`spreadsheet_safe` over every text column at once (numbers stay numbers, so a negative
    difference is still a number); missing text stays missing. Columns named in `safe` hold
    only values the portal itself generates (random ids, its own codes, ISO dates) and are
    left as they are."""
    result = frame.copy()
    for name in result.columns:
        if name in safe:
            continue
        column = result[name]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            text = column.astype("string")
            risky = text.str.startswith(FORMULA_STARTS).fillna(False)
            result[name] = text.where(~risky, "'" + text).astype(object).where(text.notna(), None)
    return result
