"""The sign-off services: submitting a plan (routed, or refused with what is missing), deciding
it (only with the authority, with reasons, and for a refusal alternatives and a letter in plain
words), withdrawing it, the guard on putting a plan into action, appeals (each kind, the
deadline, who may hear them and what a changed decision does), written notice of a reduced
direct payment, and delegated authority itself. Every change is audited; nothing is written by
a refusal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ourplan.accounts.models import STAFF_ROLES, OrganisationKind, Role
from ourplan.budgets import services as budget_services
from ourplan.budgets.models import BudgetStatus, UnusualDecision
from ourplan.core.errors import DomainError, NotAllowed, NotFound, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.governance import services
from ourplan.governance.deadlines import appeal_deadline
from ourplan.governance.letters import COMPLAINTS
from ourplan.governance.models import (
    Appeal,
    AppealKind,
    AppealOutcome,
    Authority,
    DecisionKind,
    PaymentReduction,
    ReductionStatus,
    RiskLevel,
    Submission,
    SubmissionStatus,
)
from ourplan.governance.readiness import plan_readiness
from ourplan.governance.services import NotReady
from ourplan.notifications.models import Message
from ourplan.plans import services as plan_services
from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG
from ourplan.plans.models import Plan
from ourplan.plans.services import TransitionRefused
from ourplan.plans.workflow import Stage
from ourplan.testing import budgets as make_budget
from ourplan.testing import governance as make
from ourplan.testing.factories import (
    OrganisationFactory,
    PersonalContactFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEASON_TICKET = {"item": "Season ticket for Riverside FC", "category": "activity",
                 "unit_cost": Decimal("420.00"), "frequency": "yearly", "unusual": True,
                 "unusual_reason": "Going to home games with my son gets me out of the house"}


@pytest.fixture
def icb(planner):
    return planner.organisation


@pytest.fixture
def rungs(icb):
    return make.matrix(icb)


@pytest.fixture
def manager(planner):
    """Decides at level 2."""
    return make.approver(planner, Role.TEAM_MANAGER)


@pytest.fixture
def director(planner):
    """Decides at level 3."""
    return make.approver(planner, Role.CLINICAL_DIRECTOR)


@pytest.fixture
def commissioner(planner):
    """Decides at level 4, signs off budgets and gives notice of reductions."""
    return make.approver(planner, Role.COMMISSIONER)


@pytest.fixture
def outsider(db):
    """A practitioner on another team: they cannot see `person`."""
    return UserFactory(role=Role.PRACTITIONER, teams=[TeamFactory()])


@pytest.fixture
def plan(planner, person, rungs):
    """Agreed, medium risk, no budget: it goes to level 2."""
    return make.ready_plan(planner, person)


@pytest.fixture
def submitted(planner, plan):
    return services.plan_submit_for_sign_off(actor=planner, plan=plan, version=plan.version,
                                             note="She has thought hard about this risk")


@pytest.fixture
def refused(manager, submitted):
    return services.submission_refuse(
        actor=manager, submission=submitted, version=submitted.version,
        reasons="The plan does not say who helps if the phone runs out of charge",
        alternatives="Add a check-in call from her daughter, or a pendant alarm")


def _fresh(record):
    record.refresh_from_db()
    return record


def _actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def _rows(model):
    return list(model.objects.order_by("pk").values())


def _submit(actor, plan, **extra):
    plan = _fresh(plan)
    return services.plan_submit_for_sign_off(actor=actor, plan=plan, version=plan.version,
                                             **extra)


def _decided_days_ago(submission, days):
    """Move the decision back in time: at noon, `days` days before today (local)."""
    noon = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=days), dt.time(12))
    Submission.objects.filter(pk=submission.pk).update(
        decided_at=timezone.make_aware(noon))
    return _fresh(submission)


# --- submitting -------------------------------------------------------------------------------

def test_given_a_ready_plan_then_it_is_routed_with_its_risk_and_amount_and_audited(
        planner, plan, icb, rungs):
    submission = _submit(planner, plan, note="  She has thought hard about this risk  ")

    assert (submission.status, submission.level, submission.authority, submission.organisation,
            submission.risk, submission.amount) == (
        SubmissionStatus.WAITING, 2, rungs[1], icb, RiskLevel.MEDIUM, None)
    assert submission.risk_reasons == ["They choose to take or tolerate a risk"]
    assert submission.plan_version == plan.versions.get()
    assert (submission.submitted_by, submission.person, submission.decision) == (
        planner, plan.person, DecisionKind.PLAN_SIGN_OFF)
    assert submission.note == "She has thought hard about this risk"
    event = AuditEvent.objects.get(action="plan.submitted_for_sign_off")
    assert (event.actor, event.person, event.object_id) == (planner, plan.person,
                                                            str(submission.pk))
    assert event.changes == {"level": 2, "risk": 2, "amount": None, "version": 1}


@pytest.mark.parametrize(("weekly", "approach", "level", "risk"), [
    (Decimal("96.15"), "minimise", 1, RiskLevel.LOW),  # £4,999.80, low risk
    (Decimal("96.16"), "minimise", 2, RiskLevel.LOW),  # £5,000.32: over level 1's limit
    (Decimal("100.00"), "take", 2, RiskLevel.MEDIUM),  # £5,200, medium risk
    (Decimal("400.00"), "take", 3, RiskLevel.MEDIUM),  # £20,800
    (Decimal("1000.00"), "minimise", 4, RiskLevel.LOW),  # £52,000
])
def test_given_a_budget_then_the_amount_and_the_risk_choose_the_level(
        planner, person, rungs, weekly, approach, level, risk):
    plan = make.ready_plan(planner, person, agree=False, approach=approach)
    make.with_budget(planner, plan, weekly=weekly)
    make.agree_plan(planner, plan)

    submission = _submit(planner, plan)

    assert (submission.level, submission.risk, submission.amount) == (level, risk, weekly * 52)
    assert AuditEvent.objects.get(action="plan.submitted_for_sign_off").changes["amount"] == (
        str(weekly * 52))


def test_given_a_high_risk_plan_then_it_goes_to_the_clinical_director(planner, person, rungs):
    plan = make.ready_plan(planner, person, agree=False)
    plan_services.entry_add(actor=planner, plan=plan,
                            kind=ENTRY_KINDS_BY_SLUG["risks"],
                            data={"description": "Stopping insulin", "kind": "clinical",
                                  "approach": "take", "mitigation": "GP reviews monthly"})
    make.agree_plan(planner, plan)

    submission = _submit(planner, plan)

    assert (submission.level, submission.risk) == (3, RiskLevel.HIGH)
    assert "They choose to take a clinical risk" in submission.risk_reasons


def test_given_a_plan_that_is_not_ready_then_it_is_refused_with_the_list_and_nothing_written(
        planner, person, rungs):
    plan = make.ready_plan(planner, person, agree=False)
    before = _actions()

    with pytest.raises(NotReady) as caught:
        _submit(planner, plan)

    assert caught.value.missing == plan_readiness(plan).missing
    assert "Record the person's agreement to the plan as it is now" in caught.value.missing
    assert caught.value.message.startswith("The plan is not ready to be submitted: Record")
    assert not Submission.objects.exists()
    assert _actions() == before


def test_given_a_plan_before_record_and_agree_then_it_cannot_be_submitted(planner, person,
                                                                           rungs):
    plan = plan_services.plan_start(actor=planner, person=person)

    with pytest.raises(DomainError) as caught:
        _submit(planner, plan)

    assert caught.value.message == services.NOT_AT_RECORD_AND_AGREE
    assert not Submission.objects.exists()


def test_given_a_plan_already_waiting_then_a_second_submission_is_refused(planner, plan,
                                                                           submitted):
    with pytest.raises(DomainError) as caught:
        _submit(planner, plan)

    assert caught.value.message == services.ALREADY_WAITING
    assert Submission.objects.get() == submitted


def test_given_a_plan_needing_no_sign_off_then_it_is_not_submitted(planner, person, rungs):
    plan = make.ready_plan(planner, person, approach="minimise")

    with pytest.raises(DomainError) as caught:
        _submit(planner, plan)

    assert caught.value.message == services.NO_SIGN_OFF_NEEDED
    assert not Submission.objects.exists()


def test_given_no_icb_for_the_person_or_the_planner_then_it_says_how_to_put_that_right(db):
    team = TeamFactory(hub=True, organisation__kind=OrganisationKind.VCSE)
    planner = UserFactory(role=Role.PRACTITIONER, organisation=team.organisation, teams=[team])
    person = TeamAllocationFactory(team=team).person
    plan = make.ready_plan(planner, person)

    with pytest.raises(DomainError) as caught:
        _submit(planner, plan)

    assert caught.value.message == services.NO_ICB
    assert not Submission.objects.exists()


def test_given_no_delegated_authority_then_the_message_names_the_icb_and_the_plan(
        planner, person, icb):
    plan = make.ready_plan(planner, person)

    with pytest.raises(DomainError) as caught:
        _submit(planner, plan)

    assert caught.value.message == (
        f"No one in {icb.name} is set up to sign off a plan like this (medium risk). An "
        "administrator can set who decides what on the delegated authority page")


def test_given_no_level_for_a_budget_this_size_then_the_message_gives_the_budget(
        planner, person, icb, rungs):
    Authority.objects.filter(level=4).delete()
    plan = make.ready_plan(planner, person, agree=False)
    make.with_budget(planner, plan, weekly=Decimal("1000.00"))
    make.agree_plan(planner, plan)

    with pytest.raises(DomainError) as caught:
        _submit(planner, plan)

    assert f"No one in {icb.name} is set up to sign off a plan like this (a budget of " \
           "£52,000.00 a year, medium risk)" in caught.value.message


def test_given_the_person_gp_practice_in_another_icb_then_that_icb_decides(planner, person,
                                                                            rungs):
    theirs = OrganisationFactory(kind=OrganisationKind.ICB)
    make.matrix(theirs)
    person.gp_practice = OrganisationFactory(kind=OrganisationKind.GP_PRACTICE, parent=theirs)
    person.save()
    plan = make.ready_plan(planner, person)

    submission = _submit(planner, plan)

    assert (submission.organisation, submission.authority.organisation) == (theirs, theirs)


def test_given_a_stale_version_then_the_submission_is_refused(planner, plan):
    with pytest.raises(StaleVersion):
        services.plan_submit_for_sign_off(actor=planner, plan=plan, version=plan.version - 1)

    assert not Submission.objects.exists()


def test_given_a_planner_outside_the_persons_care_then_the_plan_is_not_found(outsider, plan):
    with pytest.raises(NotFound):
        services.plan_submit_for_sign_off(actor=outsider, plan=plan, version=plan.version)

    assert not Submission.objects.exists()


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.CLINICAL_DIRECTOR,
                                  Role.PANEL_MEMBER, Role.ADMINISTRATOR])
def test_given_a_role_that_does_not_plan_then_submitting_is_not_allowed(planner, plan, role):
    with pytest.raises(NotAllowed):
        _submit(make.approver(planner, role), plan)

    assert not Submission.objects.exists()


# --- deciding ---------------------------------------------------------------------------------

def test_given_an_approver_at_the_level_then_the_plan_is_signed_off_and_audited(
        planner, manager, submitted):
    decided = services.submission_approve(actor=manager, submission=submitted,
                                          version=submitted.version,
                                          reasons="  Risks are understood and managed  ")

    decided = _fresh(decided)
    assert (decided.status, decided.decided_by, decided.reasons, decided.version) == (
        SubmissionStatus.APPROVED, manager, "Risks are understood and managed", 2)
    assert decided.decided_at is not None
    assert decided.appeal_by is None
    assert "Your care and support plan has been signed off" in decided.message_to_person
    assert "Why: Risks are understood and managed" in decided.message_to_person
    event = AuditEvent.objects.get(action="plan.sign_off_approved")
    assert (event.actor, event.person, event.changes["status"]) == (
        manager, submitted.person, "approved")
    message = Message.objects.get(key=f"sign-off:{submitted.pk}:approved")
    assert message.recipients == [planner.email]
    assert message.body == decided.message_to_person


def test_given_a_refusal_then_the_letter_gives_reasons_alternatives_appeal_date_and_complaints(
        manager, submitted, person):
    decided = _fresh(services.submission_refuse(
        actor=manager, submission=submitted, version=submitted.version,
        reasons="Nobody helps if the phone runs out of charge",
        alternatives="A check-in call from her daughter"))

    assert decided.status == SubmissionStatus.REFUSED
    assert decided.appeal_by == appeal_deadline(decided.decided_at)
    assert decided.appeal_by == timezone.localdate(decided.decided_at) + dt.timedelta(days=28)
    letter = decided.message_to_person
    name = person.preferred_name or person.given_name
    assert letter.startswith(f"Dear {name},\n\n")
    assert "We cannot sign it off yet" in letter
    assert "Why: Nobody helps if the phone runs out of charge" in letter
    assert "What you could do instead: A check-in call from her daughter" in letter
    assert f"Please tell us by {decided.appeal_by:%-d %B %Y}." in letter
    assert "Someone who did not make this decision will look at it" in letter
    assert letter.endswith(COMPLAINTS)
    event = AuditEvent.objects.get(action="plan.sign_off_refused")
    assert event.changes == {"status": "refused",
                             "reasons": "Nobody helps if the phone runs out of charge",
                             "alternatives": "A check-in call from her daughter",
                             "appeal_by": decided.appeal_by.isoformat()}


@pytest.mark.parametrize(("reasons", "alternatives", "fields"), [
    ("", "Another way", {"reasons"}),
    ("   \n ", "Another way", {"reasons"}),
    ("Too risky", "", {"alternatives"}),
    ("Too risky", "  ", {"alternatives"}),
    ("", None, {"reasons", "alternatives"}),
])
def test_given_a_refusal_without_reasons_or_alternatives_then_it_is_refused_and_nothing_written(
        manager, submitted, reasons, alternatives, fields):
    before, rows = _actions(), _rows(Submission)

    with pytest.raises(ValidationError) as caught:
        services.submission_refuse(actor=manager, submission=submitted,
                                   version=submitted.version, reasons=reasons,
                                   alternatives=alternatives)

    assert set(caught.value.message_dict) == fields
    if "reasons" in fields:
        assert caught.value.message_dict["reasons"] == [services.REASONS_NEEDED]
    if "alternatives" in fields:
        assert caught.value.message_dict["alternatives"] == [services.ALTERNATIVES_NEEDED]
    assert (_actions(), _rows(Submission)) == (before, rows)
    assert not Message.objects.exists()


def test_given_an_approval_without_reasons_then_it_is_refused(manager, submitted):
    with pytest.raises(ValidationError) as caught:
        services.submission_approve(actor=manager, submission=submitted,
                                    version=submitted.version, reasons=" ")

    assert caught.value.message_dict == {"reasons": [services.REASONS_NEEDED]}
    assert _fresh(submitted).status == SubmissionStatus.WAITING


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES if r != Role.TEAM_MANAGER])
def test_given_someone_without_the_role_at_that_level_then_deciding_is_not_allowed(
        planner, submitted, icb, role):
    someone = make.approver(planner, role)

    with pytest.raises(NotAllowed) as caught:
        services.submission_approve(actor=someone, submission=submitted,
                                    version=submitted.version, reasons="Fine")
    with pytest.raises(NotAllowed):
        services.submission_refuse(actor=someone, submission=submitted,
                                   version=submitted.version, reasons="No",
                                   alternatives="Other")

    assert caught.value.message == f"Only team manager at level 2 in {icb.name} can decide this"
    assert _fresh(submitted).status == SubmissionStatus.WAITING


def test_given_a_team_manager_of_another_icb_then_deciding_is_not_allowed(submitted):
    elsewhere = UserFactory(role=Role.TEAM_MANAGER,
                            organisation=OrganisationFactory(kind=OrganisationKind.ICB))

    with pytest.raises(NotAllowed):
        services.submission_approve(actor=elsewhere, submission=submitted,
                                    version=submitted.version, reasons="Fine")


def test_given_an_inactive_team_manager_then_deciding_is_not_allowed(manager, submitted):
    manager.is_active = False
    manager.save()

    with pytest.raises(NotAllowed):
        services.submission_approve(actor=manager, submission=submitted,
                                    version=submitted.version, reasons="Fine")


def test_given_the_submitter_has_the_authority_then_they_still_cannot_decide_their_own(
        planner, person, rungs):
    coordinator = make.approver(planner, Role.CARE_COORDINATOR)  # decides at level 1
    plan = make.ready_plan(coordinator, person, agree=False, approach="minimise")
    make.with_budget(coordinator, plan, weekly=Decimal("50.00"))
    make.agree_plan(coordinator, plan)
    submission = _submit(coordinator, plan)
    assert submission.level == 1

    with pytest.raises(NotAllowed) as caught:
        services.submission_approve(actor=coordinator, submission=submission,
                                    version=submission.version, reasons="Fine")

    assert caught.value.message == services.NOT_YOUR_OWN
    decided = services.submission_approve(actor=make.approver(planner, Role.CARE_COORDINATOR),
                                          submission=submission, version=submission.version,
                                          reasons="Fine")
    assert decided.status == SubmissionStatus.APPROVED


def test_given_a_decision_already_made_then_a_second_is_refused(manager, refused):
    other_manager = make.approver(manager, Role.TEAM_MANAGER)

    with pytest.raises(DomainError) as caught:
        services.submission_approve(actor=other_manager, submission=refused,
                                    version=refused.version, reasons="Actually fine")

    assert caught.value.message == services.NOT_WAITING
    assert _fresh(refused).status == SubmissionStatus.REFUSED
    assert _actions().count("plan.sign_off_refused") == 1


def test_given_a_stale_version_then_the_decision_is_refused(manager, submitted):
    with pytest.raises(StaleVersion):
        services.submission_approve(actor=manager, submission=submitted, version=7,
                                    reasons="Fine")

    assert _fresh(submitted).status == SubmissionStatus.WAITING


def test_given_the_plan_changed_and_agreed_again_since_submission_then_approval_is_refused(
        planner, manager, plan, submitted):
    plan_services.working_entry_add(actor=planner, plan=_fresh(plan),
                                    data={"kind": "working", "text": "My new wheelchair"})
    make.agree_plan(planner, plan)

    with pytest.raises(DomainError) as caught:
        services.submission_approve(actor=manager, submission=submitted,
                                    version=submitted.version, reasons="Fine")

    assert caught.value.message == services.PLAN_CHANGED
    assert _fresh(submitted).status == SubmissionStatus.WAITING


# --- withdrawing ------------------------------------------------------------------------------

def test_given_a_waiting_submission_then_the_coordinator_withdraws_it_and_can_submit_again(
        planner, plan, submitted):
    withdrawn = services.submission_withdraw(actor=planner, submission=submitted,
                                             version=submitted.version)

    assert (_fresh(withdrawn).status, withdrawn.version) == (SubmissionStatus.WITHDRAWN, 2)
    assert AuditEvent.objects.get(action="plan.sign_off_withdrawn").object_id == str(
        submitted.pk)
    again = _submit(planner, plan)
    assert again.status == SubmissionStatus.WAITING


def test_given_a_decided_submission_then_it_cannot_be_withdrawn(planner, refused):
    with pytest.raises(DomainError) as caught:
        services.submission_withdraw(actor=planner, submission=refused,
                                     version=refused.version)

    assert caught.value.message == services.NOT_WAITING


def test_given_a_stale_version_then_withdrawing_is_refused(planner, submitted):
    with pytest.raises(StaleVersion):
        services.submission_withdraw(actor=planner, submission=submitted, version=9)

    assert _fresh(submitted).status == SubmissionStatus.WAITING


def test_given_someone_outside_the_persons_care_then_withdrawing_finds_nothing(
        outsider, submitted):
    with pytest.raises(NotFound):
        services.submission_withdraw(actor=outsider, submission=submitted, version=1)


def test_given_an_approver_who_does_not_plan_then_withdrawing_is_not_allowed(manager,
                                                                             submitted):
    commissioner = make.approver(manager, Role.COMMISSIONER)

    with pytest.raises(NotAllowed):
        services.submission_withdraw(actor=commissioner, submission=submitted, version=1)


# --- the guard on putting a plan into action ---------------------------------------------------

def _make_it_happen(actor, plan):
    plan = _fresh(plan)
    return plan_services.plan_make_it_happen(actor=actor, plan=plan, version=plan.version)


def test_given_a_plan_needing_sign_off_then_it_is_not_put_into_action_until_signed_off(
        planner, manager, plan):
    missing = ("The plan needs to be signed off before it is put into action: submit it for "
               "sign-off")
    assert services.sign_off_missing(_fresh(plan)) == missing
    with pytest.raises(TransitionRefused) as caught:
        _make_it_happen(planner, plan)
    assert caught.value.message == missing

    submission = _submit(planner, plan)
    with pytest.raises(TransitionRefused):
        _make_it_happen(planner, plan)

    services.submission_approve(actor=manager, submission=submission,
                                version=submission.version, reasons="Fine")
    assert services.sign_off_missing(_fresh(plan)) is None
    assert _make_it_happen(planner, plan).stage == Stage.MAKE_IT_HAPPEN


def test_given_a_refused_plan_then_it_is_not_put_into_action(planner, plan, refused):
    with pytest.raises(TransitionRefused):
        _make_it_happen(planner, plan)

    assert _fresh(plan).stage == Stage.RECORD_AND_AGREE


def test_given_a_sign_off_of_an_earlier_version_then_the_new_version_needs_its_own(
        planner, manager, plan, submitted):
    services.submission_approve(actor=manager, submission=submitted,
                                version=submitted.version, reasons="Fine")
    plan_services.working_entry_add(actor=planner, plan=_fresh(plan),
                                    data={"kind": "working", "text": "My new wheelchair"})
    make.agree_plan(planner, plan)

    assert services.sign_off_missing(_fresh(plan)) is not None
    with pytest.raises(TransitionRefused):
        _make_it_happen(planner, plan)


def test_given_a_plan_needing_no_sign_off_then_it_is_put_into_action_once_agreed(
        planner, person):
    plan = make.ready_plan(planner, person, approach="minimise")

    assert services.sign_off_missing(plan) is None
    assert _make_it_happen(planner, plan).stage == Stage.MAKE_IT_HAPPEN


# --- appeals: lodging -------------------------------------------------------------------------

def _lodge(actor, person, **data):
    values = {"asked_by": "person", "grounds": "I want to choose my own risks"} | data
    return services.appeal_lodge(actor=actor, person=person, data=values)


def _plan_appeal(actor, refused, **data):
    return _lodge(actor, refused.person, kind=AppealKind.REFUSED_PLAN, submission=refused,
                  **data)


def test_given_a_refused_plan_then_the_person_asks_for_it_to_be_looked_at_again(
        planner, manager, refused, plan):
    appeal = _plan_appeal(planner, refused)

    today = timezone.localdate()
    assert (appeal.kind, appeal.submission, appeal.plan, appeal.person) == (
        AppealKind.REFUSED_PLAN, refused, plan, refused.person)
    assert (appeal.lodged_on, appeal.respond_by) == (today, today + dt.timedelta(days=28))
    assert (appeal.first_decided_by, appeal.recorded_by, appeal.asked_by) == (
        manager, planner, "person")
    assert appeal.representative is None
    assert appeal.is_open
    event = AuditEvent.objects.get(action="appeal.lodged")
    assert event.changes == {"kind": "refused_plan", "asked_by": "person",
                             "respond_by": appeal.respond_by.isoformat()}


@pytest.fixture
def refused_line(planner, commissioner, person, rungs):
    """A season ticket the commissioner did not agree to (an unusual request)."""
    plan = make.ready_plan(planner, person, agree=False)
    budget = make.with_budget(planner, plan)
    line = make_budget.line(planner, budget, plan.outcomes.get(), **SEASON_TICKET)
    return budget_services.unusual_request_decide(actor=commissioner, line=line,
                                                  version=line.version, agreed=False,
                                                  reason="Not what the budget is for")


@pytest.fixture
def holding(planner, commissioner, person, rungs):
    """A direct payment of £100 a week in a signed-off budget, with 28 days' notice."""
    return make.signed_off_direct_payment(planner, commissioner, person)[1]


