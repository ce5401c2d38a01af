"""The plan's list sections, declared once: each kind of entry, its model, fields and section.

Pages, the API, the snapshot of an agreed version and the plain-words diff all read this
registry, so adding a kind of entry is one line here plus its model."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from ourplan.plans.models import (
    Allergy,
    Condition,
    Contingency,
    DecisionRecord,
    DelegatedTask,
    Medication,
    PlanEntry,
    PlanLink,
    ReviewArrangement,
    Risk,
)
from ourplan.plans.workflow import Section


@dataclass(frozen=True)
class EntryKind:
    slug: str
    model: type[PlanEntry]
    section: Section
    title: str  # plural, for headings: "Conditions"
    noun: str  # singular, for messages: "condition"
    single: bool = False  # at most one per plan

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(
            f.name for f in self.model._meta.concrete_fields
            if f.name not in {"id", "plan", "version", "created_at", "updated_at"}
        )

    def label(self, field: str) -> str:
        return str(getattr(self.model._meta.get_field(field), "verbose_name", field))

    def title_of(self, entry: models.Model) -> str:
        return str(getattr(entry, self.model.TITLE_FIELD))  # type: ignore[attr-defined]


ENTRY_KINDS: tuple[EntryKind, ...] = (
    EntryKind("conditions", Condition, Section.HEALTH, "Conditions", "condition"),
    EntryKind("medication", Medication, Section.HEALTH, "Medication", "medicine"),
    EntryKind("allergies", Allergy, Section.HEALTH, "Allergies and reactions", "allergy"),
    EntryKind("links", PlanLink, Section.HEALTH, "Other plans and assessments",
              "link to another plan"),
    EntryKind("delegated-tasks", DelegatedTask, Section.PERSONAL_ASSISTANTS,
              "Delegated healthcare tasks", "delegated task"),
    EntryKind("risks", Risk, Section.RISKS, "Risks", "risk"),
    EntryKind("contingencies", Contingency, Section.CONTINGENCY, "Contingency and safety plans",
              "contingency plan"),
    EntryKind("decisions", DecisionRecord, Section.DECISIONS, "Decisions and capacity",
              "decision record"),
    EntryKind("review", ReviewArrangement, Section.REVIEW, "Reviewing my plan",
              "review arrangement", single=True),
)
ENTRY_KINDS_BY_SLUG = {kind.slug: kind for kind in ENTRY_KINDS}


def kinds_for_section(section: str) -> tuple[EntryKind, ...]:
    return tuple(kind for kind in ENTRY_KINDS if kind.section == section)
