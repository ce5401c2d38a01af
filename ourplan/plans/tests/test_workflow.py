"""The plan's journey: every transition, allowed and refused, and the history it leaves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ourplan.accounts.models import Role
from ourplan.core.errors import NotAllowed, NotFound, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.plans import services
from ourplan.plans.models import Plan, PlanHistoryIsAppendOnly, PlanSection, PlanStageChange
from ourplan.plans.services import TRANSITION_SERVICES, TransitionRefused, missing_sections
from ourplan.plans.workflow import (
    NEEDED_TO_LEAVE,
    SECTIONS,
    TRANSITIONS,
    PlanKind,
    Section,
    SectionStatus,
    Stage,
    support_suggestion,
)
from ourplan.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(planner, person):
    return services.plan_start(actor=planner, person=person)


def _complete(plan, actor, sections):
    for section in sections:
        if section in SECTIONS[plan.kind]:
            plan = services.plan_section_set_status(
                actor=actor, plan=plan, version=plan.version, section=section,
                status=SectionStatus.COMPLETED)
    return plan


def _ready_to_leave(plan, actor):
    """Complete what the current stage needs, and agree the plan when that is needed too."""
    plan = _complete(plan, actor, NEEDED_TO_LEAVE[Stage(plan.stage)])
    if plan.stage == Stage.RECORD_AND_AGREE and not services.plan_is_agreed_as_it_is(plan):
        services.plan_agree(actor=actor, plan=plan, version=plan.version, agreed_by="person",
                            how="Signed at home")
        plan.refresh_from_db()
    return plan


def _at(stage, plan, actor):
    """Walk the plan forward to `stage`, completing what each step needs."""
    for transition in TRANSITIONS:
        if plan.stage == stage:
            return plan
        plan = _ready_to_leave(plan, actor)
        plan = TRANSITION_SERVICES[transition.name](actor=actor, plan=plan,
                                                    version=plan.version)
    assert plan.stage == stage
    return plan


def test_a_plan_starts_at_context_with_every_section_not_started(plan):
    assert plan.stage == Stage.CONTEXT
    statuses = dict(PlanSection.objects.filter(plan=plan).values_list("section", "status"))
    assert set(statuses) == set(Section.values)
    assert set(statuses.values()) == {SectionStatus.NOT_STARTED}
    assert PlanStageChange.objects.get(plan=plan).to_stage == Stage.CONTEXT


def test_one_plan_per_person(planner, person, plan):
    with pytest.raises(ValidationError, match="one plan per person"):
        services.plan_start(actor=planner, person=person)


def test_a_wellbeing_plan_has_fewer_sections(planner, stranger, team):
    stranger.allocations.create(team=team)

    plan = services.plan_start(actor=planner, person=stranger, kind=PlanKind.WELLBEING)

    assert plan.sections.count() == len(SECTIONS[PlanKind.WELLBEING]) < len(Section)


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_every_transition_is_allowed_from_its_stage_once_its_sections_are_done(
    planner, plan, transition
):
    plan = _at(transition.source, plan, planner)
    plan = _ready_to_leave(plan, planner)
    history_before = plan.stage_changes.count()

    moved = TRANSITION_SERVICES[transition.name](actor=planner, plan=plan,
                                                 version=plan.version)

    assert moved.stage == transition.target
    last = PlanStageChange.objects.filter(plan=plan).last()
    assert (last.from_stage, last.to_stage, last.transition, last.actor) == (
        transition.source, transition.target, transition.name, planner)
    assert plan.stage_changes.count() == history_before + 1
    assert AuditEvent.objects.filter(action=f"plan.{transition.name}").count() == 1


@pytest.mark.parametrize("transition", [t for t in TRANSITIONS if NEEDED_TO_LEAVE[t.source]],
                         ids=lambda t: t.name)
def test_a_transition_says_which_sections_are_missing(planner, plan, transition):
    plan = _at(transition.source, plan, planner)

    with pytest.raises(TransitionRefused) as refused:
        TRANSITION_SERVICES[transition.name](actor=planner, plan=plan, version=plan.version)

    assert set(refused.value.missing) == set(NEEDED_TO_LEAVE[transition.source])
    for section in NEEDED_TO_LEAVE[transition.source]:
        assert section.label in refused.value.message
    assert Plan.objects.get(pk=plan.pk).stage == transition.source


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.name)
def test_every_transition_is_refused_from_any_other_stage(planner, plan, transition):
    wrong = next(s for s in Stage if s != transition.source)
    plan = _at(wrong, plan, planner)
    plan = _complete(plan, planner, Section)

    with pytest.raises(TransitionRefused, match="cannot"):
        TRANSITION_SERVICES[transition.name](actor=planner, plan=plan, version=plan.version)
    assert Plan.objects.get(pk=plan.pk).stage == wrong


def test_optional_sections_may_be_marked_as_not_applying_and_count_as_done(planner, plan):
    plan = _at(Stage.CONVERSATION, plan, planner)
    plan = _complete(plan, planner, [Section.OUTCOMES, Section.RISKS, Section.CONTINGENCY,
                                     Section.DECISIONS])
    plan = services.plan_section_set_status(actor=planner, plan=plan, version=plan.version,
                                            section=Section.PERSONAL_ASSISTANTS,
                                            status=SectionStatus.NOT_APPLICABLE)

    assert missing_sections(plan) == ()
    assert services.plan_record(actor=planner, plan=plan, version=plan.version).stage == \
        Stage.RECORD_AND_AGREE


def test_needed_sections_cannot_be_marked_as_not_applying(planner, plan):
    with pytest.raises(ValidationError, match="cannot be marked as not applying"):
        services.plan_section_set_status(actor=planner, plan=plan, version=plan.version,
                                         section=Section.OUTCOMES,
                                         status=SectionStatus.NOT_APPLICABLE)


@pytest.mark.parametrize(("section", "status", "field"), [
    ("hobbies", SectionStatus.COMPLETED, "section"),
    (Section.OUTCOMES, "finished", "status"),
])
def test_unknown_sections_and_statuses_are_refused(planner, plan, section, status, field):
    with pytest.raises(ValidationError) as caught:
        services.plan_section_set_status(actor=planner, plan=plan, version=plan.version,
                                         section=section, status=status)
    assert field in caught.value.message_dict


def test_a_stale_version_is_refused(planner, plan):
    with pytest.raises(StaleVersion):
        services.plan_prepare(actor=planner, plan=plan, version=plan.version + 1)
    assert Plan.objects.get(pk=plan.pk).stage == Stage.CONTEXT


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.PANEL_MEMBER, Role.ADMINISTRATOR])
def test_read_only_roles_cannot_move_a_plan(team, plan, role):
    reader = UserFactory(role=role, teams=[team])
    with pytest.raises(NotAllowed):
        services.plan_prepare(actor=reader, plan=plan, version=plan.version)


def test_someone_outside_the_scope_cannot_start_or_move_a_plan(planner, stranger, plan):
    outsider = UserFactory(role=Role.PRACTITIONER)
    with pytest.raises(NotAllowed):
        services.plan_start(actor=planner, person=stranger)
    with pytest.raises(NotAllowed):
        services.plan_prepare(actor=outsider, plan=plan, version=plan.version)


def test_the_stage_history_cannot_be_changed(plan):
    change = PlanStageChange.objects.get(plan=plan)
    with pytest.raises(PlanHistoryIsAppendOnly):
        change.save()
    with pytest.raises(PlanHistoryIsAppendOnly):
        PlanStageChange.objects.filter(plan=plan).update(note="x")
    with pytest.raises(PlanHistoryIsAppendOnly):
        change.delete()


@pytest.mark.parametrize(("data", "field"), [
    ({"pam_level": 5}, "pam_level"),
    ({"pam_level": 2, "pam_score": "101", "pam_date": dt.date(2026, 1, 5)}, "pam_score"),
    ({"pam_level": 2, "pam_score": "55.2"}, "pam_date"),
    ({"pam_score": "55.2", "pam_date": dt.date(2026, 1, 5)}, "pam_level"),
    ({"pam_level": 2, "pam_date": dt.date.today() + dt.timedelta(days=2)}, "pam_date"),
    ({"confidence": 0}, "confidence"),
    ({"questionnaire": [1, 2, 3]}, "questionnaire"),
])
def test_support_needs_are_validated(planner, plan, data, field):
    with pytest.raises(ValidationError) as caught:
        services.plan_record_support_needs(actor=planner, plan=plan, version=plan.version,
                                           data=data)
    assert field in caught.value.message_dict
    assert Plan.objects.get(pk=plan.pk).pam_level is None


def test_support_needs_are_recorded_and_suggest_how_much_support(planner, plan):
    plan = services.plan_record_support_needs(
        actor=planner, plan=plan, version=plan.version,
        data={"pam_level": 2, "pam_score": "48.5", "pam_date": dt.date(2026, 10, 1),
              "confidence": 3})

    assert plan.version == 2
    assert support_suggestion(plan.pam_level, plan.confidence)[0] == "Some extra support"
    assert support_suggestion(None, 4)[0] == "Light touch"
    assert support_suggestion(None, None) is None


def test_the_plan_is_out_of_scope_for_others(plan):
    from ourplan.plans.selectors import plan_get

    with pytest.raises(NotFound):
        plan_get(user=UserFactory(), plan_id=plan.pk)