@pytest.fixture
def reduction(commissioner, holding):
    return services.direct_payment_reduce(
        actor=commissioner, holding=holding, new_amount="80.00",
        reasons="Fewer hours of support are needed since the new equipment",
        takes_effect_on=timezone.localdate() + dt.timedelta(days=28))


def test_given_a_refused_service_then_it_can_be_appealed(planner, commissioner, person,
                                                         refused_line):
    appeal = _lodge(planner, person, kind=AppealKind.REFUSED_SERVICE, cost_line=refused_line)

    assert (appeal.kind, appeal.cost_line, appeal.first_decided_by) == (
        AppealKind.REFUSED_SERVICE, refused_line, commissioner)


def test_given_a_reduced_direct_payment_then_it_can_be_appealed(planner, commissioner,
                                                                person, reduction):
    appeal = _lodge(planner, person, kind=AppealKind.REDUCED_BUDGET, reduction=reduction)

    assert (appeal.kind, appeal.reduction, appeal.first_decided_by) == (
        AppealKind.REDUCED_BUDGET, reduction, commissioner)


def test_given_a_refused_service_under_appeal_then_the_line_can_still_be_taken_out(
        planner, commissioner, person, refused_line):
    appeal = _lodge(planner, person, kind=AppealKind.REFUSED_SERVICE, cost_line=refused_line)
    line = _fresh(refused_line)

    budget_services.cost_line_remove(actor=planner, line=line, version=line.version)

    appeal.refresh_from_db()
    assert appeal.cost_line is None
    assert appeal.about == "Refused service: " + refused_line.item


