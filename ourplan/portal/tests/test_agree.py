"""The person agrees their plan themselves: once it is ready, they read it and tick each statement
that applies (that the direct payment covers the full cost only when there is one); a plan that
changed while they read it is not agreed unseen; a representative who may decide for them agrees
as their representative; nobody else can; the coordinator is told; sign-off then sees it agreed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ourplan.core.errors import NotAllowed
from ourplan.core.models import AuditEvent
from ourplan.governance.readiness import plan_readiness
from ourplan.notifications.models import Message
from ourplan.people.choices import RepresentativeBasis
from ourplan.plans import services as plan_services
from ourplan.plans.models import AgreedBy, Agreement, PlanVersion
from ourplan.portal import services
from ourplan.testing import governance as gov
from ourplan.testing.factories import UserFactory
from ourplan.testing.portal import (
    circle_member_of,
    nominee_of,
    portal_user,
    representative_of,
    the_person,
)

pytestmark = pytest.mark.django_db

WITHOUT_PAYMENT = ["needs_met", "reviewed", "sharing"]


@pytest.fixture
def coordinator(person):
    return gov.named_coordinator(person, user=UserFactory(email="sam@nhs.net")).user


@pytest.fixture
def plan(planner, person, coordinator):
    """Ready to agree: at record and agree, every section done, never agreed."""
    return gov.ready_plan(planner, person, agree=False)


def _agree_url(person):
    return reverse("portal:agree", kwargs={"person_id": person.pk})


def _person_url(person):
    return reverse("portal:person", kwargs={"person_id": person.pk})


def _post(client, person, plan, agreements=WITHOUT_PAYMENT, version=None, read=None):
    return client.post(_agree_url(person), {
        "version": version or plan.version, "agreements": agreements,
        "read": read or plan_services.plan_fingerprint(plan)})


def test_the_person_is_told_the_plan_is_ready_and_agrees_it(client, person, plan, coordinator):
    me = the_person(person)
    client.force_login(me)

    page = client.get(_person_url(person)).content.decode()
    form = client.get(_agree_url(person)).content.decode()
    response = _post(client, person, plan)

    assert "The plan is ready to agree" in page
    assert _agree_url(person) in page
    for agreement in WITHOUT_PAYMENT:
        assert f'value="{agreement}"' in form
    assert 'value="payment_sufficient"' not in form  # no direct payment in this plan
    assert response.status_code == 302
    assert response["Location"] == _person_url(person)
    agreed = PlanVersion.objects.get(plan=plan)
    assert (agreed.number, agreed.agreed_by, agreed.agreed_by_name, agreed.recorded_by,
            agreed.representative) == (1, AgreedBy.PERSON, person.full_name, me, None)
    assert agreed.how == "Agreed online in Ourplan"
    assert sorted(agreed.agreements) == sorted(WITHOUT_PAYMENT)
    assert AuditEvent.objects.filter(action="plan.agreed", actor=me, person=person).exists()
    told = Message.objects.get(key=f"portal.plan_agreed.{agreed.pk}")
    assert coordinator.email in told.recipients
    assert "agreed version 1" in told.body
    after = client.get(_person_url(person)).content.decode()
    assert "The plan is agreed (version 1)" in after
    assert "The plan is ready to agree" not in after


def test_once_agreed_by_the_person_the_agreement_is_complete_for_sign_off(client, person, plan):
    client.force_login(the_person(person))

    _post(client, person, plan)

    agreement = next(g for g in plan_readiness(plan).groups if g.key == "agreement")
    assert agreement.passed, [i.label for i in agreement.items if not i.passed]


def test_a_direct_payment_plan_needs_the_payment_statement_too(client, planner, person,
                                                               coordinator):
    plan, _ = gov.direct_payment_plan(planner, person, agree=False)
    client.force_login(the_person(person))

    form = client.get(_agree_url(person)).content.decode()
    short = _post(client, person, plan)
    agreed = _post(client, person, plan, agreements=[*WITHOUT_PAYMENT, "payment_sufficient"])

    assert 'value="payment_sufficient"' in form
    assert short.status_code == 400
    assert "Tick each statement to agree the plan" in short.content.decode()
    assert agreed.status_code == 302
    assert "payment_sufficient" in PlanVersion.objects.get(plan=plan).agreements


@pytest.mark.parametrize("agreements", [[], ["needs_met"], ["needs_met", "reviewed"]])
def test_every_statement_must_be_ticked_and_nothing_is_agreed_until_it_is(client, person, plan,
                                                                          agreements):
    client.force_login(the_person(person))

    response = _post(client, person, plan, agreements=agreements)

    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_agreements' in body  # in the error summary, linked to the field
    assert "Tick each statement to agree the plan" in body
    assert not PlanVersion.objects.filter(plan=plan).exists()


def test_a_statement_that_is_not_offered_is_refused(client, person, plan):
    client.force_login(the_person(person))

    response = _post(client, person, plan, agreements=[*WITHOUT_PAYMENT, "payment_sufficient"])

    assert response.status_code == 400
    assert "Tick only the statements listed" in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_a_plan_changed_while_they_read_it_is_not_agreed_unseen(client, planner, person, plan):
    client.force_login(the_person(person))
    read = plan_services.plan_fingerprint(plan)
    plan_services.about_me_update(actor=planner, plan=plan, version=plan.about_me.version,
                                  data={"important": "My family, my garden and my dog"})
    plan.refresh_from_db()

    response = _post(client, person, plan, read=read)

    assert response.status_code == 302
    assert response["Location"] == _person_url(person)
    assert not PlanVersion.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "The plan changed while you were reading it" in page


def test_before_the_plan_is_ready_there_is_nothing_to_agree(client, planner, person):
    plan = plan_services.plan_start(actor=planner, person=person)
    client.force_login(the_person(person))

    page = client.get(_person_url(person)).content.decode()
    form = client.get(_agree_url(person))
    posted = _post(client, person, plan)

    assert "The plan is ready to agree" not in page
    assert "There is nothing to agree at the moment" in form.content.decode()
    assert posted.status_code == 200
    assert not PlanVersion.objects.exists()


def test_an_agreed_plan_with_nothing_new_has_nothing_to_agree(client, planner, person):
    plan = gov.ready_plan(planner, person)
    client.force_login(the_person(person))

    _post(client, person, plan)

    assert PlanVersion.objects.filter(plan=plan).count() == 1
    assert "nothing to agree" in client.get(_agree_url(person)).content.decode()


def test_a_representative_who_may_decide_agrees_as_their_representative(client, person, plan):
    deputy = representative_of(person, basis=RepresentativeBasis.COURT_DEPUTY)
    client.force_login(deputy)

    form = client.get(_agree_url(person)).content.decode()
    _post(client, person, plan)

    assert "as their representative" in form
    agreed = PlanVersion.objects.get(plan=plan)
    contact = deputy.portal_accesses.get().contact
    assert (agreed.agreed_by, agreed.representative, agreed.agreed_by_name,
            agreed.recorded_by) == (AgreedBy.REPRESENTATIVE, contact, contact.name, deputy)
    assert agreed.how == f"Agreed online in Ourplan by {contact.name}, their representative"


@pytest.mark.parametrize("who", ["other representative", "family", "nominee"])
def test_nobody_else_can_agree_it(client, person, plan, who):
    user = {"other representative": lambda: representative_of(person,
                                                              basis=RepresentativeBasis.OTHER),
            "family": lambda: circle_member_of(person)[0],
            "nominee": lambda: nominee_of(person)}[who]()
    client.force_login(user)
    # A nominee sees only the budget, so the plan's pages are not there for them at all.
    refused = 404 if who == "nominee" else 403

    assert "The plan is ready to agree" not in client.get(_person_url(person),
                                                          follow=True).content.decode()
    assert client.get(_agree_url(person)).status_code == refused
    assert _post(client, person, plan).status_code == refused
    assert not PlanVersion.objects.exists()
    with pytest.raises(NotAllowed):
        services.own_plan_agree(actor=user, plan=plan, version=plan.version, read="",
                                agreements=WITHOUT_PAYMENT)


def test_someone_elses_plan_is_not_found(client, person, plan, stranger):
    client.force_login(the_person(stranger))

    assert client.get(_agree_url(person)).status_code == 404
    assert _post(client, person, plan).status_code == 404
    assert not PlanVersion.objects.exists()
    assert AuditEvent.objects.filter(action="person.access_refused",
                                     object_id=str(person.pk)).exists()


def test_staff_record_agreement_on_their_own_page_not_this_one(client, planner, person, plan):
    client.force_login(planner)

    assert client.get(_agree_url(person)).status_code == 404
    with pytest.raises(NotAllowed):
        services.own_plan_agree(actor=planner, plan=plan, version=plan.version, read="",
                                agreements=WITHOUT_PAYMENT)


def test_the_service_takes_exactly_the_statements_that_apply(person, plan):
    me = the_person(person)

    for wrong in ([], ["needs_met", "reviewed", "sharing", "payment_sufficient"],
                  ["needs_met", "reviewed", "sharing", "anything"]):
        with pytest.raises(ValidationError) as refused:
            services.own_plan_agree(actor=me, plan=plan, version=plan.version,
                                    read=plan_services.plan_fingerprint(plan), agreements=wrong)
        assert "agreements" in refused.value.message_dict
    assert not PlanVersion.objects.exists()
    assert set(WITHOUT_PAYMENT) == {a.value for a in Agreement} - {"payment_sufficient"}


def test_a_portal_account_that_is_nobodys_cannot_agree(client, person, plan):
    client.force_login(portal_user())

    assert client.get(_agree_url(person)).status_code == 404
    assert not PlanVersion.objects.exists()


def test_a_forged_or_missing_read_mark_agrees_nothing(client, person, plan):
    client.force_login(the_person(person))

    forged = _post(client, person, plan, read="0" * 64)
    missing = client.post(_agree_url(person), {"version": plan.version,
                                               "agreements": WITHOUT_PAYMENT})

    assert forged.status_code == 302  # back to read the plan again
    assert missing.status_code == 400
    assert not PlanVersion.objects.exists()
