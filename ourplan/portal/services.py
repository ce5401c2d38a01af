"""What the person (or their representative) does from their own pages, and how staff answer:
changing their own words (an informal review their coordinator hears about), proposing changes
to the rest of the plan, asking for a review now, and asking for a different named coordinator.

Each change is one service: it checks scope (NotFound) and permission (NotAllowed), locks what
it changes, writes in one transaction and appends the audit row. The person's coordinator is
told by a message (ourplan.notifications) sent once per key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.services import apply_fields, bump_version, check_version
from ourplan.governance.readiness import agreements_needed
from ourplan.notifications.services import message_send
from ourplan.people.models import CareTeamMember, Person
from ourplan.plans import services as plan_services
from ourplan.plans.models import AboutMe, AgreedBy, Outcome, Plan, PlanVersion, WorkingEntry
from ourplan.plans.workflow import sections_for
from ourplan.portal.models import (
    AnsweredRequest,
    Capacity,
    ChangeProposal,
    CoordinatorChangeRequest,
    CoordinatorRequestStatus,
    PortalAccess,
    ProposalStatus,
)
from ourplan.reviews.models import ReviewSchedule, ReviewTrigger
from ourplan.reviews.schedule import TriggerReason
from ourplan.reviews.services import review_trigger_record

T = TypeVar("T")
R = TypeVar("R", bound=AnsweredRequest)

SECTION_NOT_IN_PLAN = "Select a part of your plan from the list"
TEXT_NEEDED = "Say what you would like changed"
REASON_NEEDED = "Say why, so the person understands the decision"
ALREADY_DECIDED = "This has already been answered, so it cannot be changed"
ALREADY_ASKED = ("You have already asked for a different coordinator. "
                 "Your coordinator's team will answer that request first")
COORDINATOR_REASON_NEEDED = "Say why you would like a different coordinator"

PROPOSAL_FIELDS = ("section", "text")
REQUEST_FIELDS = ("reason", "preferred")


def _require(user: User, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise NotAllowed()


def named_coordinator(person: Person) -> CareTeamMember | None:
    """The person's named coordinator today, if they have one."""
    member: CareTeamMember | None = (
        CareTeamMember.objects.current().filter(person=person, is_named_coordinator=True)
        .select_related("user").first())
    return member


def _tell_coordinator(*, person: Person, key: str, subject: str, body: str) -> None:
    """A message to the named coordinator (if they use Ourplan); names no detail of the plan,
    only that something is waiting for them."""
    coordinator = named_coordinator(person)
    if coordinator is None or coordinator.user is None:
        return
    message_send(key=key, to=[coordinator.user], subject=subject, body=body, person=person)


def _tell_person(*, user: User, person: Person, key: str, subject: str, body: str) -> None:
    """A message to the portal account that asked (never to a stranger: it is their account)."""
    if user.email:
        message_send(key=key, to=[user], subject=subject, body=body, person=person)


# --- the person's own words: an informal review -------------------------------------------------

def _as_informal_review(*, actor: User, person: Person, plan: Plan, what: str,
                        change: Callable[[], T], versions: Callable[[], Any]) -> T:
    """Run one of the plan's own-words services. When a portal account changed something, the
    change is an informal review: audited as such, and the coordinator is told (once a day)."""
    before = versions()
    result = change()
    if actor.is_portal_user and versions() != before:
        audit_record(actor=actor, action="plan.changed_by_person", person=person, obj=plan,
                     changes={"section": what})
        name = person.known_as
        _tell_coordinator(
            person=person,
            key=f"portal.own_words.{person.pk}.{timezone.localdate().isoformat()}",
            subject=f"{name} has changed their own words in their plan",
            body=(f"{name}, or someone acting for them, changed {what} in their plan today. "
                  "Open their plan in Ourplan to see what has changed since it was agreed."))
    return result


@transaction.atomic
def own_about_me_update(*, actor: User, plan: Plan, version: int,
                        data: Mapping[str, Any]) -> AboutMe:
    def versions() -> Any:
        return AboutMe.objects.filter(plan=plan).values_list("version", flat=True).first()

    return _as_informal_review(
        actor=actor, person=plan.person, plan=plan, what="About me and the one-page summary",
        change=lambda: plan_services.about_me_update(actor=actor, plan=plan, version=version,
                                                     data=data),
        versions=versions)


