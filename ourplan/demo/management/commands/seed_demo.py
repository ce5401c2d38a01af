from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ourplan.demo.data import load_demo


class Command(BaseCommand):
    help = "Load the demo organisations, teams, personas and people (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_demo()
        summary = ", ".join(f"{n} {what}" for what, n in added.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (added {summary})."))
