"""What the person is told, in plain words: short sentences, what happens next, how to appeal
and, if still unhappy, how to complain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ourplan.budgets.money import pounds

if TYPE_CHECKING:
    from ourplan.governance.models import Appeal, PaymentReduction, Submission

COMPLAINTS = ("If you are still unhappy, you can complain through the NHS complaints procedure. "
              "Ask your care coordinator or your ICB how, or visit "
              "www.nhs.uk/using-the-nhs/about-the-nhs/how-to-complain-to-the-nhs/.")


def _day(value: object) -> str:
    return f"{value:%-d %B %Y}"


def decision_letter(submission: Submission) -> str:
    name = submission.person.preferred_name or submission.person.given_name
    if submission.status == "approved":
        return (f"Dear {name},\n\nYour care and support plan has been signed off. "
                "The people in your plan can now start to put it into action.\n\n"
                f"Why: {submission.reasons}")
    return (
        f"Dear {name},\n\n"
        "We have looked at your care and support plan. We cannot sign it off yet.\n\n"
        f"Why: {submission.reasons}\n\n"
        f"What you could do instead: {submission.alternatives}\n\n"
        "Your care coordinator will talk this through with you and help change the plan.\n\n"
        "If you think this decision is wrong, you can ask us to look at it again. "
        f"Please tell us by {_day(submission.appeal_by)}. "
        "Someone who did not make this decision will look at it.\n\n"
        f"{COMPLAINTS}")


def appeal_letter(appeal: Appeal) -> str:
    name = appeal.person.preferred_name or appeal.person.given_name
    outcome = {
        "changed": "We have changed the decision.",
        "partly_changed": "We have changed part of the decision.",
        "stands": "We have not changed the decision.",
    }[appeal.outcome]
    text = (f"Dear {name},\n\nWe have looked again at the decision you asked about. {outcome}"
            f"\n\nWhy: {appeal.outcome_reasons}")
    if appeal.outcome != "changed":
        text += f"\n\n{COMPLAINTS}"
    return text


def reduction_letter(reduction: PaymentReduction) -> str:
    name = reduction.person.preferred_name or reduction.person.given_name
    return (
        f"Dear {name},\n\n"
        f"We are writing to tell you that your direct payment will go down from "
        f"{pounds(reduction.current_amount)} to {pounds(reduction.new_amount)} each payment, "
        f"from {_day(reduction.takes_effect_on)}.\n\n"
        f"Why: {reduction.reasons}\n\n"
        f"Nothing changes before {_day(reduction.takes_effect_on)}. Your care coordinator "
        "will talk with you about what this means for your plan.\n\n"
        "If you think this decision is wrong, you can ask us to look at it again. "
        "Someone who did not make this decision will look at it.\n\n"
        f"{COMPLAINTS}")
