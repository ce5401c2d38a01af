"""Who may do what in sign-off and appeals.

Planners submit plans and record appeals for people they can see; a commissioner gives notice
of a reduced direct payment; administrators keep their ICB's delegated authority. Deciding a
submission or an appeal is not a role permission: it follows the ICB's delegated authority
(governance/authority.py)."""

from __future__ import annotations

import rules

from ourplan.accounts.models import STAFF_ROLES, Role
from ourplan.accounts.rules import has_role, is_administrator, is_planner
from ourplan.people.rules import works_with_person

rules.add_perm("governance.submit_plan", is_planner & works_with_person)
rules.add_perm("governance.record_appeal", is_planner & works_with_person)
rules.add_perm("governance.reduce_payment", has_role(Role.COMMISSIONER) & works_with_person)
rules.add_perm("governance.configure_authority", is_administrator)
rules.add_perm("governance.view_queue", is_planner)
# Anyone but an administrator may sit in some ICB's delegated authority.
rules.add_perm("governance.view_approvals",
               has_role(*(r for r in STAFF_ROLES if r != Role.ADMINISTRATOR)))
