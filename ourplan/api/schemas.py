"""Request and response shapes for /api/v1. Field rules live on the models and services; these
say what the API accepts, so that OpenAPI documents it and unknown fields are refused."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Optional

from ninja import Schema
from pydantic import ConfigDict, Field, create_model

from ourplan.accounts.models import Role
from ourplan.people.choices import (
    ContactType,
    EthnicCategory,
    InformationFormat,
    MaritalStatus,
    Religion,
    RepresentativeBasis,
    Sex,
    SexualOrientation,
    YesNoPreferNot,
)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def partial(name: str, base: type[Schema], **extra: Any) -> type[Schema]:
    """The same fields as `base`, every one optional (for PATCH), plus `extra`."""
    fields: dict[str, Any] = {
        field: (Optional[info.annotation], None)  # noqa: UP045 - built at run time
        for field, info in base.model_fields.items()
    }
    fields.update(extra)
    return create_model(name, __base__=Strict, **fields)


# --- people --------------------------------------------------------------------------------

class PersonFields(Strict):
    nhs_number: str = Field(max_length=20, examples=["999 000 0018"],
                            description="10 digits; spaces and dashes are accepted")
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    preferred_name: str = Field("", max_length=100)
    date_of_birth: dt.date
    sex: Sex
    gender_identity: str = Field("", max_length=100)
    gender_same_as_sex_at_birth: YesNoPreferNot | None = None
    ethnicity: EthnicCategory | None = None
    religion: Religion | None = None
    sexual_orientation: SexualOrientation | None = None
    marital_status: MaritalStatus | None = None
    disability: YesNoPreferNot | None = None
    address_line_1: str = Field("", max_length=200)
    address_line_2: str = Field("", max_length=200)
    town: str = Field("", max_length=100)
    postcode: str = Field("", max_length=16)
    phone: str = Field("", max_length=20)
    mobile: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    first_language: str = Field("English", max_length=100)
    interpreter_needed: bool = False
    information_formats: list[InformationFormat] = Field(default_factory=list)
    communication_needs: str = ""
    gp_practice: uuid.UUID | None = Field(None, description="Id of a GP practice organisation")


class PersonCreate(PersonFields):
    team: uuid.UUID = Field(description="One of your teams: the person joins its caseload")


PersonPatch = partial("PersonPatch", PersonFields,
                      version=(int, Field(description="The version you are changing")))


class PersonSummary(Schema):
    id: uuid.UUID
    nhs_number: str
    nhs_number_display: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: dt.date


class ContactFields(Strict):
    name: str = Field(max_length=200)
    relationship: str = Field(max_length=100)
    contact_types: list[ContactType] = Field(default_factory=list)
    representative_basis: RepresentativeBasis | None = None
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = ""
    nhs_number: str = Field("", max_length=20)
    notes: str = ""


ContactPatch = partial("ContactPatch", ContactFields, version=(int, ...))


class ContactOut(Schema):
    id: uuid.UUID
    version: int
    name: str
    relationship: str
    contact_types: list[str]
    representative_basis: str
    phone: str
    email: str
    address: str
    nhs_number: str
    notes: str


class CareTeamFields(Strict):
    user: uuid.UUID | None = Field(None, description="A member of staff who uses Ourplan")
    name: str = Field("", max_length=200, description="Needed when `user` is not given")
    role: str = Field(max_length=100)
    team: uuid.UUID | None = None
    organisation: uuid.UUID | None = None
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    is_named_coordinator: bool = False


CareTeamPatch = partial("CareTeamPatch", CareTeamFields, version=(int, ...))


class CareTeamMemberOut(Schema):
    id: uuid.UUID
    version: int
    user: uuid.UUID | None
    name: str
    role: str
    team: uuid.UUID | None
    organisation: uuid.UUID | None
    phone: str
    email: str
    start_date: dt.date
    end_date: dt.date | None
    is_named_coordinator: bool


class PersonOut(PersonSummary):
    version: int
    sex: str
    gender_identity: str
    gender_same_as_sex_at_birth: str
    ethnicity: str
    religion: str
    sexual_orientation: str
    marital_status: str
    disability: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    phone: str
    mobile: str
    email: str
    first_language: str
    interpreter_needed: bool
    information_formats: list[str]
    communication_needs: str
    gp_practice: uuid.UUID | None
    circle: list[ContactOut]
    care_team: list[CareTeamMemberOut]


class PersonPage(Schema):
    items: list[PersonSummary]
    page: int
    pages: int
    total: int


# --- accounts and audit ------------------------------------------------------------------

class TeamOut(Schema):
    id: uuid.UUID
    name: str
    kind: str
    hub_model: str


class MeOut(Schema):
    username: str
    name: str
    role: Role
    organisation: str | None
    teams: list[TeamOut]


class AuditEventOut(Schema):
    occurred_at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    request_id: str
    channel: str


class AuditPage(Schema):
    items: list[AuditEventOut]
    page: int
    pages: int
    total: int


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem] = []
    current: dict[str, Any] | None = Field(
        None, description="With 409: the record as saved now, to compare with what you sent")
