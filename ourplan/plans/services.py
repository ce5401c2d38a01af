"""Changes to a plan: starting it, recording how much support it needs, each section's status,
and one service per stage transition. Each checks permission and guard, locks the plan, writes
in one transaction and appends the audit row (and, for transitions, the stage history)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record, diff, snapshot
from ourplan.core.errors import DomainError, NotAllowed, NotFound, StaleVersion
from ourplan.core.services import apply_fields, bump_version, check_version, save_changes
from ourplan.people.models import Person, PersonalContact
from ourplan.plans.entries import EntryKind
from ourplan.plans.models import (
    AboutMe,
    Action,
    AgreedBy,
    Agreement,
    Outcome,
    Plan,
    PlanEntry,
    PlanSection,
    PlanStageChange,
    PlanVersion,
    WorkingEntry,
)
from ourplan.plans.snapshots import comparable, plan_snapshot
from ourplan.plans.workflow import (
    DONE,
    OPTIONAL_SECTIONS,
    TRANSITIONS_BY_NAME,
    PlanKind,
    Section,
    SectionStatus,
    Stage,
    Transition,
    needed_to_leave,
    sections_for,
)

PLAN_EXISTS = "They already have a plan. There is one plan per person"
SECTION_NOT_IN_PLAN = "This section is not part of a {kind}"
SECTION_CANNOT_BE_SKIPPED = (
    "This section is needed in every plan, so it cannot be marked as not applying"
)
SUPPORT_FIELDS = ("pam_level", "pam_score", "pam_date", "confidence", "involved")
NOT_AGREED = ("The person, or their representative, must agree the plan as it is now before it "
              "can be put into action")
AGREE_ONLY_WHEN_RECORDING = "A plan is agreed at the record and agree stage"
NOTHING_NEW_TO_AGREE = "Nothing has changed since version {number} was agreed"
REPRESENTATIVE_NEEDED = "Select the representative who agreed the plan"
NOT_A_REPRESENTATIVE = "Select someone recorded in their circle as their representative"
HOW_NEEDED = "Say how they agreed, for example signed at home or by phone"


class TransitionRefused(DomainError):
    """The plan cannot move on yet; `missing` lists the sections still to do."""

    def __init__(self, message: str, missing: tuple[Section, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


def _require(user: User, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise NotAllowed()


def _locked(actor: User, plan: Plan) -> Plan:
    locked = Plan.objects.visible_to(actor).select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def plan_start(*, actor: User, person: Person, kind: str = PlanKind.FULL) -> Plan:
    """Start the person's plan at the context stage, every section not started."""
    _require(actor, "plans.change_plan", person)
    locked = Person.objects.visible_to(actor).select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise NotFound()
    person = locked
    if Plan.objects.filter(person=person).exists():
        raise ValidationError({"kind": PLAN_EXISTS})
    plan = apply_fields(Plan(person=person, started_by=actor), {"kind": kind}, ["kind"],
                        validate_constraints=False)
    plan.save()
    PlanSection.objects.bulk_create(
        [PlanSection(plan=plan, section=s) for s in sections_for(plan.kind)]
    )
    AboutMe.objects.create(plan=plan)
    PlanStageChange.objects.create(plan=plan, transition="start", from_stage="",
                                   to_stage=Stage.CONTEXT, actor=actor)
    audit_record(actor=actor, action="plan.started", person=person, obj=plan,
                 changes={"kind": plan.kind, "stage": plan.stage})
    return plan


@transaction.atomic
def plan_record_support_needs(
    *, actor: User, plan: Plan, version: int, data: Mapping[str, Any]
) -> Plan:
    """PAM level, score and date (never the questionnaire), or the person's own view; and who
    the person chose to involve."""
    _require(actor, "plans.change_plan", plan.person)
    plan = _locked(actor, plan)
    check_version(plan, version)
    before = snapshot(plan, SUPPORT_FIELDS)
    apply_fields(plan, data, SUPPORT_FIELDS)
    changes = diff(before, snapshot(plan, SUPPORT_FIELDS))
    if changes:
        bump_version(plan)
        plan.save()
        audit_record(actor=actor, action="plan.support_needs_recorded", person=plan.person,
                     obj=plan, changes=changes)
    return plan


