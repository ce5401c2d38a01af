"""Who may do what with reviews: anyone who can see the person reads them; planning roles
record triggers and circumstances and carry out reviews (the same people who change the plan,
as `plans.change_plan`)."""

from __future__ import annotations

import rules

from ourplan.accounts.rules import is_planner
from ourplan.people.rules import can_see_person, works_with_person

rules.add_perm("reviews.view_review", can_see_person)
rules.add_perm("reviews.change_review", is_planner & works_with_person)
