"""The demo's personal health budgets, and the returns CSV for them against figures counted by
hand from ourplan/demo/budgets.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import Organisation, User
from ourplan.budgets.forms import ReturnsForm
from ourplan.budgets.models import Budget, BudgetStatus
from ourplan.budgets.spending import add_months
from ourplan.demo.data import load_demo
from ourplan.people.models import Person

pytestmark = pytest.mark.django_db

# Counted by hand. In the quarter containing today: Mark (adult, NHS continuing healthcare, a
# direct payment and a notional budget) and Leo (a child, children's continuing care, a third
# party). Margaret's year ended before the quarter began; Harold has no budget.
THIS_QUARTER = {
    "total": 2, "adults": 1, "children": 1, "chc_adult": 1, "childrens_continuing_care": 1,
    "section_117": 0, "wheelchair": 0, "local_offer": 0, "direct_payment": 1, "notional": 1,
    "third_party": 1, "mixture": 1,
}
# The month before Mark's budget began: only Margaret's (adult, CHC, notional) was in force.
BEFORE_MARK = {**dict.fromkeys(THIS_QUARTER, 0), "total": 1, "adults": 1, "chc_adult": 1,
               "notional": 1}


def _csv_counts(body: str) -> dict[str, int]:
    lines = body.strip().split("\r\n")
    assert lines[0] == "organisation,period_start,period_end,measure,description,count"
    return {row.split(",")[3]: int(row.split(",")[-1]) for row in lines[1:]}


def _query(start: dt.date, end: dt.date, **extra: str) -> dict[str, object]:
    return {"starts_on_day": start.day, "starts_on_month": start.month,
            "starts_on_year": start.year, "ends_on_day": end.day, "ends_on_month": end.month,
            "ends_on_year": end.year, **extra}


def test_given_the_demo_then_three_budgets_are_signed_off_and_marks_has_spending():
    load_demo()

    mark = Person.objects.get(nhs_number="9990000026")
    budget = Budget.objects.get(person=mark)
    assert budget.status == BudgetStatus.SIGNED_OFF
    assert {h.way for h in budget.holdings.all()} == {"direct_payment", "notional"}
    assert budget.final_amount == sum(line.annual_cost for line in budget.lines.all())
    assert budget.payments.count() == 6 * 2 + 1  # PA and swimming for 6 months, equipment once
    assert Budget.objects.filter(status=BudgetStatus.SIGNED_OFF).count() == 3


def test_given_the_demo_then_the_returns_csv_matches_the_hand_counted_figures(client):
    load_demo()
    client.force_login(User.objects.get(username="david.clarke"))
    quarter = ReturnsForm.this_quarter(timezone.localdate())

    response = client.get(reverse("budget_admin:returns"),
                          _query(quarter["starts_on"], quarter["ends_on"], format="csv"))

    assert response.status_code == 200
    assert _csv_counts(response.content.decode()) == THIS_QUARTER
    assert response.content.decode().splitlines()[1].startswith(
        f"NHS Riverside Integrated Care Board (QRV),{quarter['starts_on'].isoformat()},")


def test_given_a_period_before_marks_budget_then_only_margarets_is_counted(client):
    load_demo()
    client.force_login(User.objects.get(username="david.clarke"))
    mark_start = Budget.objects.get(person__nhs_number="9990000026").starts_on
    assert mark_start is not None

    response = client.get(reverse("budget_admin:returns"), _query(
        add_months(mark_start, -1), mark_start - dt.timedelta(days=1), format="csv"))

    assert _csv_counts(response.content.decode()) == BEFORE_MARK


def test_given_the_councils_team_manager_then_none_of_the_icbs_budgets_are_counted(client):
    load_demo()
    user = User.objects.get(username="helen.price")
    user.organisation = Organisation.objects.get(ods_code="RVLA1")
    user.save()
    client.force_login(user)
    quarter = ReturnsForm.this_quarter(timezone.localdate())

    response = client.get(reverse("budget_admin:returns"),
                          _query(quarter["starts_on"], quarter["ends_on"], format="csv"))

    assert _csv_counts(response.content.decode())["total"] == 0
