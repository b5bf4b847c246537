"""The evaluation files (issue 13): long, wide paired and item-level tables plus a data
dictionary, as CSV, XLSX and SPSS .sav and Stata .dta (pyreadstat, with value labels). The XLSX
sheets' XML is written a column at a time straight into the workbook's zip, because XlsxWriter's
per-cell calls took minutes at 20,000 families (docs/benchmarks.md). Pseudonymised: the family
label, never a name or contact detail. Every row names the instrument's definition and scoring
versions; codes and labels sit in separate columns; text cells are neutralised against formula
injection (INJ-2, questionnaires.spreadsheet)."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from questionnaires.models import Programme, Timepoint
from questionnaires.outcomes import statistics as st
from questionnaires.spreadsheet import FORMULA_STARTS
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


def _day_text(times: pd.Series) -> pd.Series:
    """UTC dates as YYYY-MM-DD, formatted once per distinct day (not once per row)."""
    days = pd.to_datetime(times, utc=True).dt.floor("D")
    codes, uniques = pd.factorize(days)
    labels = np.array([*pd.DatetimeIndex(uniques).strftime("%Y-%m-%d"), None], dtype=object)
    return pd.Series(labels[codes], index=times.index, dtype=object)


def _mapped(
    keys: pd.Series, mapping: dict[Any, str], default: pd.Series | None = None
) -> pd.Series:
    """A code column mapped to labels through its distinct values (categorical-style)."""
    codes, uniques = pd.factorize(keys)
    labels = np.array([mapping.get(u) for u in uniques] + [None], dtype=object)
    result = pd.Series(labels[codes], index=keys.index, dtype=object)
    if default is not None:
        result = result.where(result.notna(), default)
    return result


def long_table(scores: pd.DataFrame, episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per response per subscale (vectorised: labels and dates through each column's
    distinct values, the order through integer codes)."""
    frame = scores.merge(
        episodes[["episode_id", "family_label", "programme"]], on="episode_id", how="left"
    )
    names = _names()
    measure = frame["instrument"].astype(str) + "\x1f" + frame["subscale"].astype(str)
    label_of = {f"{code}\x1f{sub}": name for (code, sub), name in names.items()}
    submitted_on = _day_text(frame["submitted_at"])
    out = pd.DataFrame(
        {
            "family_label": frame["family_label"],
            "episode_id": frame["episode_id"].astype(str),
            "programme": frame["programme"],
            "programme_label": _mapped(frame["programme"], CODES["programme"]),
            "timepoint": frame["timepoint"],
            "timepoint_label": _mapped(frame["timepoint"], CODES["timepoint"]),
            "response_id": frame["response_id"].astype(str),
            "submitted_on": submitted_on,
            "instrument": frame["instrument"],
            "subscale": frame["subscale"],
            "subscale_label": _mapped(measure, label_of, frame["subscale"]),
            "score": frame["score"].astype(float),
            "zone": frame["zone"],
            "zone_label": _mapped(frame["zone"], ZONE_LABELS),
            "asq_interval": frame["interval"].astype("Float64"),
            "items_missing": frame["items_missing"].astype("Float64"),
            "answer_language": _language(frame, "answer_language"),
            "definition_language": _language(frame, "definition_language"),
            "definition_version": frame["definition_version"],
            "scoring_version": frame["scoring_version"],
        }
    )
    order = np.lexsort(
        [
            pd.factorize(out[name], sort=True)[0]
            for name in reversed(["family_label", "submitted_on", "instrument", "subscale"])
        ]
    )
    return out.iloc[order].reset_index(drop=True)


def _language(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column].fillna("en")
    return pd.Series("en", index=frame.index, dtype=object)