def test_given_a_service_that_was_agreed_then_it_is_not_appealable(planner, commissioner,
                                                                   person, refused_line):
    line = budget_services.unusual_request_decide(actor=commissioner, line=refused_line,
                                                  version=refused_line.version, agreed=True,
                                                  reason="On reflection, yes")

    with pytest.raises(ValidationError) as caught:
        _lodge(planner, person, kind=AppealKind.REFUSED_SERVICE, cost_line=line)

    assert caught.value.message_dict == {"cost_line": [services.APPEAL_SERVICE_NOT_REFUSED]}


def test_given_a_reduction_withdrawn_then_it_is_not_appealable(planner, person, reduction):
    PaymentReduction.objects.filter(pk=reduction.pk).update(status=ReductionStatus.WITHDRAWN)

    with pytest.raises(ValidationError) as caught:
        _lodge(planner, person, kind=AppealKind.REDUCED_BUDGET, reduction=_fresh(reduction))

    assert set(caught.value.message_dict) == {"reduction"}


@pytest.mark.parametrize("data", [
    {"kind": "refused_plan"},
    {"kind": "refused_plan", "submission": "not a submission"},
    {"kind": "refused_service"},
    {"kind": "refused_service", "cost_line": 42},
    {"kind": "reduced_budget", "reduction": None},
    {"kind": "something_else"},
    {},
])
def test_given_no_decision_to_appeal_then_it_is_refused(planner, person, plan, data):
    with pytest.raises(ValidationError):
        _lodge(planner, person, **data)

    assert not Appeal.objects.exists()


