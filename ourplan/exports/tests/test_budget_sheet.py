"""The personal health budget sheet in the plan's exports: real HTML, PDFs opened with pypdf,
and JSON, with budgets made through the real services."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pypdf
import pytest
from django.core.management import call_command

from ourplan.budgets import services
from ourplan.core.models import AuditEvent
from ourplan.exports.plans import export, plan_html, plan_json, plan_pdf
from ourplan.testing import budgets as make
from ourplan.testing.pdfs import structure_elements

pytestmark = pytest.mark.django_db

# £13.00 an hour for 20 hours a week, costed with the rates for a year from 1 April 2026.
PA_YEAR = "£17,990.48"


@pytest.fixture
def plan_and_outcome(planner, person):
    return make.plan_with_outcome(planner, person)


@pytest.fixture
def plan(plan_and_outcome):
    return plan_and_outcome[0]


@pytest.fixture
def commissioner(planner):
    return make.commissioner_for(planner)


@pytest.fixture
def draft(planner, commissioner, plan_and_outcome):
    """A draft budget of £18,000.00 held as a direct payment; its lines cost £18,590.48."""
    plan, outcome = plan_and_outcome
    budget = make.budget(planner, plan, final_amount=Decimal("18000.00"),
                         indicative_authorised_by="Priya Shah, PHB panel",
                         indicative_authorised_on=make.YEAR_START)
    held = make.holding(planner, budget, way="direct_payment", amount=Decimal("18000.00"),
                        accountable="Me, with help from my daughter", held_by="",
                        records_to_keep="Bank statements, timesheets and receipts",
                        paid_to="person", payment_amount=Decimal("1500.00"),
                        payment_frequency="monthly", notice_days=28)
    make.line(planner, budget, outcome, item="Morning PA", category="pa_employment",
              supplier="I employ my PA", unit_cost=Decimal("13.00"), quantity=Decimal("20"),
              frequency="weekly", holding=held)
    make.line(planner, budget, outcome, item="Perching stool", supplier="Mobility shop",
              holding=held)
    swimming = make.line(planner, budget, outcome, item="Swimming lessons", category="activity",
                         unit_cost=Decimal("40.00"), frequency="monthly", holding=held,
                         unusual=True, unusual_reason="Builds the strength in my arm")
    services.unusual_request_decide(actor=commissioner, line=swimming,
                                    version=swimming.version, agreed=True,
                                    reason="Cheaper than more physiotherapy")
    budget.refresh_from_db()
    return budget


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _structure_types(pdf: bytes) -> set[str]:
    return {str(node["/S"]) for node in structure_elements(pdf)}


def test_the_html_export_has_the_budget_sheet_with_amounts_in_pounds(plan, draft, planner):
    html = plan_html(plan, user=planner)

    assert "My personal health budget" in html
    assert "Budget 1 is a draft" in html
    assert "NHS continuing healthcare (adult)" in html
    assert "1 April 2026 to 31 March 2027" in html
    assert "£20,000.00 a year" in html  # indicative
    assert "Resource allocation: 12 hours&#39; support a week" in html
    assert "Priya Shah, PHB panel, on 1 April 2026" in html
    assert "£18,000.00 a year" in html  # final
    # How the money is held: a direct payment, to the person, with its notice.
    assert "Direct payment (money paid to buy the care): £18,000.00 a year" in html
    assert "Me, with help from my daughter" in html
    assert "Bank statements, timesheets and receipts" in html
    assert "£1,500.00, monthly" in html
    assert "28 days" in html
    # The lines, in a table a screen reader can follow.
    assert "<caption>What the budget pays for" in html
    assert '<th scope="col">Covered?</th>' in html
    assert '<th scope="row">Morning PA' in html
    assert "£13.00 an hour \N{MULTIPLICATION SIGN} 20 hours, weekly" in html
    assert f'<td class="num">{PA_YEAR}</td>' in html
    assert "I can make my own cup of tea in my kitchen by the summer" in html
    assert "Unusual request: agreed</strong>. Cheaper than more physiotherapy" in html
    # The hidden costs of employing the PA.
    assert "Employer&#39;s National Insurance</th><td class=\"num\">£1,496.40</td>" in html
    assert "Holiday pay</th><td class=\"num\">£1,456.00</td>" in html
    assert "rates for 2026-27" in html


def test_lines_that_cost_more_than_the_budget_are_shown_short(plan, draft, planner):
    html = plan_html(plan, user=planner)

    assert "<td>Covered</td>" in html  # the PA comes first and is within the budget
    assert "<strong>£110.48 short</strong>" in html  # the stool takes the total past it
    assert "<strong>£480.00 short</strong>" in html  # swimming is not covered at all
    assert ("The plan costs £18,590.48 a year but the budget is £18,000.00: it is £590.48 a "
            "year short.") in html


def test_a_budget_that_covers_the_plan_says_what_is_left(plan_and_outcome, planner,
                                                        commissioner):
    plan, outcome = plan_and_outcome
    make.signed_off_budget(planner, commissioner, plan, outcome)  # £5,000.00; £2,080.00 of lines

    html = plan_html(plan, user=planner)

    assert "Budget 1 is signed off and in force." in html
    assert f"by {commissioner.get_full_name()}." in html
    assert "<td>Covered</td>" in html
    assert "short" not in html
    assert "with £2,920.00 a year not planned for anything, more than a tenth" in html


def test_a_draft_that_replaces_a_signed_off_budget_says_which_is_in_force(
        plan_and_outcome, planner, commissioner):
    plan, outcome = plan_and_outcome
    in_force = make.signed_off_budget(planner, commissioner, plan, outcome)
    services.budget_update(actor=planner, budget=in_force, version=in_force.version,
                           data={"final_amount": Decimal("6000.00")})

    html = plan_html(plan, user=planner)
    data = json.loads(plan_json(plan, user=planner))["budget"]

    assert "Budget 2 is a draft." in html
    assert "Budget 1, signed off on" in html
    assert "is the budget in force (£5,000.00 a year). It stays in force until this draft" in html
    assert (data["number"], data["status"], data["final_amount"]) == (2, "draft", "6000.00")
    assert data["in_force"]["number"] == 1
    assert data["in_force"]["final_amount"] == "5000.00"


def test_the_pdf_has_the_budget_sheet_as_tagged_tables(plan, draft, planner):
    pdf = plan_pdf(plan, user=planner)
    text = _text(pdf)

    assert "My personal health budget" in text
    assert "Morning PA" in text
    assert PA_YEAR in text
    assert "£590.48 a year short" in text
    assert {"/Table", "/TH", "/TD", "/Caption"} <= _structure_types(pdf)


def test_the_large_print_pdf_has_the_budget_sheet(plan, draft, planner):
    normal, large = plan_pdf(plan, user=planner), plan_pdf(plan, large_print=True, user=planner)
    html = plan_html(plan, large_print=True, user=planner)
    text = _text(large)

    assert "My personal health budget" in text
    assert PA_YEAR in text
    assert "£110.48 short" in text
    assert "£1,496.40" in text
    # Seven columns at 18pt run off an A4 page: in large print each line is its own table.
    assert '<caption>Morning PA</caption>' in html
    assert '<th scope="row">Covered?</th><td>Covered</td>' in html
    assert 'class="budget-lines"' not in html
    assert {"/Table", "/TH", "/TD", "/Caption"} <= _structure_types(large)
    assert len(pypdf.PdfReader(io.BytesIO(large)).pages) > \
        len(pypdf.PdfReader(io.BytesIO(normal)).pages)


def test_the_json_export_has_the_budget_with_money_as_exact_strings(plan, draft, planner):
    data = json.loads(export(plan, "json", user=planner)[0])["budget"]

    assert data["number"] == 1
    assert data["status"] == "draft"
    assert data["eligibility"] == "chc_adult"
    assert (data["starts_on"], data["ends_on"]) == ("2026-04-01", "2027-03-31")
    assert data["indicative_amount"] == "20000.00"
    assert data["indicative_authorised_by"] == "Priya Shah, PHB panel"
    assert data["final_amount"] == "18000.00"
    assert data["amount"] == "18000.00"
    assert (data["total_cost"], data["shortfall"], data["surplus"]) == (
        "18590.48", "590.48", "0.00")
    holding = data["holdings"][0]
    assert (holding["way"], holding["amount"], holding["payment_amount"]) == (
        "direct_payment", "18000.00", "1500.00")
    assert (holding["paid_to"], holding["payment_frequency"], holding["notice_days"]) == (
        "person", "monthly", 28)
    pa, stool, swimming = data["lines"]
    assert pa["item"] == "Morning PA"
    assert pa["annual_cost"] == "17990.48"
    assert (pa["unit_cost"], pa["quantity"], pa["frequency"]) == ("13.00", "20.00", "weekly")
    assert pa["pa_breakdown"]["employer_ni"] == "1496.40"
    assert pa["pa_breakdown"]["total"] == "17990.48"
    assert pa["pa_breakdown"]["tax_year"] == "2026-27"
    assert (pa["paid_by"], pa["covered"], pa["short_by"]) == ("direct_payment", True, "0.00")
    assert pa["outcome"] == "I can make my own cup of tea in my kitchen by the summer"
    assert (stool["annual_cost"], stool["covered"], stool["short_by"]) == (
        "120.00", False, "110.48")
    assert stool["pa_breakdown"] is None
    assert (swimming["unusual"], swimming["unusual_decision"]) == (True, "agreed")
    assert swimming["unusual_decision_reason"] == "Cheaper than more physiotherapy"
    # No money anywhere is a float.
    assert not any(isinstance(value, float) for value in _values(data))


def _values(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _values(value)
    elif isinstance(data, list):
        for value in data:
            yield from _values(value)
    else:
        yield data


def test_a_plan_without_a_budget_has_no_budget_sheet(plan, planner):
    html = plan_html(plan, user=planner)
    data = json.loads(plan_json(plan, user=planner))

    assert "personal health budget" not in html.lower()
    assert "<table" not in html
    assert "budget" not in data
    assert "personal health budget" not in _text(plan_pdf(plan, user=planner)).lower()
    assert not AuditEvent.objects.filter(action="budget.viewed").exists()


def test_the_one_page_summary_has_no_budget_and_does_not_read_it(plan, draft, planner):
    html = plan_html(plan, one_page=True, user=planner)
    pdf = export(plan, "one-page-pdf", user=planner)[0]

    assert "personal health budget" not in html.lower()
    assert "£" not in html
    assert "personal health budget" not in _text(pdf).lower()
    assert not AuditEvent.objects.filter(action="budget.viewed").exists()


@pytest.mark.parametrize("fmt", ["html", "pdf", "large-print", "json"])
def test_reading_the_budget_for_an_export_is_audited(plan, draft, planner, fmt):
    export(plan, fmt, user=planner)

    event = AuditEvent.objects.get(action="budget.viewed")
    assert event.actor == planner
    assert event.person == plan.person
    assert event.object_id == str(draft.pk)
    assert event.changes == {"purpose": "export"}


def test_the_command_line_export_has_the_budget_and_audits_it(plan, draft, tmp_path):
    out = tmp_path / "plan.json"

    call_command("export_plan", plan.person.nhs_number, "--format", "json", "--out", str(out))

    assert json.loads(out.read_bytes())["budget"]["total_cost"] == "18590.48"
    event = AuditEvent.objects.get(action="budget.viewed")
    assert (event.actor, event.channel, event.changes) == (None, "command", {"purpose": "export"})


def test_someone_who_cannot_see_the_person_gets_no_budget(plan, draft):
    from ourplan.testing.factories import UserFactory

    outsider = UserFactory()

    assert "personal health budget" not in plan_html(plan, user=outsider).lower()
    assert "budget" not in json.loads(plan_json(plan, user=outsider))


def test_the_downloaded_plan_has_the_budget_sheet(client, plan, draft, planner):
    client.force_login(planner)

    response = client.get(f"/people/{plan.person.pk}/plan/export/large-print/")

    assert PA_YEAR in _text(response.content)
    event = AuditEvent.objects.get(action="budget.viewed")
    assert (event.channel, event.changes) == ("web", {"purpose": "export"})
    assert event.actor == planner
