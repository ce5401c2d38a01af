"""What a personal health budget cannot buy (IPC summary guide Annex D §8.3.2).

A cost line whose words name one of these is refused with the reason. The check reads the
item and the supplier, word by word, so "surgical stockings" (equipment) is not mistaken for
surgery and "winery tour" is not alcohol; phrases about getting help to stop ("gambling
addiction counselling"), getting somewhere ("taxi to A&E") or sharing a word ("ginger beer") are
set aside first. The reason given for an unusual request is not checked: it often names what
the person wants to keep away from. It cannot judge intent: a line
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
        r"bet365", r"betfair", r"paddy power", r"william hill", r"ladbrokes", r"sky ?bet",
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
        r"champagne", r"booze", r"bottles? of spirits", r"off[- ]licen[cs]e", r"ales?",
    )),
    Exclusion("unlawful", NOT_ANY_PHB.format(what="anything illegal or unlawful"), (
        r"illegal", r"unlawful", r"illicit", r"cocaine", r"heroin", r"street drugs?",
        r"recreational drugs?", r"stolen goods?", r"unlicensed firearms?",
    )),
    Exclusion("gp_services", NOT_NHS.format(what="primary medical services from a GP"), (
        r"gp (appointments?|consultations?|home visits?|visits?|services?)",
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
        r"a ?& ?e", r"accident and emergency", r"emergency (treatment|department)",
        r"urgent (treatment|care centre)", r"emergency ambulances?", r"ambulance call[- ]?outs?",
        r"minor injur(y|ies) units?", r"walk[- ]in centres?",
    )),
    Exclusion("surgery", NOT_NHS.format(what="surgery"), (
        r"surgery", r"surgical procedures?", r"private operations?",
        r"operation (on|to (remove|repair|replace))", r"keyhole surgery", r"hip replacements?",
        r"(cataract|hip|knee|heart|eye|bypass|hernia|gallbladder|bowel|back|spinal) "
        r"(operations?|surgery)",
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

# Phrases that name an excluded thing without buying it: help to stop, things that only share
# a word, getting to a place. They are taken out before the rules read the words.
_NOT_BUYING_IT = re.compile("|".join(rf"\b(?:{p})\b" for p in (
    r"(gambling|alcohol|drink(ing)?|smoking|tobacco|debts?) (addiction|dependency|dependence|"
    r"recovery|counselling|support|advice|treatment|awareness|cessation|services?|helpline)",
    r"(counselling|therapy|treatment|support|advice|help|recovery|rehab\w*) (for|with|about|"
    r"from|to stop) (my |the |a )?(gambling|alcohol|drink(ing)?|smoking|tobacco|debts?)",
    r"stop smoking", r"alcohol[- ]free", r"alcohol (wipes?|swabs?|gel|hand gel|rub)",
    r"ginger beer", r"root beer", r"cider vinegar", r"wine[- ]colou?red", r"brandy snaps?",
    r"lottery[- ]funded", r"fire poker( set)?", r"cigar box( guitar)?",
    r"transplant support( group)?",
    r"(gp|doctor'?s?|dental|dentist'?s?) surgery",  # a place
    r"(to|at|from) (the |my |his |her |their |a )?(gp|a ?& ?e|hospital)( \w+)?",  # getting there
)))


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


def exclusions_for(*texts: str) -> list[Exclusion]:
    """Which exclusions the words of a cost line name (empty if none)."""
    text = _NOT_BUYING_IT.sub(" ", _normalise(" ".join(t for t in texts if t)))
    return [exclusion for exclusion in EXCLUSIONS if exclusion.matches(text)]