def test_given_a_submission_still_waiting_then_it_cannot_be_appealed(planner, submitted):
    with pytest.raises(ValidationError) as caught:
        _plan_appeal(planner, submitted)

    assert caught.value.message_dict == {"submission": [services.APPEAL_NOT_REFUSED]}


def test_given_another_persons_refusal_then_it_cannot_be_appealed_for_this_person(
        planner, refused):
    other = TeamAllocationFactory(team=planner.teams.get()).person
    make.ready_plan(planner, other)

    with pytest.raises(ValidationError) as caught:
        _lodge(planner, other, kind=AppealKind.REFUSED_PLAN, submission=refused)

    assert set(caught.value.message_dict) == {"submission"}


def test_given_the_last_day_then_the_appeal_is_accepted(planner, refused):
    refused = _decided_days_ago(refused, 28)
    assert appeal_deadline(refused.decided_at) == timezone.localdate()

    appeal = _plan_appeal(planner, refused)

    assert appeal.lodged_on == timezone.localdate()


def test_given_the_day_after_the_deadline_then_it_is_refused_pointing_to_complaints(
        planner, refused):
    refused = _decided_days_ago(refused, 29)
    deadline = timezone.localdate() - dt.timedelta(days=1)

    with pytest.raises(ValidationError) as caught:
        _plan_appeal(planner, refused)

    [message] = caught.value.message_dict["lodged_on"]
    assert message == (f"The time to ask has passed: it ended on {deadline:%-d %B %Y}. They can "
                       "still complain through the NHS complaints procedure")
    assert not Appeal.objects.exists()


