"""The plan in other formats: the whole plan or the one-page summary as HTML, as a tagged
PDF (PDF/UA) and as a large-print PDF, and as JSON. An interface layer: it reads the plan
through the domain and never changes it."""

from __future__ import annotations

import json
from typing import Any

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone

from ourplan.core.presenters import format_date
from ourplan.plans.entries import ENTRY_KINDS
from ourplan.plans.models import Plan
from ourplan.plans.snapshots import plan_snapshot

FORMATS = ("html", "one-page", "one-page-pdf", "pdf", "large-print", "json")


def _context(plan: Plan, *, one_page: bool, large_print: bool) -> dict[str, Any]:
    person = plan.person
    return {
        "plan": plan, "person": person, "about": plan.about_me, "one_page": one_page,
        "large_print": large_print, "working": list(plan.working_entries.all()),
        "outcomes": [(o, list(o.actions.all())) for o in plan.outcomes.prefetch_related("actions")],
        "entry_groups": [(k, list(k.model._default_manager.filter(plan=plan)))
                         for k in ENTRY_KINDS],
        "latest_version": plan.versions.order_by("-number").first(),
        # PRSB: GP practice, personal contacts and professional contacts come from the person's
        # record, so the plan never holds a second, stale copy of them.
        "circle": list(person.personal_contacts.filter(removed_at__isnull=True)),
        "care_team": [m for m in person.care_team.select_related("user", "team", "organisation")
                      if m.is_current_on(timezone.localdate())],
        "printed_on": format_date(timezone.localdate()),
        "title": (f"{person.full_name}: one-page summary" if one_page
                  else f"{person.full_name}: {plan.get_kind_display().lower()}"),
    }


def plan_html(plan: Plan, *, one_page: bool = False, large_print: bool = False) -> str:
    return render_to_string("exports/plan.jinja",
                            _context(plan, one_page=one_page, large_print=large_print))


def plan_pdf(plan: Plan, *, one_page: bool = False, large_print: bool = False) -> bytes:
    """A tagged PDF (PDF/UA-1) with the plan's title and language, so screen readers can use it."""
    html = plan_html(plan, one_page=one_page, large_print=large_print)
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return pdf


def plan_json(plan: Plan) -> str:
    return json.dumps(plan_snapshot(plan), indent=2, ensure_ascii=False)


def export(plan: Plan, fmt: str) -> tuple[bytes, str, str]:
    """(content, media type, file extension) for one of FORMATS."""
    if fmt == "html":
        return plan_html(plan).encode(), "text/html; charset=utf-8", "html"
    if fmt == "one-page":
        return plan_html(plan, one_page=True).encode(), "text/html; charset=utf-8", "html"
    if fmt == "one-page-pdf":
        return plan_pdf(plan, one_page=True), "application/pdf", "pdf"
    if fmt == "pdf":
        return plan_pdf(plan), "application/pdf", "pdf"
    if fmt == "large-print":
        return plan_pdf(plan, large_print=True), "application/pdf", "pdf"
    if fmt == "json":
        return plan_json(plan).encode(), "application/json", "json"
    raise ValueError(fmt)
