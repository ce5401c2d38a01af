"""The audit trail: written explicitly, never changed, carrying the request id."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from ourplan.core.audit import Action, audit_record, diff, snapshot
from ourplan.core.models import AuditEvent, AuditTrailIsAppendOnly

pytestmark = pytest.mark.django_db


def test_a_row_says_who_when_what_whose_and_which(planner, person):
    event = audit_record(actor=planner, action=Action.PERSON_UPDATED, person=person, obj=person,
                         changes={"town": ["", "Leeds"]})

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == planner
    assert stored.actor_username == planner.username
    assert stored.person == person
    assert stored.object_type == "people.person"
    assert stored.object_id == str(person.pk)
    assert stored.changes == {"town": ["", "Leeds"]}
    assert stored.occurred_at is not None
    assert stored.channel == "command"


def test_rows_cannot_be_changed_or_deleted_through_the_app(planner, person):
    event = audit_record(actor=planner, action=Action.PERSON_VIEWED, person=person)

    event.action = "something else"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == Action.PERSON_VIEWED


def test_on_postgresql_the_database_refuses_update_and_delete(planner, person):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only; CI runs this suite there too")
    event = audit_record(actor=planner, action=Action.PERSON_VIEWED, person=person)

    for sql in ("UPDATE core_auditevent SET action = 'tampered'",
                "DELETE FROM core_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql)

    assert AuditEvent.objects.get(pk=event.pk).action == Action.PERSON_VIEWED


def test_diff_names_only_what_changed():
    before = {"town": "", "postcode": "LS1 4AP", "version": 1}
    after = {"town": "Leeds", "postcode": "LS1 4AP", "version": 2}

    assert diff(before, after) == {"town": ["", "Leeds"]}


def test_snapshot_is_json(person):
    data = snapshot(person)

    assert data["nhs_number"] == person.nhs_number
    assert data["date_of_birth"] == person.date_of_birth.isoformat()
    assert isinstance(data["id"], str)


def test_each_response_carries_a_request_id_and_its_audit_rows_share_it(client, planner,
                                                                         person):
    client.force_login(planner)

    response = client.get(f"/people/{person.pk}/", HTTP_X_REQUEST_ID="trace-123")
    other = client.get("/healthz")

    assert response["X-Request-ID"] == "trace-123"
    assert len(other["X-Request-ID"]) == 32
    event = AuditEvent.objects.get(action=Action.PERSON_VIEWED)
    assert event.request_id == "trace-123"
    assert event.channel == "web"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")

    assert response["X-Request-ID"] != "<script>"
