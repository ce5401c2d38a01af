"""Personal health budget returns for an organisation, counted as NHS England's quarterly PHB
data collection counts them.

For a period (usually a quarter), a person counts once if a budget of theirs that was signed
off (in force then, or since replaced) covered any day of the period, and they were allocated
to a team of the organisation. Then:
* adults are 18 or over on the last day of the period; children are under 18;
* NHS continuing healthcare counts adults whose budget is for NHS continuing healthcare;
* each way of holding the money counts the people with any of their budget held that way, so a
  person with a mixture counts under each way they use (and once under "mixture"): the ways add
  up to more than the total when some people have a mixture.
The figures are counts, never names; reading them is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from ourplan.accounts.models import Organisation
from ourplan.budgets.models import Budget, BudgetStatus, Eligibility, Holding, HoldingWay
from ourplan.people.models import Person, TeamAllocation

COLUMNS = (
    ("total", "People with a personal health budget"),
    ("adults", "Adults (18 and over)"),
    ("children", "Children (under 18)"),
    ("chc_adult", "NHS continuing healthcare (adults)"),
    ("childrens_continuing_care", "Children's continuing care"),
    ("section_117", "Section 117 after-care"),
    ("wheelchair", "Personal wheelchair budgets"),
    ("local_offer", "Local offer"),
    ("direct_payment", "Held as a direct payment"),
    ("notional", "Held as a notional budget"),
    ("third_party", "Held by a third party"),
    ("mixture", "Held in more than one way"),
)


@dataclass
class Returns:
    organisation: str
    starts_on: dt.date
    ends_on: dt.date
    counts: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.counts.get(key, 0)) for key, label in COLUMNS]


def _age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def phb_returns(*, organisation: Organisation, starts_on: dt.date, ends_on: dt.date) -> Returns:
    """The counts for one organisation and period (both days included)."""
    allocated = TeamAllocation.objects.filter(person=OuterRef("person"),
                                              team__organisation=organisation)
    budgets = (Budget.objects
               .filter(Exists(allocated),
                       status__in=[BudgetStatus.SIGNED_OFF, BudgetStatus.SUPERSEDED],
                       starts_on__lte=ends_on, ends_on__gte=starts_on)
               .values_list("id", "person_id", "eligibility"))
    people: dict[uuid.UUID, set[str]] = {}
    ways: dict[uuid.UUID, set[str]] = {}
    budget_person: dict[uuid.UUID, uuid.UUID] = {}
    for budget_id, person_id, eligibility in budgets:
        people.setdefault(person_id, set()).add(eligibility)
        budget_person[budget_id] = person_id
    for budget_id, way in Holding.objects.filter(budget_id__in=budget_person).values_list(
            "budget_id", "way"):
        ways.setdefault(budget_person[budget_id], set()).add(way)
    born = dict(Person.objects.filter(pk__in=people).values_list("id", "date_of_birth"))

    counts = dict.fromkeys((key for key, _ in COLUMNS), 0)
    for person_id, eligibilities in people.items():
        adult = _age_on(born[person_id], ends_on) >= 18
        counts["total"] += 1
        counts["adults" if adult else "children"] += 1
        for eligibility in eligibilities:
            if eligibility != Eligibility.CHC_ADULT or adult:
                counts[eligibility] += 1
        held = ways.get(person_id, set())
        for way in HoldingWay:
            counts[way.value] += way.value in held
        counts["mixture"] += len(held) > 1
    return Returns(organisation=str(organisation), starts_on=starts_on, ends_on=ends_on,
                   counts=counts)


def returns_csv(returns: Returns) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["organisation", "period_start", "period_end", "measure", "description",
                     "count"])
    for key, label, count in returns.rows():
        writer.writerow([returns.organisation, returns.starts_on.isoformat(),
                         returns.ends_on.isoformat(), key, label, count])
    return out.getvalue()
