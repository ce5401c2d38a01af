"""Reading people: scoped, audited, and the caseload's cost does not grow with its size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ourplan.core.errors import NotFound
from ourplan.core.models import AuditEvent
from ourplan.people.selectors import caseload_search, person_audit_history, person_get
from ourplan.testing.factories import PersonFactory, TeamAllocationFactory

pytestmark = pytest.mark.django_db


def test_person_get_audits_the_read(planner, person):
    assert person_get(user=planner, person_id=person.pk) == person

    event = AuditEvent.objects.get(action="person.viewed")
    assert (event.actor, event.person, event.changes) == (planner, person, {"purpose": "view"})


def test_person_get_outside_the_scope_is_not_found_and_audited(planner, stranger):
    with pytest.raises(NotFound):
        person_get(user=planner, person_id=stranger.pk)

    refused = AuditEvent.objects.get(action="person.access_refused")
    assert refused.person == stranger
    assert refused.actor == planner


@pytest.mark.parametrize("garbage", [None, "", "123", "not-a-uuid", {"a": 1}])
def test_person_get_with_garbage_is_not_found(planner, garbage):
    with pytest.raises(NotFound):
        person_get(user=planner, person_id=garbage)


def test_caseload_search_by_name_and_by_nhs_number(planner, team):
    ada = TeamAllocationFactory(team=team, person=PersonFactory(given_name="Ada",
                                                                  family_name="Lovelace")).person
    TeamAllocationFactory(team=team, person=PersonFactory(given_name="Grace",
                                                          family_name="Hopper"))
    spaced = f"{ada.nhs_number[:3]} {ada.nhs_number[3:6]} {ada.nhs_number[6:]}"

    assert list(caseload_search(user=planner, query="love").page) == [ada]
    assert list(caseload_search(user=planner, query="ada lovelace").page) == [ada]
    assert list(caseload_search(user=planner, query=spaced).page) == [ada]
    assert caseload_search(user=planner, query="").total == 2


def test_caseload_pages_and_audits_each_person_shown(planner, team):
    TeamAllocationFactory.create_batch(25, team=team)

    first = caseload_search(user=planner, page_number=1)
    second = caseload_search(user=planner, page_number=2)
    beyond = caseload_search(user=planner, page_number="999")

    assert (len(first.page), len(second.page), first.total) == (20, 5, 25)
    assert beyond.page.number == 2
    assert AuditEvent.objects.filter(action="person.listed").count() == 20 + 5 + 5


def test_caseload_queries_do_not_grow_with_the_caseload(planner, team):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            list(caseload_search(user=planner).page)
        return len(ctx.captured_queries)

    TeamAllocationFactory.create_batch(5, team=team)
    few = count()
    TeamAllocationFactory.create_batch(40, team=team)

    assert count() == few


def test_audit_history_is_for_administrators_only(planner, person):
    with pytest.raises(NotFound):
        person_audit_history(user=planner, person_id=person.pk)
