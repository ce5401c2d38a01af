"""The organisation's personal health budget returns, counted on budgets built here through the
services: people counted once, adults and children by age on the last day, NHS continuing
healthcare adults, each way of holding and "mixture"; drafts, budgets outside the period and
people of other organisations left out; and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from ourplan.accounts.models import Role
from ourplan.budgets import services
from ourplan.budgets.models import BudgetStatus
from ourplan.budgets.returns import COLUMNS, phb_returns, returns_csv
from ourplan.testing import budgets as make
from ourplan.testing.factories import TeamAllocationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

# The third quarter of 2026-27.
Q3_START, Q3_END = dt.date(2026, 10, 1), dt.date(2026, 12, 31)
YEAR = dt.date(2026, 4, 1)  # budget years from 1 April 2026 to 31 March 2027
ADULT, CHILD = dt.date(1950, 6, 15), dt.date(2015, 3, 2)

HOLDINGS = {
    "notional": {"way": "notional", "held_by": "Riverside PHB team"},
    "third_party": {"way": "third_party", "held_by": "Riverside Independent Living"},
    "direct_payment": {"way": "direct_payment", "held_by": "", "paid_to": "person",
                       "payment_amount": Decimal("250.00"), "payment_frequency": "four_weekly",
                       "notice_days": 28},
}


@pytest.fixture
def commissioner(planner):
    return make.commissioner_for(planner)


def _someone(team, born=ADULT):
    return TeamAllocationFactory(team=team, person__date_of_birth=born).person


def _draft(planner, person, *, eligibility="chc_adult", ways=("notional",), starts_on=YEAR):
    """A draft ready to sign off: £1,000 held each way, each paying for one £1,000 line."""
    plan, outcome = make.plan_with_outcome(planner, person)
    draft = make.budget(planner, plan, eligibility=eligibility, starts_on=starts_on,
                        final_amount=Decimal("1000.00") * len(ways))
    for way in ways:
        held = make.holding(planner, draft, amount=Decimal("1000.00"), **HOLDINGS[way])
        make.line(planner, draft, outcome, item=f"Support ({way})", category="agency_care",
                  unit_cost=Decimal("1000.00"), frequency="yearly", holding=held)
    draft.refresh_from_db()
    return draft


def _signed(planner, commissioner, person, **kwargs):
    draft = _draft(planner, person, **kwargs)
    return services.budget_sign_off(actor=commissioner, budget=draft, version=draft.version)


def _counts(team, starts_on=Q3_START, ends_on=Q3_END):
    return phb_returns(organisation=team.organisation, starts_on=starts_on,
                       ends_on=ends_on).counts


def _nonzero(counts):
    return {key: count for key, count in counts.items() if count}


def test_given_nobody_with_a_budget_then_every_measure_is_zero(team):
    counts = _counts(team)

    assert counts == dict.fromkeys((key for key, _ in COLUMNS), 0)


def test_given_an_adult_with_continuing_healthcare_held_notionally_then_they_count_once(
        team, planner, commissioner):
    _signed(planner, commissioner, _someone(team))

    assert _nonzero(_counts(team)) == {"total": 1, "adults": 1, "chc_adult": 1, "notional": 1}


def test_given_each_reason_for_a_budget_then_each_is_counted_under_it(team, planner,
                                                                      commissioner):
    for eligibility, born in (("chc_adult", ADULT), ("childrens_continuing_care", CHILD),
                              ("section_117", ADULT), ("wheelchair", CHILD),
                              ("local_offer", ADULT)):
        _signed(planner, commissioner, _someone(team, born), eligibility=eligibility)

    assert _nonzero(_counts(team)) == {
        "total": 5, "adults": 3, "children": 2, "chc_adult": 1,
        "childrens_continuing_care": 1, "section_117": 1, "wheelchair": 1, "local_offer": 1,
        "notional": 5}


@pytest.mark.parametrize(("born", "adult"), [
    (dt.date(2008, 12, 31), True),    # 18 on the last day of the period
    (dt.date(2009, 1, 1), False),     # 18 the day after it ends
    (dt.date(2008, 10, 1), True),     # 18 on the first day: an adult by the last
    (dt.date(2008, 11, 15), True),    # 18 during the period
])
def test_given_someone_near_18_then_their_age_on_the_last_day_decides(team, planner,
                                                                     commissioner, born, adult):
    _signed(planner, commissioner, _someone(team, born), eligibility="local_offer")

    counts = _counts(team)

    assert (counts["adults"], counts["children"]) == ((1, 0) if adult else (0, 1))


def test_given_a_child_with_a_continuing_healthcare_budget_then_they_are_not_a_chc_adult(
        team, planner, commissioner):
    _signed(planner, commissioner, _someone(team, CHILD), eligibility="chc_adult")

    counts = _counts(team)

    assert (counts["total"], counts["children"], counts["chc_adult"]) == (1, 1, 0)


def test_given_each_way_of_holding_then_people_count_under_each_way_they_use(team, planner,
                                                                             commissioner):
    _signed(planner, commissioner, _someone(team), ways=("notional",))
    _signed(planner, commissioner, _someone(team), ways=("direct_payment",))
    _signed(planner, commissioner, _someone(team), ways=("third_party",))
    _signed(planner, commissioner, _someone(team), ways=("notional", "direct_payment"))
    _signed(planner, commissioner, _someone(team),
            ways=("notional", "direct_payment", "third_party"))

    counts = _counts(team)

    assert counts["total"] == 5
    assert (counts["notional"], counts["direct_payment"], counts["third_party"]) == (3, 3, 2)
    assert counts["mixture"] == 2
    # With a mixture the ways add up to more than the people.
    assert counts["notional"] + counts["direct_payment"] + counts["third_party"] == 8


def test_given_a_budget_replaced_in_the_period_then_the_person_is_counted_once(
        team, planner, commissioner):
    signed = _signed(planner, commissioner, _someone(team))
    draft = services.budget_update(actor=planner, budget=signed, version=signed.version,
                                   data={"indicative_basis": "Reviewed in November"})
    draft.refresh_from_db()
    services.budget_sign_off(actor=commissioner, budget=draft, version=draft.version)
    signed.refresh_from_db()

    counts = _counts(team)

    assert signed.status == BudgetStatus.SUPERSEDED
    assert (counts["total"], counts["adults"], counts["chc_adult"], counts["notional"],
            counts["mixture"]) == (1, 1, 1, 1, 0)


def test_given_only_a_draft_then_the_person_is_not_counted(team, planner, commissioner):
    _draft(planner, _someone(team))
    signed = _signed(planner, commissioner, _someone(team))
    # The new draft made by a change after sign-off is not counted either.
    services.budget_update(actor=planner, budget=signed, version=signed.version,
                           data={"eligibility": "local_offer"})

    counts = _counts(team)

    assert (counts["total"], counts["chc_adult"], counts["local_offer"]) == (1, 1, 0)


@pytest.mark.parametrize(("starts_on", "counted"), [
    (dt.date(2025, 4, 1), False),    # ended 31 March 2026, before the period
    (dt.date(2025, 10, 1), False),   # ended 30 September 2026, the day before
    (dt.date(2025, 10, 2), True),    # ends 1 October 2026, the period's first day
    (dt.date(2026, 12, 31), True),   # starts on the period's last day
    (dt.date(2027, 1, 1), False),    # starts the day after the period
])
def test_given_a_budget_year_then_it_counts_only_if_it_covers_a_day_of_the_period(
        team, planner, commissioner, starts_on, counted):
    _signed(planner, commissioner, _someone(team), starts_on=starts_on)

    assert _counts(team)["total"] == (1 if counted else 0)


def test_given_people_of_another_organisation_then_they_are_not_counted(team, planner,
                                                                       commissioner):
    elsewhere = TeamFactory()
    their_planner = UserFactory(role=Role.PRACTITIONER, organisation=elsewhere.organisation,
                                teams=[elsewhere])
    theirs = _someone(elsewhere)
    _signed(their_planner, make.commissioner_for(their_planner), theirs,
            ways=("direct_payment",))
    _signed(planner, commissioner, _someone(team))

    ours, others = _counts(team), _counts(elsewhere)

    assert _nonzero(ours) == {"total": 1, "adults": 1, "chc_adult": 1, "notional": 1}
    assert _nonzero(others) == {"total": 1, "adults": 1, "chc_adult": 1, "direct_payment": 1}


def test_given_someone_on_teams_of_two_organisations_then_both_count_them(team, planner,
                                                                          commissioner):
    person = _someone(team)
    elsewhere = TeamFactory()
    TeamAllocationFactory(person=person, team=elsewhere)
    _signed(planner, commissioner, person)

    assert _counts(team)["total"] == _counts(elsewhere)["total"] == 1


def test_given_a_person_on_two_teams_of_the_organisation_then_they_count_once(team, planner,
                                                                              commissioner):
    person = _someone(team)
    TeamAllocationFactory(person=person, team=TeamFactory(organisation=team.organisation))
    _signed(planner, commissioner, person)

    assert _counts(team)["total"] == 1


# --- the CSV ---------------------------------------------------------------------------------

def test_given_returns_then_the_csv_has_a_header_and_one_row_a_measure(team, planner,
                                                                       commissioner):
    _signed(planner, commissioner, _someone(team), ways=("notional", "third_party"))
    returns = phb_returns(organisation=team.organisation, starts_on=Q3_START, ends_on=Q3_END)

    text = returns_csv(returns)
    rows = list(csv.reader(io.StringIO(text)))

    assert text.startswith("organisation,period_start,period_end,measure,description,count"
                           "\r\n")
    assert rows[0] == ["organisation", "period_start", "period_end", "measure", "description",
                       "count"]
    assert len(rows) == 1 + len(COLUMNS)
    organisation = str(team.organisation)
    assert rows[1] == [organisation, "2026-10-01", "2026-12-31", "total",
                       "People with a personal health budget", "1"]
    by_measure = {row[3]: row for row in rows[1:]}
    assert [row[3] for row in rows[1:]] == [key for key, _ in COLUMNS]
    assert by_measure["mixture"] == [organisation, "2026-10-01", "2026-12-31", "mixture",
                                     "Held in more than one way", "1"]
    assert by_measure["children"][5] == "0"
    assert by_measure["third_party"][4] == "Held by a third party"


def test_given_returns_then_they_name_the_organisation_and_period_but_nobody(team, planner,
                                                                            commissioner):
    person = TeamAllocationFactory(team=team, person__family_name="Oyelaran-Whitcombe").person
    _signed(planner, commissioner, person)

    returns = phb_returns(organisation=team.organisation, starts_on=Q3_START, ends_on=Q3_END)
    text = returns_csv(returns)

    assert returns.organisation == f"{team.organisation.name} ({team.organisation.ods_code})"
    assert (returns.starts_on, returns.ends_on) == (Q3_START, Q3_END)
    assert returns.rows()[0] == ("total", "People with a personal health budget", 1)
    assert person.family_name not in text
    assert person.nhs_number not in text
