"""The easy-read plan: the fixed words around the person's own words, and what the template needs.

Easy read (Accessible Information Standard; Mencap's "Am I making myself clear?"): short
sentences, one idea to a line, plain words, big headings. Only our own fixed words are written
simply here; the person's own words are shown exactly as they are, never rewritten. Where a
service word is needed ("personal health budget", "named coordinator") the plain words come
with it, so the person can use it with staff. Each section has a simple picture beside it
(ourplan.exports.pictures): picture on the left, words on the right.

Every fixed sentence is at most MAX_WORDS words (a test checks each one, and the rendered page).
"""

from __future__ import annotations

from typing import Any

from ourplan.core.presenters import format_date
from ourplan.exports.pictures import pictures_for
from ourplan.people.models import CareTeamMember
from ourplan.plans.models import ActionOwner, Perspective, Plan, WorkingKind
from ourplan.reviews.inputs import review_due_now

MAX_WORDS = 20

# The plan's sections, in the order they come, with their plain headings.
WORDS: dict[str, str] = {
    "title_plan": "my plan in easy read",
    "title_one_page": "my one-page summary in easy read",
    "intro_plan_1": "This is my plan.",
    "intro_plan_2": "It says what matters to me.",
    "intro_plan_3": "It says how people will help me.",
    "intro_one_page_1": "This page is about me.",
    "intro_one_page_2": "It helps people get to know me.",
    "intro_one_page_3": "Please read it before you help me.",
    "own_words": "The words in the boxes are my own words.",
    "not_written": "Not written yet.",
    "nothing": "Nothing written yet.",
    # About me
    "about": "About me",
    "appreciated": "What people like about me",
    "important": "What is important to me",
    "support": "How to help me best",
    "health_summary": "My health",
    "communication": "How I talk and understand",
    "please_do": "Please do this",
    "please_dont": "Please do not do this",
    "written_with": "Who helped me write this",
    # What is working
    "working": "What is going well and what is not",
    f"kind_{WorkingKind.WORKING}": "Going well",
    f"kind_{WorkingKind.NOT_WORKING}": "Not going well",
    f"kind_{WorkingKind.STRENGTH}": "Things I am good at",
    f"said_by_{Perspective.FAMILY}": "My family or carers said this.",
    f"said_by_{Perspective.PRACTITIONER}": "The people who work with me said this.",
    # Outcomes
    "outcomes": "What I want to happen",
    "outcomes_intro": "These are the things I want to happen.",
    "no_outcomes": "No goals written yet.",
    "actions": "What will be done:",
    "no_actions": "What will be done is not planned yet.",
    "who": "Who:",
    "by_when": "By:",
    f"owner_{ActionOwner.PERSON}": "Me",
    f"owner_{ActionOwner.CIRCLE}": "Someone close to me",
    f"owner_{ActionOwner.SERVICE}": "A service",
    f"owner_{ActionOwner.COMMUNITY}": "A local group",
    # Money
    "money": "Money for my care",
    "money_name": "This is called a personal health budget.",
    "money_amount": "The money for my care is {amount} a year.",
    "money_not_set": "How much money I get is not decided yet.",
    "money_pays": "It pays for things in this plan:",
    # Health
    "health": "My health and medicines",
    "conditions": "My health conditions",
    "how_it_affects_me": "How it affects me:",
    "medicines": "My medicines",
    "dose": "How much and when:",
    "what_for": "What it is for:",
    "allergies": "Things I must not have",
    "allergic_to": "I am allergic to:",
    "reaction": "What happens:",
    # Risks and contingencies
    "risks": "Keeping safe",
    "risks_intro": "These are things that could go wrong, and how we stop them.",
    "risk_managed": "What we do about it:",
    "risk_owner": "Who looks after this:",
    "contingencies": "If things go wrong",
    "if_this_happens": "If this happens:",
    "then": "This is what should happen:",
    "who_to_contact": "Who to call:",
    "coping": "What helps me cope:",
    # People
    "people": "People who help me",
    "circle": "Family, friends and carers",
    "care_team": "People whose job is to help me",
    "no_one": "No one written down yet.",
    "phone": "Phone:",
    # What happens next
    "next": "What happens next",
    "review_by": "My plan will be checked again by {date}.",
    "review_name": "This is called a review.",
    "review_ask": "I can ask for a review sooner if things change.",
    "not_agreed": "My plan is not agreed yet.",
    "not_agreed_then": "When it is agreed, we will set a date to check it again.",
    "coordinator": "My named coordinator is {name}.",
    "coordinator_role": "They are the person who helps me with my plan.",
    "coordinator_phone": "Their phone number is {phone}.",
    "no_coordinator": "I do not have a named coordinator yet.",
    "coordinator_ask": "My named coordinator helps me with my plan. Ask me who they are.",
    "made_on": "Made on {date}.",
    "nhs_number": "NHS number:",
}


def owner_of(action: Any) -> str:
    """Who will do an action: the name written in the plan, else a plain word for the kind."""
    return str(action.owner or WORDS.get(f"owner_{action.owner_kind}",
                                         action.get_owner_kind_display()))


def named_coordinator(care_team: list[CareTeamMember]) -> CareTeamMember | None:
    return next((m for m in care_team if m.is_named_coordinator), None)


def easy_read_context(plan: Plan, context: dict[str, Any], *,
                      sees_care_team: bool) -> dict[str, Any]:
    """The export's context (ourplan.exports.plans._context) with the easy-read words, the
    entries by kind, and what happens next. `sees_care_team` False: the reader may see the plan
    but not the person's care team (family it is shared with), so the coordinator is not named."""
    person = plan.person
    due = review_due_now(plan)
    one_page = context["one_page"]
    return {
        **context,
        "words": WORDS,
        "title": f"{person.full_name}: "
                 f"{WORDS['title_one_page'] if one_page else WORDS['title_plan']}",
        "entries": {kind.slug: items for kind, items in context["entry_groups"]},
        "owner_of": owner_of,
        "review_on": format_date(due.due_on) if due else "",
        "coordinator": named_coordinator(context["care_team"]),
        "sees_care_team": sees_care_team,
        "pictures_for": pictures_for,
    }
