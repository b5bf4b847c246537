"""Score flags reach staff exhaustively: every kind in the vocabulary has words on the record and
a decision on the caseload, and a flag nobody taught the pages to show is reported as
unrecognised, never as an overall question answered "yes" (the old parser's fallback)."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from questionnaires.models import Programme, ScoreRecord, Service, StaffUser, Timepoint
from questionnaires.services import families, invitations, responses
from questionnaires.summary import flag_words
from questionnaires.summary.flag_words import (
    CASELOAD_SHOWS,
    CASELOAD_WORDS,
    RECORD_WORDS,
    Attention,
    CaseloadShows,
    Severity,
    StoredFlags,
    caseload_flags,
    describe,
)
from scoring.flags import CLINICAL_KINDS, TARGETS, Flag, FlagKind, Target
from tests.conftest import sign_in

ANSWERED_YES = "Answered yes"
CASELOAD_YES = "Overall question answered yes"
UNRECOGNISED = "Unrecognised flag – open the record"


def _example(kind: FlagKind) -> Flag:
    target = TARGETS[kind]
    if target == Target.ITEM:
        return Flag(kind, item="7")
    if target == Target.SUBSCALE:
        return Flag(kind, subscale="warmth")
    return Flag(kind)


def test_every_kind_has_record_words_and_a_caseload_decision() -> None:
    assert set(RECORD_WORDS) == set(FlagKind), "a flag kind has no words on the family record"
    assert set(CASELOAD_SHOWS) == set(FlagKind), "a flag kind has no caseload decision"


@pytest.mark.parametrize("kind", list(FlagKind))
def test_every_kind_has_a_caseload_presentation(kind: FlagKind) -> None:
    """A clinical kind is a tag on the row with words for now and for earlier; an instrument
    kind is the page's one notice; only qualifiers of a number stay on the record."""
    shows = CASELOAD_SHOWS[kind]
    if kind in CLINICAL_KINDS:
        assert shows == CaseloadShows.TAG, f"clinical flag {kind} never reaches the caseload"
    if shows == CaseloadShows.TAG:
        assert kind in CASELOAD_WORDS, f"{kind} is tagged on the caseload but has no words"
        now, before = CASELOAD_WORDS[kind](_example(kind), {})
        assert now and before and now != before
    result = caseload_flags([StoredFlags("T1", [str(_example(kind))], False)])
    assert [tag.label for tag in result.current if tag.label == UNRECOGNISED] == []
    assert result.needs_attention == (kind in CLINICAL_KINDS)
    assert result.unverified == (shows == CaseloadShows.PAGE_NOTICE)


@pytest.mark.parametrize("kind", list(FlagKind))
def test_each_kind_is_described_as_itself(kind: FlagKind) -> None:
    shown = describe(_example(kind), {"warmth": "Warmth", "7": "overall question 2"})
    assert shown.label and "Unrecognised" not in shown.label
    assert (ANSWERED_YES in shown.label) == (kind == FlagKind.OVERALL_YES)
    assert (shown.attention == Attention.CLINICAL) == (kind in CLINICAL_KINDS)
    assert shown.code == str(_example(kind))


def test_overall_yes_names_the_question_from_the_definition() -> None:
    shown = describe(Flag(FlagKind.OVERALL_YES, item="overall_2"), {"overall_2": "question 2"})
    assert shown.label == "Answered yes: question 2"
    assert shown.severity == Severity.URGENT


