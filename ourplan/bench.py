"""Benchmarks: query counts and timings of the busiest pages as the data grows.

Run with `make bench`. Uses a throw-away SQLite database (or the one DATABASE_URL names, which it
migrates and fills: never point it at real data). Reports; it does not fail on times.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ourplan.config.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def _measure(client: Any, url: str, repeats: int = 20) -> tuple[int, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Once first, so what is counted is the page itself, not a session's idle clock moving on
    # (a portal session's is moved at most once a minute).
    client.get(url)
    connection.queries_log.clear()  # the log is a bounded deque: start it empty
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx.captured_queries)  # read now: the next request clears the log
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    return queries, statistics.median(times), p95


def main() -> int:
    _setup()
    from django.core.management import call_command
    from django.test import Client

    from ourplan.accounts.models import Role
    from ourplan.people.models import CareTeamMember, Person, PersonalContact, TeamAllocation
    from ourplan.testing.factories import TeamFactory, UserFactory, valid_nhs_numbers

    call_command("migrate", verbosity=0, interactive=False)
    team = TeamFactory.create(hub=True)
    user = UserFactory.create(role=Role.PRACTITIONER, organisation=team.organisation, teams=[team])
    client = Client()
    client.force_login(user)

    print(f"{'people':>7} {'page':<24} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    made = 0
    sizes = (100, 1_000, 10_000)
    numbers = valid_nhs_numbers(100_000, sizes[-1])
    plan_person = None
    for size in sizes:
        people = [
            Person(nhs_number=numbers[i], given_name=f"Given{i}",
                   family_name=f"Family{i:05d}", date_of_birth="1950-01-01", sex="female")
            for i in range(made, size)
        ]
        Person.objects.bulk_create(people)
        TeamAllocation.objects.bulk_create(
            [TeamAllocation(person=p, team=team, start_date="2020-01-01") for p in people]
        )
        PersonalContact.objects.bulk_create(
            [PersonalContact(person=p, name="Contact", relationship="Friend") for p in people]
        )
        CareTeamMember.objects.bulk_create(
            [CareTeamMember(person=p, name="Dr Example", role="GP", start_date="2020-01-01")
             for p in people]
        )
        made = size
        sample = Person.objects.order_by("family_name").first()
        assert sample is not None
        if plan_person is None:
            plan_person = sample
            _full_plan(user, sample)
            person_client = Client()
            person_client.force_login(_own_account(plan_person))
        for label, url in (
            ("caseload", "/people/"),
            ("caseload search", "/people/?q=Family00042"),
            ("caseload last page", f"/people/?page={(size + 19) // 20}"),
            ("person page", f"/people/{sample.pk}/"),
            ("plan page", f"/people/{plan_person.pk}/plan/"),
            ("plan outcomes page", f"/people/{plan_person.pk}/plan/outcomes/"),
            ("plan API read", f"/api/v1/people/{plan_person.pk}/plan"),
            ("plan PDF export", f"/people/{plan_person.pk}/plan/export/pdf/"),
            ("budget sheet", f"/people/{plan_person.pk}/plan/budget/"),
            ("budget spending", f"/people/{plan_person.pk}/plan/budget/spending/"),
            ("budget API read", f"/api/v1/people/{plan_person.pk}/plan/budget"),
            ("sign-off page", f"/people/{plan_person.pk}/plan/sign-off/"),
            ("reviews page", f"/people/{plan_person.pk}/plan/reviews/"),
            ("my teams' work queue", "/work/?whose=team"),
            ("decisions waiting", "/approvals/"),
            ("panel decisions", "/panels/"),
        ):
            queries, median, worst = _measure(client, url)
            print(f"{size:>7} {label:<24} {queries:>7} {median:>10.1f} {worst:>8.1f}")
        # The person's own pages, signed in as them.
        for label, url in (
            ("my plan (the person)", f"/my/{plan_person.pk}/"),
            ("who can see my plan", f"/my/{plan_person.pk}/sharing/"),
            ("who has looked", f"/my/{plan_person.pk}/who-has-looked/"),
            ("my downloads", f"/my/{plan_person.pk}/download/"),
            ("my large print PDF", f"/my/{plan_person.pk}/download/large-print/"),
        ):
            queries, median, worst = _measure(person_client, url)
            print(f"{size:>7} {label:<24} {queries:>7} {median:>10.1f} {worst:>8.1f}")
    return 0


def _own_account(person: Any) -> Any:
    """The person's own portal account, sharing their plan with their daughter."""
    from ourplan.testing.portal import circle_member_of, the_person

    account = the_person(person)
    circle_member_of(person)
    return account


def _full_plan(user: Any, person: Any) -> None:
    """A plan the size of a real one: ten outcomes with actions, entries in every section."""
    from ourplan.plans import services
    from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG

    plan = services.plan_start(actor=user, person=person)
    for i in range(10):
        outcome = services.outcome_add(actor=user, plan=plan, data={
            "text": f"I go to the shops on my own {i + 1} times a week"})
        for j in range(3):
            services.action_add(actor=user, plan=plan, data={
                "outcome": outcome, "what": f"Step {j + 1}", "owner_kind": "person"})
        services.working_entry_add(actor=user, plan=plan,
                                   data={"kind": "working", "text": f"Thing {i}"})
        services.entry_add(actor=user, plan=plan, kind=ENTRY_KINDS_BY_SLUG["risks"], data={
            "description": f"Risk {i}", "kind": "personal", "approach": "take"})
    _budget(user, plan)


def _budget(user: Any, plan: Any) -> None:
    """A signed-off budget of twenty lines (PAs among them) with a year of weekly payments."""
    import datetime as dt
    from decimal import Decimal

    from ourplan.accounts.models import Role
    from ourplan.budgets import services
    from ourplan.testing.factories import UserFactory

    start = dt.date.today().replace(day=1) - dt.timedelta(days=360)
    budget = services.budget_start(actor=user, plan=plan, data={
        "eligibility": "chc_adult", "starts_on": start, "final_amount": Decimal("500000.00")})
    holding = services.holding_add(actor=user, budget=budget, version=budget.version, data={
        "way": "notional", "amount": Decimal("500000.00"), "accountable": "The ICB"})
    outcomes = list(plan.outcomes.all())
    for i in range(20):
        budget.refresh_from_db()
        pa = i % 4 == 0
        services.cost_line_add(actor=user, budget=budget, version=budget.version, data={
            "outcome": outcomes[i % len(outcomes)], "item": f"Support {i}",
            "category": "pa_employment" if pa else "activity", "holding": holding,
            "unit_cost": Decimal("14.00") if pa else Decimal("25.00"),
            "quantity": Decimal("10"), "frequency": "weekly"})
    budget.refresh_from_db()
    commissioner = UserFactory.create(role=Role.COMMISSIONER, organisation=user.organisation,
                                      teams=list(user.teams.all()))
    budget = services.budget_sign_off(actor=commissioner, budget=budget, version=budget.version)
    lines = list(budget.lines.all())
    for week in range(50):
        services.payment_record(actor=user, budget=budget, data={
            "line": lines[week % len(lines)], "paid_on": start + dt.timedelta(days=7 * week),
            "amount": Decimal("250.00")})


if __name__ == "__main__":
    sys.exit(main())
