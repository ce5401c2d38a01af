"""/api/v1/me: who the caller is."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from ourplan.api.schemas import MeOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    user: Any = request.user
    return {
        "username": user.username, "name": user.display_name, "role": user.role,
        "organisation": user.organisation.name if user.organisation else None,
        "teams": [{"id": t.pk, "name": t.name, "kind": t.kind, "hub_model": t.hub_model}
                  for t in user.teams.all()],
    }
