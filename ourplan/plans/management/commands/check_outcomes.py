"""`python manage.py check_outcomes FILE`: coach outcomes from JSON lines.

Each input line is `{"text": "..."}`; each output line is `{"text": ..., "flags": [...]}` with
flags from solution_embedded, not_specific, not_personal (an empty list: nothing to suggest).
A line that is not such an object is reported on standard error, and the command exits 1 after
checking the rest. FILE `-` reads standard input."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ourplan.plans.coaching import outcome_flags


class Command(BaseCommand):
    help = "Check outcomes (JSON lines with a 'text' field) and print flags for each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A JSON-lines file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            stream: TextIO = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        problems = 0
        with stream:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                text = self._text(line)
                if text is None:
                    problems += 1
                    self.stderr.write(f"line {number}: expected a JSON object with a 'text' "
                                      "string, like {\"text\": \"I ...\"}")
                    continue
                self.stdout.write(json.dumps({"text": text, "flags": outcome_flags(text)},
                                             ensure_ascii=False))
        if problems:
            raise SystemExit(1)

    @staticmethod
    def _text(line: str) -> str | None:
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return None
        return data["text"]
