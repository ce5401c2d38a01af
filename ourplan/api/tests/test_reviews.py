"""Reviews over the API: when the next review is due and why, and a trigger (the person's own
request among them) bringing it forward; bad input named; nobody else's plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ourplan.core.models import AuditEvent
from ourplan.reviews.models import ReviewTrigger
from ourplan.testing import governance as make

pytestmark = pytest.mark.django_db


def _fields(response):
    return {e["field"] for e in response.json()["errors"]}


def test_given_an_agreed_plan_when_the_person_asks_for_a_review_then_it_is_brought_forward(
        api, planner, person):
    make.ready_plan(planner, person, approach="minimise")
    base = f"/people/{person.pk}/plan/reviews"
    before = api.get(base).json()
    assert before["due_on"] is not None
    today = timezone.localdate()

    asked = api.post(f"{base}/triggers", {"reason": "person_request",
                                          "details": "I want to talk about my mornings",
                                          "occurred_on": today.isoformat()})

    assert asked.status_code == 201, asked.json()
    assert asked.json()["review_by"] == (today + dt.timedelta(days=14)).isoformat()
    after = api.get(base).json()
    assert after["due_on"] == (today + dt.timedelta(days=14)).isoformat()
    assert [t["reason"] for t in after["open_triggers"]] == ["person_request"]
    assert AuditEvent.objects.filter(action="review.trigger_recorded",
                                     person=person).count() == 1


def test_given_bad_input_then_each_field_is_named_and_nothing_is_written(api, planner, person):
    make.ready_plan(planner, person)
    base = f"/people/{person.pk}/plan/reviews/triggers"
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    assert _fields(api.post(base, {"reason": "bored", "occurred_on": "2026-01-01"})) == {
        "reason"}
    assert _fields(api.post(base, {"reason": "deterioration", "occurred_on": "yesterday"})) == {
        "occurred_on"}
    future = api.post(base, {"reason": "deterioration", "details": "More breathless",
                             "occurred_on": tomorrow.isoformat()})
    assert future.status_code == 422
    assert _fields(future) == {"occurred_on"}
    no_details = api.post(base, {"reason": "deterioration", "occurred_on": "2026-01-01"})
    assert _fields(no_details) == {"details"}
    assert not ReviewTrigger.objects.exists()


def test_given_someone_else_then_404(api, stranger):
    assert api.get(f"/people/{stranger.pk}/plan/reviews").status_code == 404
    assert api.post(f"/people/{stranger.pk}/plan/reviews/triggers", {
        "reason": "deterioration", "occurred_on": "2026-01-01"}).status_code == 404
