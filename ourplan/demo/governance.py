"""The demo ICB's delegated authority, after the example matrix in summary guide Annex F §10.5:
decisions as close to the person as the money and the risk allow."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ourplan.accounts.models import Organisation, Role
from ourplan.governance.models import Authority, DecisionKind, RiskLevel

LOW, MEDIUM, HIGH = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH
CLOSE = [Role.CARE_COORDINATOR, Role.PRACTITIONER]

# decision: [(level, roles, largest budget a year or None for any, highest risk)]
MATRIX: dict[str, list[tuple[int, list[Role], str | None, RiskLevel]]] = {
    DecisionKind.INDICATIVE_BUDGET: [(1, CLOSE, "10000", MEDIUM), (2, [Role.TEAM_MANAGER],
                                     "40000", HIGH), (4, [Role.COMMISSIONER], None, HIGH)],
    DecisionKind.PLAN_SIGN_OFF: [(1, CLOSE, "5000", LOW), (2, [Role.TEAM_MANAGER], "20000",
                                 MEDIUM), (3, [Role.CLINICAL_DIRECTOR], "50000", HIGH),
                                 (4, [Role.COMMISSIONER], None, HIGH)],
    DecisionKind.FINAL_BUDGET: [(2, [Role.TEAM_MANAGER], "20000", MEDIUM),
                                (4, [Role.COMMISSIONER], None, HIGH)],
    DecisionKind.FLEXIBLE_SPEND: [(1, CLOSE, "500", LOW), (2, [Role.TEAM_MANAGER], "5000", HIGH),
                                  (4, [Role.COMMISSIONER], None, HIGH)],
    DecisionKind.PLAN_REVIEW: [(1, CLOSE, None, MEDIUM), (2, [Role.TEAM_MANAGER], None, HIGH)],
    DecisionKind.BUDGET_REVIEW: [(2, [Role.TEAM_MANAGER], "20000", MEDIUM),
                                 (4, [Role.COMMISSIONER], None, HIGH)],
}


def load_delegated_authority(icb: Organisation) -> int:
    """Add the rungs the ICB does not have yet; returns how many were added."""
    added = 0
    for decision, rungs in MATRIX.items():
        for level, roles, largest, risk in rungs:
            _, created = Authority.objects.get_or_create(
                organisation=icb, decision=decision, level=level,
                defaults={"roles": [r.value for r in roles],
                          "max_budget": Decimal(largest) if largest else None,
                          "max_risk": risk})
            added += created
    return added


def load_demo_sign_off(users: dict[str, Any]) -> int:
    """Harold's plan, agreed and waiting for sign-off at level 2 (he wants to keep walking his
    dog on the canal path alone), so the demo's queues have something in them. Written through
    the same services the pages use. Returns 1 if it was added."""
    from ourplan.governance.services import plan_submit_for_sign_off
    from ourplan.people.models import Person
    from ourplan.plans import services as plans
    from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG
    from ourplan.plans.models import Agreement, Plan
    from ourplan.plans.workflow import OPTIONAL_SECTIONS, SECTIONS, Section

    harold = Person.objects.get(nhs_number="9990000042")
    if Plan.objects.filter(person=harold).exists():
        return 0
    sam = users["sam.okafor"]
    plan = plans.plan_start(actor=sam, person=harold)
    plan = plans.plan_record_support_needs(actor=sam, plan=plan, version=plan.version, data={
        "confidence": 2, "involved": "My advocate from Riverside Advocacy, and Sam"})
    plans.about_me_update(actor=sam, plan=plan, version=1, data={
        "important": "My dog Bess and our walk along the canal every morning. My allotment.",
        "support": "Give me time to answer. Write things down for me."})
    plans.working_entry_add(actor=sam, plan=plan, data={
        "kind": "working", "text": "Walking Bess every morning keeps me going"})
    plans.working_entry_add(actor=sam, plan=plan, data={
        "kind": "not_working", "text": "I get breathless on the way back up the hill"})
    walk = plans.outcome_add(actor=sam, plan=plan, data={
        "need": "Staying active with COPD",
        "text": "I keep walking Bess along the canal every morning"})
    plans.action_add(actor=sam, plan=plan, data={
        "outcome": walk, "what": "Pulmonary rehabilitation course", "owner_kind": "service",
        "owner": "Community respiratory team"})
    for slug, data in (
        ("conditions", {"name": "COPD", "how_it_affects_me": "Breathless on hills",
                        "monitored_by": "The practice nurse at Brookside Surgery"}),
        ("risks", {"description": "I walk the canal path alone and could fall in or get "
                                  "breathless far from help", "kind": "personal",
                   "approach": "take", "mitigation": "I carry my phone and my inhaler, and "
                                                     "keep to the path by the houses",
                   "owner": "Harold"}),
        ("contingencies", {"triggers": "I am too breathless to walk Bess",
                           "what_should_happen": "My neighbour walks her; I use my rescue pack",
                           "who_to_contact": "Practice nurse; NHS 111"}),
        ("review", {"interval_months": 12, "responsible": "Sam Okafor",
                    "how": "At home, with my advocate", "how_to_ask": "Phone Sam or ask my "
                                                                      "advocate"}),
    ):
        plans.entry_add(actor=sam, plan=plan, kind=ENTRY_KINDS_BY_SLUG[slug], data=data)
    plan.refresh_from_db()
    for section in SECTIONS[plan.kind]:
        unused = section in OPTIONAL_SECTIONS and section not in (Section.RISKS, Section.HEALTH)
        plan = plans.plan_section_set_status(
            actor=sam, plan=plan, version=plan.version, section=section,
            status="not_applicable" if unused else "completed")
    for move in ("prepare", "hold_conversation", "record"):
        plan = plans.TRANSITION_SERVICES[move](actor=sam, plan=plan, version=plan.version)
    plans.plan_agree(actor=sam, plan=plan, version=plan.version, agreed_by="person",
                     how="Read through at home with his advocate", agreements=Agreement.values)
    plan.refresh_from_db()
    plan_submit_for_sign_off(actor=sam, plan=plan, version=plan.version,
                             note="Harold has thought hard about this risk with his advocate")
    return 1
