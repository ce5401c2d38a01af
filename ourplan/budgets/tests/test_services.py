"""The budget services: who may change what, the guards on every change, unusual requests,
sign-off, new drafts after sign-off (the signed-off figures never change), payments against
the budget in force, the PA rates, and an audit row for every change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ourplan.accounts.models import Role
from ourplan.budgets import selectors, services
from ourplan.budgets.models import (
    AMOUNT_TOO_LARGE,
    AMOUNT_TOO_SMALL,
    ENDS_BEFORE_START,
    Budget,
    BudgetStatus,
    CostLine,
    Holding,
    PARates,
    Payment,
    UnusualDecision,
)
from ourplan.budgets.services import BudgetNotReady
from ourplan.core.errors import NotAllowed, NotFound, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.testing import budgets as make
from ourplan.testing.factories import (
    PersonalContactFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEASON_TICKET = {"item": "Season ticket for Riverside FC", "category": "activity",
                 "unit_cost": Decimal("420.00"), "frequency": "yearly", "unusual": True,
                 "unusual_reason": "Going to home games with my son gets me out of the house "
                                   "every fortnight"}


@pytest.fixture
def commissioner(planner):
    return make.commissioner_for(planner)


@pytest.fixture
def outsider(db):
    """A planner in another organisation: they cannot see `person`."""
    return UserFactory(role=Role.PRACTITIONER, teams=[TeamFactory()])


@pytest.fixture
def stranger_planner(stranger):
    """A planner on another team that `stranger` is allocated to: only they see the stranger."""
    other_team = TeamFactory()
    TeamAllocationFactory(person=stranger, team=other_team)
    return UserFactory(role=Role.PRACTITIONER, organisation=other_team.organisation,
                       teams=[other_team])


def _fresh(record):
    record.refresh_from_db()
    return record


def _rows(model, **filters):
    """Every field of every matching row, to show that nothing about them changed."""
    return list(model.objects.filter(**filters).order_by("pk").values())


def _audit_actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def _ready(planner, draft, outcome, amount=Decimal("5000.00")):
    """Make a draft ready to sign off: a final amount, one holding, one line within it."""
    services.budget_update(actor=planner, budget=draft, version=_fresh(draft).version,
                           data={"final_amount": amount})
    held = make.holding(planner, draft, amount=amount)
    make.line(planner, draft, outcome, item="Gardening help", category="activity",
              unit_cost=Decimal("40.00"), frequency="weekly", holding=held)
    return _fresh(draft)


def _in_force(planner, commissioner, plan, outcome, starts_on):
    draft = make.budget(planner, plan, starts_on=starts_on)
    _ready(planner, draft, outcome)
    return services.budget_sign_off(actor=commissioner, budget=draft, version=draft.version)


# --- starting a budget -----------------------------------------------------------------------

def test_given_a_plan_then_a_budget_starts_as_draft_one_with_its_year_filled_in(planner, plan):
    budget = make.budget(planner, plan, starts_on=dt.date(2026, 4, 1))

    assert (budget.number, budget.status, budget.person, budget.created_by) == (
        1, BudgetStatus.DRAFT, plan.person, planner)
    assert budget.ends_on == dt.date(2027, 3, 31)
    assert budget.amount == Decimal("20000.00")  # the indicative budget, until a final one
    event = AuditEvent.objects.get(action="budget.started")
    assert (event.person, event.actor, event.object_id) == (plan.person, planner,
                                                            str(budget.pk))
    assert event.changes["indicative_amount"] == "20000.00"


def test_given_a_leap_day_start_then_the_year_ends_on_28_february(planner, plan):
    budget = make.budget(planner, plan, starts_on=dt.date(2028, 2, 29))

    assert budget.ends_on == dt.date(2029, 2, 28)


def test_given_a_second_start_then_it_is_refused_and_the_first_budget_stays_alone(planner,
                                                                                   draft):
    with pytest.raises(ValidationError) as caught:
        make.budget(planner, draft.plan, indicative_amount=Decimal("1.00"))

    assert caught.value.message_dict == {"eligibility": [services.ALREADY_HAS_BUDGET]}
    assert Budget.objects.get() == draft
    assert _audit_actions().count("budget.started") == 1


def test_given_an_end_before_the_start_then_the_budget_is_refused(planner, plan):
    with pytest.raises(ValidationError) as caught:
        make.budget(planner, plan, starts_on=dt.date(2026, 4, 1),
                    ends_on=dt.date(2026, 3, 31))

    assert caught.value.message_dict["ends_on"] == [ENDS_BEFORE_START]
    assert not Budget.objects.exists()


@pytest.mark.parametrize(("field", "amount", "message"), [
    ("indicative_amount", Decimal("-100.00"), AMOUNT_TOO_SMALL),
    ("indicative_amount", Decimal("0.00"), AMOUNT_TOO_SMALL),
    ("indicative_amount", Decimal("5000000.01"), AMOUNT_TOO_LARGE),
    ("final_amount", Decimal("-0.01"), AMOUNT_TOO_SMALL),
    ("final_amount", Decimal("0"), AMOUNT_TOO_SMALL),
    ("final_amount", Decimal("99999999.00"), AMOUNT_TOO_LARGE),
])
def test_given_a_budget_amount_that_cannot_be_right_then_it_is_refused_naming_the_field(
        planner, plan, field, amount, message):
    with pytest.raises(ValidationError) as caught:
        make.budget(planner, plan, **{field: amount})

    assert message in caught.value.message_dict[field]
    assert not Budget.objects.exists()
    assert "budget.started" not in _audit_actions()


def test_given_five_million_pounds_exactly_then_the_amount_is_allowed(planner, plan):
    assert make.budget(planner, plan, final_amount=Decimal("5000000.00")).final_amount == \
        Decimal("5000000.00")


def test_given_no_reason_for_the_budget_then_it_is_asked_for(planner, plan):
    with pytest.raises(ValidationError) as caught:
        make.budget(planner, plan, eligibility="")

    assert caught.value.message_dict["eligibility"] == [
        "Select why they have a personal health budget"]


def test_given_a_field_that_cannot_be_set_then_the_budget_is_refused(planner, plan):
    with pytest.raises(ValidationError) as caught:
        make.budget(planner, plan, status="signed_off")

    assert "status" in caught.value.message_dict
    assert not Budget.objects.exists()


# --- changing a draft ------------------------------------------------------------------------

def test_given_a_change_to_a_draft_then_it_is_saved_in_place_and_audited(planner, draft):
    changed = services.budget_update(actor=planner, budget=draft, version=1,
                                     data={"final_amount": Decimal("18500.00"),
                                           "starts_on": dt.date(2026, 5, 1)})

    assert changed.pk == draft.pk
    assert (changed.version, changed.final_amount) == (2, Decimal("18500.00"))
    assert changed.ends_on == dt.date(2027, 4, 30)  # the end follows the new start
    event = AuditEvent.objects.get(action="budget.updated")
    assert event.changes["final_amount"] == [None, "18500.00"]
    assert event.changes["ends_on"] == ["2027-03-31", "2027-04-30"]
    assert Budget.objects.count() == 1


def test_given_a_stale_version_then_the_change_is_refused_and_the_later_one_kept(planner,
                                                                                  draft):
    services.budget_update(actor=planner, budget=draft, version=1,
                           data={"final_amount": Decimal("19000.00")})
    audit_before = AuditEvent.objects.count()

    with pytest.raises(StaleVersion) as caught:
        services.budget_update(actor=planner, budget=draft, version=1,
                               data={"final_amount": Decimal("1.00")})

    assert caught.value.current["final_amount"] == "19000.00"
    assert _fresh(draft).final_amount == Decimal("19000.00")
    assert AuditEvent.objects.count() == audit_before


def test_given_a_stale_budget_version_then_a_line_is_not_added(planner, draft, outcome):
    services.budget_update(actor=planner, budget=draft, version=1,
                           data={"final_amount": Decimal("19000.00")})

    with pytest.raises(StaleVersion):
        services.cost_line_add(actor=planner, budget=draft, version=1, data={
            "outcome": outcome, "item": "Stool", "category": "equipment",
            "unit_cost": Decimal("10.00"), "frequency": "one_off"})

    assert not CostLine.objects.exists()


def test_given_a_stale_line_or_holding_version_then_the_change_is_refused(planner, draft,
                                                                         outcome):
    held = make.holding(planner, draft)
    line = make.line(planner, draft, outcome)
    services.cost_line_update(actor=planner, line=line, version=1,
                              data={"unit_cost": Decimal("130.00")})
    services.holding_update(actor=planner, holding=held, version=1,
                            data={"held_by": "Riverside PHB team"})

    with pytest.raises(StaleVersion):
        services.cost_line_update(actor=planner, line=line, version=1,
                                  data={"unit_cost": Decimal("1.00")})
    with pytest.raises(StaleVersion):
        services.holding_update(actor=planner, holding=held, version=1,
                                data={"held_by": "Someone else"})
    with pytest.raises(StaleVersion):
        services.cost_line_remove(actor=planner, line=line, version=1)
    with pytest.raises(StaleVersion):
        services.holding_remove(actor=planner, holding=held, version=1)

    assert _fresh(line).unit_cost == Decimal("130.00")
    assert _fresh(held).held_by == "Riverside PHB team"


# --- cost lines: what they point at and what they cost ---------------------------------------

def test_given_a_line_then_its_yearly_cost_is_worked_out_and_audited(planner, draft, outcome):
    line = make.line(planner, draft, outcome, item="Hydrotherapy", category="therapy",
                     unit_cost=Decimal("37.50"), quantity=Decimal("2"),
                     frequency="four_weekly")

    assert line.annual_cost == Decimal("975.00")  # 37.50 x 2 x 13
    assert line.outcome == outcome
    event = AuditEvent.objects.get(action="budget.line_added")
    assert event.changes["annual_cost"] == "975.00"
    assert event.person == draft.person


def test_given_another_persons_outcome_then_the_line_is_refused_and_nothing_written(
        planner, draft, stranger, stranger_planner):
    _, their_outcome = make.plan_with_outcome(stranger_planner, stranger)
    audit_before = AuditEvent.objects.count()

    for pointer in (their_outcome, str(their_outcome.pk), "not-an-id"):
        with pytest.raises(ValidationError) as caught:
            make.line(planner, draft, pointer)
        assert caught.value.message_dict == {"outcome": [services.NOT_THIS_PLANS_OUTCOME]}

    assert not CostLine.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_given_no_outcome_then_the_line_asks_for_one(planner, draft):
    with pytest.raises(ValidationError) as caught:
        make.line(planner, draft, None)

    assert caught.value.message_dict["outcome"] == ["Select the outcome it helps with"]


def test_given_another_budgets_holding_by_id_then_the_line_is_refused(
        planner, draft, outcome, stranger, stranger_planner):
    their_plan, _ = make.plan_with_outcome(stranger_planner, stranger)
    theirs = make.holding(stranger_planner, make.budget(stranger_planner, their_plan))
    make.holding(planner, draft)  # this budget is held the same way

    with pytest.raises(ValidationError) as caught:
        make.line(planner, draft, outcome, holding=str(theirs.pk))

    assert caught.value.message_dict == {"holding": [services.NOT_THIS_BUDGETS_HOLDING]}
    assert not CostLine.objects.exists()


def test_given_another_budgets_holding_that_this_budget_has_no_match_for_then_it_is_refused(
        planner, draft, outcome, stranger, stranger_planner):
    their_plan, _ = make.plan_with_outcome(stranger_planner, stranger)
    theirs = make.holding(stranger_planner, make.budget(stranger_planner, their_plan),
                          way="third_party")

    with pytest.raises(ValidationError) as caught:
        make.line(planner, draft, outcome, holding=theirs)

    assert caught.value.message_dict == {"holding": [services.NOT_THIS_BUDGETS_HOLDING]}
    assert not CostLine.objects.exists()


def test_given_another_budgets_holding_record_then_the_line_is_refused(
        planner, draft, outcome, stranger, stranger_planner):
    # The same as by id: a holding of someone else's budget is refused, even when this
    # budget happens to be held the same way.
    their_plan, _ = make.plan_with_outcome(stranger_planner, stranger)
    theirs = make.holding(stranger_planner, make.budget(stranger_planner, their_plan))
    make.holding(planner, draft)

    with pytest.raises(ValidationError) as caught:
        make.line(planner, draft, outcome, holding=theirs)

    assert caught.value.message_dict == {"holding": [services.NOT_THIS_BUDGETS_HOLDING]}
    assert not CostLine.objects.exists()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"unit_cost": Decimal("-5.00")}, "unit_cost", AMOUNT_TOO_SMALL),
    ({"unit_cost": Decimal("0.00")}, "unit_cost", AMOUNT_TOO_SMALL),
    ({"unit_cost": Decimal("5000000.01")}, "unit_cost", AMOUNT_TOO_LARGE),
    # £100,000 a week is £5.2 million a year
    ({"unit_cost": Decimal("100000.00"), "frequency": "weekly"}, "unit_cost",
     services.YEARLY_COST_TOO_LARGE),
    ({"quantity": Decimal("0")}, "quantity", "Enter a quantity more than 0"),
    ({"quantity": Decimal("10000.01")}, "quantity", "Enter a quantity of no more than 10,000"),
    ({"frequency": ""}, "frequency", "Select how often it is paid for"),
    ({"item": ""}, "item", "Say what it is"),
    ({"category": ""}, "category", "Select what kind of cost it is"),
])
def test_given_a_line_that_cannot_be_right_then_it_is_refused_naming_the_field(
        planner, draft, outcome, data, field, message):
    with pytest.raises(ValidationError) as caught:
        make.line(planner, draft, outcome, **data)

    assert message in caught.value.message_dict[field]
    assert not CostLine.objects.exists()
    assert "budget.line_added" not in _audit_actions()


def test_given_a_line_is_changed_then_it_is_costed_again_and_the_change_audited(planner,
                                                                                draft,
                                                                                outcome):
    line = make.line(planner, draft, outcome)

    changed = services.cost_line_update(actor=planner, line=line, version=1, data={
        "frequency": "monthly", "unit_cost": Decimal("15.00")})

    assert (changed.annual_cost, changed.version) == (Decimal("180.00"), 2)  # 15.00 x 12
    event = AuditEvent.objects.get(action="budget.line_updated")
    assert event.changes == {"annual_cost": ["120.00", "180.00"],
                             "frequency": ["one_off", "monthly"],
                             "unit_cost": ["120.00", "15.00"]}


def test_given_a_line_is_removed_then_it_goes_and_the_audit_keeps_what_it_was(planner, draft,
                                                                              outcome):
    line = make.line(planner, draft, outcome, item="Kettle tipper")

    services.cost_line_remove(actor=planner, line=line, version=1)

    assert not CostLine.objects.exists()
    assert AuditEvent.objects.get(action="budget.line_removed").changes["item"] == \
        "Kettle tipper"


# --- ways of holding the money ---------------------------------------------------------------

DIRECT = {"way": "direct_payment", "amount": Decimal("6000.00"), "paid_to": "person",
          "payment_amount": Decimal("500.00"), "payment_frequency": "monthly",
          "notice_days": 28, "accountable": "The person, with the ICB"}


def test_given_a_direct_payment_to_the_person_then_it_is_saved_and_audited(planner, draft):
    held = make.holding(planner, draft, **(DIRECT | {"held_by": ""}))

    assert (held.paid_to, held.payment_amount, held.notice_days) == (
        "person", Decimal("500.00"), 28)
    assert AuditEvent.objects.get(action="budget.holding_added").changes["way"] == \
        "direct_payment"


@pytest.mark.parametrize(("missing", "message"), [
    ("paid_to", "Select who the direct payment is paid to"),
    ("payment_amount", "Enter the amount of each payment"),
    ("payment_frequency", "Select how often it is paid"),
    ("notice_days", "Enter how many days' notice they get before the payment is reduced"),
])
def test_given_a_direct_payment_without_its_terms_then_each_is_asked_for(planner, draft,
                                                                         missing, message):
    with pytest.raises(ValidationError) as caught:
        make.holding(planner, draft, **(DIRECT | {missing: None}))

    assert caught.value.message_dict[missing] == [message]
    assert not Holding.objects.exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("amount", Decimal("-1.00"), AMOUNT_TOO_SMALL),
    ("amount", Decimal("0.00"), AMOUNT_TOO_SMALL),
    ("amount", Decimal("5000000.01"), AMOUNT_TOO_LARGE),
    ("payment_amount", Decimal("0.00"), AMOUNT_TOO_SMALL),
    ("payment_amount", Decimal("6000000.00"), AMOUNT_TOO_LARGE),
    ("notice_days", 0, "Enter at least 1 day"),
    ("notice_days", 366, "Enter no more than 365 days"),
])
def test_given_a_holding_amount_that_cannot_be_right_then_it_is_refused_naming_the_field(
        planner, draft, field, value, message):
    with pytest.raises(ValidationError) as caught:
        make.holding(planner, draft, **(DIRECT | {field: value}))

    assert message in caught.value.message_dict[field]
    assert not Holding.objects.exists()


def test_given_direct_payment_terms_on_a_notional_budget_then_they_are_refused(planner, draft):
    with pytest.raises(ValidationError) as caught:
        make.holding(planner, draft, paid_to="person", notice_days=28)

    assert caught.value.message_dict == {"paid_to": ["This is only for a direct payment"],
                                         "notice_days": ["This is only for a direct payment"]}


def test_given_a_third_party_budget_then_the_organisation_holding_it_is_needed(planner,
                                                                               draft):
    with pytest.raises(ValidationError) as caught:
        make.holding(planner, draft, way="third_party", held_by="")

    assert caught.value.message_dict == {
        "held_by": ["Enter the organisation that holds the money"]}


def test_given_a_way_already_used_then_a_second_holding_that_way_is_refused(planner, draft):
    make.holding(planner, draft, amount=Decimal("100.00"))

    with pytest.raises(ValidationError) as caught:
        make.holding(planner, draft, amount=Decimal("200.00"))

    assert caught.value.message_dict == {"way": [services.WAY_ALREADY_USED]}
    assert Holding.objects.count() == 1


@pytest.mark.parametrize("paid_to", ["representative", "nominee"])
def test_given_a_payment_to_a_representative_or_nominee_then_they_must_be_in_the_circle_as_that(
        planner, draft, person, stranger, paid_to):
    other_type = "nominee" if paid_to == "representative" else "representative"
    right = PersonalContactFactory(person=person, contact_types=[paid_to, "next_of_kin"])
    wrong_type = PersonalContactFactory(person=person, contact_types=[other_type])
    removed = PersonalContactFactory(person=person, contact_types=[paid_to],
                                     removed_at=timezone.now())
    someone_elses = PersonalContactFactory(person=stranger, contact_types=[paid_to])
    values = DIRECT | {"paid_to": paid_to}
    circle = f"Select someone recorded in their circle as their {paid_to}"

    for contact, message in ((None, f"Select their {paid_to}"), (wrong_type, circle),
                             (removed, circle), (someone_elses, circle),
                             (str(someone_elses.pk), "Select someone in their circle")):
        with pytest.raises(ValidationError) as caught:
            make.holding(planner, draft, paid_to_contact=contact, **values)
        assert caught.value.message_dict["paid_to_contact"] == [message], contact
    assert not Holding.objects.exists()

    held = make.holding(planner, draft, paid_to_contact=str(right.pk), **values)
    assert held.paid_to_contact == right


def test_given_a_payment_to_the_person_then_no_one_from_the_circle_is_chosen(planner, draft,
                                                                            person):
    daughter = PersonalContactFactory(person=person, contact_types=["nominee"])

    with pytest.raises(ValidationError) as caught:
        make.holding(planner, draft, paid_to_contact=daughter, **DIRECT)

    assert "paid_to_contact" in caught.value.message_dict


def test_given_a_holding_is_removed_then_the_lines_it_paid_for_stay_waiting_for_another(
        planner, draft, outcome):
    held = make.holding(planner, draft)
    line = make.line(planner, draft, outcome, holding=held)

    services.holding_remove(actor=planner, holding=held, version=1)

    assert _fresh(line).holding is None
    assert not Holding.objects.exists()
    assert "budget.holding_removed" in _audit_actions()
    assert "Say which way of holding the money pays for each line" in \
        services.sign_off_problems(_fresh(draft))


# --- unusual requests ------------------------------------------------------------------------

def test_given_an_unusual_request_then_it_is_saved_waiting_and_blocks_sign_off(
        planner, commissioner, draft, outcome):
    _ready(planner, draft, outcome, amount=Decimal("5000.00"))
    line = make.line(planner, draft, outcome, holding=draft.holdings.get(), **SEASON_TICKET)

    sheet = selectors.budget_sheet(user=planner, plan=draft.plan)

    assert line.unusual_decision == UnusualDecision.PENDING
    assert CostLine.objects.get(pk=line.pk).unusual_decision == "pending"
    assert sheet is not None
    assert "Season ticket for Riverside FC" in [x.item for x in sheet.lines]
    assert sheet.problems == ["Decide each unusual request"]
    with pytest.raises(BudgetNotReady) as caught:
        services.budget_sign_off(actor=commissioner, budget=draft,
                                 version=_fresh(draft).version)
    assert caught.value.problems == ["Decide each unusual request"]


def test_given_an_unusual_request_without_a_reason_then_the_reason_is_asked_for(
        planner, draft, outcome):
    with pytest.raises(ValidationError) as caught:
        make.line(planner, draft, outcome, **(SEASON_TICKET | {"unusual_reason": "   "}))

    assert caught.value.message_dict == {"unusual_reason": [services.UNUSUAL_REASON_NEEDED]}
    assert not CostLine.objects.exists()


def test_given_an_agreed_unusual_request_then_the_budget_can_be_signed_off(
        planner, commissioner, draft, outcome):
    _ready(planner, draft, outcome, amount=Decimal("5000.00"))
    line = make.line(planner, draft, outcome, holding=draft.holdings.get(), **SEASON_TICKET)

    decided = services.unusual_request_decide(
        actor=commissioner, line=line, version=1, agreed=True,
        reason="  Cheaper than the day centre and it is what matters to him  ")
    signed = services.budget_sign_off(actor=commissioner, budget=draft,
                                      version=_fresh(draft).version)

    assert (decided.unusual_decision, decided.unusual_decided_by, decided.version) == (
        UnusualDecision.AGREED, commissioner, 2)
    assert decided.unusual_decision_reason == ("Cheaper than the day centre and it is what "
                                               "matters to him")
    assert signed.status == BudgetStatus.SIGNED_OFF
    event = AuditEvent.objects.get(action="budget.unusual_request_decided")
    assert (event.actor, event.changes["decision"]) == (commissioner, "agreed")


def test_given_an_unusual_request_not_agreed_then_it_blocks_sign_off_until_taken_out(
        planner, commissioner, draft, outcome):
    _ready(planner, draft, outcome, amount=Decimal("5000.00"))
    line = make.line(planner, draft, outcome, holding=draft.holdings.get(), **SEASON_TICKET)
    services.unusual_request_decide(actor=commissioner, line=line, version=1, agreed=False,
                                    reason="A community transport pass would do the same")

    with pytest.raises(BudgetNotReady) as caught:
        services.budget_sign_off(actor=commissioner, budget=draft,
                                 version=_fresh(draft).version)
    assert caught.value.problems == ["Take out the unusual requests that were not agreed"]

    services.cost_line_remove(actor=planner, line=line, version=2)
    signed = services.budget_sign_off(actor=commissioner, budget=draft,
                                      version=_fresh(draft).version)
    assert signed.status == BudgetStatus.SIGNED_OFF


def test_given_no_reason_for_the_decision_then_it_is_refused(planner, commissioner, draft,
                                                            outcome):
    line = make.line(planner, draft, outcome, **SEASON_TICKET)

    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as caught:
            services.unusual_request_decide(actor=commissioner, line=line, version=1,
                                            agreed=True, reason=reason)
        assert caught.value.message_dict == {"reason": [services.DECISION_REASON_NEEDED]}

    assert _fresh(line).unusual_decision == UnusualDecision.PENDING
    assert "budget.unusual_request_decided" not in _audit_actions()


def test_given_a_planner_then_they_cannot_decide_an_unusual_request(planner, draft, outcome):
    line = make.line(planner, draft, outcome, **SEASON_TICKET)

    with pytest.raises(NotAllowed):
        services.unusual_request_decide(actor=planner, line=line, version=1, agreed=True,
                                        reason="I think it is fine")

    assert _fresh(line).unusual_decision == UnusualDecision.PENDING


def test_given_a_commissioner_who_cannot_see_the_person_then_they_cannot_decide(
        planner, draft, outcome):
    elsewhere = UserFactory(role=Role.COMMISSIONER, teams=[TeamFactory()])
    line = make.line(planner, draft, outcome, **SEASON_TICKET)

    with pytest.raises(NotAllowed):
        services.unusual_request_decide(actor=elsewhere, line=line, version=1, agreed=True,
                                        reason="Fine")

    assert _fresh(line).unusual_decision == UnusualDecision.PENDING


def test_given_an_ordinary_line_then_there_is_no_unusual_request_to_decide(planner,
                                                                           commissioner, draft,
                                                                           outcome):
    line = make.line(planner, draft, outcome)

    with pytest.raises(ValidationError) as caught:
        services.unusual_request_decide(actor=commissioner, line=line, version=1,
                                        agreed=True, reason="Fine")

    assert caught.value.message_dict == {"__all__": [services.NOT_UNUSUAL]}
    assert line.unusual_decision == ""


def test_given_an_agreed_request_that_changes_then_it_must_be_decided_again(
        planner, commissioner, draft, outcome):
    line = make.line(planner, draft, outcome, **SEASON_TICKET)
    services.unusual_request_decide(actor=commissioner, line=line, version=1, agreed=True,
                                    reason="Fine")

    changed = services.cost_line_update(actor=planner, line=line, version=2,
                                        data={"unit_cost": Decimal("650.00")})

    assert changed.unusual_decision == UnusualDecision.PENDING
    assert (changed.unusual_decided_by, changed.unusual_decision_reason) == (None, "")


def test_given_a_request_no_longer_unusual_then_its_decision_is_cleared(planner, draft,
                                                                       outcome):
    line = make.line(planner, draft, outcome, **SEASON_TICKET)

    changed = services.cost_line_update(actor=planner, line=line, version=1,
                                        data={"unusual": False})

    assert changed.unusual_decision == ""
    assert "Decide each unusual request" not in services.sign_off_problems(_fresh(draft))


# --- sign-off --------------------------------------------------------------------------------

def test_given_an_empty_draft_then_sign_off_lists_everything_still_to_do(planner, commissioner,
                                                                         plan):
    draft = make.budget(planner, plan, starts_on=None)
    audit_before = AuditEvent.objects.count()

    with pytest.raises(BudgetNotReady) as caught:
        services.budget_sign_off(actor=commissioner, budget=draft, version=1)

    assert caught.value.problems == ["Enter the final budget",
                                     "Enter when the budget year starts",
                                     "Say how the money will be held",
                                     "Add what the budget will pay for"]
    assert "Enter the final budget; Enter when the budget year starts" in str(caught.value)
    assert _fresh(draft).status == BudgetStatus.DRAFT
    assert AuditEvent.objects.count() == audit_before


def test_given_a_line_without_a_way_of_holding_then_sign_off_says_so(planner, commissioner,
                                                                     draft, outcome):
    _ready(planner, draft, outcome)
    make.line(planner, draft, outcome, unit_cost=Decimal("10.00"))

    with pytest.raises(BudgetNotReady) as caught:
        services.budget_sign_off(actor=commissioner, budget=draft,
                                 version=_fresh(draft).version)

    assert caught.value.problems == ["Say which way of holding the money pays for each line"]


def test_given_a_ready_budget_then_a_commissioner_signs_it_off_and_it_is_audited(
        planner, commissioner, draft, outcome):
    _ready(planner, draft, outcome)

    signed = services.budget_sign_off(actor=commissioner, budget=draft, version=draft.version)

    assert (signed.status, signed.signed_off_by) == (BudgetStatus.SIGNED_OFF, commissioner)
    assert signed.signed_off_at is not None
    event = AuditEvent.objects.get(action="budget.signed_off")
    assert event.changes == {"number": 1, "final_amount": "5000.00", "replaces": None}


def test_given_a_planner_then_they_cannot_sign_off(planner, draft, outcome):
    _ready(planner, draft, outcome)

    with pytest.raises(NotAllowed):
        services.budget_sign_off(actor=planner, budget=draft, version=draft.version)

    assert _fresh(draft).status == BudgetStatus.DRAFT


def test_given_a_stale_version_then_sign_off_is_refused(planner, commissioner, draft, outcome):
    _ready(planner, draft, outcome)

    with pytest.raises(StaleVersion):
        services.budget_sign_off(actor=commissioner, budget=draft, version=1)

    assert _fresh(draft).status == BudgetStatus.DRAFT


def test_given_a_signed_off_budget_then_it_cannot_be_signed_off_again(planner, commissioner,
                                                                      plan, outcome):
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)

    with pytest.raises(BudgetNotReady) as caught:
        services.budget_sign_off(actor=commissioner, budget=signed, version=signed.version)

    assert caught.value.problems == [services.ONLY_DRAFTS]


# --- after sign-off: a new draft, the signed-off figures kept --------------------------------

def test_given_a_change_to_a_signed_off_budget_then_a_new_draft_takes_it_and_the_old_stays(
        planner, commissioner, plan, outcome):
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)
    budget_before = _rows(Budget, pk=signed.pk)
    lines_before = _rows(CostLine, budget=signed)
    holdings_before = _rows(Holding, budget=signed)

    new = services.budget_update(actor=planner, budget=signed, version=signed.version,
                                 data={"final_amount": Decimal("6000.00")})
    line = new.lines.get()
    services.cost_line_update(actor=planner, line=line, version=line.version,
                              data={"unit_cost": Decimal("50.00")})
    services.holding_update(actor=planner, holding=new.holdings.get(), version=1,
                            data={"amount": Decimal("6000.00")})
    make.line(planner, new, outcome, item="Raised toilet seat", unit_cost=Decimal("35.00"))

    assert (new.number, new.status, new.copied_from) == (2, BudgetStatus.DRAFT, signed)
    assert _rows(Budget, pk=signed.pk) == budget_before
    assert _rows(CostLine, budget=signed) == lines_before
    assert _rows(Holding, budget=signed) == holdings_before
    assert (lines_before[0]["unit_cost"], lines_before[0]["annual_cost"]) == (
        Decimal("40.00"), Decimal("2080.00"))
    assert [(x.item, x.annual_cost) for x in _fresh(new).lines.all()] == [
        ("Gardening help", Decimal("2600.00")), ("Raised toilet seat", Decimal("35.00"))]
    assert Budget.objects.count() == 2
    assert _audit_actions().count("budget.draft_made") == 1


def test_given_a_change_to_a_signed_off_line_then_the_draft_copy_is_changed(
        planner, commissioner, plan, outcome):
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)
    old_line, old_holding = signed.lines.get(), signed.holdings.get()

    changed = services.cost_line_update(actor=planner, line=old_line, version=1,
                                        data={"quantity": Decimal("2")})

    assert changed.pk != old_line.pk
    assert changed.copied_from_id == old_line.pk
    assert changed.budget.number == 2
    assert changed.holding.budget_id == changed.budget.pk
    assert changed.holding.pk != old_holding.pk
    assert changed.annual_cost == Decimal("4160.00")  # 40.00 x 2 x 52
    assert CostLine.objects.get(pk=old_line.pk).annual_cost == Decimal("2080.00")


def test_given_a_holding_or_line_removed_after_sign_off_then_only_the_draft_loses_it(
        planner, commissioner, plan, outcome):
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)
    old_line, old_holding = signed.lines.get(), signed.holdings.get()

    services.holding_remove(actor=planner, holding=old_holding, version=1)
    draft = Budget.objects.get(status=BudgetStatus.DRAFT)
    services.cost_line_remove(actor=planner, line=draft.lines.get(), version=1)

    assert (draft.lines.count(), draft.holdings.count()) == (0, 0)
    assert signed.lines.get() == old_line
    assert signed.holdings.get() == old_holding


def test_given_an_unusual_request_on_a_signed_off_budget_then_it_cannot_be_decided_there(
        planner, commissioner, plan, outcome):
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)
    line = signed.lines.get()

    with pytest.raises(ValidationError) as caught:
        services.unusual_request_decide(actor=commissioner, line=line, version=1, agreed=True,
                                        reason="Fine")

    assert caught.value.message_dict == {"__all__": [services.ONLY_DRAFTS]}


def test_given_a_second_change_after_sign_off_then_it_goes_to_the_same_draft(
        planner, commissioner, plan, outcome):
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)
    first = services.budget_update(actor=planner, budget=signed, version=signed.version,
                                   data={"final_amount": Decimal("6000.00")})

    second = services.budget_update(actor=planner, budget=first, version=first.version,
                                    data={"indicative_basis": "Reviewed in June"})
    with pytest.raises(ValidationError) as caught:
        services.budget_update(actor=planner, budget=signed, version=signed.version,
                               data={"final_amount": Decimal("7000.00")})

    assert second.pk == first.pk
    assert Budget.objects.count() == 2
    assert "replaced" in caught.value.message_dict["__all__"][0]


def test_given_a_new_draft_signed_off_then_it_replaces_the_old_budget_which_keeps_its_figures(
        planner, commissioner, plan, outcome):
    signed = make.signed_off_budget(planner, commissioner, plan, outcome)
    new = services.budget_update(actor=planner, budget=signed, version=signed.version,
                                 data={"final_amount": Decimal("4000.00")})
    services.holding_update(actor=planner, holding=new.holdings.get(), version=1,
                            data={"amount": Decimal("4000.00")})
    new.refresh_from_db()

    now_in_force = services.budget_sign_off(actor=commissioner, budget=new,
                                            version=new.version)

    old = _fresh(signed)
    assert (old.status, old.final_amount) == (BudgetStatus.SUPERSEDED, Decimal("5000.00"))
    assert (now_in_force.status, now_in_force.number) == (BudgetStatus.SIGNED_OFF, 2)
    assert AuditEvent.objects.filter(action="budget.signed_off").last().changes == \
        {"number": 1, "final_amount": "5000.00", "replaces": None}
    assert AuditEvent.objects.filter(action="budget.signed_off").first().changes == \
        {"number": 2, "final_amount": "4000.00", "replaces": 1}
    version_one = selectors.budget_version(user=planner, plan=plan, number=1)
    assert version_one.budget.final_amount == Decimal("5000.00")
    assert [x.annual_cost for x in version_one.lines] == [Decimal("2080.00")]
    with pytest.raises(ValidationError):
        services.budget_update(actor=planner, budget=old, version=old.version,
                               data={"final_amount": Decimal("1.00")})


# --- payments --------------------------------------------------------------------------------

def test_given_a_budget_in_force_then_a_payment_in_its_year_is_recorded_and_audited(
        planner, commissioner, plan, outcome):
    today = timezone.localdate()
    signed = _in_force(planner, commissioner, plan, outcome, today - dt.timedelta(days=100))

    paid = services.payment_record(actor=planner, budget=signed, data={
        "line": str(signed.lines.get().pk), "paid_on": today, "amount": Decimal("40.00"),
        "reference": "Invoice 17"})
    by_commissioner = services.payment_record(actor=commissioner, budget=signed, data={
        "line": signed.lines.get(), "paid_on": signed.starts_on, "amount": Decimal("0.01")})

    assert (paid.budget, paid.recorded_by, paid.amount) == (signed, planner, Decimal("40.00"))
    assert by_commissioner.recorded_by == commissioner
    events = AuditEvent.objects.filter(action="budget.payment_recorded", person=plan.person)
    assert events.count() == 2


def test_given_a_draft_then_no_payment_can_be_recorded_against_it(planner, draft, outcome):
    line = make.line(planner, draft, outcome)

    with pytest.raises(ValidationError) as caught:
        services.payment_record(actor=planner, budget=draft, data={
            "line": line, "paid_on": draft.starts_on, "amount": Decimal("10.00")})

    assert caught.value.message_dict == {"line": [services.NOT_IN_FORCE]}
    assert not Payment.objects.exists()


def test_given_a_replaced_budget_or_a_draft_line_then_payments_are_refused(
        planner, commissioner, plan, outcome):
    today = timezone.localdate()
    signed = _in_force(planner, commissioner, plan, outcome, today - dt.timedelta(days=100))
    draft = services.budget_update(actor=planner, budget=signed, version=signed.version,
                                   data={"indicative_basis": "Reviewed"})

    with pytest.raises(ValidationError) as wrong_line:
        services.payment_record(actor=planner, budget=signed, data={
            "line": draft.lines.get(), "paid_on": today, "amount": Decimal("10.00")})
    services.budget_sign_off(actor=commissioner, budget=draft, version=_fresh(draft).version)
    with pytest.raises(ValidationError) as replaced:
        services.payment_record(actor=planner, budget=signed, data={
            "line": signed.lines.get(), "paid_on": today, "amount": Decimal("10.00")})

    assert wrong_line.value.message_dict == {"line": [services.NOT_A_LINE_IN_FORCE]}
    assert replaced.value.message_dict == {"line": [services.NOT_IN_FORCE]}
    assert not Payment.objects.exists()


def test_given_a_date_outside_the_budget_year_or_in_the_future_then_it_is_refused(
        planner, commissioner, plan, outcome):
    today = timezone.localdate()
    # A year that ended last month, so there are past days after it.
    starts_on = today - dt.timedelta(days=400)
    signed = _in_force(planner, commissioner, plan, outcome, starts_on)
    line = signed.lines.get()
    outside = services.PAID_ON_OUTSIDE.format(start=f"{signed.starts_on:%-d %B %Y}",
                                              end=f"{signed.ends_on:%-d %B %Y}")

    for paid_on, message in ((starts_on - dt.timedelta(days=1), outside),
                             (signed.ends_on + dt.timedelta(days=1), outside),
                             (today + dt.timedelta(days=1), services.PAID_ON_FUTURE)):
        with pytest.raises(ValidationError) as caught:
            services.payment_record(actor=planner, budget=signed, data={
                "line": line, "paid_on": paid_on, "amount": Decimal("10.00")})
        assert caught.value.message_dict == {"paid_on": [message]}

    assert not Payment.objects.exists()
    paid = services.payment_record(actor=planner, budget=signed, data={
        "line": line, "paid_on": signed.ends_on, "amount": Decimal("10.00")})
    assert paid.paid_on == signed.ends_on


@pytest.mark.parametrize(("amount", "message"), [
    (Decimal("-10.00"), AMOUNT_TOO_SMALL), (Decimal("0"), AMOUNT_TOO_SMALL),
    (Decimal("5000000.01"), AMOUNT_TOO_LARGE)])
def test_given_a_payment_amount_that_cannot_be_right_then_it_is_refused(
        planner, commissioner, plan, outcome, amount, message):
    signed = _in_force(planner, commissioner, plan, outcome,
                       timezone.localdate() - dt.timedelta(days=10))

    with pytest.raises(ValidationError) as caught:
        services.payment_record(actor=planner, budget=signed, data={
            "line": signed.lines.get(), "paid_on": signed.starts_on, "amount": amount})

    assert message in caught.value.message_dict["amount"]
    assert not Payment.objects.exists()


# --- people they cannot see ------------------------------------------------------------------

def test_given_a_user_who_cannot_see_the_person_then_nothing_is_read_or_written(
        planner, draft, outcome, outsider):
    held = make.holding(planner, draft)
    line = make.line(planner, draft, outcome, holding=held)
    before = (_rows(Budget), _rows(CostLine), _rows(Holding), AuditEvent.objects.count())

    with pytest.raises(NotAllowed):
        services.budget_start(actor=outsider, plan=draft.plan, data={"eligibility": "wheelchair"})
    with pytest.raises(NotAllowed):
        services.budget_update(actor=outsider, budget=draft, version=1,
                               data={"final_amount": Decimal("1.00")})
    with pytest.raises(NotAllowed):
        make.line(outsider, draft, outcome)
    with pytest.raises(NotAllowed):
        make.holding(outsider, draft, way="third_party")
    with pytest.raises(NotFound):
        services.cost_line_update(actor=outsider, line=line, version=1,
                                  data={"unit_cost": Decimal("1.00")})
    with pytest.raises(NotFound):
        services.cost_line_remove(actor=outsider, line=line, version=1)
    with pytest.raises(NotFound):
        services.holding_update(actor=outsider, holding=held, version=1,
                                data={"amount": Decimal("1.00")})
    with pytest.raises(NotFound):
        services.holding_remove(actor=outsider, holding=held, version=1)
    with pytest.raises(NotAllowed):
        services.unusual_request_decide(actor=outsider, line=line, version=1, agreed=True,
                                        reason="Fine")
    with pytest.raises(NotAllowed):
        services.payment_record(actor=outsider, budget=draft, data={
            "line": line, "paid_on": draft.starts_on, "amount": Decimal("1.00")})
    with pytest.raises(NotFound):
        selectors.budget_get(user=outsider, budget_id=draft.pk)
    with pytest.raises(NotFound):
        selectors.budget_version(user=outsider, plan=draft.plan, number=1)
    with pytest.raises(NotFound):
        selectors.cost_line_get(user=outsider, budget=draft, line_id=line.pk)

    assert selectors.budget_sheet(user=outsider, plan=draft.plan) is None
    assert (_rows(Budget), _rows(CostLine), _rows(Holding),
            AuditEvent.objects.count()) == before


def test_given_a_commissioner_who_cannot_see_the_person_then_they_cannot_sign_off(
        planner, draft, outcome):
    _ready(planner, draft, outcome)
    elsewhere = UserFactory(role=Role.COMMISSIONER, teams=[TeamFactory()])

    with pytest.raises(NotAllowed):
        services.budget_sign_off(actor=elsewhere, budget=draft, version=draft.version)

    assert _fresh(draft).status == BudgetStatus.DRAFT


def test_given_a_commissioner_then_they_cannot_write_the_budget(commissioner, plan, draft):
    with pytest.raises(NotAllowed):
        services.budget_update(actor=commissioner, budget=draft, version=1,
                               data={"final_amount": Decimal("1.00")})

    assert _fresh(draft).final_amount is None


def test_given_someone_who_sees_the_person_then_their_reads_are_audited(planner, draft):
    sheet = selectors.budget_sheet(user=planner, plan=draft.plan, purpose="pdf")

    assert sheet is not None
    assert sheet.budget == draft
    event = AuditEvent.objects.get(action="budget.viewed")
    assert (event.actor, event.person, event.changes) == (planner, draft.person,
                                                          {"purpose": "pdf"})


# --- an audit row for every change -----------------------------------------------------------

def test_given_a_budget_from_start_to_spending_then_every_change_is_audited_in_order(
        planner, commissioner, plan, outcome):
    today = timezone.localdate()
    draft = make.budget(planner, plan, starts_on=today - dt.timedelta(days=30))
    services.budget_update(actor=planner, budget=draft, version=1,
                           data={"final_amount": Decimal("5000.00")})
    held = make.holding(planner, draft, amount=Decimal("4000.00"))
    services.holding_update(actor=planner, holding=held, version=1,
                            data={"amount": Decimal("5000.00")})
    spare = make.holding(planner, draft, way="third_party", amount=Decimal("1.00"))
    services.holding_remove(actor=planner, holding=spare, version=1)
    line = make.line(planner, draft, outcome, holding=held, **SEASON_TICKET)
    services.cost_line_update(actor=planner, line=line, version=1,
                              data={"supplier": "Riverside FC"})
    extra = make.line(planner, draft, outcome, item="Grab rail")
    services.cost_line_remove(actor=planner, line=extra, version=1)
    services.unusual_request_decide(actor=commissioner, line=line, version=2, agreed=True,
                                    reason="Fine")
    signed = services.budget_sign_off(actor=commissioner, budget=draft,
                                      version=_fresh(draft).version)
    paid = services.payment_record(actor=planner, budget=signed, data={
        "line": line, "paid_on": today, "amount": Decimal("420.00")})
    services.payment_remove(actor=planner, payment=paid, version=1)
    services.budget_update(actor=planner, budget=signed, version=signed.version,
                           data={"indicative_basis": "Reviewed"})

    actions = [a for a in _audit_actions() if a.startswith("budget.")]
    assert actions == [
        "budget.started", "budget.updated", "budget.holding_added", "budget.holding_updated",
        "budget.holding_added", "budget.holding_removed", "budget.line_added",
        "budget.line_updated", "budget.line_added", "budget.line_removed",
        "budget.unusual_request_decided", "budget.signed_off", "budget.payment_recorded",
        "budget.payment_removed", "budget.draft_made", "budget.updated"]
    assert set(AuditEvent.objects.filter(action__startswith="budget.")
               .values_list("person", flat=True)) == {plan.person.pk}
    assert set(AuditEvent.objects.filter(action__startswith="budget.")
               .values_list("actor", flat=True)) == {planner.pk, commissioner.pk}


def test_given_a_change_that_changes_nothing_then_nothing_is_audited(planner, draft, outcome):
    line = make.line(planner, draft, outcome)
    before = AuditEvent.objects.count()

    same = services.cost_line_update(actor=planner, line=line, version=1,
                                     data={"unit_cost": Decimal("120.00")})

    assert same.version == 1
    assert AuditEvent.objects.count() == before


# --- the PA rates ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.COMMISSIONER, Role.TEAM_MANAGER])
def test_given_anyone_but_an_administrator_then_the_rates_cannot_be_changed(db, role):
    rates = PARates.objects.get(tax_year="2026-27")
    user = UserFactory(role=role)

    with pytest.raises(NotAllowed):
        services.pa_rates_update(actor=user, rates=rates, version=rates.version,
                                 data={"training_per_pa": Decimal("300.00")})
    with pytest.raises(NotAllowed):
        services.pa_rates_add(actor=user, data={"tax_year": "2027-28"})

    assert _fresh(rates).training_per_pa == Decimal("250.00")
    assert PARates.objects.count() == 2


def test_given_an_administrator_then_the_rates_change_and_the_change_is_audited(db):
    rates = PARates.objects.get(tax_year="2026-27")
    admin = UserFactory(role=Role.ADMINISTRATOR)

    changed = services.pa_rates_update(actor=admin, rates=rates, version=rates.version,
                                       data={"training_per_pa": Decimal("300.00")})
    with pytest.raises(StaleVersion):
        services.pa_rates_update(actor=admin, rates=rates, version=rates.version,
                                 data={"training_per_pa": Decimal("1.00")})

    assert (changed.training_per_pa, changed.changed_by, changed.version) == (
        Decimal("300.00"), admin, 2)
    event = AuditEvent.objects.get(action="pa_rates.updated")
    assert event.changes == {"training_per_pa": ["250.00", "300.00"]}
    assert event.person is None


def test_given_an_administrator_then_a_new_tax_year_is_added_and_checked(db):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    values = {name: getattr(PARates.objects.get(tax_year="2026-27"), name)
              for name in services.RATES_FIELDS} | {"tax_year": "2027-28",
                                                    "starts_on": dt.date(2027, 4, 6)}

    with pytest.raises(ValidationError) as caught:
        services.pa_rates_add(actor=admin, data=values | {
            "pension_upper_limit": Decimal("6000.00")})
    added = services.pa_rates_add(actor=admin, data=values)

    assert caught.value.message_dict["pension_upper_limit"] == [
        "The upper limit must be more than the lower limit"]
    assert added.tax_year == "2027-28"
    assert services.rates_for(dt.date(2027, 4, 1)) == added
    assert AuditEvent.objects.filter(action="pa_rates.added").count() == 1