def test_given_they_asked_in_time_but_it_is_recorded_later_then_it_is_accepted(
        planner, refused):
    refused = _decided_days_ago(refused, 40)
    asked = timezone.localdate(refused.decided_at) + dt.timedelta(days=28)

    appeal = _plan_appeal(planner, refused, lodged_on=asked)

    assert (appeal.lodged_on, appeal.respond_by) == (asked, asked + dt.timedelta(days=28))


@pytest.mark.parametrize("ahead", [1, 400], ids=["tomorrow", "past the deadline too"])
def test_given_a_date_in_the_future_then_it_is_refused(planner, refused, ahead):
    with pytest.raises(ValidationError) as caught:
        _plan_appeal(planner, refused,
                     lodged_on=timezone.localdate() + dt.timedelta(days=ahead))

    assert caught.value.message_dict["lodged_on"] == [services.LODGED_IN_FUTURE]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"grounds": ""}, "grounds", services.GROUNDS_NEEDED),
    ({"grounds": "  \n"}, "grounds", services.GROUNDS_NEEDED),
    ({"asked_by": ""}, "asked_by", "Select who is asking"),
    ({"asked_by": "neighbour"}, "asked_by", "Select who is asking"),
    ({"asked_by": "representative"}, "representative", services.REPRESENTATIVE_NEEDED),
    ({"asked_by": "representative", "representative": "Jo"}, "representative",
     services.REPRESENTATIVE_NEEDED),
])
def test_given_missing_or_wrong_details_then_the_appeal_is_refused_beside_the_field(
        planner, refused, data, field, message):
    with pytest.raises(ValidationError) as caught:
        _plan_appeal(planner, refused, **data)

    assert caught.value.message_dict == {field: [message]}
    assert not Appeal.objects.exists()


@pytest.fixture
def representative(person):
    return PersonalContactFactory(person=person, name="Sam Rivers", relationship="Son",
                                  contact_types=["representative"],
                                  representative_basis="lpa_health_welfare")


def test_given_their_representative_asks_then_the_representative_is_recorded(
        planner, refused, representative):
    appeal = _plan_appeal(planner, refused, asked_by="representative",
                          representative=representative)

    assert (appeal.asked_by, appeal.representative) == ("representative", representative)


@pytest.mark.parametrize("contact", [
    lambda person: PersonalContactFactory(contact_types=["representative"],
                                          representative_basis="lpa_health_welfare"),
    lambda person: PersonalContactFactory(person=person, contact_types=["next_of_kin"]),
    lambda person: PersonalContactFactory(person=person, contact_types=["representative"],
                                          representative_basis="lpa_health_welfare",
                                          removed_at=timezone.now()),
], ids=["someone else's representative", "not a representative", "removed from the circle"])
def test_given_someone_not_recorded_as_their_representative_then_the_appeal_is_refused(
        planner, person, refused, contact):
    with pytest.raises(ValidationError) as caught:
        _plan_appeal(planner, refused, asked_by="representative", representative=contact(person))

    assert caught.value.message_dict == {"representative": [services.NOT_A_REPRESENTATIVE]}


def test_given_the_person_asks_then_a_representative_given_as_well_is_not_recorded(
        planner, refused, representative):
    appeal = _plan_appeal(planner, refused, representative=representative)

    assert appeal.representative is None


def test_given_an_open_appeal_then_a_second_on_the_same_decision_is_refused(planner, refused):
    _plan_appeal(planner, refused)

    with pytest.raises(ValidationError) as caught:
        _plan_appeal(planner, refused, grounds="Again")

    assert caught.value.message_dict == {"submission": [services.APPEAL_ALREADY_OPEN]}
    assert Appeal.objects.count() == 1


def test_given_a_planner_outside_the_persons_care_then_lodging_finds_nothing(outsider,
                                                                             refused):
    with pytest.raises(NotFound):
        _plan_appeal(outsider, refused)


def test_given_a_role_that_does_not_plan_then_lodging_is_not_allowed(commissioner, refused):
    with pytest.raises(NotAllowed):
        _plan_appeal(commissioner, refused)


# --- appeals: deciding ------------------------------------------------------------------------

@pytest.fixture
def appeal(planner, refused):
    return _plan_appeal(planner, refused)


def _decide(actor, appeal, outcome=AppealOutcome.STANDS, reasons="We looked again carefully"):
    appeal = _fresh(appeal)
    return services.appeal_decide(actor=actor, appeal=appeal, version=appeal.version,
                                  outcome=outcome, reasons=reasons)


def test_given_the_first_decider_then_they_cannot_hear_the_appeal(manager, appeal):
    with pytest.raises(NotAllowed) as caught:
        _decide(manager, appeal)

    assert caught.value.message == services.APPEAL_SAME_DECIDER
    assert _fresh(appeal).is_open


@pytest.mark.parametrize("role", [Role.CARE_COORDINATOR, Role.PRACTITIONER,
                                  Role.PANEL_MEMBER, Role.ADMINISTRATOR])
def test_given_someone_without_authority_at_that_level_or_above_then_they_cannot_hear_it(
        planner, appeal, icb, role):
    with pytest.raises(NotAllowed) as caught:
        _decide(make.approver(planner, role), appeal)

    assert caught.value.message == (
        f"Only someone with authority for this decision in {icb.name} can decide the appeal")
    assert _fresh(appeal).is_open


