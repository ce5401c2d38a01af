"""Sign-off and review of Cecilia's plan, in a real browser, with axe-core on every page.

A coordinator submits the plan, an approver refuses it with reasons, the coordinator fixes it,
the approver signs it off; the plan is put into action, an admission brings its review forward,
and finishing the review and agreeing the plan again makes a new version."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from ourplan.accounts.models import User
from ourplan.core.presenters import format_date
from ourplan.governance.models import Submission, SubmissionStatus
from ourplan.people.models import Person
from ourplan.plans import services as plan_services
from ourplan.plans.entries import ENTRY_KINDS_BY_SLUG
from ourplan.plans.models import Plan
from ourplan.plans.workflow import Stage
from ourplan.reviews.models import Review, ReviewStatus
from tests.browser.axe import check_accessibility
from tests.browser.test_journeys import sign_in_as_persona

REFUSAL = "The plan does not say what happens if Cecilia falls on the way to the shop"
ALTERNATIVES = ("Add what happens if she falls on the way, such as a pendant alarm, or walk "
                "to the shop with Bernard until one is in place")
MITIGATION = ("I take my walker and my mobile phone, and tell Bernard when I leave and get "
              "back. I wear a pendant alarm: if I fall on the way to the shop it calls Bernard, "
              "then the hub")


def _bring_to_record_and_agree(cecilia: Person, sam: User) -> Plan:
    """What the journey is not about, done through the services as Sam: a review arrangement
    (with how to ask for one), every section done, and the plan moved on to record and agree.
    The demo plan already has outcomes with actions, risks with how each is managed and a
    contingency plan."""
    plan = Plan.objects.get(person=cecilia)
    assert plan.stage == Stage.CONVERSATION
    plan_services.entry_add(
        actor=sam, plan=plan, kind=ENTRY_KINDS_BY_SLUG["review"],
        data={"planned_date": timezone.localdate() + dt.timedelta(days=150),
              "responsible": "Sam Okafor, her named coordinator",
              "how": "At home with Cece and Bernard",
              "how_to_ask": "Phone Sam at the hub on 01632 960 010"})
    plan.refresh_from_db()
    for section, status in [("outcomes", "completed"), ("actions", "completed"),
                            ("risks", "completed"), ("contingency", "completed"),
                            ("decisions", "not_applicable"),
                            ("personal_assistants", "not_applicable"),
                            ("review", "completed")]:
        plan = plan_services.plan_section_set_status(actor=sam, plan=plan, version=plan.version,
                                                     section=section, status=status)
    plan = plan_services.plan_record(actor=sam, plan=plan, version=plan.version)
    assert plan.stage == Stage.RECORD_AND_AGREE
    return plan


def _success(page: Page, text: str) -> None:
    expect(page.locator(".nhsuk-notification-banner--success, [role=alert]")
           .filter(has_text=text).first).to_be_visible()


def _sign_out(page: Page) -> None:
    page.locator("header").get_by_role("link", name="Sign out").click()
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    check_accessibility(page)


def _open_cecilias_plan(page: Page) -> None:
    page.get_by_role("link", name="Cecilia Adeyemi").click()
    check_accessibility(page)
    page.get_by_role("link", name="Cece's care and support plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Personalised care and support plan")
    check_accessibility(page)


def _record_agreement(page: Page, number: int) -> None:
    """From the plan page: the person agrees the plan as it is now, with all four agreements."""
    page.get_by_role("link", name="Record that the plan has been agreed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record that the plan has been agreed")
    check_accessibility(page)
    page.get_by_label("The person themselves").check()
    page.get_by_label("How did they agree?").fill("Read it together at home and signed it")
    for agreement in ["The support in the plan meets my needs",
                      "The direct payment is enough to pay the full cost of my support",
                      "My plan will be reviewed, and my needs may be assessed again",
                      "My information may be shared with the people and services who "
                      "deliver my plan"]:
        page.get_by_label(agreement).check()
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_text(f"Version {number} agreed by Cecilia Adeyemi")).to_be_visible()
    expect(page.get_by_text("Nothing: the plan is as it was agreed.")).to_be_visible()
    check_accessibility(page)


def _submit_for_sign_off(page: Page) -> None:
    """From the plan page: every readiness item is done, so the plan is submitted."""
    page.get_by_role("link", name="Sign-off, decisions and appeals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreement and sign-off")
    expect(page.locator("#goes-to")).to_contain_text("It would go to level 2")
    check_accessibility(page)
    items = page.locator(".readiness-item")
    assert items.count() > 0
    expect(page.locator(".readiness-item .nhsuk-tag--red")).to_have_count(0)
    expect(items.filter(has=page.locator(".nhsuk-tag--green", has_text="Done"))) \
        .to_have_count(items.count())
    page.get_by_label("Anything the approver should know (optional)").fill(
        "Cece chooses to walk to the corner shop on her own")
    page.get_by_role("button", name="Submit for sign-off").click()
    _success(page, "Submitted for sign-off at level 2")
    expect(page.locator("#waiting")).to_contain_text("waiting for a decision at level 2")
    check_accessibility(page)


def _open_the_submission_as_helen(page: Page) -> None:
    sign_in_as_persona(page, "Helen Price")
    page.locator("header").get_by_role("link", name="Decisions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions waiting for you")
    check_accessibility(page)
    row = page.locator("#approvals tr", has_text="Cecilia Adeyemi")
    expect(row).to_contain_text("Plan sign-off")
    expect(row).to_contain_text("Sam Okafor")
    row.get_by_role("link", name="Cecilia Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan sign-off")
    expect(page.locator("#status")).to_have_text("Waiting for a decision")
    check_accessibility(page)


def _decide(page: Page, decision: str, reasons: str, alternatives: str = "") -> None:
    page.get_by_label(decision).check()
    page.get_by_label("Reasons").fill(reasons)
    page.get_by_label("Other options the person could consider").fill(alternatives)
    page.get_by_role("button", name="Record the decision").click()


def test_cecilias_plan_is_refused_fixed_signed_off_reviewed_and_agreed_again(page: Page):
    cecilia = Person.objects.get(nhs_number="9990000018")
    sam = User.objects.get(username="sam.okafor")
    plan = _bring_to_record_and_agree(cecilia, sam)

    # 1. Sam records Cecilia's agreement and submits the plan for sign-off.
    sign_in_as_persona(page, "Sam Okafor")
    _open_cecilias_plan(page)
    _record_agreement(page, 1)
    _submit_for_sign_off(page)
    first = Submission.objects.get(plan=plan)
    assert (first.status, first.level, first.plan_version.number) == (
        SubmissionStatus.WAITING, 2, 1)

    # 2. Helen refuses it: first without alternatives, which a refusal must offer.
    _sign_out(page)
    _open_the_submission_as_helen(page)
    _decide(page, "Refuse sign-off", REFUSAL)
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator("#id_alternatives-error")).to_contain_text(
        "Give the other options the person could consider")
    expect(page).to_have_title(re.compile("^Error: "))
    check_accessibility(page)
    _decide(page, "Refuse sign-off", REFUSAL, ALTERNATIVES)
    _success(page, "Sign-off refused")
    # Back at the queue: Cecilia's plan is decided; Harold's (from the demo) still waits.
    expect(page.locator("#approvals tr", has_text="Cecilia Adeyemi")).to_have_count(0)
    expect(page.locator("#approvals tr", has_text="Harold Jenkins")).to_have_count(1)
    check_accessibility(page)
    first.refresh_from_db()
    assert first.status == SubmissionStatus.REFUSED
    assert first.appeal_by is not None
    appeal_by = format_date(first.appeal_by)

    # 3. Sam sees the refusal, fixes the plan, has it agreed again and resubmits it.
    _sign_out(page)
    sign_in_as_persona(page, "Sam Okafor")
    page.locator("header").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    refused = page.locator("ul[aria-labelledby=refused]")
    refused_on = format_date(timezone.localdate(first.decided_at))
    expect(refused).to_contain_text(
        f"Cecilia Adeyemi: refused {refused_on}; they can appeal until {appeal_by}")
    check_accessibility(page)
    refused.get_by_role("link", name="Cecilia Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreement and sign-off")
    decision = page.locator(".nhsuk-card", has_text="refused")
    expect(decision).to_contain_text("Decided by Helen Price")
    expect(decision).to_contain_text(REFUSAL)
    expect(decision).to_contain_text(f"Other options: {ALTERNATIVES}")
    expect(decision).to_contain_text(f"looked at again by {appeal_by}")
    check_accessibility(page)

    page.get_by_role("link", name="Back to the plan").click()
    check_accessibility(page)
    page.locator("#plan-sections").get_by_role("link", name="Risks", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risks")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("^Change risk: I want to walk")).click()
    check_accessibility(page)
    page.get_by_label("How it is managed").fill(MITIGATION)
    page.get_by_role("button", name="Save").click()
    _success(page, "The risk has been saved")
    expect(page.get_by_text("I wear a pendant alarm")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Back to the plan").click()
    expect(page.get_by_text(re.compile("how it is managed moved from"))).to_be_visible()
    check_accessibility(page)
    _record_agreement(page, 2)
    _submit_for_sign_off(page)
    second = Submission.objects.exclude(pk=first.pk).get(plan=plan)
    assert (second.status, second.plan_version.number) == (SubmissionStatus.WAITING, 2)

    # 4. Helen signs it off.
    _sign_out(page)
    _open_the_submission_as_helen(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("of version 2")
    expect(page.get_by_text("I wear a pendant alarm")).to_be_visible()
    _decide(page, "Sign off the plan", "The plan now says what happens if Cece falls on the "
                                       "way to the shop, and she has chosen this with Bernard")
    _success(page, "Plan signed off")
    check_accessibility(page)
    second.refresh_from_db()
    assert second.status == SubmissionStatus.APPROVED

    # 5. Sam puts the plan into action; an admission brings its review forward.
    _sign_out(page)
    sign_in_as_persona(page, "Sam Okafor")
    _open_cecilias_plan(page)
    page.get_by_role("button", name="Start making it happen").click()
    _success(page, "The plan is now at: Make it happen")
    check_accessibility(page)

    page.get_by_role("link", name="Reviews of the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    arranged = timezone.localdate() + dt.timedelta(days=150)
    expect(page.locator("#next-review ~ p").first).to_contain_text(
        f"Due by {format_date(arranged)}")
    check_accessibility(page)
    page.get_by_role("link", name="Record something else that brings the review forward") \
        .click()
    check_accessibility(page)
    page.get_by_label("An unplanned admission").check()
    admitted = timezone.localdate() - dt.timedelta(days=3)
    page.locator("#id_occurred_on_day").fill(str(admitted.day))
    page.locator("#id_occurred_on_month").fill(str(admitted.month))
    page.locator("#id_occurred_on_year").fill(str(admitted.year))
    page.get_by_label("What happened").fill(
        "Admitted to Riverside General after a fall at home; Bernard phoned the hub")
    page.get_by_role("button", name="Save").click()
    _success(page, "Recorded: an unplanned admission")
    due = admitted + dt.timedelta(days=14)
    expect(page.locator("#next-review ~ p").first).to_contain_text(f"Due by {format_date(due)}")
    expect(page.get_by_text(f"Unplanned admission on {format_date(admitted)}: review within "
                            "2 weeks")).to_be_visible()
    expect(page.get_by_text("Admitted to Riverside General after a fall")).to_be_visible()
    check_accessibility(page)

    # The review: finishing with an outcome and the priorities unanswered is refused.
    page.get_by_role("button", name="Start a review").click()
    _success(page, "Review started")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review of the plan")
    expect(page.get_by_text(f"An unplanned admission, {format_date(admitted)}")).to_be_visible()
    check_accessibility(page)
    outcomes = page.locator("fieldset", has_text="How far has this outcome got?")
    expect(outcomes).to_have_count(2)
    outcomes.nth(0).get_by_label("Partly achieved").check()
    page.get_by_label("Comment on outcome 1").fill(
        "The kettle tipper helps; she makes tea on her own on good days")
    page.get_by_label("New or changed risks").fill(
        "She fell at home and was admitted; the pendant alarm worked")
    page.get_by_role("button", name="Finish the review").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("the review cannot be finished yet")
    expect(summary).to_contain_text("Say how far this outcome has got")
    expect(summary).to_contain_text("Write the priorities for the coming year")
    check_accessibility(page)
    review = Review.objects.get(plan=plan)
    assert review.status == ReviewStatus.IN_PROGRESS

    outcomes.nth(1).get_by_label("Not achieved yet").check()
    page.get_by_label("Comment on outcome 2").fill("Waiting for the district nurses' new rota")
    page.get_by_label("Priorities for the coming year").fill(
        "Get my strength back after hospital, then lunch with my friends again")
    page.get_by_role("button", name="Finish the review").click()
    _success(page, "Review finished")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review finished on")
    expect(page.get_by_text("Partly achieved. The kettle tipper helps")).to_be_visible()
    check_accessibility(page)
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMPLETED
    plan.refresh_from_db()
    assert plan.stage == Stage.CONVERSATION

    # The plan is adapted in a new conversation and agreed again: version 3.
    page.get_by_role("link", name="Back to reviews").click()
    expect(page.get_by_role("link", name=re.compile("^Review finished on"))).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Back to the plan").click()
    expect(page.get_by_text("Conversation (now)")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Record and agree the plan").click()
    _success(page, "The plan is now at: Record and agree")
    check_accessibility(page)
    _record_agreement(page, 3)
    versions = page.locator("#agreement + ul")
    for number in (1, 2, 3):
        expect(versions.get_by_role("link", name=f"Version {number}", exact=True)) \
            .to_be_visible()
    assert list(plan.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]
