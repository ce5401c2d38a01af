"""The demo ICB's delegated authority, after the example matrix in summary guide Annex F §10.5:
decisions as close to the person as the money and the risk allow."""

from __future__ import annotations

from decimal import Decimal

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