def test_given_someone_of_another_icb_then_they_cannot_hear_it(appeal):
    elsewhere = UserFactory(role=Role.CLINICAL_DIRECTOR,
                            organisation=OrganisationFactory(kind=OrganisationKind.ICB))
    make.matrix(elsewhere.organisation)

    with pytest.raises(NotAllowed):
        _decide(elsewhere, appeal)


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.CLINICAL_DIRECTOR,
                                  Role.COMMISSIONER])
def test_given_someone_else_at_the_same_level_or_above_then_they_hear_it(
        planner, appeal, role):
    decided = _decide(make.approver(planner, role), appeal)

    assert decided.outcome == AppealOutcome.STANDS


def test_given_the_decision_stands_then_the_letter_points_to_complaints_and_nothing_changes(
        planner, director, refused, appeal):
    decided = _decide(director, appeal, reasons="The risk is still not managed")

    decided = _fresh(decided)
    assert (decided.outcome, decided.decided_by, decided.outcome_reasons) == (
        AppealOutcome.STANDS, director, "The risk is still not managed")
    assert not decided.is_open
    assert decided.version == 2
    assert Submission.objects.get() == refused
    message = Message.objects.get(key=f"appeal:{appeal.pk}:decided")
    assert "We have not changed the decision." in message.body
    assert "Why: The risk is still not managed" in message.body
    assert message.body.endswith(COMPLAINTS)
    assert message.recipients == [planner.email]
    event = AuditEvent.objects.get(action="appeal.decided")
    assert event.changes == {"outcome": "stands", "reasons": "The risk is still not managed"}


def test_given_the_decision_partly_changed_then_the_letter_still_points_to_complaints(
        director, appeal):
    _decide(director, appeal, outcome=AppealOutcome.PARTLY_CHANGED)

    body = Message.objects.get(key=f"appeal:{appeal.pk}:decided").body
    assert "We have changed part of the decision." in body
    assert COMPLAINTS in body


def test_given_a_plan_refusal_changed_on_appeal_then_it_is_signed_off_and_can_be_put_in_action(
        planner, director, plan, refused, appeal):
    _decide(director, appeal, outcome=AppealOutcome.CHANGED, reasons="The phone is enough")

    approved = Submission.objects.get(status=SubmissionStatus.APPROVED)
    assert (approved.on_appeal, approved.decided_by, approved.plan_version) == (
        appeal, director, refused.plan_version)
    assert approved.reasons == "Changed on appeal: The phone is enough"
    assert _fresh(refused).status == SubmissionStatus.REFUSED  # history is not rewritten
    body = Message.objects.get(key=f"appeal:{appeal.pk}:decided").body
    assert "We have changed the decision." in body
    assert COMPLAINTS not in body
    assert services.sign_off_missing(_fresh(plan)) is None
    assert _make_it_happen(planner, plan).stage == Stage.MAKE_IT_HAPPEN
    event = AuditEvent.objects.get(action="plan.sign_off_approved")
    assert (event.actor, event.object_id, event.changes["on_appeal"]) == (
        director, str(approved.pk), str(appeal.pk))


def test_given_a_refused_service_changed_on_appeal_then_the_service_is_agreed(
        planner, commissioner, person, refused_line):
    appeal = _lodge(planner, person, kind=AppealKind.REFUSED_SERVICE, cost_line=refused_line)
    hearer = make.approver(planner, Role.COMMISSIONER)

    _decide(hearer, appeal, outcome=AppealOutcome.CHANGED, reasons="It keeps him well")

    line = _fresh(refused_line)
    assert (line.unusual_decision, line.unusual_decided_by) == (UnusualDecision.AGREED, hearer)
    assert line.unusual_decision_reason == "Agreed on appeal: It keeps him well"
    assert "budget.unusual_request_decided" in _actions()


def test_given_a_refused_service_then_the_first_commissioner_cannot_hear_the_appeal(
        planner, commissioner, person, refused_line):
    appeal = _lodge(planner, person, kind=AppealKind.REFUSED_SERVICE, cost_line=refused_line)

    with pytest.raises(NotAllowed):
        _decide(commissioner, appeal)
    with pytest.raises(NotAllowed):
        _decide(make.approver(planner, Role.CLINICAL_DIRECTOR), appeal)


def test_given_a_commissioner_who_cannot_see_the_person_then_they_cannot_hear_a_service_appeal(
        planner, person, icb, refused_line):
    """Agreeing the service needs someone who may sign off the person's budget."""
    appeal = _lodge(planner, person, kind=AppealKind.REFUSED_SERVICE, cost_line=refused_line)
    elsewhere_in_icb = UserFactory(role=Role.COMMISSIONER, organisation=icb)

    assert not services.may_hear(elsewhere_in_icb, _fresh(appeal))
    with pytest.raises(NotAllowed):
        _decide(elsewhere_in_icb, appeal, outcome=AppealOutcome.CHANGED)
    assert _fresh(refused_line).unusual_decision == UnusualDecision.NOT_AGREED


def test_given_a_reduction_changed_on_appeal_then_it_is_withdrawn(planner, person, reduction):
    appeal = _lodge(planner, person, kind=AppealKind.REDUCED_BUDGET, reduction=reduction)

    _decide(make.approver(planner, Role.COMMISSIONER), appeal, outcome=AppealOutcome.CHANGED)

    assert (_fresh(reduction).status, reduction.version) == (ReductionStatus.WITHDRAWN, 2)
    event = AuditEvent.objects.get(action="budget.reduction_withdrawn")
    assert (event.object_id, event.changes["on_appeal"]) == (str(reduction.pk), str(appeal.pk))


@pytest.mark.parametrize(("outcome", "reasons", "errors"), [
    ("", "Because", {"outcome": [services.OUTCOME_NEEDED]}),
    ("upheld", "Because", {"outcome": [services.OUTCOME_NEEDED]}),
    ("stands", " ", {"reasons": [services.REASONS_NEEDED]}),
    (None, None, {"outcome": [services.OUTCOME_NEEDED], "reasons": [services.REASONS_NEEDED]}),
])
def test_given_no_outcome_or_reasons_then_the_appeal_decision_is_refused(
        director, appeal, outcome, reasons, errors):
    before = _actions()

    with pytest.raises(ValidationError) as caught:
        _decide(director, appeal, outcome=outcome, reasons=reasons)

    assert caught.value.message_dict == errors
    assert _fresh(appeal).is_open
    assert _actions() == before


def test_given_an_appeal_already_decided_then_a_second_decision_is_refused(planner, director,
                                                                           appeal):
    _decide(director, appeal)

    with pytest.raises(DomainError) as caught:
        _decide(make.approver(planner, Role.COMMISSIONER), appeal,
                outcome=AppealOutcome.CHANGED)

    assert caught.value.message == services.APPEAL_DECIDED
    assert not Submission.objects.filter(status=SubmissionStatus.APPROVED).exists()


