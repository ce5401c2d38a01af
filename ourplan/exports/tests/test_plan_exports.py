"""The plan as PDF, large print, one-page summary and JSON: real files, opened and read."""

from __future__ import annotations

import io
import json

import pypdf
import pytest
from django.core.management import CommandError, call_command

from ourplan.core.models import AuditEvent
from ourplan.demo.data import load_demo
from ourplan.exports.plans import plan_html, plan_pdf
from ourplan.people.models import Person
from ourplan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cecilia():
    load_demo()
    return Person.objects.get(nhs_number="9990000018")


def _read(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def test_the_pdf_opens_and_carries_its_title_language_and_tags(cecilia):
    reader = _read(plan_pdf(cecilia.plan))

    text = " ".join(page.extract_text() for page in reader.pages)
    assert reader.metadata.title == "Cecilia Adeyemi: personalised care and support plan"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged, for screen readers
    assert "fine bone china" in text
    assert "I go out for lunch with my high school friends once a month" in text
    assert "Bernard is ill or away overnight" in text
    assert "Bernard Adeyemi, Husband" in text  # personal contacts, from the person's record
    assert "Sam Okafor, Social worker (my named coordinator)" in text
    assert "Brookside Surgery" in text


def test_large_print_is_bigger(cecilia):
    normal, large = _read(plan_pdf(cecilia.plan)), _read(plan_pdf(cecilia.plan,
                                                                   large_print=True))

    assert len(large.pages) > len(normal.pages)
    assert "18pt" in plan_html(cecilia.plan, large_print=True)


def test_the_one_page_summary_stands_on_its_own(cecilia):
    html = plan_html(cecilia.plan, one_page=True)
    reader = _read(plan_pdf(cecilia.plan, one_page=True))

    assert "What people appreciate about me" in html
    assert "What I want to achieve" not in html
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Cecilia Adeyemi: one-page summary"


@pytest.mark.parametrize(("fmt", "check"), [
    ("pdf", lambda data: _read(data).pages),
    ("large-print", lambda data: _read(data).pages),
    ("one-page", lambda data: len(_read(data).pages) == 1),
    ("json", lambda data: json.loads(data)["person"]["nhs_number"] == "9990000018"),
])
def test_the_command_writes_each_format(cecilia, tmp_path, fmt, check):
    out = tmp_path / f"plan.{fmt}"

    call_command("export_plan", "999 000 0018", "--format", fmt, "--out", str(out))

    assert check(out.read_bytes())
    event = AuditEvent.objects.filter(action="plan.exported").last()
    assert event.person == cecilia
    assert event.channel == "command"


@pytest.mark.parametrize(("nhs_number", "message"), [
    ("999 000 0019", "not a valid NHS number"),
    ("943 476 5919", "No one has this NHS number"),
])
def test_the_command_says_what_is_wrong(cecilia, tmp_path, nhs_number, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_plan", nhs_number, "--out", str(tmp_path / "x.pdf"))


def test_downloads_are_scoped_and_audited(client, cecilia):
    from ourplan.accounts.models import User

    sam = User.objects.get(username="sam.okafor")
    client.force_login(sam)

    pdf = client.get(f"/people/{cecilia.pk}/plan/export/pdf/")
    page = client.get(f"/people/{cecilia.pk}/plan/export/one-page/")
    one_page_pdf = client.get(f"/people/{cecilia.pk}/plan/export/one-page-pdf/")
    unknown = client.get(f"/people/{cecilia.pk}/plan/export/docx/")
    client.force_login(UserFactory())
    outsider = client.get(f"/people/{cecilia.pk}/plan/export/pdf/")

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="plan-9990000018.pdf"'
    assert _read(pdf.content).pages
    assert "What is important to me" in page.content.decode()
    assert len(_read(one_page_pdf.content).pages) == 1
    assert unknown.status_code == 404
    assert outsider.status_code == 404
    assert AuditEvent.objects.filter(action="plan.exported", actor=sam).count() == 3
