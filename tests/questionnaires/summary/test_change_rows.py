"""Change between start and end in words, with direction, zones and cut-off crossings."""

from __future__ import annotations

from questionnaires.models import (
    StaffUser,
)
from questionnaires.selectors import family_record
from questionnaires.summary.change_rows import change_words
from scoring import change as scoring_change
from tests.questionnaires import factories


def test_change_is_described_in_words_with_direction(clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    factories.send(
        episode,
        "T1",
        {
            "prfq": factories.PRFQ_ALL,
            "mors_sf": factories.mors_answers("3", "2"),
            "asq_se2": factories.asq_answers(23),
        },
    )
    t2_prfq = {**factories.PRFQ_ALL, **{str(n): "3" for n in (1, 4, 7, 10, 13, 16)}}
    factories.send(
        episode,
        "T2",
        {
            "prfq": t2_prfq,
            "mors_sf": factories.mors_answers("4", "1"),
            "asq_se2": factories.asq_answers(23, "often_always"),
        },
    )
    section = family_record.family_summary(episode.family).episodes[0]
    words = {row.name: row for change in section.changes for row in change.rows}
    not_judged = "(no reliable-change threshold, so not judged)"
    assert words["Warmth"].words == f"Warmth up 7 points {not_judged}"
    assert words["Warmth"].t1 == "21" and words["Warmth"].t2 == "28"
    assert (
        words["Invasiveness"].words
        == "Invasiveness down 7 points (no reliable-change threshold, so not judged)"
    )
    assert words["Pre-Mentalizing"].t1 == "6.00" and words["Pre-Mentalizing"].t2 == "3.00"
    assert words["Pre-Mentalizing"].words == f"Pre-Mentalizing down 3.00 points {not_judged}"
    assert words["Certainty about Mental States"].words.endswith("no change")
    assert words["Warmth"].reliable == "no reliable-change threshold configured"
    total = words["Total score"]
    assert total.t1.endswith("(Above cut-off)")
    assert total.crossing == "No cut-off crossing (Above cut-off → Above cut-off)"


def test_asq_crossing_notes_different_intervals(clinician: StaffUser) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    factories.send(episode, "T1", {"asq_se2": factories.asq_answers(23, "sometimes")})
    # 12-month questionnaire, every answer worth 0 points with the demo keys' first letter Z.
    zero = {str(n): ("often_always" if n % 2 else "rarely_never") for n in range(1, 28)}
    factories.send(episode, "T2", {"asq_se2": zero}, asq_interval=12)
    change = family_record.family_summary(episode.family).episodes[0].changes[-1]
    assert change.code == "asq_se2"
    assert change.rows[0].crossing == "Crossed below cut-off"
    assert "Start used the 6-month questionnaire and end the 12-month one" in change.note
    assert change.chart.cutoff is None  # one cut-off line would be wrong for both


def test_change_words_never_judge_without_a_threshold() -> None:
    """The wording the family record and PDF use (moved here from scoring.change.words, which
    said "better" or "worse" with no reliable-change threshold configured)."""
    warmth_up = scoring_change.compare("mors_sf", "warmth", 20, 26)
    assert warmth_up.rci is None
    assert change_words(warmth_up, "Warmth") == (
        "Warmth up 6 points (no reliable-change threshold, so not judged)"
    )
    one_down = scoring_change.compare("mors_sf", "warmth", 20, 19)
    assert change_words(one_down, "Warmth").startswith("Warmth down 1 point (")
    same = scoring_change.compare("prfq", "IC", 4.5, 4.5)
    assert change_words(same, "Interest and Curiosity") == "Interest and Curiosity: no change"
    missing = scoring_change.compare("prfq", "IC", None, 4.5)
    assert change_words(missing, "IC") == "IC: cannot compare (a score is missing)"