def test_given_a_decided_appeal_then_the_same_decision_cannot_be_appealed_again(
        planner, director, refused, appeal):
    _decide(director, appeal, outcome=AppealOutcome.CHANGED)

    with pytest.raises(ValidationError) as caught:
        _plan_appeal(planner, refused, grounds="Once more")

    [message] = caught.value.message_dict["submission"]
    assert "NHS complaints procedure" in message
    assert Appeal.objects.count() == 1
    assert Submission.objects.filter(status=SubmissionStatus.APPROVED).count() == 1


def test_given_a_stale_version_then_the_appeal_decision_is_refused(director, appeal):
    with pytest.raises(StaleVersion):
        services.appeal_decide(actor=director, appeal=appeal, version=appeal.version + 1,
                               outcome="stands", reasons="No")


# --- reducing a direct payment ----------------------------------------------------------------

def _reduce(actor, holding, **data):
    values = {"new_amount": "80.00", "reasons": "Fewer hours are needed",
              "takes_effect_on": timezone.localdate() + dt.timedelta(days=28)} | data
    return services.direct_payment_reduce(actor=actor, holding=holding, **values)


def test_given_the_earliest_day_the_notice_allows_then_the_reduction_is_written_and_sent(
        commissioner, holding, person):
    person.email = "mary@example.org"
    person.save()
    today = timezone.localdate()
    earliest = today + dt.timedelta(days=28)

    reduction = _reduce(commissioner, holding, takes_effect_on=earliest)

    reduction = _fresh(reduction)
    assert (reduction.current_amount, reduction.new_amount, reduction.frequency) == (
        Decimal("100.00"), Decimal("80.00"), "weekly")
    assert (reduction.notice_given_on, reduction.takes_effect_on, reduction.given_by,
            reduction.status) == (today, earliest, commissioner, ReductionStatus.NOTIFIED)
    assert (reduction.person, reduction.budget, reduction.holding) == (
        person, holding.budget, holding)
    letter = reduction.letter
    assert "your direct payment will go down from £100.00 to £80.00 each payment, " \
           f"from {earliest:%-d %B %Y}" in letter
    assert "Why: Fewer hours are needed" in letter
    assert f"Nothing changes before {earliest:%-d %B %Y}" in letter
    assert letter.endswith(COMPLAINTS)
    event = AuditEvent.objects.get(action="budget.reduction_notified")
    assert event.changes == {"from": "100.00", "to": "80.00",
                             "takes_effect_on": earliest.isoformat()}
    message = Message.objects.get(key=f"reduction:{reduction.pk}:notified")
    assert "mary@example.org" in message.recipients
    assert message.body == letter


def test_given_a_day_less_than_the_notice_period_then_the_reduction_is_refused(
        commissioner, holding):
    earliest = timezone.localdate() + dt.timedelta(days=28)

    with pytest.raises(ValidationError) as caught:
        _reduce(commissioner, holding, takes_effect_on=earliest - dt.timedelta(days=1))

    assert caught.value.message_dict == {"takes_effect_on": [
        f"The reduction can take effect no sooner than {earliest:%-d %B %Y}: 28 days' notice "
        "is needed"]}
    assert not PaymentReduction.objects.exists()
    assert not Message.objects.exists()


def test_given_no_date_or_reasons_then_the_reduction_is_refused_beside_each(commissioner,
                                                                            holding):
    with pytest.raises(ValidationError) as caught:
        _reduce(commissioner, holding, takes_effect_on=None, reasons="  ")

    assert caught.value.message_dict == {
        "takes_effect_on": ["Enter when the reduction takes effect"],
        "reasons": ["Give the reasons for the reduction"]}


@pytest.mark.parametrize(("amount", "message"), [
    ("100.00", "The new amount must be less than the current £100.00"),
    ("100", "The new amount must be less than the current £100.00"),
    ("100.004", "The new amount must be less than the current £100.00"),
    ("150.00", "The new amount must be less than the current £100.00"),
    ("99999999999999999999", "The new amount must be less than the current £100.00"),
    ("-0.01", services.NEW_AMOUNT_NEGATIVE),
    ("-50", services.NEW_AMOUNT_NEGATIVE),
    ("abc", services.NEW_AMOUNT_INVALID),
    ("", services.NEW_AMOUNT_INVALID),
    (None, services.NEW_AMOUNT_INVALID),
    ("NaN", services.NEW_AMOUNT_INVALID),
    ("sNaN", services.NEW_AMOUNT_INVALID),
    ("Infinity", services.NEW_AMOUNT_INVALID),
    ("-Infinity", services.NEW_AMOUNT_INVALID),
    ("1e9999", services.NEW_AMOUNT_INVALID),
    ("£80", services.NEW_AMOUNT_INVALID),
    ([80], services.NEW_AMOUNT_INVALID),
], ids=repr)
def test_given_a_new_amount_that_is_not_a_lower_sum_of_money_then_it_is_refused(
        commissioner, holding, amount, message):
    with pytest.raises(ValidationError) as caught:
        _reduce(commissioner, holding, new_amount=amount)

    assert caught.value.message_dict == {"new_amount": [message]}
    assert not PaymentReduction.objects.exists()


@pytest.mark.parametrize(("amount", "stored"), [
    ("99.99", Decimal("99.99")), (Decimal("0"), Decimal("0.00")), (75, Decimal("75.00")),
    ("99.994", Decimal("99.99")),
])
def test_given_a_lower_amount_then_it_is_stored_in_pounds_and_pence(commissioner, holding,
                                                                    amount, stored):
    assert _reduce(commissioner, holding, new_amount=amount).new_amount == stored


def test_given_a_direct_payment_in_a_draft_budget_then_notice_cannot_be_given(
        planner, commissioner, person, rungs):
    _plan, draft = make.direct_payment_plan(planner, person)

    with pytest.raises(ValidationError) as caught:
        _reduce(commissioner, draft.holdings.get())

    assert caught.value.message_dict == {"new_amount": [services.NOT_A_DIRECT_PAYMENT]}


def test_given_an_earlier_notice_then_a_second_one_starts_from_its_amount(commissioner, holding,
                                                                         reduction):
    takes_effect = timezone.localdate() + dt.timedelta(days=60)

    with pytest.raises(ValidationError) as refused:
        services.direct_payment_reduce(actor=commissioner, holding=holding, new_amount="90.00",
                                       reasons="Less again", takes_effect_on=takes_effect)
    assert refused.value.message_dict["new_amount"] == [
        "The new amount must be less than the current £80.00"]

    second = services.direct_payment_reduce(actor=commissioner, holding=holding,
                                            new_amount="60.00", reasons="Less again",
                                            takes_effect_on=takes_effect)
    assert (second.current_amount, second.new_amount) == (Decimal("80.00"), Decimal("60.00"))
    assert "from £80.00 to £60.00" in second.letter


def test_given_a_notional_budget_then_there_is_no_direct_payment_to_reduce(
        planner, commissioner, person, rungs):
    plan, outcome = make_budget.plan_with_outcome(planner, person)
    budget = make_budget.signed_off_budget(planner, commissioner, plan, outcome)
    assert budget.status == BudgetStatus.SIGNED_OFF

    with pytest.raises(ValidationError) as caught:
        _reduce(commissioner, budget.holdings.get())

    assert caught.value.message_dict == {"new_amount": [services.NOT_A_DIRECT_PAYMENT]}


