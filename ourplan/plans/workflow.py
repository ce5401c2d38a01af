"""The plan's journey, declared once: the six stages, the two kinds of plan and their sections,
which sections must be complete to leave each stage, and the allowed transitions.

Stages follow the IPC summary guide §2.1 and Annex A; sections follow the PRSB Personalised Care
and Support Plan standard and PHB guide 2 §5."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Stage(models.TextChoices):
    CONTEXT = "context", "Context"
    PREPARATION = "preparation", "Preparation"
    CONVERSATION = "conversation", "Conversation"
    RECORD_AND_AGREE = "record_and_agree", "Record and agree"
    MAKE_IT_HAPPEN = "make_it_happen", "Make it happen"
    REVIEW = "review", "Review"


class PlanKind(models.TextChoices):
    FULL = "full", "Personalised care and support plan"
    WELLBEING = "wellbeing", "Personalised wellbeing plan"


class Section(models.TextChoices):
    ABOUT_ME = "about_me", "About me and my one-page summary"
    WORKING = "working", "What is working and not working"
    HEALTH = "health", "My health"
    OUTCOMES = "outcomes", "What I want to achieve (needs and outcomes)"
    ACTIONS = "actions", "Actions: who does what, by when"
    PERSONAL_ASSISTANTS = "personal_assistants", "Personal assistants and delegated tasks"
    RISKS = "risks", "Risks"
    CONTINGENCY = "contingency", "Contingency and safety plans"
    DECISIONS = "decisions", "Decision-making and capacity"
    REVIEW = "review", "Reviewing my plan"


class SectionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    NOT_APPLICABLE = "not_applicable", "Does not apply"


DONE = frozenset({SectionStatus.COMPLETED, SectionStatus.NOT_APPLICABLE})

SECTIONS: dict[str, tuple[Section, ...]] = {
    PlanKind.FULL: tuple(Section),
    # The lighter plan: a starting point, or enough on its own where a full plan is not
    # proportionate.
    PlanKind.WELLBEING: (Section.ABOUT_ME, Section.WORKING, Section.OUTCOMES, Section.ACTIONS,
                         Section.CONTINGENCY, Section.REVIEW),
}

# Only these sections may be marked "does not apply" (a person without PAs, say).
OPTIONAL_SECTIONS = frozenset({Section.PERSONAL_ASSISTANTS, Section.HEALTH, Section.DECISIONS,
                               Section.RISKS})

# What must be complete before the plan leaves each stage for the next.
NEEDED_TO_LEAVE: dict[Stage, tuple[Section, ...]] = {
    Stage.CONTEXT: (),
    Stage.PREPARATION: (Section.ABOUT_ME, Section.WORKING, Section.HEALTH),
    Stage.CONVERSATION: (Section.OUTCOMES, Section.RISKS, Section.CONTINGENCY,
                         Section.DECISIONS, Section.PERSONAL_ASSISTANTS),
    Stage.RECORD_AND_AGREE: (Section.ACTIONS, Section.REVIEW),
    Stage.MAKE_IT_HAPPEN: (),
    Stage.REVIEW: (),
}


@dataclass(frozen=True)
class Transition:
    name: str
    source: Stage
    target: Stage
    label: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition("prepare", Stage.CONTEXT, Stage.PREPARATION, "Start preparing"),
    Transition("hold_conversation", Stage.PREPARATION, Stage.CONVERSATION,
               "Move on to the conversation"),
    Transition("record", Stage.CONVERSATION, Stage.RECORD_AND_AGREE, "Record and agree the plan"),
    Transition("make_it_happen", Stage.RECORD_AND_AGREE, Stage.MAKE_IT_HAPPEN,
               "Start making it happen"),
    Transition("review", Stage.MAKE_IT_HAPPEN, Stage.REVIEW, "Review the plan"),
    # A review adapts the plan: the cycle starts again with a new conversation.
    Transition("start_again", Stage.REVIEW, Stage.CONVERSATION, "Start a new conversation"),
)
TRANSITIONS_BY_NAME = {t.name: t for t in TRANSITIONS}


def sections_for(kind: str) -> tuple[Section, ...]:
    return SECTIONS[kind]


def needed_to_leave(kind: str, stage: str) -> tuple[Section, ...]:
    """The sections of this kind of plan that must be done before leaving `stage`."""
    return tuple(s for s in NEEDED_TO_LEAVE[Stage(stage)] if s in SECTIONS[kind])


def transitions_from(stage: str) -> tuple[Transition, ...]:
    return tuple(t for t in TRANSITIONS if t.source == stage)


# --- how much support the planning needs ------------------------------------------------------

class PamLevel(models.IntegerChoices):
    """Patient Activation Measure level (score and date only: the questionnaire is licensed)."""

    ONE = 1, "Level 1: may feel overwhelmed and unprepared to play an active role"
    TWO = 2, "Level 2: becoming aware but still struggling"
    THREE = 3, "Level 3: taking action and gaining control"
    FOUR = 4, "Level 4: maintaining behaviours and pushing further"


class Confidence(models.IntegerChoices):
    """The person's own view of their knowledge, skills and confidence to manage their health."""

    NOT_CONFIDENT = 1, "Not confident"
    A_LITTLE = 2, "A little confident"
    FAIRLY = 3, "Fairly confident"
    VERY = 4, "Very confident"


SUPPORT_SUGGESTIONS = {
    1: ("More support", "Plan over several shorter conversations, with the named coordinator or a "
        "peer supporter alongside. Start from what matters to them; build confidence before "
        "setting goals; consider health coaching."),
    2: ("Some extra support", "Give information in small pieces and check understanding. Agree one "
        "or two outcomes to start with; consider peer support or self-management education."),
    3: ("Usual support", "Plan together in a usual conversation; the person can lead parts of "
        "their plan and take actions on themselves."),
    4: ("Light touch", "The person can lead their plan and much of its preparation; offer support "
        "to keep going and for setbacks. A personalised wellbeing plan may be enough."),
}


def support_suggestion(pam_level: int | None, confidence: int | None) -> tuple[str, str] | None:
    """How much support the planning needs, from PAM level or, failing that, the person's own
    view. The lower of the two when both are known: people are rarely over-supported."""
    known = [v for v in (pam_level, confidence) if v]
    return SUPPORT_SUGGESTIONS[min(known)] if known else None
