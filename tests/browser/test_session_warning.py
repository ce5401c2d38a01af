"""The warning before a portal session ends for want of use, in a real browser on a phone
(WCAG 2.2.1, timing adjustable): it appears before the end, takes the focus, keeps the session
going from the keyboard (Enter on "Stay signed in", or Escape), and, left alone, ends on the
sign-in page saying why. The idle time is shortened so the test takes seconds, not minutes."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ourplan.demo.data import DEMO_PASSWORD
from ourplan.people.models import Person
from tests.browser.axe import check_accessibility
from tests.browser.reflow import fits_the_screen

IDLE_SECONDS = 16
WARNING_SECONDS = 10
# The first warning comes IDLE - WARNING seconds after the page; allow for a slow machine.
WAIT_MS = (IDLE_SECONDS + 10) * 1000


def _seconds_left(page: Page) -> int:
    return page.evaluate(
        """() => fetch("/session/", {headers: {Accept: "application/json"}})
                   .then(response => response.json()).then(found => found.seconds_left)""")


def test_the_person_is_warned_and_can_stay_signed_in_or_is_signed_out(phone_page: Page,
                                                                        settings):
    settings.PORTAL_IDLE_SECONDS = IDLE_SECONDS
    settings.PORTAL_IDLE_WARNING_SECONDS = WARNING_SECONDS
    page = phone_page
    mark = Person.objects.get(nhs_number="9990000026")
    page.goto(f"/sign-in/?next=/my/{mark.pk}/")
    page.get_by_label("Username", exact=False).first.fill("linda.ellison@example.com")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark's plan")
    warning = page.get_by_role("dialog", name="You are about to be signed out")
    expect(warning).to_be_hidden()

    # The warning comes, with the focus on "Stay signed in": Enter keeps the session going.
    expect(warning).to_be_visible(timeout=WAIT_MS)
    expect(warning).to_contain_text("we will sign you out in")
    check_accessibility(page)
    fits_the_screen(page)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    assert _seconds_left(page) > WARNING_SECONDS

    # It comes again; Escape keeps the session going too.
    expect(warning).to_be_visible(timeout=WAIT_MS)
    page.keyboard.press("Escape")
    expect(warning).to_be_hidden()
    assert _seconds_left(page) > WARNING_SECONDS
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark's plan")

    # Left alone, it ends on the sign-in page, which says why and returns to the same page.
    expect(warning).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Ourplan",
                                                               timeout=WAIT_MS)
    expect(page.get_by_text("We signed you out because you had not used Ourplan")).to_be_visible()
    check_accessibility(page)
    assert _seconds_left(page) == 0
    page.get_by_label("Username", exact=False).first.fill("linda.ellison@example.com")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark's plan")


def test_staff_are_warned_before_the_end_of_the_working_day_and_can_carry_on(page: Page,
                                                                             settings):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    settings.PORTAL_IDLE_WARNING_SECONDS = WARNING_SECONDS
    page.goto("/sign-in/")
    page.get_by_label("Username", exact=False).first.fill("sam.okafor")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    warning = page.get_by_role("dialog", name="You are about to be signed out")

    expect(warning).to_be_visible(timeout=WAIT_MS)
    expect(warning).to_contain_text("You have been signed in for a long time")
    check_accessibility(page)
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    assert _seconds_left(page) > WARNING_SECONDS

    # Left alone, it ends on the sign-in page, which says why.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Ourplan",
                                                               timeout=2 * WAIT_MS)
    expect(page.get_by_text("because you had been signed in for")).to_be_visible()
    check_accessibility(page)
