"""/api/v1/people: the caseload, a person, their circle and care team.

Thin: read through the selectors (scoped and audited), change through the services."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from ourplan.accounts.models import Organisation, OrganisationKind, Role, Team, User
from ourplan.api import presenters
from ourplan.api.schemas import (
    AuditPage,
    CareTeamFields,
    CareTeamMemberOut,
    CareTeamPatch,
    ContactFields,
    ContactOut,
    ContactPatch,
    ErrorOut,
    PersonCreate,
    PersonOut,
    PersonPage,
    PersonPatch,
)
from ourplan.core.views_helpers import signed_in_user
from ourplan.people import selectors, services

router = Router(tags=["people"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                          422: ErrorOut}
GP_PRACTICE_UNKNOWN = "Select a GP practice that exists"
TEAM_UNKNOWN = "Select a team that exists"
STAFF_UNKNOWN = "Select a member of staff who exists"
ORGANISATION_UNKNOWN = "Select an organisation that exists"


def _resolve(
    queryset: QuerySet[Any], value: uuid.UUID | None, field: str, message: str
) -> Model | None:
    if value is None:
        return None
    found = queryset.filter(pk=value).first()
    if found is None:
        raise ValidationError({field: message})
    return found


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """Enum members to their values, so the services see what a form would give them."""
    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(v) for v in value]
        return getattr(value, "value", value)
    return {key: plain(value) for key, value in data.items()}


def _person_data(data: dict[str, Any]) -> dict[str, Any]:
    data = _plain(data)
    if "gp_practice" in data:
        data["gp_practice"] = _resolve(
            Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE),
            data["gp_practice"], "gp_practice", GP_PRACTICE_UNKNOWN,
        )
    return data


def _care_team_data(data: dict[str, Any]) -> dict[str, Any]:
    data = _plain(data)
    lookups = (
        ("user", User.objects.filter(is_active=True).exclude(role=Role.PERSON), STAFF_UNKNOWN),
        ("team", Team.objects.all(), TEAM_UNKNOWN),
        ("organisation", Organisation.objects.all(), ORGANISATION_UNKNOWN),
    )
    for field, queryset, message in lookups:
        if field in data:
            data[field] = _resolve(queryset, data[field], field, message)
    if data.get("start_date", "") is None:
        data.pop("start_date")
    return data


@router.get("/people", response={200: PersonPage, **ERRORS})
def people_list(request: HttpRequest, q: str = "", page: int = 1) -> Any:
    """The people you may see, optionally matching a name or NHS number."""
    result = selectors.caseload_search(user=signed_in_user(request), query=q, page_number=page)
    return presenters.page_of(
        result.page, [presenters.person_summary(p) for p in result.page.object_list]
    )


@router.post("/people", response={201: PersonOut, **ERRORS})
def people_create(request: HttpRequest, payload: PersonCreate) -> Any:
    data = payload.model_dump(exclude={"team"})
    team = _resolve(Team.objects.all(), payload.team, "team", TEAM_UNKNOWN)
    person = services.person_create(actor=signed_in_user(request), data=_person_data(data),
                                    team=team)  # type: ignore[arg-type]
    return Status(201, presenters.person_detail(person))


@router.get("/people/{person_id}", response={200: PersonOut, **ERRORS})
def people_get(request: HttpRequest, person_id: str) -> Any:
    return presenters.person_detail(selectors.person_get(user=signed_in_user(request),
                                                         person_id=person_id))


@router.patch("/people/{person_id}", response={200: PersonOut, **ERRORS})
def people_update(request: HttpRequest, person_id: str, payload: PersonPatch) -> Any:  # type: ignore[valid-type]
    person = selectors.person_get(user=signed_in_user(request), person_id=person_id, purpose="edit")
    data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    version = data.pop("version")
    person = services.person_update(actor=signed_in_user(request), person=person, version=version,
                                    data=_person_data(data))
    return presenters.person_detail(person)


@router.get("/people/{person_id}/contacts", response={200: list[ContactOut], **ERRORS})
def contacts_list(request: HttpRequest, person_id: str) -> Any:
    person = selectors.person_get(user=signed_in_user(request), person_id=person_id,
                                  purpose="circle")
    return [presenters.contact(c) for c in selectors.person_circle(person=person)]


@router.post("/people/{person_id}/contacts", response={201: ContactOut, **ERRORS})
def contacts_add(request: HttpRequest, person_id: str, payload: ContactFields) -> Any:
    person = selectors.person_get(user=signed_in_user(request), person_id=person_id,
                                  purpose="add_contact")
    contact = services.personal_contact_add(actor=signed_in_user(request), person=person,
                                            data=_plain(payload.model_dump()))
    return Status(201, presenters.contact(contact))


@router.patch("/people/{person_id}/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def contacts_update(request: HttpRequest, person_id: str, contact_id: str,
                    payload: ContactPatch) -> Any:  # type: ignore[valid-type]
    user = signed_in_user(request)
    person = selectors.person_get(user=user, person_id=person_id, purpose="edit_contact")
    contact = selectors.personal_contact_get(user=user, person=person, contact_id=contact_id)
    data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    version = data.pop("version")
    contact = services.personal_contact_update(actor=user, contact=contact, version=version,
                                               data=_plain(data))
    return presenters.contact(contact)


@router.delete("/people/{person_id}/contacts/{contact_id}", response={204: None, **ERRORS})
def contacts_remove(request: HttpRequest, person_id: str, contact_id: str,
                    version: int = Query(...)) -> Any:
    user = signed_in_user(request)
    person = selectors.person_get(user=user, person_id=person_id, purpose="remove_contact")
    contact = selectors.personal_contact_get(user=user, person=person, contact_id=contact_id)
    services.personal_contact_remove(actor=user, contact=contact, version=version)
    return Status(204, None)


@router.get("/people/{person_id}/care-team", response={200: list[CareTeamMemberOut], **ERRORS})
def care_team_list(request: HttpRequest, person_id: str) -> Any:
    person = selectors.person_get(user=signed_in_user(request), person_id=person_id,
                                  purpose="care_team")
    return [presenters.care_team_member(m) for m in selectors.person_care_team(person=person)]


@router.post("/people/{person_id}/care-team", response={201: CareTeamMemberOut, **ERRORS})
def care_team_add(request: HttpRequest, person_id: str, payload: CareTeamFields) -> Any:
    person = selectors.person_get(user=signed_in_user(request), person_id=person_id,
                                  purpose="add_care_team_member")
    member = services.care_team_member_add(actor=signed_in_user(request), person=person,
                                           data=_care_team_data(payload.model_dump()))
    return Status(201, presenters.care_team_member(member))


@router.patch("/people/{person_id}/care-team/{member_id}",
              response={200: CareTeamMemberOut, **ERRORS})
def care_team_update(request: HttpRequest, person_id: str, member_id: str,
                     payload: CareTeamPatch) -> Any:  # type: ignore[valid-type]
    user = signed_in_user(request)
    person = selectors.person_get(user=user, person_id=person_id,
                                  purpose="edit_care_team_member")
    member = selectors.care_team_member_get(user=user, person=person, member_id=member_id)
    data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    version = data.pop("version")
    member = services.care_team_member_update(actor=user, member=member, version=version,
                                              data=_care_team_data(data))
    return presenters.care_team_member(member)


@router.get("/people/{person_id}/audit", response={200: AuditPage, **ERRORS})
def people_audit(request: HttpRequest, person_id: str, page: int = 1) -> Any:
    """Who has looked at or changed this person's record (administrators)."""
    _, events = selectors.person_audit_history(user=signed_in_user(request), person_id=person_id,
                                               page_number=page)
    return presenters.page_of(events, [
        {"occurred_at": e.occurred_at, "actor": e.actor_username, "action": e.action,
         "object_type": e.object_type, "object_id": e.object_id, "changes": e.changes,
         "request_id": e.request_id, "channel": e.channel}
        for e in events.object_list
    ])
