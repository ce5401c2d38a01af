"""Proposals: the person proposes a change to a part of the plan that is not theirs alone; their
coordinator accepts it or declines it with a reason; the person sees the answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ourplan.core.errors import NotAllowed, NotFound, StaleVersion
from ourplan.core.models import AuditEvent
from ourplan.notifications.models import Message
from ourplan.people.choices import RepresentativeBasis
from ourplan.portal import services
from ourplan.portal.models import ChangeProposal, ProposalStatus
from ourplan.testing import governance as gov
from ourplan.testing.factories import UserFactory
from ourplan.testing.portal import (
    circle_member_of,
    grant,
    nominee_of,
    representative_of,
    the_person,
)

pytestmark = pytest.mark.django_db

IDEA = "I would like my daughter to be the one to call if my carer is ill"


@pytest.fixture
def plan(planner, person):
    gov.named_coordinator(person, user=UserFactory(email="sam@nhs.net"))
    return gov.ready_plan(planner, person)


@pytest.fixture
def proposal(person, plan):
    return services.proposal_make(actor=the_person(person, user=None), plan=plan,
                                  section="contingency", text=IDEA)


def _propose_url(person):
    return reverse("portal:propose", kwargs={"person_id": person.pk})


def test_given_the_person_when_they_propose_a_change_then_it_waits_for_the_coordinator(
        client, person, plan):
    user = the_person(person)
    client.force_login(user)

    page = client.get(_propose_url(person) + "?section=contingency")
    response = client.post(_propose_url(person), {"section": "contingency", "text": IDEA})

    assert page.status_code == 200
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get(person=person)
    assert (proposal.plan, proposal.section, proposal.text, proposal.proposed_by,
            proposal.status) == (plan, "contingency", IDEA, user, ProposalStatus.OPEN)
    assert AuditEvent.objects.filter(action="portal.proposal_made", actor=user).exists()
    assert Message.objects.get(key=f"portal.proposal_made.{proposal.pk}").recipients \
        == ["sam@nhs.net"]
    body = client.get(reverse("portal:person", kwargs={"person_id": person.pk})) \
        .content.decode()
    assert IDEA in body
    assert "Waiting for your coordinator" in body


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"section": "contingency", "text": ""}, "text", "Say what you would like changed"),
    ({"section": "contingency", "text": "x" * 2001}, "text",
     "Keep it to 2,000 characters or fewer"),
    ({"section": "", "text": IDEA}, "section",
     "Select which part of your plan you would like changed"),
    ({"section": "budgets", "text": IDEA}, "section",
     "Select which part of your plan you would like changed"),
])
def test_given_bad_input_when_the_person_proposes_then_the_message_is_beside_the_field(
        client, person, plan, data, field, message):
    client.force_login(the_person(person))

    response = client.post(_propose_url(person), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ChangeProposal.objects.exists()


def test_given_a_wellbeing_plan_when_proposing_for_a_section_it_does_not_have_then_refused(
        person, planner):
    from ourplan.plans import services as plan_services

    plan = plan_services.plan_start(actor=planner, person=person, kind="wellbeing")

    with pytest.raises(ValidationError) as refused:
        services.proposal_make(actor=the_person(person), plan=plan, section="risks", text=IDEA)

    assert "section" in refused.value.message_dict


def test_given_a_representative_on_another_basis_then_they_may_propose(person, plan):
    user = representative_of(person, basis=RepresentativeBasis.OTHER)

    proposal = services.proposal_make(actor=user, plan=plan, section="outcomes", text=IDEA)

    assert proposal.proposed_by == user


def test_given_a_circle_member_then_they_may_not_propose(client, person, plan):
    user, _ = circle_member_of(person)
    client.force_login(user)

    with pytest.raises(NotAllowed):
        services.proposal_make(actor=user, plan=plan, section="outcomes", text=IDEA)
    assert client.get(_propose_url(person)).status_code == 403


def test_given_a_nominee_then_proposing_is_not_found(client, person, plan):
    user = nominee_of(person)
    client.force_login(user)

    with pytest.raises(NotFound):
        services.proposal_make(actor=user, plan=plan, section="outcomes", text=IDEA)
    assert client.get(_propose_url(person)).status_code == 404


def test_given_an_open_proposal_when_the_person_withdraws_it_then_it_is_withdrawn(
        client, person, proposal):
    client.force_login(proposal.proposed_by)

    response = client.post(reverse("portal:proposal_withdraw", kwargs={
        "person_id": person.pk, "proposal_id": proposal.pk}), {"version": proposal.version})

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="portal.proposal_withdrawn").exists()


def test_given_a_planner_when_they_accept_then_the_person_sees_it_accepted(
        client, person, proposal, planner):
    client.force_login(planner)

    response = client.post(reverse("portal_requests:proposal_accept", kwargs={
        "person_id": person.pk, "proposal_id": proposal.pk}),
        {"version": proposal.version, "reason": "I have added Ann to the plan"})

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.reason) == (
        ProposalStatus.ACCEPTED, planner, "I have added Ann to the plan")
    assert proposal.decided_at is not None
    client.force_login(proposal.proposed_by)
    body = client.get(reverse("portal:person", kwargs={"person_id": person.pk})) \
        .content.decode()
    assert "Accepted" in body
    assert "I have added Ann to the plan" in body
    assert "Withdraw" not in body


def test_given_a_planner_when_they_decline_without_a_reason_then_they_are_asked_for_one(
        client, person, proposal, planner):
    client.force_login(planner)
    url = reverse("portal_requests:proposal_decline", kwargs={
        "person_id": person.pk, "proposal_id": proposal.pk})

    missing = client.post(url, {"version": proposal.version, "reason": ""})
    declined = client.post(url, {"version": proposal.version,
                                 "reason": "Your daughter lives abroad"})

    assert missing.status_code == 400
    assert "Say why, so the person understands the decision" in missing.content.decode()
    assert declined.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.reason == "Your daughter lives abroad"
    client.force_login(proposal.proposed_by)
    body = client.get(reverse("portal:person", kwargs={"person_id": person.pk})) \
        .content.decode()
    assert "Declined" in body
    assert "Why: Your daughter lives abroad" in body


def test_given_the_service_when_declining_without_a_reason_then_refused(proposal, planner):
    with pytest.raises(ValidationError) as refused:
        services.proposal_decline(actor=planner, proposal=proposal, version=1, reason="  ")

    assert "reason" in refused.value.message_dict


def test_given_an_answered_proposal_then_it_cannot_be_answered_or_withdrawn_again(
        proposal, planner, person):
    services.proposal_accept(actor=planner, proposal=proposal, version=1)

    with pytest.raises(ValidationError):
        services.proposal_decline(actor=planner, proposal=proposal, version=2, reason="No")
    with pytest.raises(ValidationError):
        services.proposal_withdraw(actor=proposal.proposed_by, proposal=proposal, version=2)


def test_given_a_stale_version_when_answering_then_refused(proposal, planner):
    services.proposal_withdraw(actor=proposal.proposed_by, proposal=proposal, version=1)

    with pytest.raises(StaleVersion):
        services.proposal_accept(actor=planner, proposal=proposal, version=1)


def test_given_staff_shared_with_by_consent_then_they_may_not_answer(proposal, person):
    reader = UserFactory(role="practitioner")
    grant(person, staff=reader)

    with pytest.raises(NotAllowed):
        services.proposal_accept(actor=reader, proposal=proposal, version=1)


def test_given_the_person_then_they_may_not_answer_their_own_proposal(client, proposal,
                                                                       person):
    with pytest.raises(NotAllowed):
        services.proposal_accept(actor=proposal.proposed_by, proposal=proposal, version=1)
    client.force_login(proposal.proposed_by)
    assert client.get(reverse("portal_requests:list", kwargs={"person_id": person.pk})) \
        .status_code == 404


def test_given_staff_with_no_relationship_then_proposals_are_not_found(proposal, stranger):
    outsider = UserFactory(role="practitioner")

    with pytest.raises(NotFound):
        services.proposal_accept(actor=outsider, proposal=proposal, version=1)
