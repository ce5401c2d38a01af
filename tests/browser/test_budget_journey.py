"""A personal health budget for Cecilia, in a real browser, with axe-core on every page."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect

from ourplan.budgets.models import Budget
from ourplan.people.models import Person
from tests.browser.axe import check_accessibility
from tests.browser.reflow import fits_the_screen
from tests.browser.test_journeys import sign_in_as_persona


def _save(page: Page) -> None:
    page.get_by_role("button", name="Save").click()


def test_a_coordinator_costs_cecilias_budget_sees_a_shortfall_and_fixes_it(page: Page):
    sign_in_as_persona(page, "Sam Okafor")
    page.get_by_role("link", name="Cecilia Adeyemi").click()
    page.get_by_role("link", name="Cece's care and support plan").click()
    check_accessibility(page)
    page.get_by_role("link", name="The budget sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal health budget")
    check_accessibility(page)

    page.get_by_role("button", name="Start a personal health budget").click()
    check_accessibility(page)
    _save(page)
    expect(page.locator("#id_eligibility-error")).to_contain_text(
        "Select why they have a personal health budget")
    check_accessibility(page)

    page.get_by_label("The ICB's local offer").check()
    page.locator("#id_starts_on_day").fill("6")
    page.locator("#id_starts_on_month").fill("4")
    page.locator("#id_starts_on_year").fill("2026")
    page.get_by_label("Indicative budget (a year)").fill("12000")
    page.get_by_label("How the indicative budget was worked out").fill(
        "The cost of her current home care, 15 hours a week")
    _save(page)
    expect(page.get_by_text("Personal health budget started")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Add a way of holding the money").click()
    page.get_by_label("Direct payment (money paid to buy the care)").check()
    page.get_by_label("Amount held this way (a year)").fill("12000")
    page.get_by_label("Who is accountable for the money").fill("Cecilia, with Bernard's help")
    page.get_by_label("The person").check()
    page.get_by_label("Amount of each direct payment").fill("1000")
    page.get_by_label("How often each direct payment is made").select_option("monthly")
    page.get_by_label("Notice before a reduction (days)").fill("28")
    check_accessibility(page)
    _save(page)
    expect(page.get_by_role("heading", name="Direct payment (money paid to buy the care): "
                                             "£12,000.00 a year")).to_be_visible()

    # A personal assistant: the hidden costs of employing one come from the year's rates.
    page.get_by_role("link", name="Add something the budget pays for").click()
    page.get_by_label("Which outcome it helps with").select_option(index=1)
    page.get_by_label("What it is").fill("Personal assistant for mornings")
    page.get_by_label("Employing a personal assistant").check()
    page.get_by_label("Cost each time").fill("13.00")
    page.get_by_label("How many each time").fill("15")
    page.get_by_label("Weekly").check()
    page.get_by_label("Which way of holding pays").select_option(label="Direct payment")
    check_accessibility(page)
    _save(page)
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Personal assistant for mornings: £13,403.56 a year")
    expect(page.get_by_role("heading", name="Personal assistant for mornings: £13,403.56 a year")) \
        .to_be_visible()

    # Something a budget cannot buy is refused, with the reason beside the field.
    page.get_by_role("link", name="Add something the budget pays for").click()
    page.get_by_label("Which outcome it helps with").select_option(index=1)
    page.get_by_label("What it is").fill("Perching stool and a bottle of wine")
    page.get_by_label("Equipment").check()
    page.get_by_label("Cost each time").fill("95")
    page.get_by_label("One-off").check()
    _save(page)
    expect(page.locator("#id_item-error")).to_contain_text("cannot be spent on alcohol")
    check_accessibility(page)
    page.get_by_label("What it is").fill("Perching stool")
    page.get_by_label("Which way of holding pays").select_option(label="Direct payment")
    _save(page)

    shortfall = page.locator("#shortfall")
    expect(shortfall).to_contain_text("Shortfall of £1,498.56 a year")
    expect(page.locator("#cost-lines")).to_contain_text("£1,403.56 short")
    page.get_by_text("Costs of employing this PA").click()
    expect(page.get_by_text("Employer's National Insurance: £934.80")).to_be_visible()
    check_accessibility(page)

    # The fix: the final budget covers the full cost, and the direct payment matches it.
    page.get_by_role("link", name="Change the budget details").click()
    page.get_by_label("Final budget (a year)").fill("13600")
    check_accessibility(page)
    _save(page)
    page.get_by_role("link", name="Change Direct payment").click()
    page.get_by_label("Amount held this way (a year)").fill("13600")
    page.get_by_label("Amount of each direct payment").fill("1133.34")
    _save(page)

    expect(page.locator("#shortfall")).to_have_count(0)
    expect(page.locator("#covered")).to_contain_text(
        "The budget of £13,600.00 a year covers the full cost of every line (£13,498.56), "
        "with £101.44 left over")
    expect(page.get_by_text("The budget is ready for the commissioner to sign off.")) \
        .to_be_visible()
    check_accessibility(page)

    budget = Budget.objects.get(person__nhs_number="9990000018")
    assert budget.final_amount == Decimal("13600.00")
    assert sum(line.annual_cost for line in budget.lines.all()) == Decimal("13498.56")


def test_on_a_phone_marks_coordinator_records_a_payment_and_the_commissioner_reads_returns(
        phone_page: Page):
    page = phone_page
    sign_in_as_persona(page, "Jo Bennett")
    mark = Person.objects.get(nhs_number="9990000026")

    page.goto(f"/people/{mark.pk}/plan/budget/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personal health budget")
    expect(page.locator("#covered")).to_contain_text("covers the full cost of every line")
    expect(page.get_by_text("Their nominee: Linda Ellison")).to_be_visible()
    fits_the_screen(page)
    check_accessibility(page)

    page.get_by_role("link", name="Planned and actual spending").click()
    expect(page.locator("#periods")).to_contain_text("Overspent by £410.00")
    fits_the_screen(page)
    check_accessibility(page)
    page.get_by_role("link", name="Show by quarter").click()
    expect(page.locator("#periods")).to_contain_text("Quarter 1")
    check_accessibility(page)

    page.get_by_role("link", name="Record a payment").click()
    page.get_by_label("What it paid for").select_option(label="Swimming for Mark and his PA")
    page.get_by_label("Amount paid").fill("30")
    page.get_by_label("Reference or note").fill("Leisure centre, extra session")
    fits_the_screen(page)
    check_accessibility(page)
    _save(page)
    expect(page.get_by_text("Payment of £30.00 recorded")).to_be_visible()
    expect(page.locator("#payments")).to_contain_text("Leisure centre, extra session")
    fits_the_screen(page)
    check_accessibility(page)

    sign_in_as_persona(page, "David Clarke")
    page.goto("/budgets/returns/")
    expect(page.locator("#returns")).to_contain_text("People with a personal health budget")
    fits_the_screen(page)
    check_accessibility(page)
    page.goto("/budgets/pa-rates/")
    expect(page.get_by_role("heading", name="2026-27, from 6 April 2026")).to_be_visible()
    check_accessibility(page)
