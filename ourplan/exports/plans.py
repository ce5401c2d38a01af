"""The plan in other formats: the whole plan or the one-page summary as HTML, as a tagged
PDF (PDF/UA), as a large-print PDF and as an easy-read PDF (ourplan.exports.easy_read), and as
JSON. An interface layer: it reads the plan through the domain and never changes it.

When the plan has a personal health budget, the whole plan (HTML, PDF, large print and JSON)
carries its budget sheet, read through `budget_sheet` so the read is scoped and audited as an
export. `user` None is the command line, with the operator's authority. The one-page summary
never shows the budget, so it does not read it.

The person's circle and care team come from the person's record, read through `visible_to`
so that someone reaching only the plan (family the plan is shared with) does not get the
record's contact details with it."""

from __future__ import annotations

import json
from typing import Any

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone

from ourplan.accounts.models import User
from ourplan.budgets.models import Category
from ourplan.budgets.pa_costs import PARTS
from ourplan.budgets.selectors import BudgetSheet, budget_sheet
from ourplan.budgets.snapshots import BUDGET_KEYS, HOLDING_KEYS, LINE_KEYS
from ourplan.core.audit import snapshot
from ourplan.core.presenters import format_date
from ourplan.people.models import CareTeamMember, PersonalContact
from ourplan.plans.entries import ENTRY_KINDS
from ourplan.plans.models import Plan
from ourplan.plans.snapshots import plan_snapshot

FORMATS = ("html", "one-page", "one-page-pdf", "pdf", "large-print", "json",
           "one-page-large-print", "easy-read", "one-page-easy-read")
EXPORT_PURPOSE = "export"


def _budget(plan: Plan, user: User | None) -> BudgetSheet | None:
    """The plan's budget sheet, if it has a budget: an audited read for the export."""
    return budget_sheet(user=user, plan=plan, purpose=EXPORT_PURPOSE)


def _circle(plan: Plan, user: User | None) -> list[PersonalContact]:
    contacts = (PersonalContact.objects.all() if user is None
                else PersonalContact.objects.visible_to(user))
    return list(contacts.filter(person=plan.person, removed_at__isnull=True))


def _care_team(plan: Plan, user: User | None) -> list[CareTeamMember]:
    members = (CareTeamMember.objects.all() if user is None
               else CareTeamMember.objects.visible_to(user))
    today = timezone.localdate()
    return [m for m in members.filter(person=plan.person)
            .select_related("user", "team", "organisation") if m.is_current_on(today)]


def _context(plan: Plan, *, one_page: bool, large_print: bool,
             sheet: BudgetSheet | None = None, user: User | None = None) -> dict[str, Any]:
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
        "circle": _circle(plan, user),
        "care_team": _care_team(plan, user),
        "printed_on": format_date(timezone.localdate()),
        "title": (f"{person.full_name}: one-page summary" if one_page
                  else f"{person.full_name}: {plan.get_kind_display().lower()}"),
        "sheet": sheet,
        "pa_parts": PARTS,
        "pa_category": Category.PA_EMPLOYMENT,
    }


def plan_html(plan: Plan, *, one_page: bool = False, large_print: bool = False,
              user: User | None = None) -> str:
    sheet = None if one_page else _budget(plan, user)
    return render_to_string("exports/plan.jinja", _context(
        plan, one_page=one_page, large_print=large_print, sheet=sheet, user=user))


def plan_pdf(plan: Plan, *, one_page: bool = False, large_print: bool = False,
             user: User | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) with the plan's title and language, so screen readers can use it."""
    return html_to_pdf(plan_html(plan, one_page=one_page, large_print=large_print, user=user))


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1); its title and language come from the page's <title> and lang."""
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return pdf


def easy_read_html(plan: Plan, *, one_page: bool = False, user: User | None = None) -> str:
    """The plan, or its one-page summary, in easy read: short sentences and plain words around
    the person's own words, which are never changed."""
    from ourplan.exports.easy_read import easy_read_context

    sheet = None if one_page else _budget(plan, user)
    context = _context(plan, one_page=one_page, large_print=False, sheet=sheet, user=user)
    sees_care_team = (user is None or not user.is_portal_user
                      or user.has_perm("portal.view_record", plan.person))
    return render_to_string("exports/easy_read.jinja", easy_read_context(
        plan, context, sees_care_team=sees_care_team))


