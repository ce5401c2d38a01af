"""Sign-off over the API: the readiness check, submitting (refused with each missing item),
deciding with the authority to (refused without reasons or by the wrong role), the queue."""

from __future__ import annotations

import pytest

from ourplan.accounts.models import Role
from ourplan.governance.models import Submission, SubmissionStatus
from ourplan.testing import governance as make

pytestmark = pytest.mark.django_db


def _fields(response):
    return {e["field"] for e in response.json()["errors"]}


def test_given_a_ready_plan_when_submitted_and_refused_then_signed_off_over_the_api(
        api, api_as, planner, person):
    make.matrix(planner.organisation)
    plan = make.ready_plan(planner, person)
    base = f"/people/{person.pk}/plan"

    readiness = api.get(f"{base}/readiness").json()
    assert readiness["ready"] is True
    assert readiness["sign_off_needed"] is True
    assert readiness["risk"] == "medium"

    submitted = api.post(f"{base}/sign-off", {"version": plan.version, "note": "Please look"})
    assert submitted.status_code == 201, submitted.json()
    body = submitted.json()
    assert (body["level"], body["status"], body["plan_version"]) == (2, "waiting", 1)

    manager = api_as(make.approver(planner))
    assert [s["id"] for s in manager.get("/approvals").json()] == [body["id"]]
    no_reasons = manager.post(f"/submissions/{body['id']}/decision",
                              {"version": body["version"], "decision": "refuse"})
    assert no_reasons.status_code == 422
    assert _fields(no_reasons) == {"reasons", "alternatives"}
    assert Submission.objects.get(pk=body["id"]).status == SubmissionStatus.WAITING

    refused = manager.post(f"/submissions/{body['id']}/decision", {
        "version": body["version"], "decision": "refuse", "reasons": "The walk is not planned",
        "alternatives": "Walk with a volunteer first"})
    assert refused.status_code == 200, refused.json()
    assert refused.json()["status"] == "refused"
    assert "Walk with a volunteer first" in refused.json()["message_to_person"]
    assert refused.json()["appeal_by"]


def test_given_a_plan_not_ready_when_submitted_then_409_lists_what_is_missing(api, planner,
                                                                               person):
    make.matrix(planner.organisation)
    plan = make.ready_plan(planner, person, agree=False)

    response = api.post(f"/people/{person.pk}/plan/sign-off", {"version": plan.version})

    assert response.status_code == 409
    messages = [e["message"] for e in response.json()["errors"]]
    assert "Record the person's agreement to the plan as it is now" in messages
    assert not Submission.objects.exists()


def test_given_no_authority_for_the_role_when_deciding_then_403(api, api_as, planner, person):
    make.matrix(planner.organisation)
    plan = make.ready_plan(planner, person)
    submitted = api.post(f"/people/{person.pk}/plan/sign-off", {"version": plan.version}).json()
    director = api_as(make.approver(planner, role=Role.CLINICAL_DIRECTOR))

    response = director.post(f"/submissions/{submitted['id']}/decision", {
        "version": submitted["version"], "decision": "approve", "reasons": "Fine"})

    # On the person's team, so they see it; but level 3 does not decide what went to level 2.
    assert response.status_code == 403
    own = api.post(f"/submissions/{submitted['id']}/decision", {
        "version": submitted["version"], "decision": "approve", "reasons": "Fine"})
    assert own.status_code == 403


def test_given_someone_else_when_reading_readiness_then_404(api, stranger):
    assert api.get(f"/people/{stranger.pk}/plan/readiness").status_code == 404
    assert api.get("/submissions/not-a-uuid/decision").status_code in (404, 405)
    assert api.post("/submissions/not-a-uuid/decision",
                    {"version": 1, "decision": "approve"}).status_code == 404
