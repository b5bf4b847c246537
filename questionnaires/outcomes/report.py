"""The outcomes report: every table of the page, the PDF and the exports' summaries, assembled
from the selector's frames by `statistics` (pure: no queries here)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from questionnaires.about_you import AGE_BAND, ETHNIC_GROUP
from questionnaires.models import Programme, ReferralSource, Relationship
from questionnaires.outcomes import statistics as st
from scoring.definitions import shipped_definition, shipped_paths

ASQ = "asq_se2"


def measure_infos() -> list[st.MeasureInfo]:
    """Every subscale and total of the shipped definitions, with its direction of better and,
    where the definition cites them, the SD and reliability for reliable change."""
    infos = []
    for code in shipped_paths():
        definition = shipped_definition(code)
        measures = [*definition.subscales, *([definition.total] if definition.total else [])]
        for measure in measures:
            infos.append(
                st.MeasureInfo(
                    instrument=code,
                    subscale=measure.code,
                    name=f"{definition.short_name} {measure.name}",
                    better=measure.better,
                    unit=measure.unit,
                    range=measure.range,
                    sd=measure.sd,
                    reliability=measure.reliability,
                )
            )
    return infos


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: list[st.CountRow]


@dataclass(frozen=True)
class OutcomesReport:
    funnel: st.Funnel
    rates: dict[str, list[st.RateRow]]
    paired: list[st.PairedChange]
    reliable: list[st.ReliableChange]
    asq: st.CutoffChange
    loaf: st.LoafShift
    completeness_fields: list[st.Completeness]
    completeness_measures: list[dict[str, object]]
    reach: list[Breakdown]
    versions: list[str]
    notes: list[str] = field(default_factory=list)


def _labels(choices: object) -> dict[str, str]:
    return dict(choices)  # type: ignore[call-overload]


def episode_table(
    episodes: pd.DataFrame, invitations: pd.DataFrame, pairs: pd.DataFrame
) -> pd.DataFrame:
    """Per episode: invited, T1/T2 sent, paired, finished, and the median days from a link's
    issue to its answers (all vectorised)."""
    table = episodes.copy()
    inv = invitations.copy()
    inv["sent"] = inv["status"] == "submitted"
    per = inv.groupby("episode_id").agg(invited=("timepoint", "size"))
    sent = inv[inv["sent"]]
    t1 = set(sent.loc[sent["timepoint"] == "T1", "episode_id"])
    t2 = set(sent.loc[sent["timepoint"] == "T2", "episode_id"])
    if len(sent):
        days = (
            pd.to_datetime(sent["submitted_at"], utc=True)
            - pd.to_datetime(sent["issued_at"], utc=True)
        ).dt.total_seconds() / 86400
        median_days = days.groupby(sent["episode_id"]).median()
    else:
        median_days = pd.Series(dtype=float)
    table = table.merge(per, left_on="episode_id", right_index=True, how="left")
    table["invited"] = table["invited"].fillna(0) > 0
    table["t1_sent"] = table["episode_id"].isin(t1)
    table["t2_sent"] = table["episode_id"].isin(t2)
    table["paired"] = table["episode_id"].isin(set(pairs["episode_id"]))
    table["finished"] = table["closed_on"].notna()
    table["days_to_send"] = table["episode_id"].map(median_days).astype(float)
    names = (
        table["clinician_first"].fillna("") + " " + table["clinician_last"].fillna("")
    ).str.strip()
    names = names.where(names != "", table["clinician_username"])
    table["clinician"] = names.where(table["clinician_id"].notna(), np.nan)
    return table


def family_demographics(episodes: pd.DataFrame, invitations: pd.DataFrame) -> pd.DataFrame:
    """One row per family: for each About-you question its latest answer in any sent response
    (a later response that skipped it does not erase it), and the staff-recorded fields."""
    families = episodes.drop_duplicates("family_id")[
        ["family_id", "relationship", "referral_source", "pregnant_at_referral", "imd_decile"]
    ]
    sent = invitations[invitations["status"] == "submitted"].merge(
        episodes[["episode_id", "family_id"]], on="episode_id"
    )
    fields = list(st_about_fields())
    answers = sent.melt(
        id_vars=["family_id", "submitted_at"], value_vars=fields, var_name="field"
    ).dropna(subset=["value"])
    answers = answers[answers["value"] != ""]
    latest = answers.sort_values("submitted_at").drop_duplicates(
        ["family_id", "field"], keep="last"
    )
    about = latest.pivot(index="family_id", columns="field", values="value").reindex(columns=fields)
    return families.merge(about, left_on="family_id", right_index=True, how="left")


def st_about_fields() -> tuple[str, ...]:
    return ("ethnic_group", "age_band", "relationship_status", "gender")


def _first(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The choices but "Prefer not to say" (the breakdown adds it itself)."""
    return {key: label for key, label in choices if key != st.PREFER_NOT}