def easy_read_pdf(plan: Plan, *, one_page: bool = False, user: User | None = None) -> bytes:
    return html_to_pdf(easy_read_html(plan, one_page=one_page, user=user))


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def budget_json(sheet: BudgetSheet) -> dict[str, Any]:
    """The budget sheet as JSON: the keys an agreed version keeps (ourplan.budgets.snapshots),
    with its status, how each line is covered and the totals. Money is a string of pounds
    with two places ("17990.48"), never a float."""
    budget, cover = sheet.budget, sheet.sufficiency
    in_force = sheet.in_force
    return {
        **snapshot(budget, (*BUDGET_KEYS, "indicative_authorised_by",
                            "indicative_authorised_on")),
        "number": budget.number,
        "status": budget.status,
        "signed_off_by": str(budget.signed_off_by) if budget.signed_off_by else None,
        "signed_off_at": budget.signed_off_at.isoformat() if budget.signed_off_at else None,
        "in_force": None if in_force is None else {
            "number": in_force.number, "final_amount": _money(in_force.final_amount),
            "signed_off_at": (in_force.signed_off_at.isoformat() if in_force.signed_off_at
                              else None)},
        "amount": _money(cover.amount),
        "holdings": [{**snapshot(h, HOLDING_KEYS),
                      "paid_to_contact": h.paid_to_contact.name if h.paid_to_contact else None}
                     for h in sheet.holdings],
        "lines": [{**snapshot(c.line, LINE_KEYS),
                   "outcome": c.line.outcome.text,
                   "paid_by": c.line.holding.way if c.line.holding else None,
                   "unusual_decision_reason": c.line.unusual_decision_reason,
                   "pa_breakdown": c.line.pa_breakdown or None,
                   "covered": None if cover.amount is None else c.covered,
                   "short_by": _money(c.short_by)}
                  for c in cover.lines],
        "total_cost": _money(cover.total_cost),
        "shortfall": _money(cover.shortfall),
        "surplus": _money(cover.surplus),
    }


def plan_json(plan: Plan, *, user: User | None = None) -> str:
    snap = plan_snapshot(plan)
    # The agreed-version snapshot carries the budget's own keys; the export reads it through
    # the audited selector instead and adds how it is covered.
    snap.pop("budget", None)
    sheet = _budget(plan, user)
    if sheet is not None:
        snap["budget"] = budget_json(sheet)
    return json.dumps(snap, indent=2, ensure_ascii=False)


def export(plan: Plan, fmt: str, *, user: User | None = None) -> tuple[bytes, str, str]:
    """(content, media type, file extension) for one of FORMATS. `user` is who is exporting
    (None on the command line): it scopes and audits the read of the budget."""
    if fmt == "html":
        return plan_html(plan, user=user).encode(), "text/html; charset=utf-8", "html"
    if fmt == "one-page":
        return plan_html(plan, one_page=True).encode(), "text/html; charset=utf-8", "html"
    if fmt == "one-page-pdf":
        return plan_pdf(plan, one_page=True), "application/pdf", "pdf"
    if fmt == "pdf":
        return plan_pdf(plan, user=user), "application/pdf", "pdf"
    if fmt == "large-print":
        return plan_pdf(plan, large_print=True, user=user), "application/pdf", "pdf"
    if fmt == "one-page-large-print":
        return plan_pdf(plan, one_page=True, large_print=True), "application/pdf", "pdf"
    if fmt == "easy-read":
        return easy_read_pdf(plan, user=user), "application/pdf", "pdf"
    if fmt == "one-page-easy-read":
        return easy_read_pdf(plan, one_page=True, user=user), "application/pdf", "pdf"
    if fmt == "json":
        return plan_json(plan, user=user).encode(), "application/json", "json"
    raise ValueError(fmt)
