"""Outcome coaching: the seeds' "instead of this / write this" pairs, and beyond them."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from ourplan.plans.coaching import (
    NOT_PERSONAL,
    NOT_SPECIFIC,
    SOLUTION_EMBEDDED,
    coach_outcome,
    outcome_flags,
)

# NCL PCSP and PHB quality framework training: "Some examples of how not to write
# person-centred outcomes and what to write instead", with the reason the seed gives.
SEED_PAIRS = [
    ("Increasing mobilisation at home", {NOT_SPECIFIC, NOT_PERSONAL},
     "I am confident walking from the lounge to the kitchen and bathroom every day"),
    ("3 homecare visits a day for medication administration", {SOLUTION_EMBEDDED},
     "I have the right support at home to ensure I take the correct dose of my medication at "
     "the right time of day"),
    ("Support to go to the day centre", {SOLUTION_EMBEDDED},
     "I will spend time at least twice a week with people who share my interests. I like "
     "gardening, chess and old movies"),
]


@pytest.mark.parametrize(("instead", "reasons", "write"), SEED_PAIRS)
def test_the_seeds_examples(instead, reasons, write):
    assert reasons <= set(outcome_flags(instead))
    assert outcome_flags(write) == []


@pytest.mark.parametrize("good", [
    "I can make a cup of tea on my own, the way I like it, in my fine bone china cup",
    "I go out for lunch with my school friends once a month",
    "I see my daughter at least once a fortnight",
    "I keep the garden nice enough to sit out in with my husband on summer evenings",
    "I manage my medicines myself again, as I did before my stroke",
    "We go to the football together every home game",
])
def test_good_outcomes_get_no_flags(good):
    assert outcome_flags(good) == []


@pytest.mark.parametrize(("text", "flag"), [
    ("I get 10 hours of PA support a week", SOLUTION_EMBEDDED),
    ("I have a wheelchair so that I can get to the shops on my own", SOLUTION_EMBEDDED),
    ("A referral to physiotherapy within 6 weeks", SOLUTION_EMBEDDED),
    ("Mrs Adeyemi will manage her medication every morning", NOT_PERSONAL),
    ("The patient walks to the kitchen every day", NOT_PERSONAL),
    ("To promote independence in ADLs", NOT_PERSONAL),
    ("I feel better", NOT_SPECIFIC),
    ("I want to improve my quality of life and be more independent", NOT_SPECIFIC),
    ("", NOT_SPECIFIC),
])
def test_each_fault_is_named(text, flag):
    assert flag in outcome_flags(text)


def test_each_piece_of_advice_says_why_and_how():
    advice = coach_outcome("Support to go to the day centre")

    embedded = next(a for a in advice if a.flag == SOLUTION_EMBEDDED)
    assert "“day centre”" in embedded.reason or "“Support to go”" in embedded.reason
    assert embedded.hint


def test_the_command_prints_one_json_line_per_outcome(tmp_path):
    source = tmp_path / "outcomes.jsonl"
    lines = [{"text": instead} for instead, _, _ in SEED_PAIRS] + \
        [{"text": write} for _, _, write in SEED_PAIRS]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out = io.StringIO()

    call_command("check_outcomes", str(source), stdout=out)

    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["text"] for r in results] == [line["text"] for line in lines]
    assert all(r["flags"] for r in results[:3])
    assert all(r["flags"] == [] for r in results[3:])


def test_the_command_reports_bad_lines_and_goes_on(tmp_path):
    source = tmp_path / "outcomes.jsonl"
    source.write_text('not json\n{"text": 5}\n["text"]\n{"text": "I feel better"}\n',
                      encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("check_outcomes", str(source), stdout=out, stderr=err)

    assert exited.value.code == 1
    assert [json.loads(line)["flags"] for line in out.getvalue().splitlines()] == [[NOT_SPECIFIC]]
    assert err.getvalue().count("expected a JSON object") == 3


def test_the_command_says_when_it_cannot_read_the_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("check_outcomes", str(tmp_path / "missing.jsonl"))
