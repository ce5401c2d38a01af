"""What a personal health budget cannot buy (IPC summary guide Annex D §8.3.2).

A cost line whose words name one of these is refused with the reason. The check reads the
item, the supplier and what the line is for, word by word, so "surgical stockings" (equipment)
is not mistaken for surgery and "winery tour" is not alcohol. It cannot judge intent: a line
worded to hide what it buys is caught by the people who sign the budget off, not by this check
(docs/adr/0009-personal-health-budgets.md).

Anything else is allowed, and an unusual request is never refused here: it is flagged for a
case-by-case decision and stays in the plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Exclusion:
    code: str
    reason: str
    patterns: tuple[str, ...]

    def matches(self, text: str) -> bool:
        return any(re.search(rf"\b{p}\b", text) for p in self.patterns)


NOT_ANY_PHB = "A personal health budget cannot be spent on {what}"
NOT_NHS = ("A personal health budget cannot buy {what}: the NHS provides it free, outside the "
           "budget")

EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion("gambling", NOT_ANY_PHB.format(what="gambling"), (
        r"gambl\w*", r"bet", r"bets", r"betting", r"bookmakers?", r"casinos?", r"lottery",
        r"lotto", r"scratch ?cards?", r"bingo", r"slot machines?", r"poker", r"sweepstakes?",
    )),
    Exclusion("debt", NOT_ANY_PHB.format(what="paying off debts"), (
        r"debts?", r"arrears", r"loan repayments?", r"repay(ing|ment of)? (a |the |my )?loans?",
        r"credit card (bill|bills|balance|repayments?)", r"overdraft", r"payday loans?",
        r"county court judgm?ents?", r"bailiffs?",
    )),
    Exclusion("tobacco", NOT_ANY_PHB.format(what="tobacco"), (
        r"tobacco", r"cigarettes?", r"cigars?", r"cigarillos?", r"rolling papers?",
        r"hand[- ]rolling",
    )),
    Exclusion("alcohol", NOT_ANY_PHB.format(what="alcohol"), (
        r"alcohol", r"alcoholic drinks?", r"beers?", r"lagers?", r"ciders?", r"wines?",
        r"vodka", r"whisk(e)?y", r"gin", r"rum", r"brandy", r"prosecco",
        r"champagne", r"booze", r"bottles? of spirits", r"off[- ]licen[cs]e",
    )),
    Exclusion("unlawful", NOT_ANY_PHB.format(what="anything illegal or unlawful"), (
        r"illegal", r"unlawful", r"illicit", r"cocaine", r"heroin", r"street drugs?",
        r"recreational drugs?", r"stolen goods?", r"unlicensed firearms?",
    )),
    Exclusion("gp_services", NOT_NHS.format(what="primary medical services from a GP"), (
        r"gp (appointments?|consultations?|visits?|services?|surgery|practice)",
        r"general practitioners?", r"primary medical services?",
        r"(private|paid) (gp|doctor)",
    )),
    Exclusion("public_health", NOT_NHS.format(
        what="public health services such as vaccination, immunisation or screening"), (
        r"vaccinations?", r"vaccines?", r"immuni[sz]ations?", r"flu jabs?", r"flu shots?",
        r"(health|cancer|breast|bowel|cervical|diabetic eye|aaa|nhs) screening",
        r"screening (tests?|appointments?|programmes?)", r"smear tests?", r"mammograms?",
    )),
    Exclusion("urgent_care", NOT_NHS.format(what="urgent or emergency treatment"), (
        r"a ?& ?e", r"a and e", r"accident and emergency", r"emergency (treatment|department)",
        r"urgent (treatment|care centre)", r"emergency ambulances?", r"ambulance call[- ]?outs?",
        r"minor injur(y|ies) units?", r"walk[- ]in centres?",
    )),
    Exclusion("surgery", NOT_NHS.format(what="surgery"), (
        r"surgery", r"surgical procedures?", r"private operations?",
        r"operation (on|to (remove|repair|replace))", r"keyhole", r"hip replacements?",
        r"knee replacements?", r"transplants?", r"cosmetic procedures?",
    )),
    Exclusion("nhs_charges", NOT_NHS.format(
        what="NHS charges such as prescription or dental charges"), (
        r"prescription (charges?|fees?|costs?|prepayment certificates?)",
        r"prepayment certificates?", r"dental (charges?|fees?|treatment charges?)",
        r"nhs charges?", r"nhs dentist fees?",
    )),
)

EXCLUSIONS_BY_CODE = {e.code: e for e in EXCLUSIONS}

# Words that make a line about a GP surgery's building, say, not surgery itself.
_NOT_SURGERY = re.compile(r"\b(gp|doctor'?s?|dental|dentist'?s?) surgery\b")
_GOING_TO_GP = re.compile(r"\b(to|for|at|from) (the |my |his |her |their |a )?gp( \w+)?")


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


def exclusions_for(*texts: str) -> list[Exclusion]:
    """Which exclusions the words of a cost line name (empty if none)."""
    text = _normalise(" ".join(t for t in texts if t))
    found = []
    for exclusion in EXCLUSIONS:
        candidate = text
        if exclusion.code == "surgery":
            # "GP surgery" is a place; the GP rule decides about it.
            candidate = _NOT_SURGERY.sub(" ", text)
        elif exclusion.code == "gp_services":
            # Getting to the GP ("a taxi to GP appointments") is not buying the GP's services.
            candidate = _GOING_TO_GP.sub(" ", text)
        if exclusion.matches(candidate):
            found.append(exclusion)
    return found
