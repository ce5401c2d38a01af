"""Records as API responses."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page

from ourplan.core.nhs_numbers import format_nhs_number
from ourplan.people import selectors
from ourplan.people.models import CareTeamMember, Person, PersonalContact


def person_summary(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk, "nhs_number": person.nhs_number,
        "nhs_number_display": format_nhs_number(person.nhs_number),
        "given_name": person.given_name, "family_name": person.family_name,
        "preferred_name": person.preferred_name, "date_of_birth": person.date_of_birth,
    }


def contact(c: PersonalContact) -> dict[str, Any]:
    return {
        "id": c.pk, "version": c.version, "name": c.name, "relationship": c.relationship,
        "contact_types": list(c.contact_types), "representative_basis": c.representative_basis,
        "phone": c.phone, "email": c.email, "address": c.address, "nhs_number": c.nhs_number,
        "notes": c.notes,
    }


def care_team_member(m: CareTeamMember) -> dict[str, Any]:
    return {
        "id": m.pk, "version": m.version, "user": m.user_id, "name": m.display_name,
        "role": m.role, "team": m.team_id, "organisation": m.organisation_id, "phone": m.phone,
        "email": m.email, "start_date": m.start_date, "end_date": m.end_date,
        "is_named_coordinator": m.is_named_coordinator,
    }


def person_detail(person: Person) -> dict[str, Any]:
    fields = (
        "version", "sex", "gender_identity", "gender_same_as_sex_at_birth", "ethnicity",
        "religion", "sexual_orientation", "marital_status", "disability", "address_line_1",
        "address_line_2", "town", "postcode", "phone", "mobile", "email", "first_language",
        "interpreter_needed", "communication_needs",
    )
    return {
        **person_summary(person),
        **{name: getattr(person, name) for name in fields},
        "information_formats": list(person.information_formats),
        "gp_practice": person.gp_practice_id,
        "circle": [contact(c) for c in selectors.person_circle(person=person)],
        "care_team": [care_team_member(m) for m in selectors.person_care_team(person=person)],
    }


def page_of(page: Page[Any], items: list[Any]) -> dict[str, Any]:
    return {"items": items, "page": page.number, "pages": page.paginator.num_pages,
            "total": page.paginator.count}