def _working_versions(plan: Plan) -> Callable[[], Any]:
    return lambda: sorted(WorkingEntry.objects.filter(plan=plan).values_list("pk", "version"))


@transaction.atomic
def own_working_entry_add(*, actor: User, plan: Plan, data: Mapping[str, Any]) -> WorkingEntry:
    return _as_informal_review(
        actor=actor, person=plan.person, plan=plan, what="what is working and not working",
        change=lambda: plan_services.working_entry_add(actor=actor, plan=plan, data=data),
        versions=_working_versions(plan))


@transaction.atomic
def own_working_entry_update(*, actor: User, entry: WorkingEntry, version: int,
                             data: Mapping[str, Any]) -> WorkingEntry:
    return _as_informal_review(
        actor=actor, person=entry.plan.person, plan=entry.plan,
        what="what is working and not working",
        change=lambda: plan_services.working_entry_update(actor=actor, entry=entry,
                                                          version=version, data=data),
        versions=_working_versions(entry.plan))


@transaction.atomic
def own_working_entry_remove(*, actor: User, entry: WorkingEntry, version: int) -> bool:
    _as_informal_review(
        actor=actor, person=entry.plan.person, plan=entry.plan,
        what="what is working and not working",
        change=lambda: plan_services.working_entry_remove(actor=actor, entry=entry,
                                                          version=version),
        versions=_working_versions(entry.plan))
    return True


@transaction.atomic
def own_outcome_update(*, actor: User, outcome: Outcome, version: int,
                       data: Mapping[str, Any]) -> Outcome:
    def versions() -> Any:
        return Outcome.objects.filter(pk=outcome.pk).values_list("version", flat=True).first()

    return _as_informal_review(
        actor=actor, person=outcome.plan.person, plan=outcome.plan,
        what="how an outcome is worded",
        change=lambda: plan_services.outcome_update(actor=actor, outcome=outcome,
                                                    version=version, data=data),
        versions=versions)


# --- answering what the person asked ------------------------------------------------------------

@dataclass(frozen=True)
class Answering(Generic[R]):
    """How staff answer one kind of request: how it is locked, who may answer, the audit action
    (followed by "_<status>") and what the person who asked is told."""

    lock: Callable[[User, R], R]
    perm: str
    action: str
    asked_by: Callable[[R], User]
    subject: Callable[[str], str]
    body: str


def _refuse_unless_open(record: AnsweredRequest, version: int) -> None:
    check_version(record, version)
    if not record.is_open:
        raise ValidationError({"__all__": ALREADY_DECIDED})


def answer_request(answering: Answering[R], *, actor: User, record: R, version: int,
                   status: str, answer: str) -> R:
    """Staff answer an open request once: a reason is needed to decline; who answered, when and
    the answer are kept, the answer is audited and the person who asked is told."""
    record = answering.lock(actor, record)
    _require(actor, answering.perm, record.person)
    _refuse_unless_open(record, version)
    field = record.answer_field
    if status == record.DECLINED and not (answer or "").strip():
        raise ValidationError({field: REASON_NEEDED})
    apply_fields(record, {field: (answer or "").strip()}, [field])
    record.status = status
    record.decided_by = actor
    record.decided_at = timezone.now()
    bump_version(record)
    record.save()
    action = f"{answering.action}_{status}"
    audit_record(actor=actor, action=action, person=record.person, obj=record,
                 changes={"status": [record.OPEN, status], field: getattr(record, field)})
    _tell_person(user=answering.asked_by(record), person=record.person,
                 key=f"{action}.{record.pk}", subject=answering.subject(status),
                 body=answering.body)
    return record


# --- proposals ---------------------------------------------------------------------------------

