"""The evaluation files (issue 13): long, wide paired and item-level tables plus a data
dictionary, as CSV, XLSX (pandas with XlsxWriter), SPSS .sav and Stata .dta (pyreadstat, with
value labels). Pseudonymised: the family label, never a name or contact detail. Every row names
the instrument's definition and scoring versions; codes and labels sit in separate columns;
text cells are neutralised against formula injection (INJ-2, questionnaires.spreadsheet)."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from questionnaires.models import Programme, Timepoint
from questionnaires.outcomes import statistics as st
from questionnaires.spreadsheet import neutralise_text_columns
from scoring.definitions import shipped_definition

ZONE_LABELS = {"above": "Above cut-off", "monitoring": "Monitoring zone", "below": "Below"}
# Coded columns: code → label; in .sav and .dta the code is stored as a number with these
# value labels (1, 2, … in this order).
CODES: dict[str, dict[str, str]] = {
    "programme": dict(Programme.choices),
    "timepoint": dict(Timepoint.choices),
    "zone": ZONE_LABELS,
}


@dataclass(frozen=True)
class Tables:
    long: pd.DataFrame
    wide: pd.DataFrame
    items: pd.DataFrame
    dictionary: pd.DataFrame

    def named(self) -> dict[str, pd.DataFrame]:
        return {"long": self.long, "wide": self.wide, "items": self.items}


def _names() -> dict[tuple[str, str], str]:
    names = {}
    for info in _infos():
        names[(info.instrument, info.subscale)] = info.name
    return names


def _infos() -> list[st.MeasureInfo]:
    from questionnaires.outcomes.report import measure_infos

    return measure_infos()


def long_table(scores: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per response per subscale."""
    frame = scores.merge(
        episodes[["episode_id", "family_label", "programme"]], on="episode_id", how="left"
    )
    names = _names()
    keys = list(zip(frame["instrument"], frame["subscale"], strict=True))
    out = pd.DataFrame(
        {
            "family_label": frame["family_label"],
            "episode_id": frame["episode_id"].astype(str),
            "programme": frame["programme"],
            "programme_label": frame["programme"].map(CODES["programme"]),
            "timepoint": frame["timepoint"],
            "timepoint_label": frame["timepoint"].map(CODES["timepoint"]),
            "response_id": frame["response_id"].astype(str),
            "submitted_on": pd.to_datetime(frame["submitted_at"], utc=True).dt.strftime("%Y-%m-%d"),
            "instrument": frame["instrument"],
            "subscale": frame["subscale"],
            "subscale_label": [names.get(key, key[1]) for key in keys],
            "score": frame["score"].astype(float),
            "zone": frame["zone"],
            "zone_label": frame["zone"].map(ZONE_LABELS),
            "asq_interval": frame["interval"].astype("Float64"),
            "items_missing": frame["items_missing"].astype("Float64"),
            "definition_version": frame["definition_version"],
            "scoring_version": frame["scoring_version"],
        }
    )
    return out.sort_values(["family_label", "submitted_on", "instrument", "subscale"]).reset_index(
        drop=True
    )