@transaction.atomic
def plan_section_set_status(
    *, actor: User, plan: Plan, version: int, section: str, status: str
) -> Plan:
    """Mark how far a section has got. Only some sections may be marked as not applying."""
    _require(actor, "plans.change_plan", plan.person)
    plan = _locked(actor, plan)
    check_version(plan, version)
    if status not in SectionStatus.values:
        raise ValidationError({"status": "Select a status from the list"})
    if section not in sections_for(plan.kind):
        raise ValidationError({"section": SECTION_NOT_IN_PLAN.format(
            kind=plan.get_kind_display().lower())})
    if status == SectionStatus.NOT_APPLICABLE and section not in OPTIONAL_SECTIONS:
        raise ValidationError({"status": SECTION_CANNOT_BE_SKIPPED})
    row = PlanSection.objects.select_for_update().get(plan=plan, section=section)
    if row.status != status:
        audit_record(actor=actor, action="plan.section_status_changed", person=plan.person,
                     obj=plan, changes={"section": section, "status": [row.status, status]})
        row.status = status
        row.changed_by = actor
        row.save(update_fields=["status", "changed_by", "updated_at"])
        bump_version(plan)
        plan.save(update_fields=["version", "updated_at"])
    return plan


def missing_sections(plan: Plan) -> tuple[Section, ...]:
    """What must still be done before the plan can leave its stage."""
    done = {row.section for row in plan.sections.all() if row.status in DONE}
    return tuple(s for s in needed_to_leave(plan.kind, plan.stage) if s not in done)


def _move(*, actor: User, plan: Plan, version: int, transition: Transition,
          note: str = "") -> Plan:
    _require(actor, "plans.change_plan", plan.person)
    plan = _locked(actor, plan)
    check_version(plan, version)
    if plan.stage != transition.source:
        raise TransitionRefused(
            f"The plan is at {Stage(plan.stage).label.lower()}, so it cannot "
            f"{transition.label[0].lower()}{transition.label[1:]} now"
        )
    missing = missing_sections(plan)
    if missing:
        names = "; ".join(s.label for s in missing)
        raise TransitionRefused(
            f"Complete these sections before moving on: {names}", missing=missing
        )
    if transition.target == Stage.MAKE_IT_HAPPEN:
        if not plan_is_agreed_as_it_is(plan):
            raise TransitionRefused(NOT_AGREED)
        # Sign-off is decided in governance, which builds on plans: imported here, not above.
        from ourplan.governance.services import sign_off_missing

        missing_sign_off = sign_off_missing(plan)
        if missing_sign_off:
            raise TransitionRefused(missing_sign_off)
    from_stage = plan.stage
    plan.stage = transition.target
    bump_version(plan)
    plan.save(update_fields=["stage", "version", "updated_at"])
    PlanStageChange.objects.create(plan=plan, transition=transition.name,
                                   from_stage=from_stage, to_stage=plan.stage, actor=actor,
                                   note=note[:2000])
    audit_record(actor=actor, action=f"plan.{transition.name}", person=plan.person, obj=plan,
                 changes={"stage": [from_stage, plan.stage]})
    return plan


# One service per transition, each named for what it does (see workflow.TRANSITIONS).

@transaction.atomic
def plan_prepare(*, actor: User, plan: Plan, version: int) -> Plan:
    return _move(actor=actor, plan=plan, version=version,
                 transition=TRANSITIONS_BY_NAME["prepare"])


@transaction.atomic
def plan_hold_conversation(*, actor: User, plan: Plan, version: int) -> Plan:
    return _move(actor=actor, plan=plan, version=version,
                 transition=TRANSITIONS_BY_NAME["hold_conversation"])


@transaction.atomic
def plan_record(*, actor: User, plan: Plan, version: int) -> Plan:
    return _move(actor=actor, plan=plan, version=version,
                 transition=TRANSITIONS_BY_NAME["record"])


@transaction.atomic
def plan_make_it_happen(*, actor: User, plan: Plan, version: int) -> Plan:
    return _move(actor=actor, plan=plan, version=version,
                 transition=TRANSITIONS_BY_NAME["make_it_happen"])