# What the wide table names per instrument at T1 and at T2 (`prfq_definition_t1`, …).
VERSION_KINDS = {
    "definition_version": "definition",
    "scoring_version": "scoring",
    "definition_language": "definition_language",
    "answer_language": "answer_language",
}


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
    scores = scores.assign(
        answer_language=_language(scores, "answer_language"),
        definition_language=_language(scores, "definition_language"),
    )
    versions = scores.drop_duplicates(["response_id", "instrument"])[
        ["response_id", "instrument", *VERSION_KINDS]
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
        table = merged.pivot(index="episode_id", columns="instrument", values=list(VERSION_KINDS))
        table.columns = [f"{code}_{VERSION_KINDS[kind]}_{point}" for kind, code in table.columns]
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
    answers = answers.assign(
        answer_language=_language(answers, "answer_language"),
        definition_language=_language(answers, "definition_language"),
    )
    frame = answers.assign(
        response_id=answers["response_id"].astype(str),
        episode_id=answers["episode_id"].astype(str),
    ).merge(versions, on=["response_id", "instrument"], how="left")
    pair = frame["instrument"].astype(str) + "\x1f" + frame["value"].astype(str)
    label_of = {f"{code}\x1f{value}": label for (code, value), label in labels.items()}
    frame["value_label"] = _mapped(pair, label_of, frame["value"])
    frame["skipped"] = (frame["value"] == "").astype(int)
    frame.insert(3, "timepoint_label", frame["timepoint"].map(CODES["timepoint"]))
    return frame[
        ["family_label", "episode_id", "timepoint", "timepoint_label", "response_id",
         "instrument", "item", "value", "value_label", "skipped", "answer_language",
         "definition_language", "definition_version", "scoring_version"]
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
    "answer_language": "Language the parent answered in (interface language code, e.g. en, pt)",
    "definition_language": "Language of the instrument definition version scored (a "
    "translation is its own definition version); start and end pair only in the same one",
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
            elif base[-1] in ("t1", "t2") and "_language_" in column:
                kind = "answer" if "_answer_language_" in column else "definition"
                description = f"{kind.capitalize()} language at {base[-1].upper()}: {column}"
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
     "zone_label", "skipped", "answer_language", "definition_language"}
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column ready to write: every cell as text, which cells are missing, and whether
    the column holds numbers. Text is converted once per distinct value (factorised), and
    neutralised against formula injection there (INJ-2) — never once per row."""

    name: str
    number: bool
    text: np.ndarray  # object array of str; "" where missing
    missing: np.ndarray  # bool


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _column(name: str, series: pd.Series) -> Column:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        series = series.astype("Int64")
        dtype = series.dtype
    if pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(values)
        if pd.api.types.is_integer_dtype(dtype):
            values = np.where(missing, 0, values).astype(np.int64)
        if np.signbit(values[values == 0]).any():  # -0.0 and 0.0 would share one text
            text = values.astype(str).astype(object)
        else:  # formatted once per distinct value (numpy's formatting), not once per row
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            text = np.array([*np.asarray(uniques).astype(str), ""], dtype=object)[codes]
        text[missing] = ""
        return Column(name, True, text, missing)
    if name in GENERATED:  # the portal's own values: nothing to neutralise, no per-value work
        missing = series.isna().to_numpy()
        text = series.to_numpy(dtype=object, na_value="")
        return Column(name, False, text, missing)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    words = [_safe(str(value)) for value in uniques]
    table = np.array([*words, ""], dtype=object)
    return Column(name, False, table[codes], codes == -1)


def _columns(frame: pd.DataFrame) -> list[Column]:
    return [_column(str(name), frame[name]) for name in frame.columns]


def _write_csv(handle: Any, frame: pd.DataFrame) -> None:
    """The frame as CSV (pandas' dialect: minimal quoting, \\n line ends, missing empty),
    written by the csv module in C from the prepared columns."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    columns = _columns(frame)
    writer.writerow([column.name for column in columns])
    writer.writerows(zip(*(column.text for column in columns), strict=True))
    text.flush()
    text.detach()


def to_csv_zip(tables: Tables) -> bytes:
    """Each table as a CSV, with the data dictionary beside them, in one zip (each CSV
    written straight into its zip entry)."""
    buffer = io.BytesIO()
    frames = {f"outcomes_{name}.csv": frame for name, frame in tables.named().items()}
    frames["outcomes_data_dictionary.csv"] = tables.dictionary
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, frame in frames.items():
            with archive.open(name, "w", force_zip64=True) as entry:
                _write_csv(entry, frame)
    return buffer.getvalue()


def _csv(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    _write_csv(buffer, frame)
    return buffer.getvalue()


XLSX_ROWS = 1_048_575  # Excel's row limit, less the header row

# Characters XML 1.0 does not allow (a spreadsheet would refuse the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return escape(_NOT_XML.sub("", text))


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cells(column: Column) -> np.ndarray:
    """Each cell's XML after its reference: a number, an inline string, or empty."""
    if column.number:
        codes, uniques = pd.factorize(column.text)
        table = np.array([f"><v>{value}</v></c>" for value in uniques] + ["/>"], dtype=object)
        cells = table[codes]
    else:
        codes, uniques = pd.factorize(column.text)
        table = np.array(
            [f' t="inlineStr"><is><t xml:space="preserve">{_xml(v)}</t></is></c>' for v in uniques]
            + ["/>"],
            dtype=object,
        )
        cells = table[codes]
    cells[column.missing] = "/>"
    return cells


def _sheet_xml(frame: pd.DataFrame) -> Iterator[str]:
    """A worksheet's XML in pieces: one row each (cell references included, missing cells
    empty), built from per-distinct-value cell text with one string format per row."""
    columns = _columns(frame)
    letters = [_letters(index) for index in range(len(columns))]
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
    )
    header = "".join(
        f'<c r="{letter}1" t="inlineStr"><is><t xml:space="preserve">{_xml(c.name)}</t></is></c>'
        for letter, c in zip(letters, columns, strict=True)
    )
    yield f'<row r="1">{header}</row>'
    template = (
        '<row r="{0}">'
        + "".join(f'<c r="{letter}{{0}}"{{{n}}}' for n, letter in enumerate(letters, start=1))
        + "</row>"
    )
    cells = [_cells(column) for column in columns]
    row = 2
    for values in zip(*cells, strict=True):
        yield template.format(row, *values)
        row += 1
    yield "</sheetData></worksheet>"


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XLSX_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_XLSX_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def to_xlsx(tables: Tables) -> bytes:
    """One workbook: a sheet per table and the data dictionary, written as SpreadsheetML
    straight into the zip a .xlsx is (inline strings, so no shared-string table to hold in
    memory). Text is never a formula in this file (no cell carries one) and is neutralised
    as well for other readers. A sheet holds at most XLSX_ROWS rows: a longer table goes on
    over more sheets (items, items_2, …) rather than being cut off."""
    sheets: list[tuple[str, pd.DataFrame]] = []
    for name, frame in {**tables.named(), "data_dictionary": tables.dictionary}.items():
        for part, start in enumerate(range(0, max(len(frame), 1), XLSX_ROWS), start=1):
            sheets.append(
                (name if part == 1 else f"{name}_{part}", frame.iloc[start : start + XLSX_ROWS])
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            f'ContentType="{_XLSX_TYPE}.worksheet+xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_XLSX_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_XLSX_TYPE}.styles+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_XLSX_PKG}">'
            f'<Relationship Id="rId1" Type="{_XLSX_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        sheet_list = "".join(
            f'<sheet name="{_xml(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, _frame) in enumerate(sheets, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'{_XML_HEAD}<workbook xmlns="{_XLSX_MAIN}" '
            f'xmlns:r="{_XLSX_REL}"><sheets>{sheet_list}</sheets></workbook>',
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{_XLSX_REL}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        styles = len(sheets) + 1
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_XLSX_PKG}">'
            f'{relations}<Relationship Id="rId{styles}" Type="{_XLSX_REL}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        archive.writestr("xl/styles.xml", _XLSX_STYLES)
        for n, (_name, frame) in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as entry:
                pending: list[str] = []
                for piece in _sheet_xml(frame):
                    pending.append(piece)
                    if len(pending) >= 2048:
                        entry.write("".join(pending).encode("utf-8"))
                        pending.clear()
                entry.write("".join(pending).encode("utf-8"))
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
