"""`python manage.py refresh_review_schedules`: work out every plan's next review date again.

Run it nightly: dates move on with the calendar, and it catches any change to what the schedule
reads (a risk, a capacity record, the plan's review arrangement) made where the schedule was
not refreshed. It runs with the operator's authority and is not reachable from the web."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ourplan.plans.models import Plan
from ourplan.reviews.services import review_schedule_refresh


class Command(BaseCommand):
    help = "Recompute the next review date of every plan."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for plan in Plan.objects.order_by("created_at").iterator(chunk_size=200):
            review_schedule_refresh(plan=plan)
            count += 1
        self.stdout.write(f"Review dates worked out again for {count} plans")