def test_given_a_planner_then_giving_notice_is_not_allowed(planner, holding):
    with pytest.raises(NotAllowed):
        _reduce(planner, holding)


def test_given_a_commissioner_outside_the_persons_care_then_the_payment_is_not_found(
        icb, holding):
    with pytest.raises(NotFound):
        _reduce(UserFactory(role=Role.COMMISSIONER, organisation=icb), holding)

    assert not PaymentReduction.objects.exists()


# --- delegated authority ----------------------------------------------------------------------

@pytest.fixture
def administrator(planner):
    return make.approver(planner, Role.ADMINISTRATOR)


RUNG = {"decision": DecisionKind.PLAN_SIGN_OFF, "level": 2,
        "roles": [Role.TEAM_MANAGER, Role.CARE_COORDINATOR], "max_budget": Decimal("20000"),
        "max_risk": RiskLevel.MEDIUM}


def test_given_an_administrator_then_they_add_a_level_to_their_own_icb_and_it_is_audited(
        administrator, icb):
    authority = services.authority_add(actor=administrator, data=RUNG)

    authority = _fresh(authority)
    assert (authority.organisation, authority.decision, authority.level, authority.max_budget,
            authority.max_risk) == (icb, "plan_sign_off", 2, Decimal("20000.00"), 2)
    assert authority.roles == ["care_coordinator", "team_manager"]  # in the roles' order
    event = AuditEvent.objects.get(action="authority.added")
    assert (event.actor, event.object_id) == (administrator, str(authority.pk))
    assert event.changes["roles"] == ["care_coordinator", "team_manager"]


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES if r != Role.ADMINISTRATOR])
def test_given_anyone_but_an_administrator_then_setting_authority_is_not_allowed(
        planner, role):
    with pytest.raises(NotAllowed):
        services.authority_add(actor=make.approver(planner, role), data=RUNG)

    assert not Authority.objects.exists()


def test_given_an_administrator_outside_any_icb_then_they_cannot_set_authority(db):
    administrator = UserFactory(role=Role.ADMINISTRATOR,
                                organisation=OrganisationFactory(kind=OrganisationKind.VCSE))

    with pytest.raises(NotAllowed) as caught:
        services.authority_add(actor=administrator, data=RUNG)

    assert caught.value.message == services.NOT_YOUR_ICB


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"roles": []}, "roles", services.ROLES_NEEDED),
    ({"roles": None}, "roles", services.ROLES_NEEDED),
    ({"roles": ["team_manager", "king"]}, "roles", services.ROLE_INVALID),
    ({"roles": "team_manager"}, "roles", services.ROLE_INVALID),
    ({"roles": ["administrator"]}, "roles", services.ROLE_INVALID),
    ({"roles": ["person"]}, "roles", services.ROLE_INVALID),
    ({"decision": "lunch"}, "decision", None),
    ({"decision": ""}, "decision", None),
    ({"level": 5}, "level", None),
    ({"level": 0}, "level", None),
    ({"max_risk": 4}, "max_risk", None),
    ({"max_budget": Decimal("-1")}, "max_budget", None),
    ({"max_budget": Decimal("12345678901234")}, "max_budget", None),
    ({"max_budget": Decimal("1.001")}, "max_budget", None),
])
def test_given_a_level_with_bad_details_then_it_is_refused_beside_the_field(
        administrator, change, field, message):
    with pytest.raises(ValidationError) as caught:
        services.authority_add(actor=administrator, data=RUNG | change)

    assert field in caught.value.message_dict
    if message:
        assert caught.value.message_dict[field] == [message]
    assert not Authority.objects.exists()


def test_given_a_level_already_set_for_the_decision_then_a_second_is_refused(administrator):
    services.authority_add(actor=administrator, data=RUNG)

    with pytest.raises(ValidationError) as caught:
        services.authority_add(actor=administrator, data=RUNG | {"roles": ["commissioner"]})

    assert caught.value.message_dict == {"level": [
        "There is already a rule for this decision at level 2: change that one"]}
    assert Authority.objects.count() == 1
    assert services.authority_add(actor=administrator,
                                  data=RUNG | {"decision": "final_budget"}).level == 2


def test_given_a_change_then_it_is_saved_with_a_new_version_and_audited(administrator):
    authority = services.authority_add(actor=administrator, data=RUNG)

    changed = services.authority_update(actor=administrator, authority=authority, version=1,
                                        data=RUNG | {"max_budget": None, "max_risk": 3})

    assert (_fresh(changed).max_budget, changed.max_risk, changed.version) == (None, 3, 2)
    event = AuditEvent.objects.get(action="authority.changed")
    assert event.changes == {"max_budget": ["20000.00", None], "max_risk": [2, 3]}


def test_given_no_change_then_nothing_is_written(administrator):
    authority = services.authority_add(actor=administrator, data=RUNG)

    same = services.authority_update(actor=administrator, authority=authority, version=1,
                                     data=dict(RUNG))

    assert _fresh(same).version == 1
    assert "authority.changed" not in _actions()


def test_given_a_stale_version_then_the_change_is_refused(administrator):
    authority = services.authority_add(actor=administrator, data=RUNG)
    services.authority_update(actor=administrator, authority=authority, version=1,
                              data=RUNG | {"max_risk": 3})

    with pytest.raises(StaleVersion):
        services.authority_update(actor=administrator, authority=authority, version=1,
                                  data=RUNG | {"max_risk": 1})

    assert _fresh(authority).max_risk == 3


def test_given_a_change_to_a_level_already_set_then_it_is_refused(administrator):
    services.authority_add(actor=administrator, data=RUNG)
    other = services.authority_add(actor=administrator, data=RUNG | {"level": 3})

    with pytest.raises(ValidationError) as caught:
        services.authority_update(actor=administrator, authority=other, version=1, data=RUNG)

    assert set(caught.value.message_dict) == {"level"}
    assert _fresh(other).level == 3


def test_given_another_icbs_level_then_an_administrator_cannot_change_it(administrator):
    other_icb = OrganisationFactory(kind=OrganisationKind.ICB)
    theirs = make.matrix(other_icb)[0]
    before = _rows(Authority)

    with pytest.raises(NotFound):
        services.authority_update(actor=administrator, authority=theirs, version=1,
                                  data=RUNG | {"level": 1})

    assert _rows(Authority) == before


def test_a_plans_submission_follows_a_change_to_the_authority(administrator, planner, person):
    services.authority_add(actor=administrator, data=RUNG | {"level": 3, "max_budget": None,
                                                             "max_risk": 3})
    plan = make.ready_plan(planner, person)

    assert _submit(planner, plan).level == 3
    assert Plan.objects.get(pk=plan.pk).submissions.count() == 1
