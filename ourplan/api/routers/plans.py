"""/api/v1/people/{person_id}/plan: the plan's stage and sections, through the plan services."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field, create_model

from ourplan.api.schemas import ErrorOut, Strict, partial
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.views_helpers import signed_in_user
from ourplan.people import selectors as people_selectors
from ourplan.plans import selectors, services
from ourplan.plans.coaching import coach_outcome, outcome_flags
from ourplan.plans.entries import ENTRY_KINDS, EntryKind
from ourplan.plans.models import (
    Action,
    ActionOwner,
    ActionStatus,
    AgreedBy,
    Agreement,
    Importance,
    Outcome,
    OutcomeStatus,
    Perspective,
    Plan,
    PlanVersion,
    WorkingEntry,
    WorkingKind,
)
from ourplan.plans.presenters import plan_page_context
from ourplan.plans.workflow import (
    TRANSITIONS_BY_NAME,
    Confidence,
    PamLevel,
    PlanKind,
    Section,
    SectionStatus,
)
from ourplan.portal import services as portal_services

router = Router(tags=["plans"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}


class PlanStart(Strict):
    kind: PlanKind = PlanKind.FULL


class SupportNeeds(Strict):
    version: int
    pam_level: PamLevel | None = None
    pam_score: decimal.Decimal | None = Field(None, max_digits=4, decimal_places=1)
    pam_date: dt.date | None = None
    confidence: Confidence | None = None


class SectionStatusIn(Strict):
    version: int
    status: SectionStatus


class TransitionIn(Strict):
    version: int


class SectionOut(Schema):
    section: str
    title: str
    status: str
    needed_to_move_on: bool


class StageChangeOut(Schema):
    transition: str
    from_stage: str
    to_stage: str
    actor: str
    occurred_at: dt.datetime


class AboutMeIn(Strict):
    version: int
    appreciated: str | None = None
    important: str | None = None
    support: str | None = None
    health_summary: str | None = None
    communication: str | None = None
    please_do: str | None = None
    please_dont: str | None = None
    written_with: str | None = Field(None, max_length=200)


class AboutMeOut(Schema):
    version: int
    appreciated: str
    important: str
    support: str
    health_summary: str
    communication: str
    please_do: str
    please_dont: str
    written_with: str


class WorkingIn(Strict):
    kind: WorkingKind
    text: str = Field(max_length=1000)
    perspective: Perspective = Perspective.PERSON


class WorkingPatch(Strict):
    version: int
    kind: WorkingKind | None = None
    text: str | None = Field(None, max_length=1000)
    perspective: Perspective | None = None


class WorkingOut(Schema):
    id: uuid.UUID
    version: int
    kind: str
    text: str
    perspective: str


class OutcomeIn(Strict):
    need: str = ""
    text: str
    barriers: str = ""
    risk_if_not_achieved: str = ""
    solution_traditional: str = ""
    solution_different: str = ""
    solution_radical: str = ""
    solution_risks: str = ""
    mitigation: str = ""
    rough_cost: decimal.Decimal | None = Field(None, max_digits=10, decimal_places=2)
    importance: Importance = Importance.MEDIUM
    status: OutcomeStatus = OutcomeStatus.NOT_STARTED


OutcomePatch = partial("OutcomePatch", OutcomeIn, version=(int, ...))


class ActionOut(Schema):
    id: uuid.UUID
    version: int
    outcome: uuid.UUID
    what: str
    owner_kind: str
    owner: str
    by_when: dt.date | None
    status: str


class OutcomeOut(Schema):
    id: uuid.UUID
    version: int
    need: str
    text: str
    flags: list[str]
    barriers: str
    risk_if_not_achieved: str
    solution_traditional: str
    solution_different: str
    solution_radical: str
    solution_risks: str
    mitigation: str
    rough_cost: decimal.Decimal | None
    importance: str
    status: str
    actions: list[ActionOut]


class ActionIn(Strict):
    what: str
    owner_kind: ActionOwner
    owner: str = Field("", max_length=200)
    by_when: dt.date | None = None
    status: ActionStatus = ActionStatus.TO_DO


ActionPatch = partial("ActionPatch", ActionIn, version=(int, ...))


class CoachIn(Strict):
    text: str = Field(max_length=5000)


class AdviceOut(Schema):
    flag: str
    reason: str
    hint: str


class CoachOut(Schema):
    text: str
    flags: list[str]
    advice: list[AdviceOut]


class AgreeIn(Strict):
    version: int
    agreed_by: AgreedBy | None = Field(
        None, description="Staff only, and needed from them: who agreed the plan")
    how: str | None = Field(
        None, max_length=300, description="Staff only, and needed from them: how they agreed")
    representative: uuid.UUID | None = Field(
        None, description="Staff only: the representative in the circle who agreed it")
    agreements: list[Agreement] = Field(
        default_factory=list,
        description="What they agreed to. The person, or their representative, agreeing it "
                    "themselves sends every statement that applies to their plan")
    read: str | None = Field(
        None, max_length=64,
        description="The plan's `fingerprint` as read (GET /people/{person_id}/plan): a plan "
                    "changed since is not agreed (409). Needed from the person or their "
                    "representative; optional for staff")


class VersionOut(Schema):
    number: int
    agreed_by: str
    agreed_by_name: str
    how: str
    agreed_at: dt.datetime
    recorded_by: str
    agreements: list[str]


class PlanOut(Schema):
    id: uuid.UUID
    version: int
    kind: str
    stage: str
    pam_level: int | None
    pam_score: decimal.Decimal | None
    pam_date: dt.date | None
    confidence: int | None
    support_suggestion: str | None
    sections: list[SectionOut]
    next_transitions: list[str]
    history: list[StageChangeOut]
    about_me: AboutMeOut
    working: list[WorkingOut]
    outcomes: list[OutcomeOut]
    versions: list[VersionOut]
    changes_since_agreed: list[str]
    fingerprint: str = Field(description="What the whole plan says now: send it as `read` "
                                         "when agreeing, so only the plan that was read is "
                                         "agreed")


def _plan(request: HttpRequest, person_id: str) -> Plan:
    return selectors.person_and_plan(user=signed_in_user(request), person_id=person_id,
                                     purpose="plan")[1]


def _out(plan: Plan) -> dict[str, Any]:
    page = plan_page_context(plan, with_snapshot=True)
    suggestion = page["suggestion"]
    return {
        "id": plan.pk, "version": plan.version, "kind": plan.kind, "stage": plan.stage,
        "pam_level": plan.pam_level, "pam_score": plan.pam_score, "pam_date": plan.pam_date,
        "confidence": plan.confidence,
        "support_suggestion": f"{suggestion[0]}: {suggestion[1]}" if suggestion else None,
        "sections": [{"section": t["section"].value, "title": t["section"].label,
                      "status": t["status"], "needed_to_move_on": t["needed_now"]}
                     for t in page["tasks"]],
        "next_transitions": [t.name for t in page["transitions"]],
        "history": [{"transition": c.transition, "from_stage": c.from_stage,
                     "to_stage": c.to_stage, "actor": c.actor.username,
                     "occurred_at": c.occurred_at} for c in page["history"]],
        "about_me": {name: getattr(plan.about_me, name)
                     for name in ("version", *services.ABOUT_ME_FIELDS)},
        "working": [_working(e) for e in plan.working_entries.all()],
        "outcomes": [_outcome(o) for o in plan.outcomes.prefetch_related("actions")],
        "versions": [_version(v) for v in page["versions"]],
        "changes_since_agreed": page["changes_since_agreed"],
        "fingerprint": services.snapshot_fingerprint(page["snapshot"]),
    }


def _version(v: PlanVersion) -> dict[str, Any]:
    return {"number": v.number, "agreed_by": v.agreed_by, "agreed_by_name": v.agreed_by_name,
            "how": v.how, "agreed_at": v.agreed_at, "recorded_by": v.recorded_by.username,
            "agreements": v.agreements}


def _action(a: Action) -> dict[str, Any]:
    return {"id": a.pk, "version": a.version, "outcome": a.outcome_id, "what": a.what,
            "owner_kind": a.owner_kind, "owner": a.owner, "by_when": a.by_when,
            "status": a.status}


def _outcome(o: Outcome) -> dict[str, Any]:
    fields = {name: getattr(o, name) for name in services.OUTCOME_FIELDS}
    return {"id": o.pk, "version": o.version, "flags": outcome_flags(o.text), **fields,
            "actions": [_action(a) for a in o.actions.all()]}


def _working(entry: WorkingEntry) -> dict[str, Any]:
    return {"id": entry.pk, "version": entry.version, "kind": entry.kind, "text": entry.text,
            "perspective": entry.perspective}


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "value", v) for k, v in data.items()}


def _reloaded(request: HttpRequest, plan: Plan) -> dict[str, Any]:
    return _out(_plan(request, str(plan.person_id)))


@router.get("/people/{person_id}/plan", response={200: PlanOut, **ERRORS})
def plan_get(request: HttpRequest, person_id: str) -> Any:
    return _out(_plan(request, person_id))


@router.post("/people/{person_id}/plan", response={201: PlanOut, **ERRORS})
def plan_start(request: HttpRequest, person_id: str, payload: PlanStart) -> Any:
    person = people_selectors.person_get(user=signed_in_user(request), person_id=person_id,
                                         purpose="start_plan")
    plan = services.plan_start(actor=signed_in_user(request), person=person,
                               kind=payload.kind.value)
    return Status(201, _reloaded(request, plan))


@router.patch("/people/{person_id}/plan/support-needs", response={200: PlanOut, **ERRORS})
def plan_support_needs(request: HttpRequest, person_id: str, payload: SupportNeeds) -> Any:
    plan = _plan(request, person_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    data = {k: getattr(v, "value", v) for k, v in data.items()}
    plan = services.plan_record_support_needs(actor=signed_in_user(request), plan=plan,
                                              version=version,
                                              data=data)
    return _reloaded(request, plan)


@router.put("/people/{person_id}/plan/sections/{section}", response={200: PlanOut, **ERRORS})
def plan_section_status(request: HttpRequest, person_id: str, section: Section,
                        payload: SectionStatusIn) -> Any:
    plan = _plan(request, person_id)
    plan = services.plan_section_set_status(actor=signed_in_user(request), plan=plan,
                                            version=payload.version, section=section.value,
                                            status=payload.status.value)
    return _reloaded(request, plan)


@router.post("/people/{person_id}/plan/transitions/{name}", response={200: PlanOut, **ERRORS})
def plan_transition(request: HttpRequest, person_id: str, name: str,
                    payload: TransitionIn) -> Any:
    """Move the plan on: prepare, hold_conversation, record, make_it_happen, review,
    start_again. Refused with 409, naming the sections still to do."""
    if name not in TRANSITIONS_BY_NAME:
        raise NotFound()
    plan = _plan(request, person_id)
    plan = services.TRANSITION_SERVICES[name](actor=signed_in_user(request), plan=plan,
                                              version=payload.version)
    return _reloaded(request, plan)


@router.put("/people/{person_id}/plan/about-me", response={200: AboutMeOut, **ERRORS})
def plan_about_me(request: HttpRequest, person_id: str, payload: AboutMeIn) -> Any:
    """About me and the one-page summary; send the fields you change and the version."""
    plan = _plan(request, person_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    about = services.about_me_update(actor=signed_in_user(request), plan=plan, version=version,
                                     data={k: v or "" for k, v in data.items()})
    return {name: getattr(about, name) for name in ("version", *services.ABOUT_ME_FIELDS)}


@router.post("/people/{person_id}/plan/working", response={201: WorkingOut, **ERRORS})
def plan_working_add(request: HttpRequest, person_id: str, payload: WorkingIn) -> Any:
    plan = _plan(request, person_id)
    entry = services.working_entry_add(actor=signed_in_user(request), plan=plan,
                                       data=_plain(payload.model_dump()))
    return Status(201, _working(entry))


def _entry(plan: Plan, entry_id: str) -> WorkingEntry:
    entry = next((e for e in plan.working_entries.all() if str(e.pk) == entry_id), None)
    if entry is None:
        raise NotFound()
    return entry


@router.patch("/people/{person_id}/plan/working/{entry_id}",
              response={200: WorkingOut, **ERRORS})
def plan_working_update(request: HttpRequest, person_id: str, entry_id: str,
                        payload: WorkingPatch) -> Any:
    plan = _plan(request, person_id)
    data = payload.model_dump(exclude_unset=True)
    version = data.pop("version")
    entry = services.working_entry_update(actor=signed_in_user(request),
                                          entry=_entry(plan, entry_id),
                                          version=version, data=_plain(data))
    return _working(entry)


@router.delete("/people/{person_id}/plan/working/{entry_id}",
               response={204: None, **ERRORS})
def plan_working_remove(request: HttpRequest, person_id: str, entry_id: str,
                        version: int) -> Any:
    plan = _plan(request, person_id)
    services.working_entry_remove(actor=signed_in_user(request), entry=_entry(plan, entry_id),
                                  version=version)
    return Status(204, None)


@router.post("/outcomes/check", response={200: CoachOut, **ERRORS})
def outcomes_check(request: HttpRequest, payload: CoachIn) -> Any:
    """Coaching for an outcome: flags from solution_embedded, not_specific, not_personal, each
    with the reason and a hint. An empty list means nothing to suggest."""
    advice = coach_outcome(payload.text)
    return {"text": payload.text, "flags": outcome_flags(payload.text),
            "advice": [{"flag": a.flag, "reason": a.reason, "hint": a.hint} for a in advice]}


@router.post("/people/{person_id}/plan/outcomes", response={201: OutcomeOut, **ERRORS})
def plan_outcome_add(request: HttpRequest, person_id: str, payload: OutcomeIn) -> Any:
    plan = _plan(request, person_id)
    outcome = services.outcome_add(actor=signed_in_user(request), plan=plan,
                                   data=_plain(payload.model_dump()))
    return Status(201, _outcome(outcome))


def _find_outcome(plan: Plan, outcome_id: str) -> Outcome:
    outcome = next((o for o in plan.outcomes.all() if str(o.pk) == outcome_id), None)
    if outcome is None:
        raise NotFound()
    return outcome


@router.patch("/people/{person_id}/plan/outcomes/{outcome_id}",
              response={200: OutcomeOut, **ERRORS})
def plan_outcome_update(request: HttpRequest, person_id: str, outcome_id: str,
                        payload: OutcomePatch) -> Any:  # type: ignore[valid-type]
    plan = _plan(request, person_id)
    data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    version = data.pop("version")
    outcome = services.outcome_update(actor=signed_in_user(request),
                                      outcome=_find_outcome(plan, outcome_id),
                                      version=version, data=_plain(data))
    return _outcome(outcome)


@router.post("/people/{person_id}/plan/outcomes/{outcome_id}/actions",
             response={201: ActionOut, **ERRORS})
def plan_action_add(request: HttpRequest, person_id: str, outcome_id: str,
                    payload: ActionIn) -> Any:
    plan = _plan(request, person_id)
    outcome = _find_outcome(plan, outcome_id)
    action = services.action_add(actor=signed_in_user(request), plan=plan,
                                 data={**_plain(payload.model_dump()), "outcome": outcome})
    return Status(201, _action(action))


@router.patch("/people/{person_id}/plan/actions/{action_id}",
              response={200: ActionOut, **ERRORS})
def plan_action_update(request: HttpRequest, person_id: str, action_id: str,
                       payload: ActionPatch) -> Any:  # type: ignore[valid-type]
    plan = _plan(request, person_id)
    action = next((a for a in plan.actions.all() if str(a.pk) == action_id), None)
    if action is None:
        raise NotFound()
    data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    version = data.pop("version")
    action = services.action_update(actor=signed_in_user(request), action=action, version=version,
                                    data=_plain(data))
    return _action(action)


REQUIRED = "This field is required"
NOT_FROM_THEM = ("Leave this out: agreeing the plan yourself records who agreed it and how from "
                 "your account")
STAFF_ONLY = ("agreed_by", "how", "representative")


@router.post("/people/{person_id}/plan/agree", response={201: VersionOut, **ERRORS})
def plan_agree(request: HttpRequest, person_id: str, payload: AgreeIn) -> Any:
    """Agree the plan: an immutable, numbered version. Staff record the person's or
    representative's agreement (`agreed_by`, `how`, and `representative` when it was them).
    The person, or a representative who may decide for them, agrees it themselves with
    `version`, `read` and every statement that applies in `agreements`; their coordinator is
    told. A plan changed since `read` is 409, nothing agreed."""
    user = signed_in_user(request)
    if user.is_portal_user:
        return Status(201, _version(_own_agree(request, person_id, payload)))
    agreed_by, how = payload.agreed_by, payload.how
    if agreed_by is None or how is None:
        raise ValidationError({name: REQUIRED for name, value in
                               (("agreed_by", agreed_by), ("how", how)) if value is None})
    plan = _plan(request, person_id)
    representative = None
    if payload.representative is not None:
        representative = next(
            (c for c in people_selectors.person_circle(person=plan.person)
             if c.pk == payload.representative), None)
        if representative is None:
            raise ValidationError({"representative": services.NOT_A_REPRESENTATIVE})
    agreed = services.plan_agree(actor=user, plan=plan, version=payload.version,
                                 agreed_by=agreed_by.value, how=how,
                                 representative=representative,
                                 agreements=[a.value for a in payload.agreements],
                                 read=payload.read)
    return Status(201, _version(agreed))


def _own_agree(request: HttpRequest, person_id: str, payload: AgreeIn) -> PlanVersion:
    """The person, or their representative, agreeing the plan themselves (the portal's
    service, as on their page)."""
    user = signed_in_user(request)
    plan = _plan(request, person_id)
    read = payload.read
    errors = {name: NOT_FROM_THEM for name in STAFF_ONLY if name in payload.model_fields_set}
    if read is None:
        errors["read"] = REQUIRED
    if errors or read is None:
        # Someone who may not agree it is refused as such, whatever they sent.
        if not user.has_perm("portal.agree", plan.person):
            raise NotAllowed()
        raise ValidationError(errors)
    return portal_services.own_plan_agree(
        actor=user, plan=plan, version=payload.version, read=read,
        agreements=[a.value for a in payload.agreements])


# --- list sections: one set of endpoints per kind of entry (plans/entries.py) -----------------

def _entry_schemas(kind: EntryKind) -> tuple[type[Schema], type[Schema], type[Schema]]:
    """Request and response shapes for one kind of entry, from its model's fields."""
    fields: dict[str, Any] = {}
    for name in kind.fields:
        field = kind.model._meta.get_field(name)
        internal = field.get_internal_type()
        python: Any = {"DateField": dt.date, "PositiveSmallIntegerField": int}.get(internal, str)
        if getattr(field, "blank", False) or getattr(field, "null", False):
            fields[name] = (python | None, Field(None, description=kind.label(name)))
        else:
            fields[name] = (python, Field(description=kind.label(name)))
    name = kind.model.__name__
    create = create_model(f"{name}In", __base__=Strict, **fields)
    patch = partial(f"{name}Patch", create, version=(int, ...))
    out_fields: dict[str, Any] = {"id": (uuid.UUID, ...), "version": (int, ...)}
    out_fields.update(dict.fromkeys(kind.fields, (Any, None)))
    out = create_model(f"{name}Out", __base__=Schema, **out_fields)
    return create, patch, out


