"""The whole plan as JSON (what an agreed version keeps), and what changed between two
snapshots in plain words ("Added outcome: …; review date moved from … to …")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ourplan.budgets.snapshots import budget_snapshot, describe_budget_changes
from ourplan.core.audit import snapshot
from ourplan.plans.entries import ENTRY_KINDS
from ourplan.plans.models import Outcome, Plan, PlanEntry, WorkingEntry
from ourplan.plans.workflow import Section, SectionStatus

ABOUT_ME_LABELS = {
    "appreciated": "what people appreciate about me",
    "important": "what is important to me",
    "support": "how best to support me",
    "health_summary": "my health, in brief",
    "communication": "how I communicate",
    "please_do": "please do",
    "please_dont": "please don't",
    "written_with": "who supported me to write this",
}
WORKING_LABELS = {"working": "what is working", "not_working": "what is not working",
                  "strength": "strengths"}
OUTCOME_LABELS = {
    "need": "need", "barriers": "what gets in the way",
    "risk_if_not_achieved": "what could happen if it is not achieved",
    "solution_traditional": "traditional solutions", "solution_different": "different solutions",
    "solution_radical": "radical solutions", "solution_risks": "risks in the solutions",
    "mitigation": "how risks will be reduced", "rough_cost": "rough cost",
    "importance": "importance", "status": "status",
}
ACTION_LABELS = {"owner_kind": "who will do it", "owner": "their name", "by_when": "by when",
                 "status": "status"}


@dataclass(frozen=True)
class PlanContent:
    """The plan's lists, read once (a fixed number of queries): a page that shows them and also
    compares them with the agreed version passes this to `plan_snapshot` rather than reading
    them twice."""

    working: list[WorkingEntry]
    entries: dict[str, list[PlanEntry]]
    outcomes: list[Outcome]  # each with its actions prefetched


def plan_content(plan: Plan) -> PlanContent:
    return PlanContent(
        working=list(plan.working_entries.all()),
        entries={kind.slug: list(kind.model._default_manager.filter(plan=plan))
                 for kind in ENTRY_KINDS},
        outcomes=list(plan.outcomes.prefetch_related("actions")),
    )


def plan_snapshot(plan: Plan, content: PlanContent | None = None) -> dict[str, Any]:
    """Everything the person agrees to, in a form that never changes once stored."""
    content = content or plan_content(plan)
    about = plan.about_me
    snap = {
        "kind": plan.kind,
        "person": {"nhs_number": plan.person.nhs_number, "name": plan.person.full_name},
        "support_needs": snapshot(plan, ("pam_level", "pam_score", "pam_date", "confidence")),
        "sections": {row.section: row.status for row in plan.sections.all()},
        "about_me": {name: getattr(about, name) for name in ABOUT_ME_LABELS},
        "working": [{"id": str(e.pk), "kind": e.kind, "text": e.text,
                     "perspective": e.perspective} for e in content.working],
        "entries": {
            kind.slug: [{"id": str(e.pk), **snapshot(e, kind.fields)}
                        for e in content.entries[kind.slug]]
            for kind in ENTRY_KINDS
        },
        "outcomes": [
            {"id": str(o.pk), "text": o.text,
             **snapshot(o, tuple(OUTCOME_LABELS)),
             "actions": [{"id": str(a.pk), "what": a.what,
                          **snapshot(a, tuple(ACTION_LABELS))} for a in o.actions.all()]}
            for o in content.outcomes
        ],
    }
    budget = budget_snapshot(plan)
    if budget is not None:  # only plans with a personal health budget have a budget sheet
        snap["budget"] = budget
    return snap


def _short(text: Any, limit: int = 80) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _value(value: Any) -> str:
    return _short(value) if value not in (None, "") else "nothing"


def _by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


def describe_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Plain-words changes from `before` (an agreed version) to `after` (the plan now)."""
    changes: list[str] = []
    for name, label in ABOUT_ME_LABELS.items():
        old, new = before["about_me"].get(name, ""), after["about_me"].get(name, "")
        if old != new:
            changes.append(f"About me, {label}: changed from “{_value(old)}” to “{_value(new)}”")

    old_working, new_working = _by_id(before["working"]), _by_id(after["working"])
    for key, entry in new_working.items():
        label = WORKING_LABELS[entry["kind"]]
        if key not in old_working:
            changes.append(f"Added to {label}: {_short(entry['text'])}")
        elif old_working[key] != entry:
            changes.append(f"Changed in {label}: {_short(entry['text'])}")
    for key, entry in old_working.items():
        if key not in new_working:
            changes.append(f"Removed from {WORKING_LABELS[entry['kind']]}: {_short(entry['text'])}")

    old_outcomes, new_outcomes = _by_id(before["outcomes"]), _by_id(after["outcomes"])
    for key, outcome in new_outcomes.items():
        if key not in old_outcomes:
            changes.append(f"Added outcome: {_short(outcome['text'])}")
            changes.extend(f"Added action: {_short(a['what'])}" for a in outcome["actions"])
            continue
        old = old_outcomes[key]
        if old["text"] != outcome["text"]:
            changes.append(f"Outcome reworded from “{_short(old['text'])}” to "
                           f"“{_short(outcome['text'])}”")
        for field, label in OUTCOME_LABELS.items():
            if old.get(field) != outcome.get(field):
                changes.append(f"Outcome “{_short(outcome['text'], 40)}”: {label} moved from "
                               f"{_value(old.get(field))} to {_value(outcome.get(field))}")
        old_actions, new_actions = _by_id(old["actions"]), _by_id(outcome["actions"])
        for action_id, action in new_actions.items():
            if action_id not in old_actions:
                changes.append(f"Added action: {_short(action['what'])}")
                continue
            for field, label in ACTION_LABELS.items():
                if old_actions[action_id].get(field) != action.get(field):
                    changes.append(
                        f"Action “{_short(action['what'], 40)}”: {label} moved from "
                        f"{_value(old_actions[action_id].get(field))} to "
                        f"{_value(action.get(field))}")
        changes.extend(f"Removed action: {_short(a['what'])}"
                       for action_id, a in old_actions.items() if action_id not in new_actions)
    for key, outcome in old_outcomes.items():
        if key not in new_outcomes:
            changes.append(f"Removed outcome: {_short(outcome['text'])}")

    for kind in ENTRY_KINDS:
        old_entries = _by_id(before.get("entries", {}).get(kind.slug, []))
        new_entries = _by_id(after.get("entries", {}).get(kind.slug, []))
        title = kind.model.TITLE_FIELD  # type: ignore[attr-defined]
        for key, entry in new_entries.items():
            if key not in old_entries:
                changes.append(f"Added {kind.noun}: {_short(entry.get(title))}")
                continue
            for field in kind.fields:
                if _blank_as_none(old_entries[key].get(field)) != _blank_as_none(entry.get(field)):
                    changes.append(
                        f"{kind.noun.capitalize()} “{_short(entry.get(title), 40)}”: "
                        f"{kind.label(field).lower()} moved from "
                        f"{_value(old_entries[key].get(field))} to {_value(entry.get(field))}")
        changes.extend(f"Removed {kind.noun}: {_short(entry.get(title))}"
                       for key, entry in old_entries.items() if key not in new_entries)

    changes.extend(describe_budget_changes(before.get("budget"), after.get("budget")))

    for section, status in after["sections"].items():
        old_status = before["sections"].get(section)
        if old_status and old_status != status:
            changes.append(f"{Section(section).label}: {SectionStatus(old_status).label.lower()}"
                           f" → {SectionStatus(status).label.lower()}")
    return changes


def _blank_as_none(value: Any) -> Any:
    return None if value in ("", None) else value


def comparable(snap: Any) -> Any:
    """A snapshot with blank values dropped, so a field added to the plan after a version was
    agreed (absent there, blank now) is not a change."""
    if isinstance(snap, dict):
        return {k: comparable(v) for k, v in snap.items() if _blank_as_none(v) is not None}
    if isinstance(snap, list):
        return [comparable(v) for v in snap]
    return snap
