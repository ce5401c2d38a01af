"""A hard decision taken to the risk enablement panel, and the work queues and administration
pages, all on a phone-sized window in a real browser: axe-core and a reflow check on every page.

Journey 1: Sam refers Cecilia's wish to walk to the corner shop alone to the panel (first with
one option, to see the error beside the field); Ruth records the panel's decision; Sam records
that it was shared with Cecilia; David marks it as a local principle, which the local
principles page shows without saying who it was about; a search of past decisions finds it.

Journey 2 (Cecilia's plan already agreed and submitted, through the services): Sam's work queue,
for him and for his teams, and her reviews page; Helen finds the plan in her decisions and signs
it off; Tom raises the plan sign-off level 2 budget limit with the keyboard only (Tab, Enter,
Space), then reads the sign-off letter in the outbox."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from ourplan.accounts.models import User
from ourplan.governance import services as governance_services
from ourplan.governance.models import Authority, DecisionKind
from ourplan.panels.models import PanelReferral
from ourplan.people.models import Person
from ourplan.plans import services as plan_services
from ourplan.plans.models import Agreement
from tests.browser.reflow import check_page
from tests.browser.test_sign_off_journey import _bring_to_record_and_agree

QUESTION = "Can Cece walk to the corner shop on her own, although she might fall on the way?"
PERSON_VIEW = ("\"I have walked to that shop for forty years. I would rather risk a fall than "
               "sit at home waiting for someone to take me.\"")
WALK_ALONE = "Walk to the shop alone with a pendant alarm and her mobile phone"
WITH_VOLUNTEER = "Walk with a volunteer for a month first, then on her own"
DECISION = ("Cece walks to the corner shop on her own, wearing her pendant alarm and taking "
            "her mobile phone.")
RATIONALE = ("Walking to the shop matters a great deal to her and keeps her strong. The risk of "
             "a fall is real, but the alarm and phone mean help comes quickly, and she "
             "understands and accepts the risk.")
PRINCIPLE = ("Someone who understands the risk of falling may walk to local shops on their own. "
             "A pendant alarm and a phone are enough to manage the risk; a volunteer escort is "
             "not required first.")


def _sign_in(page: Page, name: str) -> None:
    """As `sign_in_as_persona`, with the reflow check on both pages too."""
    page.goto("/personas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in as a demo persona")
    check_page(page)
    page.get_by_role("button", name=f"Sign in as {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    check_page(page)


def _header_link(page: Page, name: str) -> None:
    """Follow a link in the header as a person would: on a phone, the links that do not fit
    are behind the "More" button."""
    page.wait_for_load_state("load")
    header = page.locator("header")
    if not header.get_by_role("link", name=name, exact=True).filter(visible=True).count():
        menu = header.get_by_role("button", name=re.compile("More"))
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        check_page(page)
    link = header.get_by_role("link", name=name, exact=True).filter(visible=True)
    expect(link).to_have_count(1)
    link.click()


def _success(page: Page, text: str) -> None:
    expect(page.locator(".nhsuk-notification-banner--success").filter(has_text=text)) \
        .to_be_visible()


def _fill_date(page: Page, field: str, day: dt.date) -> None:
    page.locator(f"#id_{field}_day").fill(str(day.day))
    page.locator(f"#id_{field}_month").fill(str(day.month))
    page.locator(f"#id_{field}_year").fill(str(day.year))


def _open_the_referral(page: Page) -> None:
    """From anywhere: Panel decisions in the header, then the referral."""
    _header_link(page, "Panel decisions")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Risk enablement panel decisions")
    check_page(page)
    page.locator("#results").get_by_role("link", name=QUESTION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Referral to the risk enablement panel")
    check_page(page)


def test_on_a_phone_cecilias_hard_decision_goes_to_the_panel_and_becomes_a_local_principle(
        phone_page: Page):
    page = phone_page
    today = timezone.localdate()

    # 1. Sam refers the question from Cecilia's plan, first with only one option.
    _sign_in(page, "Sam Okafor")
    page.get_by_role("link", name="Cecilia Adeyemi").click()
    check_page(page)
    page.get_by_role("link", name="Cece's care and support plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Personalised care and support plan")
    check_page(page)
    page.get_by_role("link", name="Refer a hard decision to the risk enablement panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Refer a hard decision to the risk enablement panel")
    check_page(page)

    page.get_by_label("What is the panel asked to decide?").fill(QUESTION)
    page.get_by_label("A significant risk the person chooses to take").check()
    page.get_by_label("What does the person think?").fill(PERSON_VIEW)
    page.locator("#id_option_1_description").fill(WALK_ALONE)
    page.locator("#id_option_1_benefits").fill(
        "She keeps her independence, her routine and her strength")
    page.locator("#id_option_1_risks").fill(
        "She could fall on the way; the alarm calls Bernard, then the hub")
    page.get_by_role("button", name="Refer to the panel").click()
    expect(page.locator("#id_option_2_description-error")).to_contain_text(
        "Describe option 2")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page)

    page.locator("#id_option_2_description").fill(WITH_VOLUNTEER)
    page.locator("#id_option_2_benefits").fill(
        "She gets used to the route with someone beside her")
    page.locator("#id_option_2_risks").fill(
        "She waits a month for something she can do now, and may lose heart")
    page.get_by_role("button", name="Refer to the panel").click()
    _success(page, "Referred to the risk enablement panel")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Referral to the risk enablement panel")
    expect(page.locator("#question").locator("xpath=following-sibling::dl[1]")) \
        .to_contain_text("A significant risk the person chooses to take")
    expect(page.get_by_text("Waiting for the panel")).to_be_visible()
    check_page(page)

    referral = PanelReferral.objects.get(person__nhs_number="9990000018")
    assert referral.question == QUESTION
    assert [o.description for o in referral.options.order_by("position")] == [
        WALK_ALONE, WITH_VOLUNTEER]

    # 2. Ruth finds it in Panel decisions and records what the panel decided.
    _sign_in(page, "Ruth Evans")
    _open_the_referral(page)
    page.get_by_role("button", name="Record the panel's decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the panel's decision")
    check_page(page)
    _fill_date(page, "panel_date", today)
    page.get_by_label("Ruth Evans, Risk enablement panel member").check()
    page.get_by_label("Who else was on the panel").fill(
        "Asha Patel, clinical director\nGwen Roberts, occupational therapist")
    page.get_by_label(f"Option 1: {WALK_ALONE}").check()
    page.get_by_label("The decision, in plain words").fill(DECISION)
    page.get_by_label("Why the panel decided this").fill(RATIONALE)
    page.get_by_role("button", name="Save the decision").click()
    _success(page, "The panel's decision is recorded")
    expect(page.get_by_text("Chosen by the panel")).to_be_visible()
    on_the_panel = page.locator("#decision + dl")
    expect(on_the_panel).to_contain_text("Ruth Evans")
    expect(on_the_panel).to_contain_text("Asha Patel, clinical director")
    expect(on_the_panel).to_contain_text(f"Option 1: {WALK_ALONE}")
    expect(on_the_panel).to_contain_text(RATIONALE)
    expect(page.locator("#tell-text")).to_contain_text(DECISION)
    check_page(page)

    # 3. Sam shares it with Cecilia, and records how and when.
    _sign_in(page, "Sam Okafor")
    _open_the_referral(page)
    page.get_by_role("button", name="Record that it was shared").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record that the decision was shared with Cece")
    check_page(page)
    _fill_date(page, "shared_on", today)
    page.get_by_label("In person").check()
    page.get_by_role("button", name="Save").click()
    _success(page, "Recorded that the decision was shared with the person")
    expect(page.get_by_text(re.compile(r"Shared on .*, in person, by Sam Okafor"))) \
        .to_be_visible()
    check_page(page)

    # 4. David marks it as a local principle, in words that do not say who it was about.
    _sign_in(page, "David Clarke")
    _open_the_referral(page)
    page.get_by_role("link", name="Mark this decision as a local principle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mark this decision as a local principle")
    check_page(page)
    page.get_by_label("The principle, in plain words").fill(PRINCIPLE)
    page.get_by_role("button", name="Save the principle").click()
    _success(page, "Marked as a local principle")
    check_page(page)

    _header_link(page, "Local principles")
    expect(page.get_by_role("heading", level=1)).to_have_text("Local principles")
    expect(page.locator("#principles")).to_contain_text(PRINCIPLE)
    for who in ("Cecilia", "Adeyemi", "Cece", "Bernard", "9990000018", "999 000 0018"):
        expect(page.locator("main")).not_to_contain_text(who)
    check_page(page)

    # 5. A search of past decisions for a word from the question finds it.
    _header_link(page, "Panel decisions")
    page.get_by_label("Search past decisions").fill("shop")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#results")
    expect(results).to_contain_text("1 referral matching “shop”")
    expect(results.get_by_role("link", name=QUESTION)).to_be_visible()
    expect(results).to_contain_text("Local principle")
    check_page(page)

    referral.refresh_from_db()
    assert referral.status == "shared"
    assert referral.is_local_principle
    assert referral.principle_summary == PRINCIPLE


def _focused(page: Page) -> str:
    """What has the keyboard focus: its tag, id and text or accessible label."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        if (!e) return "";
        const label = e.labels && e.labels.length ? e.labels[0].textContent : e.textContent;
        return [e.tagName.toLowerCase(), e.id, (label || "").replace(/\\s+/g, " ").trim()]
            .join("|");
    }""")


def _tab_to(page: Page, pattern: str, most: int = 80) -> None:
    """Press Tab until the focused element matches `pattern`, as a keyboard user would; it must
    show that it has the focus (WCAG 2.4.7), as NHS.UK frontend's yellow focus style does."""
    seen = []
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if re.search(pattern, focused):
            shows_focus = page.evaluate("""() => {
                const style = getComputedStyle(document.activeElement);
                return style.outlineStyle !== "none" || style.boxShadow !== "none";
            }""")
            assert shows_focus, f"{focused} has the focus but does not show it"
            return
        seen.append(focused)
    raise AssertionError(f"Tabbed {most} times without reaching {pattern!r}; focus went "
                         f"through: {seen}")