def _locked_plan(actor: User, plan: Plan) -> Plan:
    locked = Plan.objects.visible_to(actor).select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _locked_proposal(actor: User, proposal: ChangeProposal) -> ChangeProposal:
    locked = (ChangeProposal.objects.visible_to(actor).select_for_update()
              .select_related("person", "plan", "proposed_by").filter(pk=proposal.pk).first())
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def proposal_make(*, actor: User, plan: Plan, section: str, text: str) -> ChangeProposal:
    """The person (or a representative) proposes a change to a part of the plan; their
    coordinator is told."""
    plan = _locked_plan(actor, plan)
    _require(actor, "portal.propose", plan.person)
    if section not in sections_for(plan.kind):
        raise ValidationError({"section": SECTION_NOT_IN_PLAN})
    if not (text or "").strip():
        raise ValidationError({"text": TEXT_NEEDED})
    proposal = apply_fields(
        ChangeProposal(person=plan.person, plan=plan, proposed_by=actor),
        {"section": section, "text": text.strip()}, PROPOSAL_FIELDS)
    proposal.save()
    audit_record(actor=actor, action="portal.proposal_made", person=plan.person, obj=proposal,
                 changes={"section": section, "text": proposal.text})
    name = plan.person.known_as
    _tell_coordinator(
        person=plan.person, key=f"portal.proposal_made.{proposal.pk}",
        subject=f"{name} has proposed a change to their plan",
        body=(f"{name}, or someone acting for them, has proposed a change to "
              f"\"{proposal.get_section_display()}\". Open the requests on their plan in "
              "Ourplan to accept or decline it."))
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: ChangeProposal, version: int) -> ChangeProposal:
    """The person (or whoever may propose for them) takes back a proposal not yet answered."""
    proposal = _locked_proposal(actor, proposal)
    if proposal.proposed_by_id != actor.pk:
        _require(actor, "portal.propose", proposal.person)
    _refuse_unless_open(proposal, version)
    proposal.status = ProposalStatus.WITHDRAWN
    bump_version(proposal)
    proposal.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=actor, action="portal.proposal_withdrawn", person=proposal.person,
                 obj=proposal, changes={"status": [ProposalStatus.OPEN, proposal.status]})
    return proposal


PROPOSAL_ANSWERING: Answering[ChangeProposal] = Answering(
    lock=_locked_proposal, perm="plans.change_plan", action="portal.proposal",
    asked_by=lambda proposal: proposal.proposed_by,
    subject=lambda status: f"Your proposed change has been {status}",
    body=("Your coordinator has answered the change you proposed to your plan. "
          "Sign in to Ourplan to see their answer."))


@transaction.atomic
def proposal_accept(*, actor: User, proposal: ChangeProposal, version: int,
                    reason: str = "") -> ChangeProposal:
    """The coordinator accepts the proposal (and makes the change in the plan themselves)."""
    return answer_request(PROPOSAL_ANSWERING, actor=actor, record=proposal, version=version,
                          status=ProposalStatus.ACCEPTED, answer=reason)


@transaction.atomic
def proposal_decline(*, actor: User, proposal: ChangeProposal, version: int,
                     reason: str) -> ChangeProposal:
    """The coordinator declines the proposal, saying why; the person reads the reason."""
    return answer_request(PROPOSAL_ANSWERING, actor=actor, record=proposal, version=version,
                          status=ProposalStatus.DECLINED, answer=reason)


# --- agreeing the plan ---------------------------------------------------------------------------

AGREE_TO_EACH = ("Tick each statement to agree the plan. If you do not agree with one of them, "
                 "propose a change or talk to your coordinator")
AGREED_ONLINE = "Agreed online in Ourplan"


def _agreeing_as(actor: User, person: Person) -> tuple[str, Any]:
    """Who is agreeing: the person themselves, or the representative whose legal basis lets
    them decide for the person (portal.agree has already said one of them may)."""
    accesses = list(PortalAccess.objects.of_user(actor).filter(person=person))
    if any(a.capacity == Capacity.SELF for a in accesses):
        return AgreedBy.PERSON, None
    from ourplan.portal.rules import Ability, abilities_of

    representing = next(a for a in accesses if a.capacity == Capacity.REPRESENTATIVE
                        and Ability.AGREE in abilities_of(a))
    return AgreedBy.REPRESENTATIVE, representing.contact


@transaction.atomic
def own_plan_agree(*, actor: User, plan: Plan, version: int, read: str,
                   agreements: list[str] | tuple[str, ...]) -> PlanVersion:
    """The person, or a representative who may decide for them, agrees the plan they have
    read: every statement that applies to their plan is needed; `version` and `read` (the
    plan_fingerprint of the page they read) make sure a plan changed meanwhile is not agreed
    unseen (StaleVersion). Their coordinator is told."""
    _require(actor, "portal.agree", plan.person)
    agreed_by, representative = _agreeing_as(actor, plan.person)
    needed = {a.value for a in agreements_needed(plan)}
    if not needed <= set(agreements) or not set(agreements) <= needed:
        raise ValidationError({"agreements": AGREE_TO_EACH})
    how = (AGREED_ONLINE if representative is None
           else f"{AGREED_ONLINE} by {representative.name}, their representative")
    agreed = plan_services.agreement_record(
        actor=actor, plan=plan, version=version, agreed_by=agreed_by, how=how,
        representative=representative, agreements=sorted(needed), read=read)
    name = plan.person.known_as
    _tell_coordinator(
        person=plan.person, key=f"portal.plan_agreed.{agreed.pk}",
        subject=f"{name} has agreed their plan",
        body=(f"{agreed.agreed_by_name} agreed version {agreed.number} of {name}'s plan in "
              "Ourplan. Open the plan to see it and take it on to sign-off where it needs one."))
    return agreed


