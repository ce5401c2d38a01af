"""What the plan page shows: the stages, the task list, what is missing, the support suggestion."""

from __future__ import annotations

from typing import Any

from ourplan.plans.models import Plan
from ourplan.plans.snapshots import describe_changes, plan_snapshot
from ourplan.plans.workflow import (
    DONE,
    Section,
    SectionStatus,
    Stage,
    needed_to_leave,
    support_suggestion,
    transitions_from,
)

STATUS_TAGS = {
    SectionStatus.NOT_STARTED: {"text": "Not started", "classes": "nhsuk-tag--grey"},
    SectionStatus.IN_PROGRESS: {"text": "In progress", "classes": "nhsuk-tag--blue"},
    SectionStatus.COMPLETED: None,
    SectionStatus.NOT_APPLICABLE: None,
}


def plan_page_context(plan: Plan, *, with_snapshot: bool = False) -> dict[str, Any]:
    """The plan page's (and API's) view of the plan; `with_snapshot` adds the plan's snapshot,
    made once for what changed since it was agreed and for its fingerprint."""
    rows = {row.section: row for row in plan.sections.all()}
    needed = set(needed_to_leave(plan.kind, plan.stage))
    tasks = []
    for section, row in sorted(rows.items(), key=lambda kv: list(Section).index(Section(kv[0]))):
        tag = STATUS_TAGS[SectionStatus(row.status)]
        tasks.append({
            "section": Section(section),
            "status": row.status,
            "status_label": SectionStatus(row.status).label,
            "tag": tag,
            "needed_now": section in needed and row.status not in DONE,
        })
    missing = [t["section"] for t in tasks if t["needed_now"]]
    stages = list(Stage)
    versions = list(plan.versions.select_related("recorded_by"))
    snapshot = plan_snapshot(plan) if versions or with_snapshot else None
    changes = (describe_changes(versions[-1].snapshot, snapshot)
               if versions and snapshot is not None else [])
    return {
        "snapshot": snapshot,
        "versions": versions,
        "changes_since_agreed": changes,
        "plan": plan,
        "tasks": tasks,
        "missing": missing,
        "stages": [{"stage": s, "current": s == plan.stage,
                    "done": stages.index(s) < stages.index(Stage(plan.stage))} for s in stages],
        "transitions": transitions_from(plan.stage),
        "suggestion": support_suggestion(plan.pam_level, plan.confidence),
        "history": list(plan.stage_changes.all()),
    }