def _cecilias_plan_waiting_for_sign_off() -> None:
    """What this journey is not about, done through the services as Sam: Cecilia's plan
    recorded, agreed by her and submitted for sign-off (it goes to level 2)."""
    cecilia = Person.objects.get(nhs_number="9990000018")
    sam = User.objects.get(username="sam.okafor")
    plan = _bring_to_record_and_agree(cecilia, sam)
    plan_services.plan_agree(actor=sam, plan=plan, version=plan.version, agreed_by="person",
                             how="Read it together at home and signed it",
                             agreements=Agreement.values)
    plan.refresh_from_db()
    submission = governance_services.plan_submit_for_sign_off(actor=sam, plan=plan,
                                                               version=plan.version)
    assert submission.level == 2


def test_on_a_phone_the_work_queues_decisions_delegated_authority_and_outbox(phone_page: Page,
                                                                           settings):
    page = phone_page
    # The service's own email backend, which keeps what it sends for the outbox (the tests'
    # default keeps it in memory).
    settings.EMAIL_BACKEND = "ourplan.notifications.backends.OutboxBackend"
    _cecilias_plan_waiting_for_sign_off()

    # 1. Sam's work queue: his own people, then everyone in his teams.
    _sign_in(page, "Sam Okafor")
    _header_link(page, "My work")
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    waiting = page.locator("[aria-labelledby=awaiting-sign-off]")
    expect(page.locator("#awaiting-sign-off")).to_have_text("Plans waiting for sign-off (1)")
    expect(waiting).to_contain_text("Cecilia Adeyemi: submitted")
    expect(waiting).to_contain_text("to level 2")
    check_page(page)
    page.get_by_role("link", name="Show everyone in my teams").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My teams' work")
    expect(waiting).to_contain_text("Cecilia Adeyemi")
    check_page(page)
    page.get_by_role("link", name="Show only people whose care team I am on").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    check_page(page)

    # From the queue to Cecilia's sign-off page, and from her plan to her reviews page.
    waiting.get_by_role("link", name="Cecilia Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreement and sign-off")
    expect(page.locator("#waiting")).to_contain_text("waiting for a decision at level 2")
    check_page(page)
    _header_link(page, "Caseload")
    page.get_by_role("link", name="Cecilia Adeyemi").click()
    page.get_by_role("link", name="Cece's care and support plan").click()
    page.get_by_role("link", name="Reviews of the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews")
    check_page(page)

    # 2. Helen's decisions: Cecilia's plan is waiting for her, and she signs it off.
    _sign_in(page, "Helen Price")
    _header_link(page, "Decisions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions waiting for you")
    expect(page.get_by_text("plan sign-off at level 2")).to_be_visible()
    row = page.locator("#approvals tr", has_text="Cecilia Adeyemi")
    expect(row).to_contain_text("Plan sign-off")
    expect(row).to_contain_text("Sam Okafor")
    check_page(page)
    row.get_by_role("link", name="Cecilia Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan sign-off")
    check_page(page)
    page.get_by_label("Sign off the plan").check()
    page.get_by_label("Reasons").fill("The plan meets Cece's needs and manages her risks")
    page.get_by_role("button", name="Record the decision").click()
    _success(page, "Plan signed off")
    check_page(page)
    _header_link(page, "Decisions")
    expect(page.locator("#approvals tr", has_text="Cecilia Adeyemi")).to_have_count(0)
    expect(page.locator("#approvals tr", has_text="Harold Jenkins")).to_have_count(1)
    check_page(page)

    # 3. Tom raises the plan sign-off level 2 budget limit from £20,000 to £25,000 with the
    # keyboard only: Tab to move, Enter to follow the link, Space to press Save.
    _sign_in(page, "Tom Hughes")
    _header_link(page, "Delegated authority")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delegated authority")
    level_2 = page.get_by_role("row").filter(has=page.get_by_role(
        "link", name="Change level 2 for plan sign-off"))
    expect(level_2).to_contain_text("£20,000.00")
    check_page(page)
    _tab_to(page, r"^a\|\|Change level 2 for plan sign-off$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change a level of delegated authority")
    expect(page.get_by_label("Largest budget decided at this level")).to_have_value("20000.00")
    check_page(page)
    _tab_to(page, r"^input\|id_max_budget\|")
    page.keyboard.press("Control+A")
    page.keyboard.type("25000")
    _tab_to(page, r"^button\|\|Save$")
    page.keyboard.press("Space")
    _success(page, "Plan sign-off at level 2 saved")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delegated authority")
    expect(level_2).to_contain_text("£25,000.00")
    check_page(page)
    rung = Authority.objects.get(decision=DecisionKind.PLAN_SIGN_OFF, level=2)
    assert rung.max_budget == Decimal("25000.00")

    # 4. Tom reads the outbox once the worker has sent the sign-off letter.
    call_command("send_messages", stdout=StringIO())
    _header_link(page, "Outbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    email = page.locator("#outbox tr", has_text="Cecilia Adeyemi")
    expect(email).to_contain_text("sam.okafor@riverside.example")
    check_page(page)
    email.get_by_text("Your care and support plan has been signed off", exact=True).click()
    expect(email.locator(".nhsuk-details__text")).to_contain_text(
        "Your care and support plan has been signed off.")
    check_page(page)
