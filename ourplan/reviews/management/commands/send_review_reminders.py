"""`python manage.py send_review_reminders`: remind named coordinators of reviews due in 30 and
7 days (ourplan/reviews/reminders.py). Run it daily, after `refresh_review_schedules`; running
it twice sends nothing twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from ourplan.reviews.reminders import review_reminders_send


class Command(BaseCommand):
    help = "Send review reminders due today to named coordinators."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = review_reminders_send(today=timezone.localdate())
        self.stdout.write(f"Review reminders sent: {sent}")