@transaction.atomic
def plan_review(*, actor: User, plan: Plan, version: int) -> Plan:
    return _move(actor=actor, plan=plan, version=version,
                 transition=TRANSITIONS_BY_NAME["review"])


@transaction.atomic
def plan_start_again(*, actor: User, plan: Plan, version: int, note: str = "") -> Plan:
    """After a review the cycle starts again: a new conversation adapts the plan."""
    return _move(actor=actor, plan=plan, version=version,
                 transition=TRANSITIONS_BY_NAME["start_again"], note=note)


TRANSITION_SERVICES = {
    "prepare": plan_prepare,
    "hold_conversation": plan_hold_conversation,
    "record": plan_record,
    "make_it_happen": plan_make_it_happen,
    "review": plan_review,
    "start_again": plan_start_again,
}


# --- section content -------------------------------------------------------------------------

ABOUT_ME_FIELDS = ("appreciated", "important", "support", "health_summary", "communication",
                   "please_do", "please_dont", "written_with")
WORKING_FIELDS = ("kind", "text", "perspective")


def _started(*, actor: User, plan: Plan, section: Section) -> None:
    """Writing in a section that was not started puts it in progress."""
    PlanSection.objects.filter(plan=plan, section=section,
                               status=SectionStatus.NOT_STARTED).update(
        status=SectionStatus.IN_PROGRESS, changed_by=actor)


@transaction.atomic
def about_me_update(*, actor: User, plan: Plan, version: int, data: Mapping[str, Any]) -> AboutMe:
    """About me and the one-page summary. `version` is the About me section's own, so two
    people editing different sections of one plan do not refuse each other."""
    _require(actor, "plans.change_own_words", plan.person)
    plan = _locked(actor, plan)
    about = AboutMe.objects.select_for_update().get(plan=plan)
    if save_changes(actor=actor, record=about, version=version, data=data,
                    fields=ABOUT_ME_FIELDS, action="plan.about_me_updated", person=plan.person):
        _started(actor=actor, plan=plan, section=Section.ABOUT_ME)
    return about


@transaction.atomic
def working_entry_add(*, actor: User, plan: Plan, data: Mapping[str, Any]) -> WorkingEntry:
    _require(actor, "plans.change_own_words", plan.person)
    plan = _locked(actor, plan)
    if Section.WORKING not in sections_for(plan.kind):
        raise ValidationError({"kind": SECTION_NOT_IN_PLAN.format(
            kind=plan.get_kind_display().lower())})
    entry = apply_fields(WorkingEntry(plan=plan), data, WORKING_FIELDS)
    entry.save()
    _started(actor=actor, plan=plan, section=Section.WORKING)
    audit_record(actor=actor, action="plan.working_entry_added", person=plan.person, obj=entry,
                 changes=snapshot(entry, WORKING_FIELDS))
    return entry


def _locked_entry(actor: User, entry: WorkingEntry) -> WorkingEntry:
    locked = (WorkingEntry.objects.select_for_update()
              .filter(pk=entry.pk, plan__in=Plan.objects.visible_to(actor)).first())
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def working_entry_update(
    *, actor: User, entry: WorkingEntry, version: int, data: Mapping[str, Any]
) -> WorkingEntry:
    _require(actor, "plans.change_own_words", entry.plan.person)
    entry = _locked_entry(actor, entry)
    save_changes(actor=actor, record=entry, version=version, data=data, fields=WORKING_FIELDS,
                 action="plan.working_entry_updated", person=entry.plan.person)
    return entry


@transaction.atomic
def working_entry_remove(*, actor: User, entry: WorkingEntry, version: int) -> None:
    """Take an entry out of the plan; the audit row keeps what it said."""
    _require(actor, "plans.change_own_words", entry.plan.person)
    entry = _locked_entry(actor, entry)
    check_version(entry, version)
    audit_record(actor=actor, action="plan.working_entry_removed", person=entry.plan.person,
                 obj=entry, changes=snapshot(entry, WORKING_FIELDS))
    entry.delete()