# --- asking for a review now ---------------------------------------------------------------------

@transaction.atomic
def review_ask(*, actor: User, plan: Plan, details: str = "",
               today: dt.date | None = None) -> ReviewSchedule:
    """The person asks for a review now: recorded as the "they have asked for a review"
    trigger, which brings the next review forward. Returns the new schedule."""
    _require(actor, "portal.request_review", plan.person)
    trigger: ReviewTrigger = review_trigger_record(
        actor=actor, plan=plan, reason=TriggerReason.PERSON_REQUEST,
        details=(details or "").strip(), occurred_on=today or timezone.localdate())
    name = plan.person.known_as
    _tell_coordinator(
        person=plan.person, key=f"portal.review_asked.{trigger.pk}",
        subject=f"{name} has asked for a review of their plan",
        body=(f"{name}, or someone acting for them, has asked for a review of their plan. "
              "Open their reviews in Ourplan to see when it is now due."))
    return ReviewSchedule.objects.get(plan_id=plan.pk)


# --- asking for a different named coordinator ----------------------------------------------------

def _locked_request(actor: User, request: CoordinatorChangeRequest) -> CoordinatorChangeRequest:
    locked = (CoordinatorChangeRequest.objects.visible_to(actor).select_for_update()
              .select_related("person", "requested_by").filter(pk=request.pk).first())
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def coordinator_change_ask(*, actor: User, person: Person, reason: str,
                           preferred: str = "") -> CoordinatorChangeRequest:
    locked = Person.objects.visible_to(actor).select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise NotFound()
    person = locked
    _require(actor, "portal.request_review", person)
    if not (reason or "").strip():
        raise ValidationError({"reason": COORDINATOR_REASON_NEEDED})
    if CoordinatorChangeRequest.objects.filter(
            person=person, status=CoordinatorRequestStatus.OPEN).exists():
        raise ValidationError({"reason": ALREADY_ASKED})
    request = apply_fields(
        CoordinatorChangeRequest(person=person, requested_by=actor),
        {"reason": reason.strip(), "preferred": (preferred or "").strip()}, REQUEST_FIELDS)
    request.save()
    audit_record(actor=actor, action="portal.coordinator_change_asked", person=person,
                 obj=request, changes={"reason": request.reason,
                                       "preferred": request.preferred})
    name = person.known_as
    _tell_coordinator(
        person=person, key=f"portal.coordinator_change_asked.{request.pk}",
        subject=f"{name} has asked for a different named coordinator",
        body=(f"{name}, or someone acting for them, has asked for a different named "
              "coordinator. Open the requests on their plan in Ourplan to answer."))
    return request


COORDINATOR_CHANGE_ANSWERING: Answering[CoordinatorChangeRequest] = Answering(
    lock=_locked_request, perm="people.change_care_team", action="portal.coordinator_change",
    asked_by=lambda request: request.requested_by,
    subject=lambda _: "Your request for a different coordinator has been answered",
    body="Sign in to Ourplan to see the answer to your request.")


@transaction.atomic
def coordinator_change_done(*, actor: User, request: CoordinatorChangeRequest, version: int,
                            response: str = "") -> CoordinatorChangeRequest:
    """Staff mark the request done, after changing the named coordinator on the care team."""
    return answer_request(COORDINATOR_CHANGE_ANSWERING, actor=actor, record=request,
                          version=version, status=CoordinatorRequestStatus.DONE, answer=response)


@transaction.atomic
def coordinator_change_decline(*, actor: User, request: CoordinatorChangeRequest, version: int,
                               response: str) -> CoordinatorChangeRequest:
    return answer_request(COORDINATOR_CHANGE_ANSWERING, actor=actor, record=request,
                          version=version, status=CoordinatorRequestStatus.DECLINED,
                          answer=response)
