"""Who may do what with a personal health budget.

Planners (and the named coordinator) write the budget with the person; only a commissioner
signs it off and decides unusual requests; planners and commissioners record spending;
administrators keep the PA rates; commissioners, team managers and administrators see the
organisation's returns, which hold counts, never names."""

from __future__ import annotations

import rules

from ourplan.accounts.models import Role
from ourplan.accounts.rules import has_role, is_administrator, is_planner
from ourplan.people.rules import can_see_person, works_with_person

is_commissioner = has_role(Role.COMMISSIONER)

rules.add_perm("budgets.view_budget", can_see_person)
rules.add_perm("budgets.change_budget", is_planner & works_with_person)
rules.add_perm("budgets.sign_off_budget", is_commissioner & works_with_person)
rules.add_perm("budgets.record_payment", (is_planner | is_commissioner) & works_with_person)
rules.add_perm("budgets.change_rates", is_administrator)
rules.add_perm("budgets.view_returns",
               has_role(Role.COMMISSIONER, Role.TEAM_MANAGER, Role.ADMINISTRATOR))
