"""Journeys people make, in a real browser, with axe-core on every page visited."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from ourplan.demo.data import DEMO_PASSWORD
from ourplan.people.models import Person
from tests.browser.axe import check_accessibility


def sign_in_as_persona(page: Page, name: str) -> None:
    page.goto("/personas/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in as a demo persona")
    check_accessibility(page)
    page.get_by_role("button", name=f"Sign in as {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    check_accessibility(page)


def sign_in_with_password(page: Page, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # Wait for the answer: the next step may navigate away and abort an unfinished POST.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_a_named_coordinator_adds_someone_to_cecilias_circle(page: Page):
    sign_in_as_persona(page, "Sam Okafor")

    expect(page.get_by_role("link", name="Gwen Roberts")).to_be_visible()
    page.get_by_label("Search by name or NHS number").fill("Cecilia")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Gwen Roberts")).to_have_count(0)
    expect(page.get_by_role("link", name="Cecilia Adeyemi")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Cecilia Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cecilia Adeyemi")
    expect(page.get_by_text("999 000 0018").first).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Add someone to their circle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add someone to Cece's circle")
    check_accessibility(page)

    page.get_by_label("Full name").fill("Ruth Adeyemi")
    page.get_by_label("Relationship to the person").fill("Niece")
    page.get_by_label("Carer", exact=True).check()
    page.get_by_label("NHS number (optional)").fill("999 000 0019")
    page.get_by_role("button", name="Save").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page.locator("#id_nhs_number-error")).to_contain_text("This is not a valid NHS number")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(summary).to_be_focused()
    check_accessibility(page)

    summary.get_by_role("link", name=re.compile("not a valid NHS number")).click()
    expect(page.locator("#id_nhs_number")).to_be_focused()
    expect(page.locator("#id_nhs_number")).to_have_value("999 000 0019")

    page.locator("#id_nhs_number").fill("999 000 0026")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Cecilia Adeyemi")
    expect(page.get_by_text("Ruth Adeyemi has been added to the circle")).to_be_visible()
    expect(page.get_by_role("heading", name="Ruth Adeyemi")).to_be_visible()
    check_accessibility(page)
    cecilia = Person.objects.get(nhs_number="9990000018")
    assert cecilia.personal_contacts.filter(name="Ruth Adeyemi",
                                            nhs_number="9990000026").exists()


def test_searching_by_nhs_number_finds_cecilia(page: Page):
    sign_in_as_persona(page, "Priya Shah")

    page.get_by_label("Search by name or NHS number").fill("999 000 0018")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("link", name="Gwen Roberts")).to_have_count(0)
    expect(page.get_by_role("link", name="Cecilia Adeyemi")).to_be_visible()
    check_accessibility(page)


def test_password_sign_in_with_a_wrong_then_right_password(page: Page):
    page.goto("/sign-in/")
    check_accessibility(page)
    sign_in_with_password(page, "priya.shah", "wrong password")

    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter a correct username and password")
    expect(page).to_have_title(re.compile("^Error: "))
    check_accessibility(page)

    sign_in_with_password(page, "priya.shah", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    expect(page.get_by_role("link", name="Cecilia Adeyemi")).to_be_visible()
    check_accessibility(page)


def test_five_wrong_passwords_lock_the_account(page: Page):
    for attempt in range(1, 6):
        sign_in_with_password(page, "jo.bennett", "not it")
        if attempt == 1:
            expect(page.locator(".nhsuk-error-summary")).to_be_visible()
            check_accessibility(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")
    check_accessibility(page)
    sign_in_with_password(page, "jo.bennett", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")


def test_sign_in_works_with_the_keyboard_alone(page: Page):
    page.goto("/sign-in/")
    check_accessibility(page)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#maincontent$"))
    expect(page.locator("#maincontent")).to_be_focused()

    # From the main content, the next Tab goes to the first field of the form.
    page.keyboard.press("Tab")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("helen.price")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    check_accessibility(page)


def assert_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    assert widths["scroll"] <= widths["inner"], (
        f"{page.url} scrolls sideways on a phone: {widths['scroll']}px of content in a "
        f"{widths['inner']}px window")


def test_pages_fit_a_phone_screen(phone_page: Page):
    sign_in_as_persona(phone_page, "Sam Okafor")
    assert_no_sideways_scroll(phone_page)

    phone_page.get_by_role("link", name="Cecilia Adeyemi").click()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Cecilia Adeyemi")
    assert_no_sideways_scroll(phone_page)
    check_accessibility(phone_page)


def test_an_administrator_sees_who_looked_at_cecilias_record(page: Page):
    sign_in_as_persona(page, "Sam Okafor")
    page.get_by_role("link", name="Cecilia Adeyemi").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cecilia")
    check_accessibility(page)
    page.goto("/sign-out/")
    check_accessibility(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)

    sign_in_as_persona(page, "Tom Hughes")
    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_label("Search by name or NHS number")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Search by name or NHS number").fill("999 000 0018")
    page.get_by_role("button", name="Search").click()
    result = page.get_by_role("link", name=re.compile("^Cecilia Adeyemi"))
    expect(result).to_be_visible()
    check_accessibility(page)
    result.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Who has looked at Cecilia Adeyemi's record")
    row = page.locator("tr", has_text="Sam Okafor").filter(has_text="Looked at the record")
    expect(row.first).to_be_visible()
    check_accessibility(page)


def test_someone_outside_your_scope_is_not_found(page: Page):
    harold = Person.objects.get(nhs_number="9990000042")
    sign_in_as_persona(page, "Priya Shah")
    expect(page.get_by_role("link", name="Harold Jenkins")).to_have_count(0)

    response = page.goto(f"/people/{harold.pk}/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_accessibility(page)


def test_adding_a_person_shows_errors_beside_the_fields(page: Page):
    sign_in_as_persona(page, "Sam Okafor")
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    check_accessibility(page)

    page.get_by_label("NHS number").fill("999 000 001")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator("#id_nhs_number-error")).to_contain_text("NHS number is too short")
    expect(page.locator("#id_given_name-error")).to_contain_text("Enter their first name")
    check_accessibility(page)


def test_every_other_page_passes_axe(page: Page):
    """The pages the journeys above do not reach, each checked with axe (errors included)."""
    sign_in_as_persona(page, "Sam Okafor")
    cecilia = Person.objects.get(nhs_number="9990000018")
    contact = cecilia.personal_contacts.first()
    member = cecilia.care_team.first()
    assert contact is not None
    assert member is not None
    base = f"/people/{cecilia.pk}"
    for path in [
        f"{base}/edit/", f"{base}/circle/{contact.pk}/edit/",
        f"{base}/circle/{contact.pk}/remove/", f"{base}/care-team/add/",
        f"{base}/care-team/{member.pk}/edit/", "/people/?q=nobody-at-all", "/accessibility",
        "/privacy", "/people/00000000-0000-0000-0000-000000000000/",
    ]:
        page.goto(path)
        check_accessibility(page)

    page.goto(f"{base}/care-team/add/")
    page.get_by_label("Role").fill("")
    page.locator("#id_end_date_day").fill("40")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_accessibility(page)

    page.goto(f"{base}/edit/")
    page.locator("#id_date_of_birth_month").fill("13")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#id_date_of_birth-error")).to_contain_text("must be a real date")
    check_accessibility(page)


def test_a_coordinator_starts_a_plan_and_moves_it_on(page: Page):
    sign_in_as_persona(page, "Priya Shah")
    page.get_by_role("link", name="Gwen Roberts").click()
    page.get_by_role("link", name="Gwen's care and support plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gwen does not have a plan yet")
    check_accessibility(page)

    page.get_by_role("button", name="Start the plan").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select the kind of plan")
    check_accessibility(page)
    page.get_by_label("Personalised wellbeing plan").check()
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personalised wellbeing plan")
    check_accessibility(page)

    page.get_by_role("button", name="Start preparing").click()
    page.get_by_role("button", name="Move on to the conversation").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Complete these sections before moving on")
    check_accessibility(page)

    for section in ["About me and my one-page summary", "What is working and not working"]:
        _mark_completed(page, section)
    page.get_by_role("button", name="Move on to the conversation").click()

    expect(page.get_by_text("The plan is now at: Conversation")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Record how much support the planning needs").click()
    page.get_by_label("Not confident").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("More support", exact=True)).to_be_visible()
    check_accessibility(page)


def test_cecilias_about_me_and_what_is_working(page: Page):
    sign_in_as_persona(page, "Sam Okafor")
    page.get_by_role("link", name="Cecilia Adeyemi").click()
    page.get_by_role("link", name="Cece's care and support plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Personalised care and support plan")
    check_accessibility(page)

    page.locator("#plan-sections").get_by_role(
        "link", name="About me and my one-page summary").click()
    expect(page.get_by_label("What is important to me")).to_contain_text("fine bone china")
    check_accessibility(page)
    page.get_by_label("Please do (optional)", exact=True).fill("Make my tea in a china cup")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("About me has been saved")).to_be_visible()

    page.locator("#plan-sections").get_by_role(
        "link", name="What is working and not working").click()
    expect(page.locator("li", has_text="Speak with my sisters weekly")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Add").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Select whether it is working, not working or a strength")
    check_accessibility(page)
    page.get_by_label("Not working", exact=True).check()
    page.get_by_label("What is it?").fill("I can't get upstairs to the bathroom at night")
    page.get_by_label("The person", exact=True).check()
    page.get_by_role("button", name="Add").click()
    expect(page.locator("li", has_text="I can't get upstairs to the bathroom")).to_be_visible()
    check_accessibility(page)


def test_outcomes_are_coached_as_they_are_written(page: Page):
    sign_in_as_persona(page, "Sam Okafor")
    cecilia = Person.objects.get(nhs_number="9990000018")
    page.goto(f"/people/{cecilia.pk}/plan/outcomes/")
    expect(page.get_by_role("heading", name=re.compile("cup of tea on my own"))).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Add an outcome").click()
    page.wait_for_load_state("load")  # htmx wires up the field once the page has loaded
    page.wait_for_function("() => window.htmx !== undefined")
    outcome = page.get_by_label("The outcome, in the person's words")
    outcome.fill("3 homecare visits a day for medication administration")
    outcome.press("End")
    coaching = page.locator("#outcome-coaching")
    expect(coaching).to_contain_text("This outcome could be better")
    expect(coaching).to_contain_text("homecare")
    check_accessibility(page)

    outcome.fill("I take the right dose of my medicines at the right time of day")
    outcome.press("End")
    expect(coaching).to_contain_text("Nothing to suggest")
    page.get_by_label("Rough cost (£) (optional)").fill("-3")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_rough_cost-error")).to_contain_text("cannot be less than zero")
    check_accessibility(page)

    page.get_by_label("Rough cost (£) (optional)").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("right dose of my medicines"))
           ).to_be_visible()
    check_accessibility(page)


def _mark_completed(page: Page, section: str) -> None:
    """Mark a section completed through its status page, as a coordinator would."""
    from ourplan.plans.workflow import Section

    slug = next(s.value for s in Section if s.label == section)
    page.goto(page.url.split("/plan/")[0] + f"/plan/sections/{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(section)
    check_accessibility(page)
    page.get_by_label("Completed").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{section}: status saved")).to_be_visible()


def test_a_plan_for_a_new_person_from_empty_to_agreed(page: Page):
    sign_in_as_persona(page, "Sam Okafor")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Okoye")
    page.locator("#id_date_of_birth_day").fill("3")
    page.locator("#id_date_of_birth_month").fill("9")
    page.locator("#id_date_of_birth_year").fill("1948")
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("Riverside Integrated Care Hub").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Okoye")
    check_accessibility(page)

    page.get_by_role("link", name="Ada's care and support plan").click()
    page.get_by_label("Personalised wellbeing plan").check()
    page.get_by_role("button", name="Start the plan").click()
    page.get_by_role("button", name="Start preparing").click()

    page.locator("#plan-sections").get_by_role(
        "link", name="About me and my one-page summary").click()
    page.get_by_label("What is important to me").fill("My allotment and my grandchildren")
    page.get_by_role("button", name="Save").click()
    _mark_completed(page, "About me and my one-page summary")
    _mark_completed(page, "What is working and not working")
    page.get_by_role("button", name="Move on to the conversation").click()
    expect(page.get_by_text("The plan is now at: Conversation")).to_be_visible()

    page.locator("#plan-sections").get_by_role(
        "link", name="What I want to achieve (needs and outcomes)").click()
    page.get_by_role("button", name="Add an outcome").click()
    page.get_by_label("The outcome, in the person's words").fill(
        "I spend a morning at my allotment every week from spring")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name=re.compile("^Add an action")).click()
    check_accessibility(page)
    page.get_by_label("What will be done").fill("Ask the allotment society about a raised bed")
    page.get_by_label("Someone in their circle").check()
    page.get_by_role("button", name="Save").click()
    _mark_completed(page, "What I want to achieve (needs and outcomes)")
    _mark_completed(page, "Contingency and safety plans")
    page.get_by_role("button", name="Record and agree the plan").click()
    _mark_completed(page, "Actions: who does what, by when")
    _mark_completed(page, "Reviewing my plan")

    page.get_by_role("button", name="Start making it happen").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("must agree the plan")
    check_accessibility(page)

    page.get_by_role("link", name="Record that the plan has been agreed").click()
    check_accessibility(page)
    page.get_by_label("The person themselves").check()
    page.get_by_label("How did they agree?").fill("Read it together and signed at home")
    page.get_by_role("button", name="Record agreement").click()
    expect(page.get_by_text("Version 1 agreed by Ada Okoye")).to_be_visible()
    expect(page.get_by_text("Nothing: the plan is as it was agreed.")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_role("heading", name=re.compile("allotment every week"))).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Back to the plan").click()
    page.get_by_role("button", name="Start making it happen").click()
    expect(page.get_by_text("The plan is now at: Make it happen")).to_be_visible()
    check_accessibility(page)


def test_the_plans_list_sections_pass_axe(page: Page):
    sign_in_as_persona(page, "Sam Okafor")
    cecilia = Person.objects.get(nhs_number="9990000018")
    base = f"/people/{cecilia.pk}/plan"
    for section in ["health", "personal_assistants", "risks", "contingency", "decisions",
                    "review"]:
        page.goto(f"{base}/details/{section}/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page)

    page.goto(f"{base}/details/contingency/")
    page.get_by_role("link", name="Add a contingency plan").click()
    check_accessibility(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter what would set this off")
    check_accessibility(page)
    page.get_by_label("What would set this off").fill("My CPAP machine breaks")
    page.get_by_label("What should happen").fill("Phone the sleep clinic's helpline")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="My CPAP machine breaks")).to_be_visible()

    page.goto(f"{base}/details/review/")
    page.get_by_role("link", name="Add a review arrangement").click()
    page.get_by_label("Who is responsible").fill("Sam Okafor")
    page.get_by_label("How it will be done", exact=True).fill("At home, with Bernard")
    page.get_by_label("How the person can ask for a review at any time").fill("Phone Sam")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_planned_date-error")).to_contain_text(
        "Enter a planned review date or how often")
    check_accessibility(page)


def test_two_people_editing_about_me_at_once_lose_nothing(page: Page, browser, live_server):
    from tests.browser.conftest import new_page

    other = new_page(browser, live_server, viewport={"width": 1280, "height": 800})
    cecilia = Person.objects.get(nhs_number="9990000018")
    url = f"/people/{cecilia.pk}/plan/about-me/"
    sign_in_as_persona(page, "Sam Okafor")
    sign_in_as_persona(other, "Helen Price")
    page.goto(url)
    other.goto(url)

    other.get_by_label("Please do (optional)", exact=True).fill("Talk to me, not Bernard")
    other.get_by_role("button", name="Save").click()
    expect(other.get_by_text("About me has been saved")).to_be_visible()

    page.get_by_label("Please do (optional)", exact=True).fill("Give me time to answer")
    page.get_by_role("button", name="Save").click()
    conflict = page.locator("#conflict")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Someone else changed")
    expect(conflict).to_contain_text("Talk to me, not Bernard")
    expect(conflict).to_contain_text("Give me time to answer")
    check_accessibility(page)
    other.context.close()
