"""Reading the outbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator

from ourplan.accounts.models import User
from ourplan.core.audit import audit_record_reads
from ourplan.core.errors import NotAllowed
from ourplan.notifications.models import OutboxEmail


def outbox_page(*, user: User, page_number: Any = 1) -> Page[OutboxEmail]:
    """One page of the recorded emails, newest first. Seeing an email about someone is a read
    of their record, so it is audited for each person on the page."""
    if not user.has_perm("notifications.view_outbox"):
        raise NotAllowed()
    emails = OutboxEmail.objects.select_related("message__person").order_by("-sent_at", "-id")
    page = Paginator(emails, settings.PAGE_SIZE).get_page(page_number)
    people = {email.message.person_id: email.message.person for email in page.object_list
              if email.message is not None and email.message.person is not None}
    if people:
        audit_record_reads(actor=user, action="message.read_in_outbox", people=people.values())
    return page
