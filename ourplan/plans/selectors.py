"""Reading a plan: scoped through the person and audited."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record
from ourplan.core.errors import NotFound
from ourplan.people.models import Person
from ourplan.plans.models import Plan, PlanSection, PlanStageChange, WorkingEntry


def plan_for_person(*, user: User, person: Person) -> Plan | None:
    """The plan of a person already read through `person_get`, with its sections and history
    (a fixed number of queries whatever the plan's size); audited as a read."""
    plan = (
        Plan.objects.visible_to(user).filter(person=person)
        .prefetch_related(
            Prefetch("sections", queryset=PlanSection.objects.order_by("created_at")),
            Prefetch("stage_changes",
                     queryset=PlanStageChange.objects.select_related("actor")),
        )
        .first()
    )
    if plan is not None:
        audit_record(actor=user, action="plan.viewed", person=person, obj=plan)
    return plan


def plan_get(*, user: User, plan_id: Any) -> Plan:
    plan = Plan.objects.visible_to(user).select_related("person").filter(pk=plan_id).first() \
        if plan_id else None
    if plan is None:
        raise NotFound()
    return plan


def plan_for_export(*, user: User | None, person: Person, fmt: str) -> Plan | None:
    """The plan to export, audited as an export. `user` is None for the command line, which
    runs with the operator's authority (it is not reachable from the web)."""
    plans = Plan.objects.all() if user is None else Plan.objects.visible_to(user)
    plan = plans.select_related("person").filter(person=person).first()
    if plan is not None:
        audit_record(actor=user, action="plan.exported", person=person, obj=plan,
                     changes={"format": fmt})
    return plan


def working_entry_of(plan: Plan, entry_id: Any) -> WorkingEntry:
    """One of this plan's working / not working entries, from the page's own URL; NotFound for
    any other id (the plan was already read through `visible_to`)."""
    entry = next((e for e in plan.working_entries.all() if str(e.pk) == str(entry_id)), None)
    if entry is None:
        raise NotFound()
    return entry


def person_and_plan(*, user: User, person_id: Any, purpose: str) -> tuple[Person, Plan]:
    """The person (read for `purpose`, audited) and their plan, for pages and the API about
    one person's plan. NotFound if the user cannot see them or there is no plan yet."""
    from ourplan.people.selectors import person_get

    person = person_get(user=user, person_id=person_id, purpose=purpose)
    plan = plan_for_person(user=user, person=person)
    if plan is None:
        raise NotFound()
    return person, plan
