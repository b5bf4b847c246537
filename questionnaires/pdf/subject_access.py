"""Subject access as a readable PDF (SAR-1, SAR-2): the same sections as the JSON download, each
record a small table of what is held; answers as a table of the question, the answer chosen and
anything written. Everything typed by a parent or staff is escaped (INJ-1: `p` escapes)."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from questionnaires.pdf.styles import bold_cell, build, new_document, p, table
from questionnaires.summary.subject_access import Record, Section
from questionnaires.summary.wording import local_datetime

# Field names as a reader would say them; the rest are worded from the key.
LABELS = {
    "id": "Reference",
    "infant_dob": "Baby's date of birth",
    "due_date": "Due date",
    "asq_interval_months": "ASQ:SE-2 interval (months)",
    "about_you": "About you",
    "written_answer": "What they wrote",
    "response_measure_id": "Answers set",
    "response_id": "Response reference",
    "invitation_id": "Link reference",
    "episode_id": "Episode reference",
    "baseline_response_id": "Baseline answers (reference)",
    "instrument_version_id": "Questionnaire version (reference)",
    "worry_ticked": "Worry ticked",
}
# Each answer is one row of the answers table, not a table of its own.
ANSWER_COLUMNS = (("item", 18), ("question", 74), ("answer", 46), ("written_answer", 36))
KEY_WIDTH, VALUE_WIDTH = 52, 122


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " ").capitalize())


def _shown(value: Any) -> str:
    """A JSON value as a reader would say it: dates in words and UK time, numbers rounded as
    the record shows them (the JSON keeps them exact)."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, str):
        return _date_words(value)
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return str(value)


def _date_words(value: str) -> str:
    """ISO dates and times (as the JSON holds them) in words; other text as it is."""
    try:
        if len(value) == 10:
            return date.fromisoformat(value).strftime("%-d %B %Y")
        if len(value) > 10 and value[10] == "T":
            return local_datetime(datetime.fromisoformat(value))
    except ValueError:
        pass
    return value


def _item_words(item: str) -> str:
    # Overall questions are stored by id ("overall_3"): shown as the record shows them.
    return item if item.isdigit() else "Overall " + item.rpartition("_")[2]


def _record_words(record_type: str | None) -> str:
    # "questionnaires.Response" → "Response": the app's name means nothing to a reader.
    return record_type.rpartition(".")[2] if record_type else "—"


def _record_table(record: Record) -> Flowable:
    rows = [[bold_cell(_label(key)), _shown(value)] for key, value in record.items()]
    return table(["What", "Held"], rows, [KEY_WIDTH, VALUE_WIDTH])


def _answers_table(records: list[Record]) -> list[Flowable]:
    """One table per questionnaire answered, in the order they were asked."""
    story: list[Flowable] = []
    by_measure: dict[object, list[Record]] = {}
    for record in records:
        by_measure.setdefault(record["response_measure_id"], []).append(record)
    for answers in by_measure.values():
        rows = []
        for answer in answers:
            chosen = answer["answer"] + (" (worry ticked)" if answer["worry_ticked"] else "")
            rows.append(
                [
                    _item_words(answer["item"]),
                    answer["question"],
                    chosen,
                    _shown(answer["written_answer"]),
                ]
            )
        heading = p(
            f"{answers[0]['questionnaire']} (answers set {answers[0]['response_measure_id']})", "h4"
        )
        story += [
            CondPageBreak(30 * mm),
            heading,
            table(
                ["Item", "Question", "Answer chosen", "What they wrote"],
                rows,
                [w for _, w in ANSWER_COLUMNS],
            ),
            Spacer(1, 3 * mm),
        ]
    return story


def subject_access_pdf(
    sections: list[Section], family_label: str, service: str, made_by: str, made_at: datetime
) -> bytes:
    buffer = io.BytesIO()
    pdf = new_document(
        buffer,
        title=f"Everything held about family {family_label}",
        header=service,
        footer=f"Subject access: family {family_label}. Confidential.",
    )
    story: list[Flowable] = [
        p(f"Everything held about family {family_label}", "title"),
        p(
            f"Made by {made_by} on {local_datetime(made_at)} for a subject access request. "
            "It lists every record this service's portal holds about the family, in every "
            "table: details, episodes of care, links, consent, answers, scores with the "
            "questionnaire version used, LOAF ratings, the parent group, and the audit trail."
        ),
        p(
            "Left out: the keyed hashes of link tokens, codes and sessions. They are security "
            "values, not information about the family.",
            "small",
        ),
        Spacer(1, 4 * mm),
    ]
    for section in sections:
        count = len(section.records)
        counted = f"{count} record{'s' if count != 1 else ''}." if count else "None held."
        intro: list[Flowable] = [p(section.title, "h2"), p(counted, "small")]
        if not section.records:
            story.append(KeepTogether(intro))
            continue
        if section.key == "audit_events":
            rows = [
                [_shown(e["at"]), e["action"], e["by"], _record_words(e["record_type"])]
                for e in section.records
            ]
            audit = table(["When (UK time)", "Action", "By", "Record"], rows, [36, 50, 46, 42])
            story += [CondPageBreak(40 * mm), *intro, audit]
            continue
        if section.key == "answers":
            story += [CondPageBreak(40 * mm), *intro, *_answers_table(section.records)]
            continue
        first, *rest = section.records
        # A section's heading travels with its first record, never alone at a page foot.
        story.append(KeepTogether([*intro, _record_table(first), Spacer(1, 3 * mm)]))
        for record in rest:
            # A record's table is never split across pages: each reads as one thing.
            story += [KeepTogether([_record_table(record)]), Spacer(1, 3 * mm)]
    build(pdf, story)
    return buffer.getvalue()