OUTCOME_FIELDS = ("need", "text", "barriers", "risk_if_not_achieved", "solution_traditional",
                  "solution_different", "solution_radical", "solution_risks", "mitigation",
                  "rough_cost", "importance", "status")
# What the person may change of an outcome themselves (plans.change_own_words).
OWN_OUTCOME_FIELDS = ("text",)
ONLY_OWN_WORDS = "You can change how your outcome is worded. Ask your coordinator about the rest"
ACTION_FIELDS = ("outcome", "what", "owner_kind", "owner", "by_when", "status")


@transaction.atomic
def outcome_add(*, actor: User, plan: Plan, data: Mapping[str, Any]) -> Outcome:
    _require(actor, "plans.change_plan", plan.person)
    plan = _locked(actor, plan)
    outcome = apply_fields(Outcome(plan=plan), data, OUTCOME_FIELDS)
    outcome.save()
    _started(actor=actor, plan=plan, section=Section.OUTCOMES)
    audit_record(actor=actor, action="plan.outcome_added", person=plan.person, obj=outcome,
                 changes=snapshot(outcome, OUTCOME_FIELDS))
    return outcome


@transaction.atomic
def outcome_update(
    *, actor: User, outcome: Outcome, version: int, data: Mapping[str, Any]
) -> Outcome:
    _require(actor, "plans.change_own_words", outcome.plan.person)
    if not actor.has_perm("plans.change_plan", outcome.plan.person):
        # The person changes only how their outcome is worded, never its status or the rest.
        others = sorted(set(data) - set(OWN_OUTCOME_FIELDS))
        if others:
            raise ValidationError(dict.fromkeys(others, ONLY_OWN_WORDS))
    locked = (Outcome.objects.select_for_update()
              .filter(pk=outcome.pk, plan__in=Plan.objects.visible_to(actor)).first())
    if locked is None:
        raise NotFound()
    save_changes(actor=actor, record=locked, version=version, data=data, fields=OUTCOME_FIELDS,
                 action="plan.outcome_updated", person=locked.plan.person)
    return locked


@transaction.atomic
def action_add(*, actor: User, plan: Plan, data: Mapping[str, Any]) -> Action:
    """An action serves one of the plan's outcomes."""
    _require(actor, "plans.change_plan", plan.person)
    plan = _locked(actor, plan)
    action = apply_fields(Action(plan=plan), data, ACTION_FIELDS)
    action.save()
    _started(actor=actor, plan=plan, section=Section.ACTIONS)
    audit_record(actor=actor, action="plan.action_added", person=plan.person, obj=action,
                 changes=snapshot(action, ACTION_FIELDS))
    return action


@transaction.atomic
def action_update(*, actor: User, action: Action, version: int,
                  data: Mapping[str, Any]) -> Action:
    _require(actor, "plans.change_plan", action.plan.person)
    locked = (Action.objects.select_for_update()
              .filter(pk=action.pk, plan__in=Plan.objects.visible_to(actor)).first())
    if locked is None:
        raise NotFound()
    save_changes(actor=actor, record=locked, version=version, data=data, fields=ACTION_FIELDS,
                 action="plan.action_updated", person=locked.plan.person)
    return locked


# --- agreement and versions --------------------------------------------------------------

def _comparable(snap: dict[str, Any]) -> dict[str, Any]:
    return {k: comparable(v) for k, v in snap.items() if k != "sections"}


def snapshot_fingerprint(snap: dict[str, Any]) -> str:
    """plan_fingerprint of a plan_snapshot already made."""
    return hashlib.sha256(json.dumps(_comparable(snap), sort_keys=True, default=str)
                          .encode()).hexdigest()


def plan_fingerprint(plan: Plan) -> str:
    """What the whole plan says now, in 64 characters: a page showing the plan carries it, so
    agreeing can check that what was read is still what is there (each part of the plan keeps
    its own edit version, so the plan's alone does not show every change)."""
    return snapshot_fingerprint(plan_snapshot(plan))


PLAN_CHANGED_SINCE_READ = ("The plan changed while it was being read. Read it again before "
                           "agreeing it")


