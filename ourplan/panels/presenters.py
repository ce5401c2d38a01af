"""What the pages say about a referral, in plain words: who was on the panel, and what to tell
the person about the decision, ready to share."""

from __future__ import annotations

from ourplan.core.presenters import format_date
from ourplan.panels.models import PanelReferral


def panel_members(referral: PanelReferral) -> list[str]:
    """Everyone on the panel: those linked as staff (name and job title or role), then those
    named in words."""
    linked = [f"{u}, {u.job_title or u.get_role_display()}" for u in referral.member_users.all()]
    return linked + referral.member_lines()


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else f"{text}."


def what_to_tell_the_person(referral: PanelReferral) -> list[str]:
    """The decision and why, spoken to the person, one paragraph an item. Empty until the panel
    has decided."""
    if not referral.is_decided or referral.panel_date is None:
        return []
    options = list(referral.options.all())
    members = panel_members(referral)
    said = [
        f"On {format_date(referral.panel_date)}, a panel met to help with a hard decision about "
        f"your care and support. The question was: {_sentence(referral.question)}",
        f"The panel was {len(members)} {'person' if len(members) == 1 else 'people'}: "
        f"{'; '.join(members)}.",
        f"They looked at {len(options)} options and at what you think: "
        f"“{referral.person_view.strip()}”",
    ]
    if referral.chosen_option is not None:
        said.append(f"The panel chose option {referral.chosen_option.position}: "
                    f"{_sentence(referral.chosen_option.description)}")
    else:
        said.append(f"The panel did not choose any of the options. This is why: "
                    f"{_sentence(referral.none_reason)}")
    said.append(f"What the panel decided: {_sentence(referral.decision)}")
    said.append(f"Why they decided this: {_sentence(referral.rationale)}")
    if referral.conditions:
        said.append(f"What needs to happen for this decision to stand: "
                    f"{_sentence(referral.conditions)}")
    if referral.review_date:
        said.append(f"The decision will be looked at again by "
                    f"{format_date(referral.review_date)}, or sooner if things change for you.")
    said.append("If you do not agree with the decision, tell us. You can ask for it to be "
                "looked at again, and you have the right to appeal. Your named coordinator can "
                "help you do this.")
    return said