def wide_table(scores: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per parent–episode with a T1 and a T2 score: for each subscale its T1, T2 and
    difference (T2 − T1), and for each instrument the versions at T1 and T2."""
    pairs = st.pair_scores(scores)
    base = episodes[["episode_id", "family_label", "programme"]].copy()
    if pairs.empty:
        base = base.iloc[0:0]
    else:
        base = base[base["episode_id"].isin(set(pairs["episode_id"]))]
    pairs = pairs.assign(column=pairs["instrument"] + "_" + pairs["subscale"])
    values = pairs.pivot(index="episode_id", columns="column", values=["t1", "t2", "diff"])
    values.columns = [f"{column}_{part}" for part, column in values.columns]
    ordered = sorted(values.columns, key=lambda c: (c.rsplit("_", 1)[0], c.rsplit("_", 1)[1]))
    values = values[ordered]
    versions = scores.drop_duplicates(["response_id", "instrument"])[
        ["response_id", "instrument", "definition_version", "scoring_version"]
    ]
    per_instrument = pairs.drop_duplicates(["episode_id", "instrument"])[
        ["episode_id", "instrument", "response_t1", "response_t2"]
    ]
    version_frames = []
    for point in ("t1", "t2"):
        merged = per_instrument.merge(
            versions, left_on=[f"response_{point}", "instrument"],
            right_on=["response_id", "instrument"], how="left",
        )  # fmt: skip
        for kind in ("definition_version", "scoring_version"):
            short = "definition" if kind == "definition_version" else "scoring"
            table = merged.pivot(index="episode_id", columns="instrument", values=kind)
            table.columns = [f"{code}_{short}_{point}" for code in table.columns]
            version_frames.append(table)
    wide = base.set_index("episode_id").join(values)
    for table in version_frames:
        wide = wide.join(table)
    wide = wide.reset_index()
    wide.insert(3, "programme_label", wide["programme"].map(CODES["programme"]))
    wide["episode_id"] = wide["episode_id"].astype(str)
    return wide.sort_values("family_label").reset_index(drop=True)


def _option_labels() -> dict[tuple[str, str], str]:
    labels = {}
    for info in {i.instrument for i in _infos()}:
        for option in shipped_definition(info).options:
            labels[(info, str(option.value))] = option.label
    return labels


def items_table(answers: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """One row per answer: item number, stored value and its label."""
    labels = _option_labels()
    versions = scores.drop_duplicates(["response_id", "instrument"])[
        ["response_id", "instrument", "scoring_version"]
    ].assign(response_id=lambda f: f["response_id"].astype(str))
    frame = answers.assign(
        response_id=answers["response_id"].astype(str),
        episode_id=answers["episode_id"].astype(str),
    ).merge(versions, on=["response_id", "instrument"], how="left")
    keys = zip(frame["instrument"], frame["value"], strict=True)
    frame["value_label"] = [labels.get(key, "" if key[1] == "" else key[1]) for key in keys]
    frame["skipped"] = (frame["value"] == "").astype(int)
    frame.insert(3, "timepoint_label", frame["timepoint"].map(CODES["timepoint"]))
    return frame[
        ["family_label", "episode_id", "timepoint", "timepoint_label", "response_id",
         "instrument", "item", "value", "value_label", "skipped", "definition_version",
         "scoring_version"]
    ].reset_index(drop=True)  # fmt: skip


DESCRIPTIONS = {
    "family_label": "Pseudonymous family label (no names or contact details)",
    "episode_id": "Random identifier of the episode of care",
    "programme": "Programme code",
    "programme_label": "Programme",
    "timepoint": "Timepoint code: T1 start, T2 end",
    "timepoint_label": "Timepoint",
    "response_id": "Random identifier of the set of answers",
    "submitted_on": "Date the answers were sent",
    "instrument": "Questionnaire code",
    "subscale": "Subscale (or total) code",
    "subscale_label": "Subscale name",
    "score": "Score as stored (empty: not scored)",
    "zone": "ASQ:SE-2 zone code against the interval's cut-off",
    "zone_label": "ASQ:SE-2 zone",
    "asq_interval": "ASQ:SE-2 interval in months",
    "items_missing": "Items left unanswered in this questionnaire",
    "definition_version": "Instrument definition version",
    "scoring_version": "Scoring version",
    "item": "Item number (or overall-question id)",
    "value": "Stored answer code (empty: skipped)",
    "value_label": "The answer's wording",
    "skipped": "1 if the item was skipped",
}


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for table, frame in tables.items():
        for column in frame.columns:
            base = column.rsplit("_", 1)
            if column in DESCRIPTIONS:
                description = DESCRIPTIONS[column]
            elif base[-1] in ("t1", "t2") and ("_definition_" in column or "_scoring_" in column):
                description = f"Version used at {base[-1].upper()}: {column}"
            elif base[-1] == "diff":
                description = f"{base[0]}: end minus start (T2 − T1)"
            elif base[-1] in ("t1", "t2"):
                description = f"{base[0]}: score at {base[-1].upper()}"
            else:
                description = column
            codes = CODES.get(column.removesuffix("_label"), {}) if column in CODES else {}
            rows.append(
                {
                    "table": table,
                    "column": column,
                    "description": description,
                    "codes": "; ".join(f"{code} = {label}" for code, label in codes.items()),
                }
            )
    return pd.DataFrame(rows, columns=["table", "column", "description", "codes"])


def build_tables(scores: pd.DataFrame, episodes: pd.DataFrame, answers: pd.DataFrame) -> Tables:
    named = {
        "long": long_table(scores, episodes),
        "wide": wide_table(scores, episodes),
        "items": items_table(answers, scores),
    }
    return Tables(**named, dictionary=data_dictionary(named))


# --- Writers ----------------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# Columns whose every value the portal generates itself (random ids, its own codes and labels,
# ISO dates): nothing a person typed, so no formula can be in them.
GENERATED = frozenset(
    {"episode_id", "response_id", "programme", "programme_label", "timepoint",
     "timepoint_label", "submitted_on", "instrument", "subscale", "subscale_label", "zone",
     "zone_label", "skipped"}
)  # fmt: skip


def _csv(frame: pd.DataFrame) -> bytes:
    return neutralise_text_columns(frame, GENERATED).to_csv(index=False).encode("utf-8")


def to_csv_zip(tables: Tables) -> bytes:
    """Each table as a CSV, with the data dictionary beside them, in one zip."""
    files = {f"outcomes_{name}.csv": _csv(frame) for name, frame in tables.named().items()}
    files["outcomes_data_dictionary.csv"] = _csv(tables.dictionary)
    return _zip(files)


XLSX_ROWS = 1_048_575  # Excel's row limit, less the header row


def _sheet(workbook: Any, name: str, frame: pd.DataFrame) -> None:
    """One sheet, written row by row in order (XlsxWriter's constant-memory mode): about
    twice as fast as pandas' `to_excel` and a fraction of the memory. Missing is blank."""
    sheet = workbook.add_worksheet(name)
    sheet.write_row(0, 0, [str(column) for column in frame.columns])
    values = [
        frame[column].astype(object).where(frame[column].notna(), None).tolist()
        for column in frame.columns
    ]
    for row, cells in enumerate(zip(*values, strict=True), start=1):
        sheet.write_row(row, 0, cells)


def to_xlsx(tables: Tables) -> bytes:
    """One workbook: a sheet per table and the data dictionary. XlsxWriter never turns text
    into formulas, numbers or links here, and text is neutralised as well for other readers."""
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    for name, frame in {**tables.named(), "data_dictionary": tables.dictionary}.items():
        safe = neutralise_text_columns(frame, GENERATED)
        # A sheet holds at most XLSX_ROWS rows: a longer table goes on over more sheets
        # (items, items_2, …) rather than being cut off.
        for part, start in enumerate(range(0, max(len(safe), 1), XLSX_ROWS), start=1):
            sheet = name if part == 1 else f"{name}_{part}"
            _sheet(workbook, sheet, safe.iloc[start : start + XLSX_ROWS])
    workbook.close()
    return buffer.getvalue()


def _labelled(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[int | float, str]]]:
    """Coded text columns as numbers with value labels; versions and ids stay text."""
    result = frame.copy()
    value_labels: dict[str, dict[int | float, str]] = {}
    for column, codes in CODES.items():
        if column in result.columns:
            numbers = {code: index for index, code in enumerate(codes, start=1)}
            result[column] = result[column].map(numbers).astype(float)
            value_labels[column] = {index: codes[code] for code, index in numbers.items()}
    for column in result.columns:
        if result[column].dtype == object or pd.api.types.is_string_dtype(result[column]):
            result[column] = result[column].astype(object).where(result[column].notna(), "")
            result[column] = result[column].astype(str)
        elif pd.api.types.is_extension_array_dtype(result[column]):
            result[column] = result[column].astype(float)
    return result, value_labels


def _readstat(frame: pd.DataFrame, write: Callable[..., None], suffix: str) -> bytes:
    data, value_labels = _labelled(frame)
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    try:
        write(data, path, value_labels)
        with open(path, "rb") as written:
            return written.read()
    finally:
        os.unlink(path)


def to_sav_zip(tables: Tables) -> bytes:
    import pyreadstat

    def write(data: pd.DataFrame, path: str, labels: dict[str, dict[int | float, str]]) -> None:
        pyreadstat.write_sav(
            data,
            path,
            variable_value_labels=labels,
            column_labels=[DESCRIPTIONS.get(c, c) for c in data.columns],
        )

    files = {f"outcomes_{n}.sav": _readstat(f, write, ".sav") for n, f in tables.named().items()}
    files["outcomes_data_dictionary.csv"] = _csv(tables.dictionary)
    return _zip(files)


def to_dta_zip(tables: Tables) -> bytes:
    import pyreadstat

    def write(data: pd.DataFrame, path: str, labels: dict[str, dict[int | float, str]]) -> None:
        pyreadstat.write_dta(
            data,
            path,
            variable_value_labels=labels,
            column_labels=[DESCRIPTIONS.get(c, c)[:80] for c in data.columns],
        )

    files = {f"outcomes_{n}.dta": _readstat(f, write, ".dta") for n, f in tables.named().items()}
    files["outcomes_data_dictionary.csv"] = _csv(tables.dictionary)
    return _zip(files)