def plan_is_agreed_as_it_is(plan: Plan) -> bool:
    """Has the plan, as it is now, been agreed? (Section statuses do not count as changes.)"""
    latest = plan.versions.order_by("-number").first()
    return latest is not None and _comparable(latest.snapshot) == _comparable(plan_snapshot(plan))


def _back_since(plan: Plan, latest: PlanVersion) -> bool:
    """Has the plan come back to record and agree (after a review, say) since `latest` was
    agreed? Then the person agrees it again, even unchanged: that is the next version."""
    return plan.stage_changes.filter(to_stage=Stage.RECORD_AND_AGREE,
                                     occurred_at__gt=latest.agreed_at).exists()


def _missing_to_agree(plan: Plan) -> tuple[Section, ...]:
    return tuple(s for s in needed_to_leave(plan.kind, Stage.RECORD_AND_AGREE)
                 if s not in {row.section for row in plan.sections.all() if row.status in DONE})


def plan_ready_to_agree(plan: Plan, snapshot: dict[str, Any] | None = None) -> bool:
    """At record and agree, with every section it needs done, and something the person has not
    agreed yet (a change, or the plan back here after a review). `snapshot`: the plan's
    plan_snapshot, when the caller has already made it."""
    if plan.stage != Stage.RECORD_AND_AGREE or _missing_to_agree(plan):
        return False
    latest = plan.versions.order_by("-number").first()
    return (latest is None or _back_since(plan, latest)
            or _comparable(latest.snapshot) != _comparable(snapshot or plan_snapshot(plan)))


@transaction.atomic
def plan_agree(
    *, actor: User, plan: Plan, version: int, agreed_by: str, how: str,
    representative: PersonalContact | None = None, agreements: Collection[str] = (),
    read: str | None = None,
) -> PlanVersion:
    """Staff record that the person (or their representative) agreed the plan, freezing an
    immutable snapshot of the whole plan as a numbered version. Later edits make a new draft.
    `read`: the plan_fingerprint of the plan as shown when they agreed it, when known; a plan
    changed since is StaleVersion, nothing recorded.
    (The person agrees it themselves through ourplan.portal.services.own_plan_agree.)"""
    _require(actor, "plans.change_plan", plan.person)
    return agreement_record(actor=actor, plan=plan, version=version, agreed_by=agreed_by,
                            how=how, representative=representative, agreements=agreements,
                            read=read)


def agreement_record(
    *, actor: User, plan: Plan, version: int, agreed_by: str, how: str,
    representative: PersonalContact | None = None, agreements: Collection[str] = (),
    read: str | None = None,
) -> PlanVersion:
    """The agreement itself, for the two services that may record one once they have checked
    who is asking: plan_agree (staff) and own_plan_agree (the person or their representative).
    `read` is the plan_fingerprint of what the one agreeing read, when known. Runs inside their
    transaction."""
    plan = _locked(actor, plan)
    check_version(plan, version)
    if plan.stage != Stage.RECORD_AND_AGREE:
        raise TransitionRefused(AGREE_ONLY_WHEN_RECORDING)
    missing = _missing_to_agree(plan)
    if missing:
        raise TransitionRefused(
            "Complete these sections before the plan is agreed: "
            + "; ".join(s.label for s in missing), missing=missing)
    errors: dict[str, str] = {}
    if agreed_by not in AgreedBy.values:
        errors["agreed_by"] = "Select who agreed the plan"
    if not (how or "").strip():
        errors["how"] = HOW_NEEDED
    name = plan.person.full_name
    if agreed_by == AgreedBy.REPRESENTATIVE:
        if representative is None:
            errors["representative"] = REPRESENTATIVE_NEEDED
        elif (representative.person_id != plan.person_id or representative.removed_at
              or "representative" not in representative.contact_types):
            errors["representative"] = NOT_A_REPRESENTATIVE
        else:
            name = representative.name
    elif representative is not None:
        errors["representative"] = "Only choose a representative if they agreed the plan"
    if any(a not in Agreement.values for a in agreements):
        errors["agreements"] = "Select only the agreements listed"
    if errors:
        raise ValidationError(errors)
    latest = plan.versions.order_by("-number").first()
    current = plan_snapshot(plan)
    if read is not None and read != snapshot_fingerprint(current):
        raise StaleVersion(PLAN_CHANGED_SINCE_READ)
    if latest is not None and _comparable(latest.snapshot) == _comparable(current) \
            and not _back_since(plan, latest):
        raise ValidationError({"agreed_by": NOTHING_NEW_TO_AGREE.format(number=latest.number)})
    agreed = PlanVersion.objects.create(
        plan=plan, number=(latest.number + 1) if latest else 1, agreed_by=agreed_by,
        representative=representative, agreed_by_name=name, how=how.strip()[:300],
        recorded_by=actor, plan_version=plan.version, snapshot=current,
        agreements=[a for a in Agreement.values if a in set(agreements)],
    )
    bump_version(plan)
    plan.save(update_fields=["version", "updated_at"])
    audit_record(actor=actor, action="plan.agreed", person=plan.person, obj=agreed,
                 changes={"number": agreed.number, "agreed_by": agreed_by,
                          "agreed_by_name": name, "how": agreed.how,
                          "agreements": agreed.agreements})
    _reschedule(plan)
    return agreed


