"""`python manage.py send_messages`: deliver every message still queued.

The background worker delivers messages as they are made; this is the safety net for messages
left behind (the worker was down, or stopped part-way). Safe to run at any time, alongside a
worker too: a message is sent at most once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ourplan.notifications.models import Message, MessageStatus
from ourplan.notifications.tasks import message_deliver


class Command(BaseCommand):
    help = "Deliver every queued message now (for example after the worker was down)."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = list(Message.objects.filter(status=MessageStatus.QUEUED)
                      .order_by("created_at", "id").values_list("pk", flat=True))
        if not queued:
            self.stdout.write("No queued messages")
            return
        counts = dict.fromkeys(MessageStatus.values, 0)
        for message_id in queued:
            counts[message_deliver(message_id=message_id).status] += 1
        self.stdout.write(
            f"{len(queued)} queued {'message' if len(queued) == 1 else 'messages'}: "
            f"{counts[MessageStatus.SENT]} sent, {counts[MessageStatus.QUEUED]} refused by the "
            f"mail system (tried again later), {counts[MessageStatus.FAILED]} failed")
