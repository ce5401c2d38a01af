"""`python manage.py export_plan NHS_NUMBER --format pdf|large-print|one-page|json|easy-read|…
--out FILE`"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ourplan.core.nhs_numbers import clean_nhs_number
from ourplan.exports.plans import export, plan_pdf
from ourplan.people.models import Person
from ourplan.plans.selectors import plan_for_export

COMMAND_FORMATS = ("pdf", "large-print", "one-page", "json", "html", "easy-read",
                   "one-page-large-print", "one-page-easy-read")


class Command(BaseCommand):
    help = ("Write a person's plan to a file as a PDF, large-print PDF, easy-read PDF, one-page "
            "summary or JSON.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("nhs_number")
        parser.add_argument("--format", choices=COMMAND_FORMATS, default="pdf")
        parser.add_argument("--out", required=True, help="The file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            digits = clean_nhs_number(options["nhs_number"])
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        person = Person.objects.filter(nhs_number=digits).first()
        if person is None:
            raise CommandError("No one has this NHS number")
        plan = plan_for_export(user=None, person=person, fmt=options["format"])
        if plan is None:
            raise CommandError(f"{person.full_name} does not have a plan yet")
        fmt = options["format"]
        # On the command line the one-page summary is a PDF, ready to print or send.
        content = plan_pdf(plan, one_page=True) if fmt == "one-page" else export(plan, fmt)[0]
        out = Path(options["out"])
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {out}: {error.strerror}") from error
        self.stdout.write(f"Wrote {out} ({len(content):,} bytes)")
