"""Reads for the service outcomes page and its exports (issue 13), through `scope.py`: a
service lead sees the service, a clinician their own caseload (episodes they hold), anyone
else nothing. A fixed handful of `values_list` queries fills pandas frames — the subscale
scores are pulled out of the stored JSON by the database, so no score is decoded in Python and
the query count never grows with the data. Answers waiting for a facilitator to confirm whose
they are (LINK-8) are left out: only confirmed start/end pairs count."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.db import connection
from django.db.models import F, FloatField, Func, IntegerField, Q, QuerySet, TextField, Value
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, NullIf

from questionnaires.models import (
    Answer,
    AuditEvent,
    Episode,
    Invitation,
    LoafRating,
    ResponseStatus,
    ScoreRecord,
    StaffUser,
)
from questionnaires.roles import Role, roles_of
from questionnaires.selectors.scope import families_for
from questionnaires.statuses import PENDING_MATCH
from scoring.definitions import shipped_definition, shipped_paths

ABOUT_FIELDS = ("ethnic_group", "age_band", "relationship_status", "gender")


@dataclass(frozen=True)
class OutcomeFilters:
    programme: str = ""
    date_from: date | None = None
    date_to: date | None = None
    group_id: uuid.UUID | None = None
    clinician_id: int | None = None


@dataclass(frozen=True)
class MeasureColumn:
    instrument: str
    subscale: str
    key: str  # "subscales__<code>" or "total"


def measure_columns() -> list[MeasureColumn]:
    """Every scored subscale (and total) of the shipped definitions, in definition order."""
    columns = []
    for code in shipped_paths():
        definition = shipped_definition(code)
        for measure in definition.subscales:
            columns.append(MeasureColumn(code, measure.code, f"subscales__{measure.code}"))
        if definition.total is not None:
            columns.append(MeasureColumn(code, definition.total.code, "total"))
    return columns


def _text(key: str, field: str) -> NullIf:
    """A JSON key as text, SQL NULL for JSON null on every database (SQLite's key transform
    gives the word 'null', which a cast would turn into 0)."""
    return NullIf(KeyTextTransform(key, field), Value("null"), output_field=TextField())


class _JsonArrayLength(Func):
    function = "jsonb_array_length"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        return super().as_sql(compiler, connection, function="json_array_length", **extra)


def scoped_episodes(user: StaffUser, filters: OutcomeFilters) -> QuerySet[Episode]:
    """The episodes the outcomes count: the lead's whole service, a clinician's own."""
    roles = roles_of(user)
    episodes = Episode.objects.filter(family__in=families_for(user))
    if Role.SERVICE_LEAD not in roles:
        if Role.CLINICIAN not in roles:
            return Episode.objects.none()
        episodes = episodes.filter(clinician=user)
    if filters.programme:
        episodes = episodes.filter(programme=filters.programme)
    if filters.date_from:
        episodes = episodes.filter(opened_on__gte=filters.date_from)
    if filters.date_to:
        episodes = episodes.filter(opened_on__lte=filters.date_to)
    if filters.group_id:
        episodes = episodes.filter(participant__group_id=filters.group_id)
    if filters.clinician_id:
        episodes = episodes.filter(clinician_id=filters.clinician_id)
    return episodes


EPISODE_COLUMNS = [
    "episode_id", "programme", "clinician_id", "clinician_first", "clinician_last",
    "clinician_username", "group_id", "group_name", "opened_on", "closed_on", "baseline_id",
    "family_id", "family_label", "relationship", "referral_source", "pregnant_at_referral",
    "imd_decile",
]  # fmt: skip
INVITATION_COLUMNS = [
    "episode_id", "timepoint", "issued_at", "status", "submitted_at", "response_id",
    *ABOUT_FIELDS,
]  # fmt: skip
SCORE_COLUMNS = [
    "episode_id", "timepoint", "response_id", "submitted_at", "instrument",
    "definition_version", "scoring_version", "zone", "interval", "items_missing",
    "not_scored_reason", "answer_language", "definition_language",
]  # fmt: skip
LOAF_COLUMNS = ["episode_id", "part", "caregiver", "timepoint", "level"]


@dataclass(frozen=True)
class OutcomeFrames:
    episodes: pd.DataFrame
    invitations: pd.DataFrame
    scores: pd.DataFrame  # long: one row per response measure per subscale
    loaf: pd.DataFrame


def _frame(rows: Sequence[tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=columns)


def _read(queryset: QuerySet[Any], columns: list[str], numeric: Sequence[str] = ()) -> pd.DataFrame:
    """A `values_list` queryset as a DataFrame. On PostgreSQL the rows come over COPY as CSV
    and pandas parses them in C — no Python object per value, which is what keeps the page
    fast with 100,000 responses; elsewhere (SQLite for `make run`) through the ORM. Ids come
    back as text either way; times are parsed by the caller."""
    if connection.vendor != "postgresql":
        frame = _frame(list(queryset.order_by()), columns)
        for name in columns:
            if len(frame) and frame[name].map(lambda v: isinstance(v, uuid.UUID)).any():
                frame[name] = frame[name].map(lambda v: None if v is None else str(v))
        return _numbers(frame, numeric)
    sql, params = queryset.order_by().query.sql_with_params()  # no ORDER BY: pandas sorts
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for chunk in copy:
                buffer.write(chunk)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame(columns=columns)
    frame = pd.read_csv(
        buffer, names=columns, header=None, dtype=str, keep_default_na=False, na_values=[""]
    )
    return _numbers(frame, numeric)


def _numbers(frame: pd.DataFrame, numeric: Sequence[str]) -> pd.DataFrame:
    for name in numeric:
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame


def outcome_frames(
    user: StaffUser, filters: OutcomeFilters, scores_only: bool = False
) -> OutcomeFrames:
    """Four queries, whatever the size of the service. `scores_only` (the exports): the
    episodes and scores only — the links and LOAF ratings are left empty, unread."""
    episodes = scoped_episodes(user, filters)
    episode_rows = (
        episodes.values_list(
            "pk",
            "programme",
            "clinician_id",
            "clinician__first_name",
            "clinician__last_name",
            "clinician__username",
            "participant__group_id",
            "participant__group__name",
            "opened_on",
            "closed_on",
            "baseline_response_id",
            "family_id",
            "family__label",
            "family__relationship",
            "family__referral_source",
            "family__pregnant_at_referral",
            "family__imd_decile",
        )  # fmt: skip
    )
    invitations = Invitation.objects.filter(episode__in=episodes).exclude(
        match_review__status__in=PENDING_MATCH
    )
    invitation_rows = (
        invitations.values_list(
            "episode_id",
            "timepoint",
            "created_at",
            "response__status",
            "response__submitted_at",
            "response__id",
            *(_text(name, "response__about_you") for name in ABOUT_FIELDS),
        )  # fmt: skip
    )
    columns = measure_columns()
    sent = Q(
        measure__response__status=ResponseStatus.SUBMITTED,
        measure__response__invitation__episode__in=episodes,
    ) & ~Q(measure__response__invitation__match_review__status__in=PENDING_MATCH)
    score_values = {
        f"m{index}": Cast(
            _text(
                column.key.replace("subscales__", ""),
                "result__subscales" if column.key.startswith("subscales__") else "result",
            ),
            FloatField(),
        )
        for index, column in enumerate(columns)
    }
    score_rows = (
        ScoreRecord.objects.filter(sent, is_current=True)
        .annotate(
            items_missing=_JsonArrayLength(KeyTransform("missing", "result")),
            **score_values,
        )
        .values_list(
            "measure__response__invitation__episode_id",
            "measure__response__invitation__timepoint",
            "measure__response_id",
            "measure__response__submitted_at",
            "measure__instrument__code",
            "definition_version",
            "scoring_version",
            _text("zone", "result"),
            Cast(_text("interval", "result"), IntegerField()),
            "items_missing",
            _text("not_scored_reason", "result"),
            "measure__response__language",
            "language",
            *score_values,
        )  # fmt: skip
    )
    loaf_rows = LoafRating.objects.filter(episode__in=episodes).values_list(
        "episode_id", "part", "caregiver", "timepoint", "level"
    )
    episode_frame = _read(episode_rows, EPISODE_COLUMNS, ("clinician_id", "imd_decile"))
    episode_frame["pregnant_at_referral"] = episode_frame["pregnant_at_referral"].map(_BOOLEAN)
    episode_frame["referral_source"] = episode_frame["referral_source"].fillna("")
    if scores_only:
        invitation_frame = pd.DataFrame(columns=INVITATION_COLUMNS)
    else:
        invitation_frame = _read(invitation_rows, INVITATION_COLUMNS)
        for name in ("issued_at", "submitted_at"):
            invitation_frame[name] = pd.to_datetime(
                invitation_frame[name], utc=True, format="ISO8601"
            )
    wide = _read(
        score_rows,
        SCORE_COLUMNS + list(score_values),
        ("interval", "items_missing", *score_values),
    )
    wide["submitted_at"] = pd.to_datetime(wide["submitted_at"], utc=True, format="ISO8601")
    loaf = (
        pd.DataFrame(columns=LOAF_COLUMNS)
        if scores_only
        else _read(loaf_rows, LOAF_COLUMNS, ("level",))
    )
    loaf["caregiver"] = loaf["caregiver"].fillna("")
    return OutcomeFrames(
        episodes=episode_frame,
        invitations=invitation_frame,
        scores=_long_scores(wide, columns, episode_frame),
        loaf=loaf,
    )


# COPY's CSV spells booleans t/f; the ORM gives True/False; NULL stays missing.
_BOOLEAN = {True: True, False: False, "t": True, "f": False}


SCORES_LONG_COLUMNS = [*SCORE_COLUMNS, "baseline", "subscale", "score"]


def _long_scores(
    wide: pd.DataFrame, columns: list[MeasureColumn], episodes: pd.DataFrame
) -> pd.DataFrame:
    """One row per response measure and each of its own subscales (vectorised: one column
    selection per subscale, stacked)."""
    if wide.empty:
        return pd.DataFrame(columns=SCORES_LONG_COLUMNS)
    # Each instrument's rows with each of its own subscale columns, stacked: no intermediate
    # row for a subscale the instrument does not have.
    parts = []
    for index, column in enumerate(columns):
        rows = wide[wide["instrument"] == column.instrument]
        if len(rows):
            part = rows[SCORE_COLUMNS].copy()
            part["subscale"] = column.subscale
            part["score"] = rows[f"m{index}"]
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=SCORES_LONG_COLUMNS)
    long = pd.concat(parts, ignore_index=True)
    baseline_ids = set(episodes["baseline_id"].dropna())
    long = long.assign(
        baseline=long["response_id"].isin(baseline_ids),
        score=pd.to_numeric(long["score"], errors="coerce"),
    )
    return long[SCORES_LONG_COLUMNS].reset_index(drop=True)


def item_answers(user: StaffUser, filters: OutcomeFilters) -> pd.DataFrame:
    """Every answer of the sent, confirmed responses in scope (the item-level export)."""
    episodes = scoped_episodes(user, filters)
    rows = (
        Answer.objects.filter(
            measure__response__status=ResponseStatus.SUBMITTED,
            measure__response__invitation__episode__in=episodes,
        )
        .exclude(measure__response__invitation__match_review__status__in=PENDING_MATCH)
        .values_list(
            "measure__response__invitation__episode__family__label",
            "measure__response__invitation__episode_id",
            "measure__response__invitation__timepoint",
            "measure__response_id",
            "measure__instrument__code",
            "measure__instrument__version",
            "measure__response__language",
            "measure__instrument__language",
            "item",
            "value",
        )
        .order_by(
            F("measure__response__invitation__episode__family__label"), "measure__response_id"
        )
    )
    frame = _read(
        rows,
        ["family_label", "episode_id", "timepoint", "response_id", "instrument",
         "definition_version", "answer_language", "definition_language", "item", "value"],
    )  # fmt: skip
    frame["value"] = frame["value"].fillna("")
    return frame


def data_version(user: StaffUser, filters: OutcomeFilters) -> str:
    """A key that changes whenever anything the outcomes count may have changed: every change
    of state is written with its audit event (architecture decision 4), so the newest event
    that is not a read marks the data's version. With the user's scope and filters it names a
    computed report that can be reused until then (one query, on the events' time index)."""
    from questionnaires.services import audit

    latest = (
        AuditEvent.objects.exclude(action__in=[str(read) for read in audit.Read])
        .exclude(action="request.denied")
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    scope = "lead" if Role.SERVICE_LEAD in roles_of(user) else f"clinician-{user.pk}"
    return "|".join(
        str(part)
        for part in (
            user.service_id, scope, latest.isoformat() if latest else "", filters.programme,
            filters.date_from, filters.date_to, filters.group_id, filters.clinician_id,
        )
    )  # fmt: skip


def filter_choices(user: StaffUser) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The groups and clinicians the filters offer: the user's service's (two queries)."""
    from questionnaires.selectors.scope import groups_for

    if user.service_id is None:
        return [], []
    groups = [(str(pk), name) for pk, name in groups_for(user).values_list("pk", "name")]
    clinicians = [
        (str(pk), f"{first} {last}".strip() or username)
        for pk, first, last, username in StaffUser.objects.filter(
            service_id=user.service_id, groups__name=Role.CLINICIAN, is_active=True
        )
        .order_by("last_name", "first_name", "username")
        .values_list("pk", "first_name", "last_name", "username")
    ]
    return groups, clinicians
