"""The demo: one persona per role, people from the seed stories, safe to load twice."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ourplan.accounts.models import Organisation, OrganisationKind, Role, Team, User
from ourplan.core.models import AuditEvent
from ourplan.governance.authority import route
from ourplan.governance.models import Authority, DecisionKind
from ourplan.governance.readiness import plan_readiness
from ourplan.governance.selectors import approvals_waiting
from ourplan.people.models import Person
from ourplan.portal.models import PortalAccess
from ourplan.reviews.models import ReviewSchedule

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    counts = (Organisation.objects.count(), Team.objects.count(), User.objects.count(),
              Person.objects.count(), AuditEvent.objects.count())
    call_command("seed_demo")

    assert (Organisation.objects.count(), Team.objects.count(), User.objects.count(),
            Person.objects.count(), AuditEvent.objects.count()) == counts


def test_the_demo_has_what_the_stories_need():
    call_command("seed_demo")

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {OrganisationKind.ICB, OrganisationKind.LOCAL_AUTHORITY,
            OrganisationKind.GP_PRACTICE, OrganisationKind.VCSE} <= kinds
    assert Team.objects.filter(kind="mdt_hub", hub_model="virtual").exists()
    assert set(User.objects.filter(is_persona=True).values_list("role", flat=True)) == set(Role)

    cecilia = Person.objects.get(nhs_number="9990000018")
    assert cecilia.given_name == "Cecilia"
    circle = {c.relationship.split(" ")[0] for c in cecilia.personal_contacts.all()}
    assert {"Husband", "Daughter", "Son", "Sister"} <= circle
    assert cecilia.care_team.filter(is_named_coordinator=True).count() == 1

    mark = Person.objects.get(nhs_number="9990000026")
    representative = next(c for c in mark.personal_contacts.all()
                          if "representative" in c.contact_types)
    assert representative.representative_basis == "court_deputy"
    assert mark.care_team.exists()
    assert cecilia.plan.stage == "conversation"
    assert "fine bone china" in cecilia.plan.about_me.important
    assert cecilia.plan.working_entries.filter(kind="not_working").count() == 5
    assert cecilia.plan.outcomes.filter(text__contains="cup of tea").exists()
    assert cecilia.plan.actions.count() == 3
    assert mark.plan.stage == "preparation"
    # Linda, his deputy and nominee, has her own account for him (the portal persona).
    linda = User.objects.get(username="linda.ellison@example.com", is_persona=True)
    assert {a.capacity for a in PortalAccess.objects.of_user(linda)} == {"representative",
                                                                          "nominee"}
    assert linda.has_perm("portal.edit_own_words", mark)


def test_the_demo_icb_routes_cecilias_plan_to_its_team_manager():
    call_command("seed_demo")
    icb = Organisation.objects.get(ods_code="QRV")
    cecilia = Person.objects.get(nhs_number="9990000018")

    readiness = plan_readiness(cecilia.plan)
    rung = route(organisation=icb, decision=DecisionKind.PLAN_SIGN_OFF,
                 amount=readiness.amount, risk=readiness.risk)

    # She chooses to walk to the shop alone: medium risk, no budget, so level 2.
    assert readiness.sign_off_needed
    assert rung is not None
    assert rung.level == 2
    assert rung.roles == [Role.TEAM_MANAGER]
    assert set(Authority.objects.filter(organisation=icb).values_list(
        "decision", flat=True)) == set(DecisionKind)
    # Every plan has its review schedule; only Harold's is agreed, so only his is due.
    assert ReviewSchedule.objects.count() == Person.objects.filter(plan__isnull=False).count()
    assert list(ReviewSchedule.objects.filter(due_on__isnull=False).values_list(
        "person__given_name", flat=True)) == ["Harold"]
    # Harold's plan waits for the team manager, so the queues have something to show.
    helen = User.objects.get(username="helen.price")
    assert [s.person.given_name for s in approvals_waiting(user=helen)] == ["Harold"]


def test_the_healthcheck_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