@pytest.mark.parametrize("kind", list(FlagKind))
def test_a_kind_without_words_is_unrecognised_not_a_yes(
    kind: FlagKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if scoring had grown a new kind and the record had not been taught it."""
    monkeypatch.delitem(RECORD_WORDS, kind)
    shown = describe(_example(kind))
    assert shown.label.startswith("Unrecognised flag")
    assert ANSWERED_YES not in shown.label
    assert shown.attention == Attention.CLINICAL  # visible, so someone checks it


@pytest.mark.parametrize("kind", list(FlagKind))
def test_a_kind_without_a_caseload_decision_is_unrecognised_not_a_yes(
    kind: FlagKind, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(CASELOAD_SHOWS, kind)
    tags = caseload_flags([StoredFlags("T1", [str(_example(kind))], False)])
    labels = [tag.label for tag in tags.current]
    assert labels == [UNRECOGNISED]
    assert tags.needs_attention


def test_stored_text_outside_the_vocabulary_is_unrecognised() -> None:
    known, unknown = flag_words.read_stored(["adjusted", "overall_1", "brand_new:PM"])
    assert known == [Flag(FlagKind.ADJUSTED)]
    assert unknown == ["overall_1", "brand_new:PM"]
    tags = caseload_flags([StoredFlags("T2", ["brand_new:PM", "monitoring"], False)])
    assert [(t.label, t.times) for t in tags.current] == [
        (UNRECOGNISED, ["T2"]),
        ("ASQ:SE-2 monitoring zone", ["T2"]),
    ]


def test_the_latest_answers_decide_what_is_current() -> None:
    """Above the cut-off at the start and below it at the end: history, not a red flag."""
    names = {"overall_1": "question 1"}
    rows = [
        StoredFlags("T1", ["above_cutoff", "concern:2", "overall_yes:overall_1"], False, "asq_se2"),
        StoredFlags("T2", ["concern:2"], False, "asq_se2", names=names),
        StoredFlags("T1", ["prorated:warmth"], True, "mors_sf"),
    ]
    result = caseload_flags(rows)
    assert [(t.label, t.times, t.severity) for t in result.current] == [
        ("Concern ticked: question 2", ["T1", "T2"], Severity.URGENT),
    ]
    assert [(t.label, t.times, t.severity) for t in result.earlier] == [
        ("ASQ:SE-2 was above cut-off", ["T1"], Severity.NOTICE),
        ("Overall question was answered yes: overall_1", ["T1"], Severity.NOTICE),
    ]
    assert result.unverified and result.needs_attention
    settled = caseload_flags([rows[0], StoredFlags("T2", [], False, "asq_se2")])
    assert not settled.needs_attention and len(settled.earlier) == 3
    # A later episode's answers are later than an earlier episode's end answers.
    later = caseload_flags(
        [
            StoredFlags("T2", [], False, "asq_se2", position=("2026-01-01", "a")),
            StoredFlags("T1", ["monitoring"], False, "asq_se2", position=("2026-06-01", "b")),
        ]
    )
    assert [t.label for t in later.current] == ["ASQ:SE-2 monitoring zone"]


# --- Through the pages: a score whose stored flags include a kind this version lacks ----------


@pytest.fixture
def scored_family(service: Service, clinician: StaffUser) -> ScoreRecord:
    family = families.register_family(
        service,
        label="RV-FLAG",
        parent_name="Ada",
        relationship="mother",
        infant_dob=timezone.localdate() - timedelta(days=200),
        actor=clinician,
    )
    episode = families.open_episode(family, Programme.PSYCHOTHERAPY, timezone.localdate())
    issued = invitations.issue_invitation(episode, Timepoint.T1, clinician)
    response = responses.open_response(issued.invitation)
    responses.record_consent(response, True)
    responses.submit_response(response)
    record = ScoreRecord.objects.get(measure__instrument__code="asq_se2", is_current=True)
    # A newer release's flag, written straight into the stored score: nothing here knows it.
    flags = [*record.flags, "brand_new_kind:overall_1"]
    ScoreRecord.objects.filter(pk=record.pk).update(
        flags=flags, result={**record.result, "flags": flags}
    )
    return record


def test_caseload_reports_an_unknown_flag_as_unrecognised(
    scored_family: ScoreRecord, client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    page = client.get(reverse("staff:caseload")).content.decode()
    row = page.split("RV-FLAG", 1)[1].split("</tr>", 1)[0]
    assert f"{UNRECOGNISED} (T1)" in row
    assert CASELOAD_YES not in row


def test_record_and_pdf_report_an_unknown_flag_as_unrecognised(
    scored_family: ScoreRecord, client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    invitation = scored_family.measure.response.invitation
    assert invitation is not None
    family_id = invitation.episode.family_id
    page = client.get(reverse("staff:family_detail", kwargs={"family_id": family_id}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Unrecognised flag “brand_new_kind:overall_1”" in text
    assert ANSWERED_YES not in text
    pdf = client.get(reverse("staff:family_report_pdf", kwargs={"family_id": family_id}))
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    pdf_text = " ".join(pdf_text.split())  # reportlab wraps long labels across lines
    assert "Unrecognised flag “brand_new_kind:overall_1”" in pdf_text
    assert ANSWERED_YES not in pdf_text
