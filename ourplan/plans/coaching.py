"""Outcome coaching: say what could make an outcome better, why, and how.

A good outcome is the *what*, not the *how*; specific enough that the person will know when it is
met; written from their perspective, in their words (PHB guide 2 §6; NCL quality framework
training, "instead of this / write this"). This checker is a set of plain, explainable rules, not a
model: it can spot services, treatments, items and amounts of support named in the outcome,
service or third-person language, and vague change words with nothing to measure them by. It
cannot judge whether the outcome matters to the person, whether they can influence it, or whether
it is true to what they said: only the conversation can (see docs/adr/0007-outcome-coaching.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SOLUTION_EMBEDDED = "solution_embedded"
NOT_SPECIFIC = "not_specific"
NOT_PERSONAL = "not_personal"
FLAGS = (SOLUTION_EMBEDDED, NOT_SPECIFIC, NOT_PERSONAL)


@dataclass(frozen=True)
class Advice:
    flag: str
    reason: str
    hint: str


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(phrases) + r")\b", re.IGNORECASE)


# Services, treatments, items and amounts of support: the "how".
_SERVICES = _words(
    r"home ?care", r"domiciliary care", r"care packages?", r"packages? of care",
    r"day cent(?:re|er)s?", r"day services?", r"respite", r"care homes?", r"nursing homes?",
    r"sitting services?", r"re-?ablement", r"intermediate care", r"district nurs(?:e|es|ing)",
    r"community nurs(?:e|es|ing)",
    r"(?:home|carer|care|nurse|nursing|welfare) (?:visits?|calls?)", r"befriending services?",
    r"meals on wheels", r"lifeline", r"telecare", r"pendant alarm", r"personal assistants?",
    r"PAs?", r"PA hours", r"support workers?", r"carers? (?:to|will|should)", r"referrals?",
    r"refer(?:red)? to", r"physiotherap(?:y|ist)", r"occupational therap(?:y|ist)", r"OT",
    r"counselling", r"CBT", r"talking therap(?:y|ies)", r"speech and language therapy",
    r"hydrotherapy", r"medication administration", r"administ(?:er|ration) of medication",
    r"prompting", r"dosette", r"blister packs?", r"wheelchairs?", r"hoists?", r"stair ?lifts?",
    r"walking frames?", r"grab rails?", r"equipment", r"adaptations?", r"taxis?",
    r"gym membership", r"direct payments?", r"personal health budgets?", r"funding",
    r"(?:clinic|outpatient|hospital) appointments?", r"prescri(?:be|bed|ption)",
    r"(?:support|help|assistance) (?:to|with) (?:go|get|attend|access)",
)
_AMOUNT_OF_SUPPORT = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|ten|twelve)\s+(?:hours?|visits?|calls?|"
    r"sessions?|nights?)\b(?:\s+(?:a|per|each)\s+(?:day|week|month))?",
    re.IGNORECASE,
)

# First-person words: the outcome is in the person's own voice.
_FIRST_PERSON = _words(r"I", r"I'm", r"I'll", r"I've", r"I'd", r"me", r"my", r"mine", r"myself",
                       r"we", r"we're", r"us", r"our", r"ours")
# Service language and talking about the person rather than as them.
_THIRD_PERSON = _words(
    r"the patient", r"patients?", r"service users?", r"the client", r"clients?", r"the individual",
    r"he", r"she", r"his", r"her", r"him", r"they will", r"their", r"Mr", r"Mrs", r"Ms", r"Miss",
)
_JARGON = _words(
    r"mobilis(?:e|ation|ing)", r"mobility needs", r"compliance", r"concordance", r"adherence",
    r"ADLs?", r"activities of daily living", r"self-?care deficit", r"optimi[sz]e", r"facilitate",
    r"maximi[sz]e", r"promote", r"ensure compliance", r"care needs", r"risk of falls",
)
_NOMINAL_START = re.compile(r"^\s*(?:to\s+)?(increas|improv|reduc|maintain|promot|enabl|"
                            r"support|provid|encourag|enhanc|maximi[sz]|facilitat|ensur)\w*\b",
                            re.IGNORECASE)

# Something to know it is met by: a number, frequency, duration, time, date or a concrete
# everyday measure.
_MEASURE = re.compile(
    r"\b(\d+|once|twice|three times|every|each|daily|weekly|monthly|fortnightly|yearly|"
    r"at least|no more than|fewer than|more than|less than|by (?:the )?(?:end|spring|summer|"
    r"autumn|winter|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|christmas|\d)|on my own|by myself|without help|independently|"
    r"a day|a week|a month|a year|per day|per week|mornings?|evenings?|weekends?|"
    r"time of day|minutes?|hours?|days?|weeks?|months?|miles?|metres?|steps)\b",
    re.IGNORECASE,
)
# Change words that say nothing on their own.
_VAGUE = _words(
    r"better", r"improved?", r"improving", r"improvement", r"increased?", r"increasing", r"more",
    r"less", r"reduced?", r"reducing", r"maintain(?:ed|ing)?", r"enhanced?", r"optimal",
    r"healthier", r"happier", r"well-?being", r"quality of life", r"independence", r"as needed",
    r"as required", r"appropriate", r"adequate", r"some", r"support(?:ed)?",
)


def _quote(match: re.Match[str]) -> str:
    return f"“{match.group(0).strip()}”"


def coach_outcome(text: str) -> list[Advice]:
    """What could make this outcome better. An empty list: nothing to suggest."""
    text = " ".join((text or "").split())
    advice: list[Advice] = []

    service = _SERVICES.search(text) or _AMOUNT_OF_SUPPORT.search(text)
    if service:
        advice.append(Advice(
            SOLUTION_EMBEDDED,
            f"It names {_quote(service)}, which is a way of meeting the outcome (a service, "
            "treatment, item or amount of support), not the outcome itself.",
            "Ask what that would make possible for the person, and write that. Keep the service "
            "for the actions or the budget: for example, instead of “support to go to the day "
            "centre”, “I spend time at least twice a week with people who share my interests”.",
        ))

    first_person = _FIRST_PERSON.search(text)
    other = _THIRD_PERSON.search(text) or _JARGON.search(text)
    nominal = _NOMINAL_START.search(text)
    if not first_person or other or (nominal and not first_person):
        if other:
            why = f"It uses {_quote(other)}, which is service language or talks about the person."
        else:
            why = "It is not in the person's own voice: there is no “I”, “me” or “my”."
        advice.append(Advice(
            NOT_PERSONAL, why,
            "Write it as the person would say it, starting “I …”, in words they use: for "
            "example, instead of “increasing mobilisation at home”, “I am confident walking "
            "from the lounge to the kitchen and bathroom every day”.",
        ))

    words = re.findall(r"[\w'\u2019-]+", text)
    vague = _VAGUE.search(text)
    measure = _MEASURE.search(text)
    if len(words) < 5 or (vague and not measure):
        why = (f"“{vague.group(0)}” says that something changes but not what, or how the "
               "person will know it has." if vague and len(words) >= 5
               else "It is too short to say what will be different, or how anyone will know.")
        advice.append(Advice(
            NOT_SPECIFIC, why,
            "Say what will be different and how the person will know: what they will do, where, "
            "how often or by when. For example, “I go out for lunch with my school friends once "
            "a month”.",
        ))
    return advice


def outcome_flags(text: str) -> list[str]:
    """Just the flag names, in a fixed order (for the command line and the API)."""
    found = {a.flag for a in coach_outcome(text)}
    return [flag for flag in FLAGS if flag in found]
