"""factory_boy factories with domain arguments, shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
import nhs_number
from factory.django import DjangoModelFactory

from ourplan.accounts.models import (
    HubModel,
    Organisation,
    OrganisationKind,
    Role,
    Team,
    TeamKind,
    User,
)
from ourplan.people.models import CareTeamMember, Person, PersonalContact, TeamAllocation

PASSWORD = "correct-horse-battery-staple"


def valid_nhs_number(n: int) -> str:
    """The n-th valid NHS number in the 999 (test) range."""
    base = 999_000_000 + n
    while True:
        digits = str(base).zfill(9)[:9]
        check = nhs_number.calculate_checksum(digits)
        if check is not None and check < 10:
            return digits + str(check)
        base += 1


def valid_nhs_numbers(start: int, count: int) -> list[str]:
    """`count` distinct valid NHS numbers in the test range, from the `start`-th on."""
    numbers: list[str] = []
    n = start
    while len(numbers) < count:
        value = valid_nhs_number(n)
        if not numbers or value != numbers[-1]:
            numbers.append(value)
        n = int(value[:9]) - 999_000_000 + 1
    return numbers


class _NhsNumbers:
    """Unique valid test NHS numbers, skipping those the demo data uses."""

    def __init__(self) -> None:
        self.n = 1000

    def __call__(self, *_: Any) -> str:
        self.n += 1
        value = valid_nhs_number(self.n)
        self.n = int(value[:9]) - 999_000_000
        return value


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ICB
    ods_code = factory.Sequence(lambda n: f"T{n:05d}")


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    kind = TeamKind.SERVICE
    hub_model = ""

    class Params:
        hub = factory.Trait(kind=TeamKind.MDT_HUB, hub_model=HubModel.VIRTUAL)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    role = Role.PRACTITIONER
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def teams(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.teams.set(extracted)


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    nhs_number = factory.LazyFunction(_NhsNumbers())
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = dt.date(1950, 6, 15)
    sex = "female"
    first_language = "English"


class TeamAllocationFactory(DjangoModelFactory[TeamAllocation]):
    class Meta:
        model = TeamAllocation

    person = factory.SubFactory(PersonFactory)
    team = factory.SubFactory(TeamFactory)
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))


class CareTeamMemberFactory(DjangoModelFactory[CareTeamMember]):
    class Meta:
        model = CareTeamMember

    person = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(UserFactory)
    role = "District nurse"
    start_date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))


class PersonalContactFactory(DjangoModelFactory[PersonalContact]):
    class Meta:
        model = PersonalContact

    person = factory.SubFactory(PersonFactory)
    name = factory.Faker("name")
    relationship = "Daughter"
    contact_types = factory.LazyFunction(lambda: ["next_of_kin"])
