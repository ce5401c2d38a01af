"""/api/v1/people/{id}/plan: the same journey and rules as the pages."""

from __future__ import annotations

import pytest

from ourplan.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_the_plan_journey_over_the_api(api, person):
    path = f"/people/{person.pk}/plan"

    assert api.get(path).status_code == 404
    started = api.post(path, {"kind": "full"})
    moved = api.post(f"{path}/transitions/prepare", {"version": 1})
    refused = api.post(f"{path}/transitions/hold_conversation", {"version": 2})

    assert started.status_code == 201
    assert started.json()["stage"] == "context"
    assert moved.status_code == 200
    assert moved.json()["stage"] == "preparation"
    assert refused.status_code == 409
    assert {e["field"] for e in refused.json()["errors"]} == {
        "sections.about_me", "sections.working", "sections.health"}


def test_section_status_and_support_needs(api, person):
    path = f"/people/{person.pk}/plan"
    api.post(path, {"kind": "full"})

    section = api.put(f"{path}/sections/about_me", {"version": 1, "status": "completed"})
    support = api.patch(f"{path}/support-needs", {"version": 2, "confidence": 1})
    bad = api.patch(f"{path}/support-needs", {"version": 3, "pam_level": 9})
    unknown = api.put(f"{path}/sections/hobbies", {"version": 3, "status": "completed"})
    skipped = api.put(f"{path}/sections/outcomes", {"version": 3, "status": "not_applicable"})

    assert section.status_code == 200
    about_me = next(s for s in section.json()["sections"] if s["section"] == "about_me")
    assert about_me["status"] == "completed"
    assert support.json()["support_suggestion"].startswith("More support")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["pam_level"]
    assert unknown.status_code == 422
    assert skipped.status_code == 422
    assert [e["field"] for e in skipped.json()["errors"]] == ["status"]


def test_one_plan_per_person_and_stale_versions(api, person):
    path = f"/people/{person.pk}/plan"
    api.post(path, {"kind": "wellbeing"})

    again = api.post(path, {"kind": "full"})
    stale = api.post(f"{path}/transitions/prepare", {"version": 7})
    unknown = api.post(f"{path}/transitions/teleport", {"version": 1})

    assert again.status_code == 422
    assert stale.status_code == 409
    assert unknown.status_code == 404
    assert Plan.objects.get(person=person).stage == "context"


def test_a_plan_outside_the_scope_answers_404(api, stranger):
    assert api.get(f"/people/{stranger.pk}/plan").status_code == 404
    assert api.post(f"/people/{stranger.pk}/plan", {"kind": "full"}).status_code == 404


# --- API -------------------------------------------------------------------------------------

def test_about_me_and_working_over_the_api(api, person):
    path = f"/people/{person.pk}/plan"
    api.post(path, {"kind": "full"})

    about = api.put(f"{path}/about-me", {"version": 1, "important": "A good cup of tea"})
    stale = api.put(f"{path}/about-me", {"version": 1, "important": "Coffee"})
    added = api.post(f"{path}/working", {"kind": "working", "text": "My new stoma nurse"})
    bad = api.post(f"{path}/working", {"kind": "sometimes", "text": ""})
    entry_id = added.json()["id"]
    changed = api.patch(f"{path}/working/{entry_id}", {"version": 1, "kind": "strength"})
    whole = api.get(path).json()
    removed = api.delete(f"{path}/working/{entry_id}?version=2")

    assert about.json()["important"] == "A good cup of tea"
    assert stale.status_code == 409
    assert stale.json()["current"]["important"] == "A good cup of tea"  # theirs, beside ours
    assert added.status_code == 201
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"kind"}
    assert changed.json()["kind"] == "strength"
    assert whole["about_me"]["important"] == "A good cup of tea"
    assert [w["text"] for w in whole["working"]] == ["My new stoma nurse"]
    assert removed.status_code == 204
