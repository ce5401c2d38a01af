"""Role predicates (django-rules). Object-level rules that need a person live in people/rules.py."""

from __future__ import annotations

from typing import Any

import rules

from ourplan.accounts.models import Role

# Roles that plan with people and so may add and change their records.
PLANNING_ROLES = frozenset(
    {
        Role.PRACTITIONER,
        Role.NAMED_COORDINATOR,
        Role.CARE_COORDINATOR,
        Role.BROKER,
        Role.TEAM_MANAGER,
    }
)


def has_role(*roles: Role) -> Any:
    names = {r.value for r in roles}

    @rules.predicate(name=f"has_role({','.join(sorted(names))})")
    def predicate(user: Any) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in names)

    return predicate


is_planner = has_role(*PLANNING_ROLES)
is_administrator = has_role(Role.ADMINISTRATOR)
is_team_manager = has_role(Role.TEAM_MANAGER)