def _entry_out(kind: EntryKind, entry: Any) -> dict[str, Any]:
    return {"id": entry.pk, "version": entry.version,
            **{n: getattr(entry, n) for n in kind.fields}}


def _entry_data(kind: EntryKind, data: dict[str, Any]) -> dict[str, Any]:
    # Absent optional text is stored empty, as a form would send it.
    return {k: ("" if v is None and kind.model._meta.get_field(k).get_internal_type()
                in {"CharField", "TextField"} else v) for k, v in data.items()}


def _register(kind: EntryKind) -> None:
    create, patch, out = _entry_schemas(kind)
    base = f"/people/{{person_id}}/plan/entries/{kind.slug}"

    def list_entries(request: HttpRequest, person_id: str) -> Any:
        plan = _plan(request, person_id)
        return [_entry_out(kind, e) for e in kind.model._default_manager.filter(plan=plan)]

    def add_entry(request: HttpRequest, person_id: str, payload: create) -> Any:  # type: ignore[valid-type]
        plan = _plan(request, person_id)
        entry = services.entry_add(actor=signed_in_user(request), plan=plan, kind=kind,
                                   data=_entry_data(kind, payload.model_dump()))  # type: ignore[attr-defined]
        return Status(201, _entry_out(kind, entry))

    def _find(plan: Plan, entry_id: str) -> Any:
        entry = next((e for e in kind.model._default_manager.filter(plan=plan)
                      if str(e.pk) == entry_id), None)
        if entry is None:
            raise NotFound()
        return entry

    def update_entry(request: HttpRequest, person_id: str, entry_id: str,
                     payload: patch) -> Any:  # type: ignore[valid-type]
        plan = _plan(request, person_id)
        data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        version = data.pop("version")
        entry = services.entry_update(actor=signed_in_user(request), kind=kind,
                                      entry=_find(plan, entry_id), version=version,
                                      data=_entry_data(kind, data))
        return _entry_out(kind, entry)

    def remove_entry(request: HttpRequest, person_id: str, entry_id: str, version: int) -> Any:
        plan = _plan(request, person_id)
        services.entry_remove(actor=signed_in_user(request), kind=kind, entry=_find(plan, entry_id),
                              version=version)
        return Status(204, None)

    # The module uses postponed annotations; ninja needs the real schema classes here.
    add_entry.__annotations__["payload"] = create
    update_entry.__annotations__["payload"] = patch
    op = kind.slug.replace("-", "_")
    router.get(base, response={200: list[out], **ERRORS},  # type: ignore[valid-type]
               operation_id=f"plan_{op}_list", summary=f"{kind.title}")(list_entries)
    router.post(base, response={201: out, **ERRORS}, operation_id=f"plan_{op}_add",
                summary=f"Add a {kind.noun}")(add_entry)
    router.patch(f"{base}/{{entry_id}}", response={200: out, **ERRORS},
                 operation_id=f"plan_{op}_update",
                 summary=f"Change a {kind.noun}")(update_entry)
    router.delete(f"{base}/{{entry_id}}", response={204: None, **ERRORS},
                  operation_id=f"plan_{op}_remove",
                  summary=f"Remove a {kind.noun}")(remove_entry)


for _kind in ENTRY_KINDS:
    _register(_kind)
