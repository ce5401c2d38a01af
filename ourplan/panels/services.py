"""Changes to referrals to a risk enablement panel, one service for each: refer, record the
panel's decision, record that it was shared with the person, mark it as a local principle.

Each checks that the user may see the referral and may make the change, locks the row, refuses a
stale version, validates (ValidationError naming the field), writes in one transaction and
appends the audit row (and a status-change row for each move of the workflow)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ourplan.accounts.icb import icb_for
from ourplan.accounts.models import Organisation, Role, TeamKind, User
from ourplan.core.audit import audit_record, snapshot
from ourplan.core.errors import NotAllowed, NotFound
from ourplan.core.presenters import format_date
from ourplan.core.services import apply_fields, bump_version, check_version
from ourplan.panels.models import PanelOption, PanelReferral, PanelStatusChange
from ourplan.panels.workflow import (
    DECIDED_STATUSES,
    ReferralStatus,
    SharedHow,
    check_transition,
)
from ourplan.plans.models import Plan

REFERRAL_FIELDS = ("question", "reason", "reason_details", "person_view")
OPTION_FIELDS = ("description", "benefits", "risks")
DECISION_FIELDS = ("panel_date", "members", "chosen_option", "none_reason", "decision",
                   "rationale", "conditions", "review_date")
FEWEST_OPTIONS = 2
MOST_OPTIONS = 6

NO_ICB = ("We cannot tell which ICB's panel to send this to: the person's GP practice is not "
          "recorded in an ICB, and nor is your organisation")
OPTIONS_TOO_FEW = ("Give at least two options for the panel to choose between, each with what "
                   "it could make better and what could go wrong")
OPTIONS_TOO_MANY = f"Give no more than {MOST_OPTIONS} options"
OPTIONS_NOT_A_LIST = "Give the options as a list"
PANEL_DATE_REQUIRED = "Enter the date of the panel"
PANEL_DATE_IN_FUTURE = "The date of the panel must be today or in the past"
PANEL_DATE_BEFORE_REFERRAL = "The date of the panel must be on or after the referral, {date}"
MEMBERS_REQUIRED = "Say who was on the panel"
MEMBER_NOT_IN_ICB = "Select panel members from the list"
CHOICE_REQUIRED = "Select the option the panel chose, or none of these"
NOT_THIS_REFERRALS_OPTION = "Select one of the options put to this panel"
NONE_REASON_REQUIRED = "Say why the panel chose none of the options"
NONE_REASON_ONLY_FOR_NONE = ("Only give a reason for choosing none of the options when the panel "
                             "chose none of them")
DECISION_REQUIRED = "Write the decision in plain words"
RATIONALE_REQUIRED = "Say why the panel decided this"
REVIEW_BEFORE_PANEL = "The date to look at the decision again must be after the panel"
SHARED_ON_REQUIRED = "Enter the date it was shared with the person"
SHARED_ON_IN_FUTURE = "The date it was shared must be today or in the past"
SHARED_ON_BEFORE_PANEL = "The date it was shared must be on or after the panel, {date}"
SHARED_HOW_REQUIRED = "Select how the decision was shared with the person"
PRINCIPLE_NEEDS_DECISION = ("A decision can become a local principle only once the panel has "
                            "made it")
PRINCIPLE_REQUIRED = "Write the principle in plain words"
PRINCIPLE_PERSONAL = ("Take out {what}: everyone in the ICB reads local principles, so they "
                      "must not say who the decision was about")

# Ten digits, with or without spaces: an NHS number has no place in a principle.
_NHS_NUMBER_LIKE = re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b")


def _require(user: User, perm: str, obj: Any) -> None:
    if not user.has_perm(perm, obj):
        raise NotAllowed()


def _clean_text(data: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """Text boxes without leading or trailing spaces, so spaces alone count as empty."""
    cleaned = dict(data)
    for name in names:
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip()
    return cleaned


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def _locked(actor: User, referral: PanelReferral) -> PanelReferral:
    """The referral as saved now, locked, if the user may see it."""
    locked = (PanelReferral.objects.visible_to(actor).select_for_update()
              .filter(pk=referral.pk).first())
    if locked is None:
        raise NotFound()
    return locked


def _moved(actor: User, referral: PanelReferral, name: str, before: str) -> None:
    PanelStatusChange.objects.create(referral=referral, transition=name, from_status=before,
                                     to_status=referral.status, actor=actor)


# --- referring -------------------------------------------------------------------------------

def _options(raw: Any) -> tuple[list[PanelOption], dict[str, list[str]]]:
    """The options as unsaved rows, and the problems with them by field
    (`option_<n>_<part>`, counting from 1; `options` for the list as a whole)."""
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        return [], {"options": [OPTIONS_NOT_A_LIST]}
    options, errors = [], {}
    for n, entry in enumerate(raw, start=1):
        values = entry if isinstance(entry, Mapping) else {}
        unknown = sorted(set(values) - set(OPTION_FIELDS))
        for name in unknown:
            errors[f"option_{n}_{name}"] = ["This field cannot be set here"]
        option = PanelOption(position=n, **{
            name: str(values.get(name) or "").strip() for name in OPTION_FIELDS})
        try:
            option.full_clean(exclude=["referral"], validate_constraints=False)
        except ValidationError as problem:
            errors.update({f"option_{n}_{k}": v for k, v in problem.message_dict.items()})
        options.append(option)
    if len(options) < FEWEST_OPTIONS:
        errors["options"] = [OPTIONS_TOO_FEW]
    elif len(options) > MOST_OPTIONS:
        errors["options"] = [OPTIONS_TOO_MANY]
    return options, errors


@transaction.atomic
def panel_refer(*, actor: User, plan: Plan, data: Mapping[str, Any]) -> PanelReferral:
    """Refer a hard decision about the person to their ICB's risk enablement panel.

    `data` holds the question, the reason it is hard (and details), the person's view and
    `options`: a list of at least two mappings with `description`, `benefits` and `risks`."""
    locked_plan = (Plan.objects.visible_to(actor).select_for_update(of=("self",))
                   .select_related("person", "person__gp_practice__parent")
                   .filter(pk=plan.pk).first())
    if locked_plan is None:
        raise NotFound()
    person = locked_plan.person
    _require(actor, "panels.refer", person)
    icb = icb_for(person=person, user=actor)
    if icb is None:
        raise ValidationError({"__all__": NO_ICB})
    values = _clean_text({k: v for k, v in data.items() if k != "options"}, REFERRAL_FIELDS)
    referral = PanelReferral(person=person, plan=locked_plan, icb=icb, referred_by=actor,
                             referred_at=timezone.now(), status=ReferralStatus.REFERRED)
    errors: dict[str, list[str]] = {}
    try:
        apply_fields(referral, values, REFERRAL_FIELDS, validate_constraints=False)
    except ValidationError as problem:
        errors.update(problem.message_dict)
    options, option_errors = _options(data.get("options"))
    errors.update(option_errors)
    if errors:
        raise ValidationError(errors)
    referral.save()
    for option in options:
        option.referral = referral
    PanelOption.objects.bulk_create(options)
    _moved(actor, referral, "refer", "")
    audit_record(actor=actor, action="panel_referral.referred", person=person, obj=referral,
                 changes={**snapshot(referral, (*REFERRAL_FIELDS, "icb_id")),
                          "options": [snapshot(o, OPTION_FIELDS) for o in options]})
    return referral


# --- the panel's decision --------------------------------------------------------------------

def panel_member_candidates(icb: Organisation) -> Any:
    """Staff who can be linked as members of this ICB's panel: panel members and commissioners
    in the ICB or an organisation within it, and anyone on one of its panel teams."""
    in_icb = Q(organisation_id=icb.pk) | Q(organisation__parent_id=icb.pk)
    panel_role = Q(role__in=[Role.PANEL_MEMBER, Role.COMMISSIONER])
    panel_team = Q(teams__kind=TeamKind.PANEL, teams__organisation_id=icb.pk)
    ids = User.objects.filter(Q(in_icb & panel_role) | panel_team).values("pk")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name")


def _member_users(icb: Organisation, raw: Any) -> list[User]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, Iterable) or isinstance(raw, str | bytes):
        raise ValidationError({"member_users": MEMBER_NOT_IN_ICB})
    wanted = {u.pk if isinstance(u, User) else _as_uuid(u) for u in raw}
    if None in wanted:
        raise ValidationError({"member_users": MEMBER_NOT_IN_ICB})
    found = list(panel_member_candidates(icb).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationError({"member_users": MEMBER_NOT_IN_ICB})
    return found


def _chosen_option(referral: PanelReferral, raw: Any) -> PanelOption | None:
    if raw in (None, ""):
        return None
    pk = raw.pk if isinstance(raw, PanelOption) else _as_uuid(raw)
    option = PanelOption.objects.filter(referral=referral, pk=pk).first() if pk else None
    if option is None:
        raise ValidationError({"chosen_option": NOT_THIS_REFERRALS_OPTION})
    return option


def _decision_problems(referral: PanelReferral, users: list[User],
                       today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if referral.panel_date is None:
        errors["panel_date"] = PANEL_DATE_REQUIRED
    elif referral.panel_date > today:
        errors["panel_date"] = PANEL_DATE_IN_FUTURE
    elif referral.panel_date < timezone.localdate(referral.referred_at):
        errors["panel_date"] = PANEL_DATE_BEFORE_REFERRAL.format(
            date=format_date(timezone.localdate(referral.referred_at)))
    if not referral.members and not users:
        errors["members"] = MEMBERS_REQUIRED
    if referral.chosen_option is None and not referral.none_reason:
        errors["chosen_option"] = CHOICE_REQUIRED
    if referral.chosen_option is not None and referral.none_reason:
        errors["none_reason"] = NONE_REASON_ONLY_FOR_NONE
    if not referral.decision:
        errors["decision"] = DECISION_REQUIRED
    if not referral.rationale:
        errors["rationale"] = RATIONALE_REQUIRED
    if (referral.review_date and referral.panel_date
            and referral.review_date <= referral.panel_date):
        errors["review_date"] = REVIEW_BEFORE_PANEL
    return errors


@transaction.atomic
def panel_decision_record(*, actor: User, referral: PanelReferral, version: int,
                          data: Mapping[str, Any]) -> PanelReferral:
    """Record the panel (date, members), the option it chose (or none, with reasons), the
    decision in plain words, why, and any conditions and date to look at it again.

    `data` holds DECISION_FIELDS and `member_users` (staff who were on the panel); at least
    one member, named or linked, is needed. `chosen_option` is one of this referral's options
    (or its id); leave it empty and give `none_reason` when the panel chose none of them."""
    locked = _locked(actor, referral)
    _require(actor, "panels.record_decision", locked)
    check_version(locked, version)
    before = locked.status
    transition = check_transition(locked.status, "decide")
    values = _clean_text({k: v for k, v in data.items() if k != "member_users"},
                         ("members", "none_reason", "decision", "rationale", "conditions"))
    if "chosen_option" in values:
        values["chosen_option"] = _chosen_option(locked, values["chosen_option"])
    users = _member_users(locked.icb, data.get("member_users"))
    apply_fields(locked, values, DECISION_FIELDS, validate_constraints=False)
    errors = _decision_problems(locked, users, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    locked.status = transition.target
    locked.decided_by, locked.decided_at = actor, timezone.now()
    bump_version(locked)
    locked.save()
    locked.member_users.set(users)
    _moved(actor, locked, "decide", before)
    audit_record(actor=actor, action="panel_referral.decided", person=locked.person,
                 obj=locked, changes={**snapshot(locked, (*DECISION_FIELDS, "status")),
                                      "member_users": sorted(str(u.pk) for u in users)})
    return locked


# --- sharing it with the person --------------------------------------------------------------

@transaction.atomic
def panel_decision_share(*, actor: User, referral: PanelReferral, version: int,
                         shared_on: dt.date | None, how: str) -> PanelReferral:
    """Record that the panel's decision was shared with the person: when, and how."""
    locked = _locked(actor, referral)
    _require(actor, "panels.share_decision", locked)
    check_version(locked, version)
    before = locked.status
    transition = check_transition(locked.status, "share")
    errors: dict[str, str] = {}
    if shared_on is None:
        errors["shared_on"] = SHARED_ON_REQUIRED
    elif shared_on > timezone.localdate():
        errors["shared_on"] = SHARED_ON_IN_FUTURE
    elif locked.panel_date and shared_on < locked.panel_date:
        errors["shared_on"] = SHARED_ON_BEFORE_PANEL.format(date=format_date(locked.panel_date))
    if how not in SharedHow.values:
        errors["shared_how"] = SHARED_HOW_REQUIRED
    if errors:
        raise ValidationError(errors)
    locked.shared_on, locked.shared_how, locked.shared_by = shared_on, how, actor
    locked.status = transition.target
    bump_version(locked)
    locked.save()
    _moved(actor, locked, "share", before)
    audit_record(actor=actor, action="panel_referral.shared", person=locked.person, obj=locked,
                 changes={"shared_on": shared_on, "shared_how": how, "status": locked.status})
    return locked


