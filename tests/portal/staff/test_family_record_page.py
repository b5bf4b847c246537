"""The family record page: scores against ranges and cut-offs in words, charts as inline SVG, a
query count that does not grow with answers, and escaping of what parents typed in the page and
the PDF (INJ-1)."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import DjangoDbBlocker

from questionnaires import demo
from questionnaires.models import (
    Family,
    Service,
    StaffUser,
)
from questionnaires.roles import Role
from tests.conftest import make_staff, riverside, sign_in
from tests.questionnaires import factories


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _detail(client: Client, family: Family) -> str:
    url = reverse("staff:family_detail", kwargs={"family_id": family.id})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(scope="module")
def demo_world(
    module_transaction: None, django_db_blocker: DjangoDbBlocker
) -> tuple[Service, StaffUser, dict[str, Family]]:
    """Built once for this module, which only reads it: the service, alice and the demo
    caseload. Each test's own rows (a family of its own, audit entries) are undone after it."""
    with django_db_blocker.unblock():
        service = riverside()
        alice = make_staff(service, "alice", Role.CLINICIAN)
        demo.demo_caseload(service, alice)
        families = {f.label: f for f in Family.objects.filter(service=service)}
    return service, alice, families


@pytest.fixture
def service(demo_world: tuple[Service, StaffUser, dict[str, Family]], db: None) -> Service:
    return demo_world[0]


@pytest.fixture
def clinician(demo_world: tuple[Service, StaffUser, dict[str, Family]], db: None) -> StaffUser:
    return demo_world[1]


@pytest.fixture
def demo_families(
    demo_world: tuple[Service, StaffUser, dict[str, Family]], db: None
) -> dict[str, Family]:
    return demo_world[2]


def test_zones_are_words_against_the_cut_off(clinician: StaffUser, client: Client) -> None:
    episode = factories.episode(factories.service_of(clinician), clinician)
    # 6-month: 7 answers worth 5 points = 35, in the monitoring zone 30 to 45.
    monitoring = {str(n): "sometimes" if n <= 7 else ("often_always" if n % 2 else "rarely_never")
                  for n in range(1, 24)}  # fmt: skip
    factories.send(episode, "T1", {"asq_se2": monitoring})
    sign_in(client, clinician)
    page = _detail(client, episode.family)
    assert "Monitoring zone" in page
    assert "Cut-off 45; monitoring zone 30 to 45" in page
    assert "range 0 to 345" in page
    assert "Lower = better" in page


def test_each_score_shows_its_range_direction_and_meaning(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    page = _detail(client, demo_families["DEMO-C02"])
    assert "Higher = better (more warmth)" in page
    assert "Lower = better (less invasiveness)" in page
    assert "Middle of the range (4) = best" in page
    assert "0 to 35" in page and "1 to 7" in page
    assert "Higher scores mean more warm, positive feelings towards the baby." in page
    assert "Prorated" in page
    assert "Demo wording – not for clinical use" in page
    assert "Unverified" in page
    # Item answers on demand, without JavaScript.
    assert '<details class="nhsuk-details">' in page
    assert "I always know what my child wants." in page
    assert "Not answered" in page  # the skipped MORS-SF question


def test_the_chart_is_inline_svg_without_inline_styles(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    """DEP-3: the CSP allows no inline styles, so the SVG carries presentation attributes."""
    sign_in(client, clinician)
    page = _detail(client, demo_families["DEMO-C01"])
    svgs = re.findall(r"<svg[^>]*class=\"app-chart\".*?</svg>", page, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        assert "style=" not in svg and "<style" not in svg
        assert 'role="img"' in svg and 'aria-label="Chart of ' in svg
    ids = re.findall(r' id="(chart[^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_family_record_query_count_does_not_grow_with_answers(
    demo_families: dict[str, Family], client: Client, clinician: StaffUser
) -> None:
    sign_in(client, clinician)
    url = reverse("staff:family_detail", kwargs={"family_id": demo_families["DEMO-C01"].id})
    client.get(url)  # warm the definition cache
    with CaptureQueriesContext(connection) as one_family:
        client.get(url)
    url = reverse("staff:family_detail", kwargs={"family_id": demo_families["DEMO-C02"].id})
    with CaptureQueriesContext(connection) as other_family:
        client.get(url)
    assert len(one_family) == len(other_family) <= 20


def test_parent_entered_text_is_escaped_in_the_page_and_the_pdf(
    client: Client, clinician: StaffUser
) -> None:
    payload = "<script>alert(1)</script>"
    episode = factories.episode(factories.service_of(clinician), clinician, parent_name=payload)
    response = factories.send(episode, "T1", {"asq_se2": factories.asq_answers(23)})
    measure = response.measures.get(instrument__code="asq_se2")
    # Free text as a parent might type it, reportlab markup included.
    measure.answers.filter(item="overall_4").delete()
    from questionnaires.models import Answer

    Answer.objects.create(measure=measure, item="overall_4", text='<b>x</b> & <font size="99">')
    sign_in(client, clinician)
    page = _detail(client, episode.family)
    assert payload not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;font" in page
    caseload = client.get(reverse("staff:caseload")).content.decode()
    assert payload not in caseload and "&lt;script&gt;" in caseload
    pdf = client.get(reverse("staff:family_report_pdf", kwargs={"family_id": episode.family_id}))
    assert pdf.status_code == 200
    text = _flat(_pdf_text(pdf.content))
    assert payload in text
    assert '<b>x</b> & <font size="99">' in text
