"""Who may do what with a plan: anyone who can see the person reads it; planning roles change it."""

from __future__ import annotations

import rules

from ourplan.accounts.rules import is_planner
from ourplan.people.rules import can_see_person, works_with_person

rules.add_perm("plans.view_plan", can_see_person)
rules.add_perm("plans.change_plan", is_planner & works_with_person)