# --- local principles ------------------------------------------------------------------------

def _personal_details(summary: str, person: Any) -> str | None:
    """What in the summary could say who the decision was about, if anything."""
    for name in {person.given_name, person.family_name, person.preferred_name}:
        if name and len(name) > 1 and re.search(rf"\b{re.escape(name)}\b", summary, re.I):
            return f"the name “{name}”"
    if _NHS_NUMBER_LIKE.search(summary):
        return "the NHS number"
    return None


@transaction.atomic
def panel_principle_mark(*, actor: User, referral: PanelReferral, version: int,
                         summary: str) -> PanelReferral:
    """Mark a decision as a local principle, summed up in plain words with no personal
    details, for everyone in the ICB to follow. Marking it again changes the summary."""
    locked = _locked(actor, referral)
    _require(actor, "panels.mark_principle", locked)
    check_version(locked, version)
    if locked.status not in DECIDED_STATUSES:
        raise ValidationError({"status": PRINCIPLE_NEEDS_DECISION})
    summary = (summary or "").strip()
    before = snapshot(locked, ("is_local_principle", "principle_summary"))
    apply_fields(locked, {"principle_summary": summary}, ["principle_summary"],
                 validate_constraints=False)
    if not summary:
        raise ValidationError({"principle_summary": PRINCIPLE_REQUIRED})
    personal = _personal_details(summary, locked.person)
    if personal:
        raise ValidationError({"principle_summary": PRINCIPLE_PERSONAL.format(what=personal)})
    locked.is_local_principle = True
    locked.principle_marked_by, locked.principle_marked_at = actor, timezone.now()
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action="panel_referral.principle_marked", person=locked.person,
                 obj=locked, changes={
                     k: [before[k], v] for k, v in
                     snapshot(locked, ("is_local_principle", "principle_summary")).items()})
    return locked
