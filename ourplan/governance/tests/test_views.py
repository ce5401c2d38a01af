"""The sign-off pages: each renders for the people who use it; a failed submission shows what is
missing; the decision form only for someone with the authority; bad input shows its message
beside the field (400), never a 500; a person outside the user's care is a 404 on every page
about them; lists cost the same queries however long they are."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ourplan.accounts.models import STAFF_ROLES, OrganisationKind, Role
from ourplan.budgets import services as budget_services
from ourplan.core.models import AuditEvent
from ourplan.governance import services
from ourplan.governance.models import (
    Appeal,
    AppealOutcome,
    Authority,
    PaymentReduction,
    Submission,
    SubmissionStatus,
)
from ourplan.plans import services as plan_services
from ourplan.testing import budgets as make_budget
from ourplan.testing import governance as make
from ourplan.testing.factories import (
    OrganisationFactory,
    TeamAllocationFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOT_A_UUID = "not-a-uuid"


@pytest.fixture
def icb(planner):
    return planner.organisation


@pytest.fixture
def rungs(icb):
    return make.matrix(icb)


@pytest.fixture
def manager(planner, rungs):
    return make.approver(planner, Role.TEAM_MANAGER)


@pytest.fixture
def director(icb, rungs):
    """A clinical director of the ICB who is on no team: only the rung links them to people."""
    return UserFactory(role=Role.CLINICAL_DIRECTOR, organisation=icb)


@pytest.fixture
def commissioner(planner, rungs):
    return make.approver(planner, Role.COMMISSIONER)


@pytest.fixture
def administrator(planner):
    return make.approver(planner, Role.ADMINISTRATOR)


@pytest.fixture
def outsider(db):
    return UserFactory(role=Role.PRACTITIONER, teams=[TeamFactory()])


@pytest.fixture
def plan(planner, person, rungs):
    return make.ready_plan(planner, person)


@pytest.fixture
def submitted(planner, plan):
    return services.plan_submit_for_sign_off(actor=planner, plan=plan, version=plan.version)


@pytest.fixture
def refused(manager, submitted):
    return services.submission_refuse(actor=manager, submission=submitted,
                                      version=submitted.version, reasons="Too risky for now",
                                      alternatives="A pendant alarm")


@pytest.fixture
def appeal(planner, refused):
    return services.appeal_lodge(actor=planner, person=refused.person, data={
        "kind": "refused_plan", "submission": refused, "asked_by": "person",
        "grounds": "I want to choose my own risks"})


@pytest.fixture
def holding(planner, commissioner, person):
    return make.signed_off_direct_payment(planner, commissioner, person)[1]


@pytest.fixture
def reduction(commissioner, holding):
    return services.direct_payment_reduce(
        actor=commissioner, holding=holding, new_amount="80.00", reasons="Fewer hours",
        takes_effect_on=timezone.localdate() + dt.timedelta(days=28))


def _as(client, user):
    client.force_login(user)
    return client


def _url(name, person, **kwargs):
    return reverse(f"governance:{name}", kwargs={"person_id": person.pk, **kwargs})


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _error_beside(body, field):
    """The message shown beside a field (NHS.UK error message), or None."""
    found = re.search(rf'id="id_{field}-error"\s*>\s*<span class="nhsuk-u-visually-hidden">'
                      r"Error: </span>(.*?)\s*</span>", body, re.S)
    return html.unescape(" ".join(found.group(1).split())) if found else None


def _summary(body):
    found = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', body, re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())) \
        if found else ""


def _text(response):
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


# --- the overview and submitting ---------------------------------------------------------------

def test_given_a_ready_plan_then_the_overview_shows_every_item_done_and_where_it_would_go(
        client, planner, person, plan, icb):
    response = _as(client, planner).get(_url("overview", person))

    body = response.content.decode()
    assert response.status_code == 200
    # 16 items; "a review is arranged" is asked in two groups
    assert body.count('class="readiness-item"') == 17
    assert "Missing</strong>" not in body
    assert f"It would go to level 2 in {icb.name}." in _text(response)
    assert reverse("governance:submit", kwargs={"person_id": person.pk}) in body
    assert "Nothing has been submitted yet." in body
    assert AuditEvent.objects.filter(action="person.viewed", person=person,
                                     changes__purpose="sign_off").exists()


def test_given_a_plan_not_ready_then_each_missing_item_links_to_where_to_fix_it(
        client, planner, person, rungs):
    make.ready_plan(planner, person, agree=False)

    body = _as(client, planner).get(_url("overview", person)).content.decode()

    assert body.count("Missing</strong>") == 4
    assert reverse("plans:agree", kwargs={"person_id": person.pk}) in body
    assert "Record the person&#39;s agreement to the plan as it is now" in body


def test_given_no_delegated_authority_then_the_overview_says_nobody_is_set_up(
        client, planner, person, icb):
    make.ready_plan(planner, person)

    text = _text(_as(client, planner).get(_url("overview", person)))

    assert f"No one in {icb.name} is set up to sign off a plan like this yet." in text


def test_given_someone_who_does_not_plan_then_the_overview_shows_no_submit_form(
        client, person, plan, commissioner):
    response = _as(client, commissioner).get(_url("overview", person))

    assert response.status_code == 200
    assert reverse("governance:submit", kwargs={"person_id": person.pk}) not in (
        response.content.decode())


def test_given_a_submission_then_it_goes_to_its_level_and_the_overview_says_it_waits(
        client, planner, person, plan):
    response = _as(client, planner).post(_url("submit", person), {
        "version": plan.version, "note": "She has thought hard about this"})

    assert response.status_code == 302
    assert response.url == _url("overview", person)
    submission = Submission.objects.get()
    assert (submission.level, submission.note) == (2, "She has thought hard about this")
    text = _text(client.get(_url("overview", person)))
    assert "Submitted for sign-off at level 2" in text
    assert "waiting for a decision at level 2" in text


def test_given_a_plan_that_is_not_ready_then_the_submission_is_refused_with_the_list(
        client, planner, person, rungs):
    plan = make.ready_plan(planner, person, agree=False)

    response = _as(client, planner).post(_url("submit", person), {"version": plan.version})

    body = response.content.decode()
    assert response.status_code == 400
    assert "The plan is not ready to be submitted" in _summary(body)
    callout = re.search(r'id="not-ready">(.*?)</div>', body, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", callout) == [
        "Record the person&#39;s agreement to the plan as it is now",
        "Record that they agree: The support in the plan meets my needs",
        "Record that they agree: My plan will be reviewed, and my needs may be assessed again",
        "Record that they agree: My information may be shared with the people and services "
        "who deliver my plan"]
    assert not Submission.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({}, "This field is required."),
    ({"version": "abc"}, "Enter a whole number."),
    ({"version": "0"}, None),
    ({"version": "99999999999999999999999"}, None),
    ({"version": "2", "note": "x" * 2001}, "Keep the note to 2,000 characters or fewer"),
])
def test_given_junk_then_the_submission_is_refused_without_an_error_page(
        client, planner, person, plan, data, message):
    response = _as(client, planner).post(_url("submit", person), data)

    assert response.status_code == 400
    if message:
        assert message in _summary(response.content.decode())
    assert not Submission.objects.exists()


def test_given_a_stale_version_then_the_submission_says_someone_else_changed_it(
        client, planner, person, plan):
    response = _as(client, planner).post(_url("submit", person), {"version": plan.version - 1})

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()


def test_given_a_submission_already_waiting_then_a_second_is_refused_with_a_message(
        client, planner, person, plan, submitted):
    response = _as(client, planner).post(_url("submit", person), {"version": plan.version})

    assert response.status_code == 400
    assert services.ALREADY_WAITING in _summary(response.content.decode())


def test_given_someone_who_does_not_plan_then_submitting_is_forbidden(
        client, person, plan, commissioner):
    response = _as(client, commissioner).post(_url("submit", person), {"version": plan.version})

    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_submitting_is_only_by_post(client, planner, person, plan):
    assert _as(client, planner).get(_url("submit", person)).status_code == 405


# --- the submission and the decision ----------------------------------------------------------

def test_given_an_approver_at_the_level_then_they_see_the_plan_and_the_decision_form(
        client, manager, person, submitted):
    response = _as(client, manager).get(_url("submission", person,
                                             submission_id=submitted.pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="main-form"' in body
    assert 'name="decision"' in body
    assert "The plan as agreed" in body
    assert AuditEvent.objects.filter(action="submission.read.decide", actor=manager,
                                     person=person).exists()


def test_given_an_approver_on_no_team_then_the_rung_lets_them_read_and_decide_it(
        client, planner, person, rungs, director):
    Authority.objects.filter(level=2).update(max_risk=1)  # medium risk now goes to level 3
    plan = make.ready_plan(planner, person)
    submission = services.plan_submit_for_sign_off(actor=planner, plan=plan,
                                                   version=plan.version)
    assert submission.level == 3

    page = _as(client, director).get(_url("submission", person, submission_id=submission.pk))
    decided = client.post(_url("submission", person, submission_id=submission.pk), {
        "version": submission.version, "decision": "approve", "reasons": "Risks managed"})

    assert page.status_code == 200
    assert 'name="decision"' in page.content.decode()
    assert decided.status_code == 302
    assert decided.url == reverse("governance_admin:approvals")
    assert Submission.objects.get().status == SubmissionStatus.APPROVED


def test_given_the_planner_then_they_see_the_submission_without_the_decision_form(
        client, planner, person, submitted):
    response = _as(client, planner).get(_url("submission", person,
                                             submission_id=submitted.pk))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="decision"' not in body
    assert "Withdraw the submission" in body


def test_given_the_planner_posts_a_decision_then_it_is_forbidden(client, planner, person,
                                                                  submitted):
    response = _as(client, planner).post(
        _url("submission", person, submission_id=submitted.pk),
        {"version": submitted.version, "decision": "approve", "reasons": "Fine by me"})

    assert response.status_code == 403
    assert Submission.objects.get().status == SubmissionStatus.WAITING


def test_given_a_refusal_then_the_approver_returns_to_the_queue_and_the_letter_is_shown(
        client, manager, person, submitted):
    response = _as(client, manager).post(
        _url("submission", person, submission_id=submitted.pk),
        {"version": submitted.version, "decision": "refuse", "reasons": "Too risky for now",
         "alternatives": "A pendant alarm"})

    assert response.status_code == 302
    page = client.get(_url("submission", person, submission_id=submitted.pk))
    letter = re.search(r'id="letter">(.*?)</div>', page.content.decode(), re.S).group(1)
    assert "Why: Too risky for now" in letter
    assert "What you could do instead: A pendant alarm" in letter
    assert 'name="decision"' not in page.content.decode()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"decision": "refuse", "reasons": "Too risky"}, "alternatives",
     services.ALTERNATIVES_NEEDED),
    ({"decision": "refuse", "alternatives": "An alarm"}, "reasons", services.REASONS_NEEDED),
    ({"decision": "approve", "reasons": "  "}, "reasons", services.REASONS_NEEDED),
    ({"reasons": "Fine"}, "decision", "Select whether you sign off the plan"),
    ({"decision": "maybe", "reasons": "Fine"}, "decision",
     "Select whether you sign off the plan"),
    ({"decision": "approve", "reasons": "x" * 4001}, "reasons", None),
])
def test_given_a_decision_with_something_missing_then_the_message_is_beside_the_field(
        client, manager, person, submitted, data, field, message):
    response = _as(client, manager).post(
        _url("submission", person, submission_id=submitted.pk),
        {"version": submitted.version} | data)

    assert response.status_code == 400
    beside = _error_beside(response.content.decode(), field)
    assert beside is not None
    if message:
        assert beside == message
    assert Submission.objects.get().status == SubmissionStatus.WAITING


def test_given_an_empty_decision_then_it_is_refused_with_messages(client, manager, person,
                                                                  submitted):
    response = _as(client, manager).post(
        _url("submission", person, submission_id=submitted.pk), {})

    assert response.status_code == 400
    assert _error_beside(response.content.decode(), "decision") == (
        "Select whether you sign off the plan")


def test_given_a_stale_decision_then_it_says_someone_else_changed_it(client, manager, person,
                                                                     submitted):
    response = _as(client, manager).post(
        _url("submission", person, submission_id=submitted.pk),
        {"version": submitted.version + 1, "decision": "approve", "reasons": "Fine"})

    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()


def test_given_the_plan_changed_since_submission_then_approving_says_so(
        client, planner, manager, person, plan, submitted):
    plan_services.working_entry_add(actor=planner, plan=plan, data={
        "kind": "working", "text": "My new wheelchair"})
    make.agree_plan(planner, plan)

    response = _as(client, manager).post(
        _url("submission", person, submission_id=submitted.pk),
        {"version": submitted.version, "decision": "approve", "reasons": "Fine"})

    assert response.status_code == 400
    assert services.PLAN_CHANGED in _summary(response.content.decode())


def test_given_a_decided_submission_then_posting_another_decision_is_forbidden(
        client, planner, person, refused):
    other_manager = make.approver(planner, Role.TEAM_MANAGER)

    response = _as(client, other_manager).post(
        _url("submission", person, submission_id=refused.pk),
        {"version": refused.version, "decision": "approve", "reasons": "Fine"})

    assert response.status_code == 403


def test_given_a_submission_of_another_person_in_the_url_then_it_is_not_found(
        client, planner, manager, submitted):
    other = TeamAllocationFactory(team=planner.teams.get()).person

    response = _as(client, manager).get(_url("submission", other, submission_id=submitted.pk))

    assert response.status_code == 404


def test_given_the_withdraw_button_then_the_submission_is_withdrawn(client, planner, person,
                                                                    submitted):
    response = _as(client, planner).post(
        _url("withdraw", person, submission_id=submitted.pk), {"version": submitted.version})

    assert response.status_code == 302
    assert Submission.objects.get().status == SubmissionStatus.WITHDRAWN
    assert "Submission withdrawn" in _text(client.get(response.url))


@pytest.mark.parametrize("data", [{}, {"version": "abc"}, {"version": "7"}])
def test_given_a_bad_withdrawal_then_it_says_so_on_the_overview(client, planner, person,
                                                                submitted, data):
    response = _as(client, planner).post(_url("withdraw", person, submission_id=submitted.pk),
                                         data)

    assert response.status_code == 302
    assert Submission.objects.get().status == SubmissionStatus.WAITING
    text = _text(client.get(response.url))
    assert "could not be withdrawn" in text or "Someone else changed this record" in text


def test_given_a_decided_submission_then_withdrawing_says_it_was_decided(
        client, planner, person, refused):
    response = _as(client, planner).post(_url("withdraw", person, submission_id=refused.pk),
                                         {"version": refused.version})

    assert response.status_code == 302
    assert services.NOT_WAITING in _text(client.get(response.url))


# --- appeals ----------------------------------------------------------------------------------

def test_given_a_refusal_then_the_appeal_page_offers_it(client, planner, person, refused):
    response = _as(client, planner).get(_url("appeal_add", person))

    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="submission:{refused.pk}"' in body
    assert "Plan sign-off refused on" in body


def test_given_nothing_refused_then_the_appeal_page_says_there_is_nothing_to_appeal(
        client, planner, person, plan):
    response = _as(client, planner).get(_url("appeal_add", person))

    assert response.status_code == 200
    assert "There is no refused plan, refused service or reduced direct payment to appeal" in (
        response.content.decode())


def test_given_an_appeal_then_it_is_recorded_and_its_page_shows_when_it_is_due(
        client, planner, person, refused):
    today = timezone.localdate()

    response = _as(client, planner).post(_url("appeal_add", person), {
        "decision": f"submission:{refused.pk}", "asked_by": "person",
        "grounds": "I want to choose my own risks", **_date("lodged_on", today)})

    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response.url == _url("appeal", person, appeal_id=appeal.pk)
    page = client.get(response.url)
    assert page.status_code == 200
    due = today + dt.timedelta(days=28)
    assert f"{due:%-d %B %Y}" in page.content.decode()
    assert "Waiting for a decision by someone other than the person who made the first" in (
        page.content.decode())


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"decision": ""}, "decision", "Select the decision they are appealing"),
    ({"decision": "submission:not-one"}, "decision", "Select the decision they are appealing"),
    ({"grounds": ""}, "grounds", "Say why they think the decision is wrong"),
    ({"asked_by": ""}, "asked_by", "Select who is asking"),
    ({"asked_by": "representative"}, "representative", services.REPRESENTATIVE_NEEDED),
    ({"representative": "not-a-uuid", "asked_by": "representative"}, "representative",
     "Select a representative from the list"),
    ({"lodged_on_day": "31", "lodged_on_month": "2"}, "lodged_on", None),
    ({"lodged_on_year": "99999"}, "lodged_on", None),
    ({"lodged_on_day": ""}, "lodged_on", None),
    ({"lodged_on_year": str(timezone.localdate().year + 1)}, "lodged_on",
     services.LODGED_IN_FUTURE),
])
def test_given_a_bad_appeal_then_the_message_is_beside_the_field_and_nothing_is_saved(
        client, planner, person, refused, data, field, message):
    good = {"decision": f"submission:{refused.pk}", "asked_by": "person",
            "grounds": "I want to choose", **_date("lodged_on", timezone.localdate())}

    response = _as(client, planner).post(_url("appeal_add", person), good | data)

    assert response.status_code == 400
    beside = _error_beside(response.content.decode(), field)
    assert beside is not None, _summary(response.content.decode())
    if message:
        assert beside == message
    assert not Appeal.objects.exists()


def test_given_the_deadline_passed_then_the_date_says_so_and_points_to_complaints(
        client, planner, person, refused):
    noon = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=30), dt.time(12))
    Submission.objects.filter(pk=refused.pk).update(decided_at=timezone.make_aware(noon))

    response = _as(client, planner).post(_url("appeal_add", person), {
        "decision": f"submission:{refused.pk}", "asked_by": "person",
        "grounds": "I want to choose", **_date("lodged_on", timezone.localdate())})

    assert response.status_code == 400
    assert "NHS complaints procedure" in _error_beside(response.content.decode(), "lodged_on")


def test_given_an_appeal_already_open_then_a_second_is_refused_beside_the_choice(
        client, planner, person, refused, appeal):
    response = _as(client, planner).post(_url("appeal_add", person), {
        "decision": f"submission:{refused.pk}", "asked_by": "person",
        "grounds": "Again", **_date("lodged_on", timezone.localdate())})

    assert response.status_code == 400
    assert _error_beside(response.content.decode(), "decision") == (
        services.APPEAL_ALREADY_OPEN)
    assert Appeal.objects.count() == 1


def test_given_someone_who_does_not_plan_then_recording_an_appeal_is_forbidden(
        client, person, refused, commissioner):
    assert _as(client, commissioner).get(_url("appeal_add", person)).status_code == 403


def test_given_someone_with_authority_then_they_see_and_decide_the_appeal(
        client, person, appeal, director):
    url = _url("appeal", person, appeal_id=appeal.pk)

    page = _as(client, director).get(url)
    decided = client.post(url, {"version": appeal.version, "outcome": "stands",
                                "reasons": "Still too risky"})

    assert page.status_code == 200
    assert 'name="outcome"' in page.content.decode()
    assert decided.status_code == 302
    assert Appeal.objects.get().outcome == AppealOutcome.STANDS
    after = client.get(decided.url)
    assert after.status_code == 200
    assert "We have not changed the decision." in after.content.decode()


@pytest.mark.parametrize(("data", "field"), [
    ({"reasons": "Because"}, "outcome"),
    ({"outcome": "upheld", "reasons": "Because"}, "outcome"),
    ({"outcome": "stands"}, "reasons"),
    ({"outcome": "stands", "reasons": "x" * 4001}, "reasons"),
])
def test_given_an_appeal_decision_missing_something_then_the_message_is_beside_it(
        client, person, appeal, director, data, field):
    response = _as(client, director).post(_url("appeal", person, appeal_id=appeal.pk),
                                          {"version": appeal.version} | data)

    assert response.status_code == 400
    assert _error_beside(response.content.decode(), field)
    assert Appeal.objects.get().is_open


def test_given_the_first_decider_then_they_cannot_decide_the_appeal(client, manager, person,
                                                                    appeal):
    url = _url("appeal", person, appeal_id=appeal.pk)

    page = _as(client, manager).get(url)
    posted = client.post(url, {"version": appeal.version, "outcome": "changed",
                               "reasons": "I was wrong"})

    assert page.status_code == 200
    assert 'name="outcome"' not in page.content.decode()
    assert posted.status_code == 403
    assert Appeal.objects.get().is_open


def test_given_the_planner_then_they_see_the_appeal_but_cannot_decide_it(client, planner,
                                                                         person, appeal):
    url = _url("appeal", person, appeal_id=appeal.pk)

    assert _as(client, planner).get(url).status_code == 200
    assert client.post(url, {"version": appeal.version, "outcome": "changed",
                             "reasons": "Yes"}).status_code == 403


def test_given_an_overdue_appeal_then_its_page_says_so(client, planner, person, appeal):
    Appeal.objects.filter(pk=appeal.pk).update(
        respond_by=timezone.localdate() - dt.timedelta(days=1))

    body = _as(client, planner).get(_url("appeal", person, appeal_id=appeal.pk)).content
    assert b"Overdue" in body


# --- reductions -------------------------------------------------------------------------------

def test_given_a_commissioner_then_they_give_notice_and_see_the_letter(client, commissioner,
                                                                       person, holding):
    earliest = timezone.localdate() + dt.timedelta(days=28)
    page = _as(client, commissioner).get(_url("reduction_add", person))

    response = client.post(_url("reduction_add", person), {
        "new_amount": "80.00", "reasons": "Fewer hours are needed",
        **_date("takes_effect_on", earliest)})

    assert page.status_code == 200
    assert "Each payment is now £100.00" in page.content.decode()
    reduction = PaymentReduction.objects.get()
    assert response.status_code == 302
    assert response.url == _url("reduction", person, reduction_id=reduction.pk)
    shown = client.get(response.url)
    assert shown.status_code == 200
    assert "from £100.00 to £80.00 each payment" in shown.content.decode()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"new_amount": "abc"}, "new_amount", "Enter the new amount in pounds and pence, like 150.00"),
    ({"new_amount": "NaN"}, "new_amount", "Enter the new amount in pounds and pence, like 150.00"),
    ({"new_amount": "Infinity"}, "new_amount",
     "Enter the new amount in pounds and pence, like 150.00"),
    ({"new_amount": "1e9999"}, "new_amount", "Enter an amount of no more than £9,999,999,999"),
    ({"new_amount": "99999999999999999999"}, "new_amount",
     "Enter an amount of no more than £9,999,999,999"),
    ({"new_amount": "80.001"}, "new_amount", "Enter pounds and pence: up to 2 decimal places"),
    ({"new_amount": "100.00"}, "new_amount",
     "The new amount must be less than the current £100.00"),
    ({"new_amount": "-1"}, "new_amount", services.NEW_AMOUNT_NEGATIVE),
    ({"new_amount": ""}, "new_amount", "Enter the new amount of each payment"),
    ({"reasons": ""}, "reasons", "Give the reasons for the reduction"),
    ({"takes_effect_on_day": ""}, "takes_effect_on", None),
    ({"takes_effect_on_month": "13"}, "takes_effect_on", None),
    ({"takes_effect_on_year": "99999999999999999999"}, "takes_effect_on", None),
])
def test_given_a_bad_reduction_then_the_message_is_beside_the_field_and_nothing_is_saved(
        client, commissioner, person, holding, data, field, message):
    good = {"new_amount": "80.00", "reasons": "Fewer hours",
            **_date("takes_effect_on", timezone.localdate() + dt.timedelta(days=28))}

    response = _as(client, commissioner).post(_url("reduction_add", person), good | data)

    assert response.status_code == 400
    beside = _error_beside(response.content.decode(), field)
    assert beside is not None, _summary(response.content.decode())
    if message:
        assert beside == message
    assert not PaymentReduction.objects.exists()


def test_given_too_little_notice_then_the_date_says_the_earliest_day(client, commissioner,
                                                                     person, holding):
    earliest = timezone.localdate() + dt.timedelta(days=28)

    response = _as(client, commissioner).post(_url("reduction_add", person), {
        "new_amount": "80.00", "reasons": "Fewer hours",
        **_date("takes_effect_on", earliest - dt.timedelta(days=1))})

    assert response.status_code == 400
    assert _error_beside(response.content.decode(), "takes_effect_on") == (
        f"The reduction can take effect no sooner than {earliest:%-d %B %Y}: 28 days' notice "
        "is needed")


def test_given_no_direct_payment_in_force_then_there_is_no_reduction_page(
        client, commissioner, person, plan):
    assert _as(client, commissioner).get(_url("reduction_add", person)).status_code == 404


def test_given_a_planner_then_giving_notice_is_forbidden(client, planner, person, holding):
    assert _as(client, planner).get(_url("reduction_add", person)).status_code == 403
    assert client.post(_url("reduction_add", person), {"new_amount": "1"}).status_code == 403


# --- nobody sees what they should not ---------------------------------------------------------

def _person_pages(person, submission, appeal, reduction):
    return [
        ("get", _url("overview", person), {}),
        ("post", _url("submit", person), {"version": 1}),
        ("get", _url("submission", person, submission_id=submission.pk), {}),
        ("post", _url("submission", person, submission_id=submission.pk),
         {"version": 1, "decision": "approve", "reasons": "x"}),
        ("post", _url("withdraw", person, submission_id=submission.pk), {"version": 1}),
        ("get", _url("appeal_add", person), {}),
        ("post", _url("appeal_add", person), {"asked_by": "person"}),
        ("get", _url("appeal", person, appeal_id=appeal.pk), {}),
        ("post", _url("appeal", person, appeal_id=appeal.pk),
         {"version": 1, "outcome": "changed", "reasons": "x"}),
        ("get", _url("reduction_add", person), {}),
        ("post", _url("reduction_add", person), {"new_amount": "1"}),
        ("get", _url("reduction", person, reduction_id=reduction.pk), {}),
    ]


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.TEAM_MANAGER, Role.COMMISSIONER,
                                  Role.ADMINISTRATOR])
def test_given_someone_outside_the_persons_care_then_every_page_about_them_is_not_found(
        client, planner, manager, person, reduction, role):
    """Even with the role that decides at a level elsewhere."""
    plan = person.plan  # a direct-payment plan, its budget signed off
    submission = services.plan_submit_for_sign_off(actor=planner, plan=plan,
                                                   version=plan.version)
    submission = services.submission_refuse(actor=manager, submission=submission,
                                            version=submission.version, reasons="No",
                                            alternatives="Other")
    appeal = services.appeal_lodge(actor=planner, person=person, data={
        "kind": "refused_plan", "submission": submission, "asked_by": "person",
        "grounds": "Please"})
    outsider = UserFactory(role=role, teams=[TeamFactory()])
    make.matrix(outsider.organisation)
    before = (list(Submission.objects.values()), list(Appeal.objects.values()),
              list(PaymentReduction.objects.values()))

    for method, url, data in _person_pages(person, submission, appeal, reduction):
        response = getattr(_as(client, outsider), method)(url, data)
        assert response.status_code == 404, (method, url)

    assert before == (list(Submission.objects.values()), list(Appeal.objects.values()),
                      list(PaymentReduction.objects.values()))
    assert AuditEvent.objects.filter(action="person.access_refused", actor=outsider).exists()


def test_given_ids_that_are_not_uuids_then_the_pages_are_not_found(client, planner, person):
    client = _as(client, planner)
    for url in (f"/people/{NOT_A_UUID}/plan/sign-off/",
                f"/people/{person.pk}/plan/sign-off/submissions/{NOT_A_UUID}/",
                f"/people/{person.pk}/plan/sign-off/appeals/{NOT_A_UUID}/",
                f"/people/{person.pk}/plan/sign-off/reductions/{NOT_A_UUID}/",
                f"/authority/{NOT_A_UUID}/change/"):
        assert client.get(url).status_code == 404, url


def test_given_ids_that_do_not_exist_then_the_pages_are_not_found(client, planner, person,
                                                                  plan, administrator):
    missing = "00000000-0000-4000-8000-000000000000"
    for name, key in (("submission", "submission_id"), ("appeal", "appeal_id"),
                      ("reduction", "reduction_id")):
        assert _as(client, planner).get(_url(name, person, **{key: missing})).status_code == 404
    assert _as(client, administrator).get(
        reverse("governance_admin:authority_edit", args=[missing])).status_code == 404


def test_given_a_person_without_a_plan_then_the_sign_off_page_is_not_found(client, planner,
                                                                           person):
    assert _as(client, planner).get(_url("overview", person)).status_code == 404


def test_pages_need_signing_in(client, person):
    response = client.get(_url("overview", person))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- the approver's queue ---------------------------------------------------------------------

def test_given_submissions_waiting_then_the_approver_sees_them_oldest_first(
        client, planner, manager, rungs):
    people = [TeamAllocationFactory(team=planner.teams.get()).person for _ in range(3)]
    submitted = []
    for person in people:
        plan = make.ready_plan(planner, person)
        submitted.append(services.plan_submit_for_sign_off(actor=planner, plan=plan,
                                                           version=plan.version))
    Submission.objects.filter(pk=submitted[2].pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=3))

    body = _as(client, manager).get(reverse("governance_admin:approvals")).content.decode()

    positions = [body.index(p.full_name) for p in (people[2], people[0], people[1])]
    assert positions == sorted(positions)
    assert "3 waiting" in body
    assert "You decide plan sign-off at level 2" in body
    assert AuditEvent.objects.filter(action="person.listed", actor=manager).count() == 3


def test_given_nothing_at_their_level_then_the_approver_sees_nothing_waiting(
        client, director, submitted):
    body = _as(client, director).get(reverse("governance_admin:approvals")).content.decode()

    assert 'id="nothing-waiting"' in body


def test_given_a_role_outside_the_authority_then_the_queue_says_so(client, planner, rungs):
    broker = make.approver(planner, Role.BROKER)

    body = _as(client, broker).get(reverse("governance_admin:approvals")).content.decode()

    assert "Your role does not decide anything" in body


def test_given_an_administrator_then_the_approvals_queue_is_forbidden(client, administrator):
    assert _as(client, administrator).get(
        reverse("governance_admin:approvals")).status_code == 403


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_approvals_queue_costs_the_same_queries_for_one_or_five(client, planner, manager,
                                                                    rungs):
    def add():
        person = TeamAllocationFactory(team=planner.teams.get()).person
        plan = make.ready_plan(planner, person)
        services.plan_submit_for_sign_off(actor=planner, plan=plan, version=plan.version)

    add()
    client = _as(client, manager)
    client.get(reverse("governance_admin:approvals"))  # warm the session and templates
    one = _queries(client, reverse("governance_admin:approvals"))
    for _ in range(4):
        add()

    assert _queries(client, reverse("governance_admin:approvals")) == one


# --- the work queue ---------------------------------------------------------------------------

@pytest.mark.parametrize("whose", ["mine", "team", "", "junk"])
def test_the_work_queue_renders_for_a_planner(client, planner, manager, person, refused, whose):
    response = _as(client, planner).get(reverse("governance_admin:work"), {"whose": whose})

    assert response.status_code == 200
    if whose == "team":
        assert person.full_name in response.content.decode()


def test_given_someone_who_does_not_plan_then_the_work_queue_is_forbidden(client,
                                                                          commissioner):
    assert _as(client, commissioner).get(reverse("governance_admin:work")).status_code == 403


def test_the_work_queue_costs_the_same_queries_for_one_or_five(client, planner, manager):
    def add():
        person = TeamAllocationFactory(team=planner.teams.get()).person
        plan = make.ready_plan(planner, person)
        submission = services.plan_submit_for_sign_off(actor=planner, plan=plan,
                                                       version=plan.version)
        services.submission_refuse(actor=manager, submission=submission,
                                   version=submission.version, reasons="No",
                                   alternatives="Other")
        make.ready_plan(planner, TeamAllocationFactory(team=planner.teams.get()).person,
                        agree=False)

    url = reverse("governance_admin:work") + "?whose=team"
    add()
    client = _as(client, planner)
    client.get(url)
    one = _queries(client, url)
    for _ in range(4):
        add()

    assert _queries(client, url) == one


# --- delegated authority ----------------------------------------------------------------------

RUNG_POST = {"decision": "plan_sign_off", "level": "2", "roles": ["team_manager"],
             "max_budget": "20000", "max_risk": "2"}


def test_given_an_administrator_then_the_authority_pages_render(client, administrator, rungs,
                                                                icb):
    client = _as(client, administrator)

    listing = client.get(reverse("governance_admin:authority"))
    adding = client.get(reverse("governance_admin:authority_add"), {"decision": "final_budget"})
    editing = client.get(reverse("governance_admin:authority_edit", args=[rungs[0].pk]))

    assert (listing.status_code, adding.status_code, editing.status_code) == (200, 200, 200)
    assert f"Delegated authority in {icb.name}" in listing.content.decode()
    assert "Any size" in listing.content.decode()
    assert 'value="final_budget" selected' in adding.content.decode()


@pytest.mark.parametrize("role", [r for r in STAFF_ROLES if r != Role.ADMINISTRATOR])
def test_given_anyone_but_an_administrator_then_the_authority_pages_are_forbidden(
        client, planner, rungs, role):
    client = _as(client, make.approver(planner, role))

    assert client.get(reverse("governance_admin:authority")).status_code == 403
    assert client.get(reverse("governance_admin:authority_add")).status_code == 403
    assert client.post(reverse("governance_admin:authority_add"), RUNG_POST).status_code == 403
    assert client.get(reverse("governance_admin:authority_edit",
                              args=[rungs[0].pk])).status_code == 403


def test_given_a_new_level_then_it_is_saved(client, administrator, icb):
    response = _as(client, administrator).post(reverse("governance_admin:authority_add"),
                                               RUNG_POST)

    assert response.status_code == 302
    authority = Authority.objects.get()
    assert (authority.organisation, authority.level, authority.roles, authority.max_budget) == (
        icb, 2, ["team_manager"], Decimal("20000.00"))


@pytest.mark.parametrize(("data", "field"), [
    ({"roles": []}, "roles"),
    ({"roles": ["administrator"]}, "roles"),
    ({"roles": ["king"]}, "roles"),
    ({"max_budget": "abc"}, "max_budget"),
    ({"max_budget": "-1"}, "max_budget"),
    ({"max_budget": "1e9999"}, "max_budget"),
    ({"max_budget": "NaN"}, "max_budget"),
    ({"max_budget": "99999999999999999999"}, "max_budget"),
    ({"max_budget": "1.001"}, "max_budget"),
    ({"level": "9"}, "level"),
    ({"level": "abc"}, "level"),
    ({"max_risk": "7"}, "max_risk"),
    ({"decision": "lunch"}, "decision"),
    ({"decision": ""}, "decision"),
])
def test_given_a_bad_level_then_the_message_is_beside_the_field(client, administrator, data,
                                                                field):
    response = _as(client, administrator).post(reverse("governance_admin:authority_add"),
                                               RUNG_POST | data)

    assert response.status_code == 400
    assert _error_beside(response.content.decode(), field), _summary(response.content.decode())
    assert not Authority.objects.exists()


def test_given_a_level_already_set_then_the_message_is_beside_the_level(client, administrator,
                                                                        rungs):
    response = _as(client, administrator).post(reverse("governance_admin:authority_add"),
                                               RUNG_POST)

    assert response.status_code == 400
    assert _error_beside(response.content.decode(), "level") == (
        "There is already a rule for this decision at level 2: change that one")


def test_given_a_change_then_it_is_saved_and_a_stale_change_is_refused(client, administrator,
                                                                       rungs):
    url = reverse("governance_admin:authority_edit", args=[rungs[1].pk])
    client = _as(client, administrator)

    saved = client.post(url, RUNG_POST | {"version": "1", "max_budget": "25000"})
    stale = client.post(url, RUNG_POST | {"version": "1", "max_budget": "30000"})
    junk = client.post(url, RUNG_POST | {"version": "abc"})
    missing = client.post(url, RUNG_POST)

    assert saved.status_code == 302
    assert (stale.status_code, junk.status_code, missing.status_code) == (400, 400, 400)
    assert "Someone else changed this record" in stale.content.decode()
    assert Authority.objects.get(pk=rungs[1].pk).max_budget == Decimal("25000.00")


def test_given_another_icbs_level_then_it_is_not_found(client, administrator):
    theirs = make.matrix(OrganisationFactory())[0]

    response = _as(client, administrator).post(
        reverse("governance_admin:authority_edit", args=[theirs.pk]),
        RUNG_POST | {"version": "1"})

    assert response.status_code == 404


def test_given_an_administrator_outside_any_icb_then_adding_a_level_is_forbidden(client, db):
    administrator = UserFactory(role=Role.ADMINISTRATOR,
                                organisation=OrganisationFactory(kind=OrganisationKind.VCSE))
    client = _as(client, administrator)

    assert client.get(reverse("governance_admin:authority")).status_code == 200
    assert client.post(reverse("governance_admin:authority_add"), RUNG_POST).status_code == 403
    assert not Authority.objects.exists()


# --- more appeals: every kind of decision, and reads audited ---------------------------------

def test_given_a_refused_service_and_a_reduction_then_both_can_be_appealed_from_the_page(
        client, planner, commissioner, person, holding, reduction):
    line = make_budget.line(planner, holding.budget, person.plan.outcomes.get(),
                            item="Season ticket for Riverside FC", category="activity",
                            unit_cost=Decimal("420.00"), frequency="yearly", unusual=True,
                            unusual_reason="Home games with my son get me out of the house")
    budget_services.unusual_request_decide(actor=commissioner, line=line, version=line.version,
                                           agreed=False, reason="Not what the budget is for")
    client = _as(client, planner)

    body = client.get(_url("appeal_add", person)).content.decode()
    posted = client.post(_url("appeal_add", person), {
        "decision": f"line:{line.pk}", "asked_by": "person", "grounds": "It keeps me well",
        **_date("lodged_on", timezone.localdate())})
    again = client.post(_url("appeal_add", person), {
        "decision": f"reduction:{reduction.pk}", "asked_by": "person",
        "grounds": "I still need the hours", **_date("lodged_on", timezone.localdate())})

    assert "Refused service: Season ticket for Riverside FC" in body
    assert "Direct payment reduced from" in body
    assert (posted.status_code, again.status_code) == (302, 302)
    assert sorted(Appeal.objects.values_list("kind", flat=True)) == [
        "reduced_budget", "refused_service"]


def test_reading_an_appeal_or_a_reduction_is_audited(client, planner, person, reduction):
    client = _as(client, planner)
    appeal = services.appeal_lodge(actor=planner, person=person, data={
        "kind": "reduced_budget", "reduction": reduction, "asked_by": "person",
        "grounds": "I still need the hours"})

    assert client.get(_url("appeal", person, appeal_id=appeal.pk)).status_code == 200
    assert client.get(_url("reduction", person, reduction_id=reduction.pk)).status_code == 200

    reads = AuditEvent.objects.filter(actor=planner, person=person)
    assert reads.filter(action="appeal.read", object_id=str(appeal.pk)).exists()
    assert reads.filter(action="reduction.read", object_id=str(reduction.pk)).exists()


def test_the_work_queue_audits_who_it_showed(client, planner, person, refused):
    _as(client, planner).get(reverse("governance_admin:work"), {"whose": "team"})

    assert AuditEvent.objects.filter(action="person.listed", actor=planner,
                                     person=person).exists()