# --- list sections (plans/entries.py) --------------------------------------------------------

ALREADY_HAS_ONE = "There is already one: change it instead"
# Entries the next review date depends on (reviews/schedule.py).
SCHEDULE_INPUTS = frozenset({"risks", "decisions", "review"})


def _reschedule(plan: Plan) -> None:
    """Recompute the next review date. Reviews build on plans: imported here, not above."""
    from ourplan.reviews.services import review_schedule_refresh

    review_schedule_refresh(plan=plan)


@transaction.atomic
def entry_add(*, actor: User, plan: Plan, kind: EntryKind, data: Mapping[str, Any]) -> PlanEntry:
    """Add an entry to one of the plan's list sections (a condition, a risk, a contingency …)."""
    _require(actor, "plans.change_plan", plan.person)
    plan = _locked(actor, plan)
    if kind.section not in sections_for(plan.kind):
        raise ValidationError({kind.fields[0]: SECTION_NOT_IN_PLAN.format(
            kind=plan.get_kind_display().lower())})
    if kind.single and kind.model._default_manager.filter(plan=plan).exists():
        raise ValidationError({kind.fields[0]: ALREADY_HAS_ONE})
    entry = apply_fields(kind.model(plan=plan), data, kind.fields)
    entry.save()
    _started(actor=actor, plan=plan, section=kind.section)
    audit_record(actor=actor, action=f"plan.{kind.slug}.added", person=plan.person, obj=entry,
                 changes=snapshot(entry, kind.fields))
    if kind.slug in SCHEDULE_INPUTS:
        _reschedule(plan)
    return entry


def _locked_of_kind(actor: User, kind: EntryKind, entry: PlanEntry) -> PlanEntry:
    locked = (kind.model._default_manager.select_for_update()
              .filter(pk=entry.pk, plan__in=Plan.objects.visible_to(actor)).first())
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def entry_update(*, actor: User, kind: EntryKind, entry: PlanEntry, version: int,
                 data: Mapping[str, Any]) -> PlanEntry:
    _require(actor, "plans.change_plan", entry.plan.person)
    locked = _locked_of_kind(actor, kind, entry)
    save_changes(actor=actor, record=locked, version=version, data=data, fields=kind.fields,
                 action=f"plan.{kind.slug}.updated", person=locked.plan.person)
    if kind.slug in SCHEDULE_INPUTS:
        _reschedule(locked.plan)
    return locked


@transaction.atomic
def entry_remove(*, actor: User, kind: EntryKind, entry: PlanEntry, version: int) -> None:
    _require(actor, "plans.change_plan", entry.plan.person)
    locked = _locked_of_kind(actor, kind, entry)
    check_version(locked, version)
    audit_record(actor=actor, action=f"plan.{kind.slug}.removed", person=locked.plan.person,
                 obj=locked, changes=snapshot(locked, kind.fields))
    locked.delete()
    if kind.slug in SCHEDULE_INPUTS:
        _reschedule(locked.plan)