def _pregnant(values: pd.Series) -> pd.Series:
    return values.map({True: "yes", False: "no"})


def build_report(
    episodes: pd.DataFrame,
    invitations: pd.DataFrame,
    scores: pd.DataFrame,
    loaf: pd.DataFrame,
    goal: float,
) -> OutcomesReport:
    infos = measure_infos()
    pairs = st.pair_scores(scores)
    table = episode_table(episodes, invitations, pairs)
    demo = family_demographics(episodes, invitations)
    programme_labels = _labels(Programme.choices)
    rates = {
        "Programme": st.paired_rate_by(table, "programme", programme_labels),
        "Clinician": st.paired_rate_by(table, "clinician", {}),
        "Group": st.paired_rate_by(table[table["group_name"].notna()], "group_name", {}),
        "Referral source": st.paired_rate_by(
            table.assign(referral_source=table["referral_source"].replace("", np.nan)),
            "referral_source",
            _labels(ReferralSource.choices),
        ),
    }
    with_ethnicity = table.merge(demo[["family_id", "ethnic_group"]], on="family_id", how="left")
    rates["Ethnic group"] = st.paired_rate_by(
        with_ethnicity, "ethnic_group", {**dict(ETHNIC_GROUP.choices)}
    )
    reach = [
        Breakdown("Ethnic group", st.breakdown(demo["ethnic_group"], _first(ETHNIC_GROUP.choices))),
        Breakdown("Age", st.breakdown(demo["age_band"], _first(AGE_BAND.choices))),
        Breakdown(
            "Relationship to the baby",
            st.breakdown(demo["relationship"], _labels(Relationship.choices)),
        ),
        Breakdown(
            "Referral source",
            st.breakdown(
                demo["referral_source"].replace("", np.nan), _labels(ReferralSource.choices)
            ),
        ),
        Breakdown(
            "Deprivation quintile (1 = most deprived 20% of areas)",
            st.breakdown(st.quintile(demo["imd_decile"]), {str(q): str(q) for q in range(1, 6)}),
        ),
        Breakdown(
            "Pregnant at referral",
            st.breakdown(_pregnant(demo["pregnant_at_referral"]), {"yes": "Yes", "no": "No"}),
        ),
    ]
    completeness_fields = [
        st.completeness(demo["ethnic_group"], "Ethnic group"),
        st.completeness(demo["age_band"], "Age"),
        st.completeness(demo["relationship_status"], "Relationship status"),
        st.completeness(demo["gender"], "Gender"),
        st.completeness(demo["referral_source"], "Referral source"),
        st.completeness(_pregnant(demo["pregnant_at_referral"]), "Pregnant at referral"),
        st.completeness(demo["imd_decile"], "Deprivation decile"),
    ]
    per_measure = scores.drop_duplicates(["response_id", "instrument"])
    completeness_measures: list[dict[str, object]] = []
    for code, frame in per_measure.groupby("instrument"):
        completeness_measures.append(
            {
                "measure": shipped_definition(str(code)).short_name,
                "responses": len(frame),
                "with_items_skipped": int((frame["items_missing"].fillna(0) > 0).sum()),
                "not_scored": int(frame["not_scored_reason"].fillna("").ne("").sum()),
            }
        )
    families = int(episodes["family_id"].nunique()) if len(episodes) else 0
    versions = sorted(
        {
            f"{row.instrument} definition {row.definition_version}, scoring {row.scoring_version}"
            for row in scores.drop_duplicates(
                ["instrument", "definition_version", "scoring_version"]
            ).itertuples()
        }
    )
    return OutcomesReport(
        funnel=st.funnel(table, families, goal),
        rates=rates,
        paired=st.paired_change(pairs, infos),
        reliable=st.reliable_change(pairs, infos),
        asq=st.cutoff_change(pairs, ASQ, "total"),
        loaf=st.loaf_shift(loaf),
        completeness_fields=completeness_fields,
        completeness_measures=completeness_measures,
        reach=reach,
        versions=versions,
    )
